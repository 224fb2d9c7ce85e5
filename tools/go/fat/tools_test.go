// SPDX-License-Identifier: GPL-2.0

package fat

// Images made at test time by tools nobody here wrote: mkfs.vfat
// (dosfstools), mkfs.exfat (exfatprogs), sfdisk (util-linux) for partition
// tables, mtools to put files in; fsck.vfat -n / fsck.exfat -n and
// mtype/mdir to check what we wrote.  The tools are required (tools/deps
// installs them): a missing one fails the test.

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func runTool(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1", "MTOOLS_NO_VFAT=0", "LC_ALL=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// image is a volume made by the tools, with what was put in it.
type image struct {
	path  string
	spec  string // mtools' -i argument (path, maybe @@offset)
	off   int64
	files map[string][]byte // io/fs path -> contents
	dirs  []string
	label string
}

// fatSpec describes an image to make.
type fatSpec struct {
	name   string
	size   int64
	mkfs   []string // mkfs.vfat options
	sector int
	table  string // "", "mbr", "gpt"
}

var fatSpecs = []fatSpec{
	{name: "fat12", size: 2 << 20, mkfs: []string{"-F", "12"}},
	{name: "fat16", size: 32 << 20, mkfs: []string{"-F", "16"}},
	{name: "fat32", size: 64 << 20, mkfs: []string{"-F", "32", "-s", "1"}},
	{name: "fat32-4k", size: 300 << 20, mkfs: []string{"-F", "32", "-S", "4096", "-s", "1"}, sector: 4096},
	{name: "fat16-4k", size: 64 << 20, mkfs: []string{"-F", "16", "-S", "4096"}, sector: 4096},
	{name: "fat32-mbr", size: 72 << 20, mkfs: []string{"-F", "32", "-s", "1"}, table: "mbr"},
	{name: "fat16-gpt", size: 40 << 20, mkfs: []string{"-F", "16"}, table: "gpt"},
}

const partOff = 1 << 20

// makeFAT makes the image, its file system and (with mtools) its tree.
func makeFAT(t testing.TB, s fatSpec, populate bool) *image {
	t.Helper()
	dir := t.TempDir()
	img := &image{path: filepath.Join(dir, s.name+".img"), files: map[string][]byte{},
		label: strings.ToUpper(strings.ReplaceAll(s.name, "-", ""))}
	if len(img.label) > 11 {
		img.label = img.label[:11]
	}
	f, err := os.Create(img.path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(s.size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	args := append([]string{}, s.mkfs...)
	args = append(args, "-n", img.label)
	img.spec = img.path
	if s.table != "" {
		label := "dos"
		typ := "c"
		if s.table == "gpt" {
			label, typ = "gpt", "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"
		}
		cmd := exec.Command("sfdisk", "--no-reread", "--no-tell-kernel", "-q", img.path)
		cmd.Stdin = strings.NewReader(fmt.Sprintf("label: %s\nstart=2048, size=%d, type=%s\n",
			label, (s.size-2*partOff)/512, typ))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("sfdisk: %v\n%s", err, out)
		}
		img.off = partOff
		img.spec = fmt.Sprintf("%s@@%d", img.path, partOff)
		args = append(args, "--offset", "2048")
		args = append(args, img.path, fmt.Sprint((s.size-2*partOff)/1024))
	} else {
		args = append(args, img.path)
	}
	runTool(t, "mkfs.vfat", args...)
	if populate {
		img.populate(t, rand.New(rand.NewSource(int64(s.size))))
	}
	return img
}

// populate puts a tree in with mtools: 8.3 names in upper and lower case,
// long and non-ASCII names, empty files, sizes around sector and cluster
// boundaries, nested directories, a directory bigger than a cluster, and
// deleted entries.
func (img *image) populate(t testing.TB, rng *rand.Rand) {
	t.Helper()
	src := t.TempDir()
	put := func(name string, n int) {
		b := make([]byte, n)
		rng.Read(b)
		if err := os.WriteFile(filepath.Join(src, name), b, 0644); err != nil {
			t.Fatal(err)
		}
		img.files[name] = b
	}
	mkdir := func(name string) {
		if err := os.Mkdir(filepath.Join(src, name), 0755); err != nil {
			t.Fatal(err)
		}
		img.dirs = append(img.dirs, name)
	}
	put("README.TXT", 100)
	put("readme2.txt", 600)
	put("MixedCase.Txt", 513)
	put("empty", 0)
	put("A Rather Long File Name With Spaces.data", 4097)
	put("Überlänge – ünïcödé.bin", 1234)
	put("sector.512", 512)
	put("big.bin", 70<<10)
	mkdir("DIR")
	mkdir("DIR/sub dir")
	mkdir("DIR/sub dir/deeper")
	put("DIR/sub dir/deeper/leaf.txt", 77)
	put("DIR/x.y", 1)
	mkdir("many")
	for i := 0; i < 120; i++ {
		put(fmt.Sprintf("many/entry number %03d.txt", i), i*5)
	}
	put("DELETED.TXT", 50)
	mkdir("emptydir")
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-s", "-i", img.spec}
	for _, e := range ents {
		args = append(args, filepath.Join(src, e.Name()))
	}
	runTool(t, "mcopy", append(args, "::/")...)
	runTool(t, "mdel", "-i", img.spec, "::/DELETED.TXT")
	delete(img.files, "DELETED.TXT")
}

func openImage(t testing.TB, img *image, opt *Options) (*FS, *os.File) {
	t.Helper()
	f, err := os.OpenFile(img.path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, _ := f.Stat()
	fsys, err := Open(f, st.Size(), opt)
	if err != nil {
		t.Fatalf("open %s: %v", img.path, err)
	}
	return fsys, f
}

// treeSums walks fsys and returns path -> sha256 of every file, and the
// directories.
func treeSums(t testing.TB, fsys *FS) (map[string][32]byte, []string) {
	t.Helper()
	sums := map[string][32]byte{}
	var dirs []string
	err := walk(fsys, func(p string, isDir bool) error {
		if isDir {
			if p != "." {
				dirs = append(dirs, p)
			}
			return nil
		}
		b, err := fsys.ReadFile(p)
		if err != nil {
			return err
		}
		sums[p] = sha256.Sum256(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(dirs)
	return sums, dirs
}

func compareTree(t testing.TB, fsys *FS, img *image) {
	t.Helper()
	sums, dirs := treeSums(t, fsys)
	for p, b := range img.files {
		s, ok := sums[p]
		if !ok {
			t.Errorf("%s: not found (have %d files)", p, len(sums))
			continue
		}
		if s != sha256.Sum256(b) {
			t.Errorf("%s: contents differ", p)
		}
	}
	for p := range sums {
		if _, ok := img.files[p]; !ok {
			t.Errorf("%s: a file nobody put there", p)
		}
	}
	want := append([]string(nil), img.dirs...)
	sort.Strings(want)
	if strings.Join(dirs, "|") != strings.Join(want, "|") {
		t.Errorf("directories: %q, want %q", dirs, want)
	}
}

// fsckVFAT runs fsck.vfat -n and fails on anything it reports.
func fsckVFAT(t testing.TB, img *image) {
	t.Helper()
	args := []string{"-n", "-V", img.path}
	if img.off != 0 {
		// fsck.fat has no offset option: check a copy of the partition
		part := filepath.Join(t.TempDir(), "part.img")
		b, err := os.ReadFile(img.path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(part, b[img.off:], 0644); err != nil {
			t.Fatal(err)
		}
		args[2] = part
	}
	out := runTool(t, "fsck.vfat", args...)
	if strings.Contains(out, "\n  ") || strings.Contains(strings.ToLower(out), "differ") {
		t.Fatalf("fsck.vfat reports problems:\n%s", out)
	}
}

func walk(fsys *FS, fn func(p string, isDir bool) error) error {
	var rec func(p string) error
	rec = func(p string) error {
		ents, err := fsys.ReadDir(p)
		if err != nil {
			return err
		}
		if err := fn(p, true); err != nil {
			return err
		}
		for _, e := range ents {
			q := e.Name()
			if p != "." {
				q = p + "/" + q
			}
			if e.IsDir() {
				if err := rec(q); err != nil {
					return err
				}
			} else if err := fn(q, false); err != nil {
				return err
			}
		}
		return nil
	}
	return rec(".")
}

func bytesEq(a, b []byte) bool { return bytes.Equal(a, b) }

// makeExFAT runs mkfs.exfat on a fresh image (options extra).
func makeExFAT(t testing.TB, size int64, extra []string) *image {
	t.Helper()
	img := &image{path: filepath.Join(t.TempDir(), "exfat.img"), files: map[string][]byte{}, label: "ExLabel"}
	f, err := os.Create(img.path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	img.spec = img.path
	runTool(t, "mkfs.exfat", append(append([]string{"-L", img.label}, extra...), img.path)...)
	return img
}

func runQuiet(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}
