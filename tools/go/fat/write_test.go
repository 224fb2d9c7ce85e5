// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

// writeScript does every kind of write on fsys and returns what the tree
// must hold afterwards.
func writeScript(t *testing.T, fsys *FS, rng *rand.Rand, cs int64, want map[string][]byte) {
	t.Helper()
	data := func(n int64) []byte {
		b := make([]byte, n)
		rng.Read(b)
		return b
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	put := func(name string, b []byte) {
		t.Helper()
		must("write "+name, fsys.WriteFile(name, b))
		want[name] = b
	}
	must("mkdir", fsys.Mkdir("NEWDIR"))
	must("mkdir", fsys.Mkdir("NEWDIR/Nested Long Directory"))
	put("UPPER.TXT", data(10))
	put("lower.txt", data(cs+1))
	put("NEWDIR/Nested Long Directory/Long file name, with spaces.dat", data(3*cs+17))
	put("NEWDIR/ünïcödé ✓.bin", data(5000))
	put("zero.len", nil)
	// overwrite: bigger, then smaller
	put("UPPER.TXT", data(4*cs))
	put("lower.txt", data(7))
	// append, across cluster boundaries
	b := data(cs - 3)
	must("append", fsys.AppendFile("log.txt", b))
	more := data(2*cs + 5)
	must("append", fsys.AppendFile("log.txt", more))
	want["log.txt"] = append(append([]byte(nil), b...), more...)
	// truncate: shrink and grow (zeros)
	must("truncate", fsys.Truncate("UPPER.TXT", cs+1))
	want["UPPER.TXT"] = want["UPPER.TXT"][:cs+1]
	must("truncate", fsys.Truncate("UPPER.TXT", 2*cs+10))
	want["UPPER.TXT"] = append(want["UPPER.TXT"], make([]byte, cs+9)...)
	must("truncate to 0", fsys.Truncate("lower.txt", 0))
	want["lower.txt"] = []byte{}
	// many entries: the directory grows past a cluster
	must("mkdir", fsys.Mkdir("bulk"))
	for i := 0; i < 40; i++ {
		put(fmt.Sprintf("bulk/a fairly long name number %02d.txt", i), data(int64(i*13)))
	}
	// rename: in place, across directories, a directory, over a file
	must("rename", fsys.Rename("zero.len", "Zero Length Renamed"))
	want["Zero Length Renamed"] = want["zero.len"]
	delete(want, "zero.len")
	must("rename", fsys.Rename("NEWDIR/ünïcödé ✓.bin", "bulk/moved.bin"))
	want["bulk/moved.bin"] = want["NEWDIR/ünïcödé ✓.bin"]
	delete(want, "NEWDIR/ünïcödé ✓.bin")
	must("rename dir", fsys.Rename("NEWDIR/Nested Long Directory", "Moved Dir"))
	for k, v := range want {
		if strings.HasPrefix(k, "NEWDIR/Nested Long Directory/") {
			want["Moved Dir/"+strings.TrimPrefix(k, "NEWDIR/Nested Long Directory/")] = v
			delete(want, k)
		}
	}
	put("victim", data(100))
	must("rename over", fsys.Rename("log.txt", "victim"))
	want["victim"] = want["log.txt"]
	delete(want, "log.txt")
	// remove: files, then an empty directory; a full one is refused
	for i := 0; i < 40; i += 3 {
		n := fmt.Sprintf("bulk/a fairly long name number %02d.txt", i)
		must("remove", fsys.Remove(n))
		delete(want, n)
	}
	if err := fsys.Remove("bulk"); err == nil {
		t.Fatal("removed a directory that is not empty")
	}
	must("mkdir", fsys.Mkdir("gone"))
	must("rmdir", fsys.Remove("gone"))
	if err := fsys.Mkdir("Moved Dir"); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("mkdir over a directory: %v", err)
	}
}

// compareWant reads the whole tree back and compares it with want
// (files of the original tree included).
func compareWant(t *testing.T, fsys *FS, want map[string][]byte) {
	t.Helper()
	sums, _ := treeSums(t, fsys)
	for p, b := range want {
		got, err := fsys.ReadFile(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if !bytes.Equal(got, b) {
			t.Errorf("%s: %d bytes back, want %d (or other bytes)", p, len(got), len(b))
		}
	}
	if len(sums) != len(want) {
		t.Errorf("%d files in the tree, want %d", len(sums), len(want))
	}
}

// Writes on FAT12/16/32 (512 and 4096-byte sectors, partitioned too): our
// reader, Check, fsck.vfat -n and mtools all agree with what was written.
func TestWriteFAT(t *testing.T) {
	for _, s := range fatSpecs {
		s := s
		t.Run(s.name, func(t *testing.T) {
			img := makeFAT(t, s, true)
			fsys, _ := openImage(t, img, nil)
			want := map[string][]byte{}
			for k, v := range img.files {
				want[k] = v
			}
			writeScript(t, fsys, rand.New(rand.NewSource(1)), fsys.ClusterSize(), want)
			compareWant(t, fsys, want)
			if err := fsys.Check(); err != nil {
				t.Fatalf("check: %v", err)
			}
			fsys2, _ := openImage(t, img, nil)
			compareWant(t, fsys2, want)
			fsckVFAT(t, img)
			// mtools reads what we wrote
			for _, p := range []string{"Moved Dir/Long file name, with spaces.dat", "UPPER.TXT", "victim", "bulk/moved.bin"} {
				out, err := exec.Command("mtype", "-i", img.spec, "::/"+p).Output()
				if err != nil || !bytes.Equal(out, want[p]) {
					t.Errorf("mtype %s: %d bytes, %v", p, len(out), err)
				}
			}
			dir := runTool(t, "mdir", "-i", img.spec, "::/bulk")
			if !strings.Contains(dir, "a fairly long name number 01.txt") || strings.Contains(dir, "number 00.txt") {
				t.Errorf("mdir ::/bulk:\n%s", dir)
			}
		})
	}
}

// Writes on exFAT made by mkfs.exfat: fsck.exfat -n is clean, our reader,
// Check and testing/fstest agree.
func TestWriteExFAT(t *testing.T) {
	for _, opts := range [][]string{nil, {"-c", "4K"}} {
		img := makeExFAT(t, 64<<20, opts)
		fsys, _ := openImage(t, img, nil)
		want := map[string][]byte{}
		writeScript(t, fsys, rand.New(rand.NewSource(2)), fsys.ClusterSize(), want)
		compareWant(t, fsys, want)
		if err := fsys.Check(); err != nil {
			t.Fatalf("check: %v", err)
		}
		fsys2, _ := openImage(t, img, nil)
		compareWant(t, fsys2, want)
		var names []string
		for p := range want {
			names = append(names, p)
		}
		sort.Strings(names)
		if err := fstest.TestFS(fsys2, names...); err != nil {
			t.Errorf("fstest: %v", err)
		}
		if out, err := exec.Command("fsck.exfat", "-n", img.path).CombinedOutput(); err != nil {
			t.Fatalf("fsck.exfat -n: %v\n%s", err, out)
		} else {
			t.Logf("fsck.exfat -n: %s", firstLines(string(out), 3))
		}
	}
}
