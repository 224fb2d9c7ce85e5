// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"testing/fstest"
)

// Every image the tools make reads back as the tools were told to write it.
func TestReadToolImages(t *testing.T) {
	for _, s := range fatSpecs {
		s := s
		t.Run(s.name, func(t *testing.T) {
			img := makeFAT(t, s, true)
			fsys, _ := openImage(t, img, nil)
			if fsys.Label() != img.label {
				t.Errorf("label %q, want %q", fsys.Label(), img.label)
			}
			if s.sector != 0 && fsys.SectorSize() != int64(s.sector) {
				t.Errorf("sector size %d, want %d", fsys.SectorSize(), s.sector)
			}
			if fsys.Offset() != img.off {
				t.Errorf("volume at %d, want %d", fsys.Offset(), img.off)
			}
			t.Logf("%s: %s, %d-byte sectors, %d-byte clusters", s.name, fsys.Kind(),
				fsys.SectorSize(), fsys.ClusterSize())
			compareTree(t, fsys, img)
			var names []string
			for p := range img.files {
				names = append(names, p)
			}
			sort.Strings(names)
			if err := fstest.TestFS(fsys, names...); err != nil {
				t.Errorf("fstest: %v", err)
			}
			if err := fsys.Check(); err != nil {
				t.Errorf("check: %v", err)
			}
			// case-insensitive lookup; the case flags give the name back as written
			if b, err := fsys.ReadFile("readme.txt"); err != nil || !bytesEq(b, img.files["README.TXT"]) {
				t.Errorf("readme.txt: %v", err)
			}
			if b, err := fsys.ReadFile("DIR/SUB DIR/Deeper/LEAF.TXT"); err != nil ||
				!bytesEq(b, img.files["DIR/sub dir/deeper/leaf.txt"]) {
				t.Errorf("case-folded path: %v", err)
			}
			ents, err := fsys.ReadDir(".")
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range ents {
				if e.Name() == img.label {
					t.Errorf("the volume label is listed as a file")
				}
			}
			if _, err := fsys.Open("nope/x"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("missing file: %v", err)
			}
			if _, err := fsys.Open("/abs"); !errors.Is(err, fs.ErrInvalid) {
				t.Errorf("invalid path: %v", err)
			}
			st, err := fsys.Statfs()
			if err != nil || st.Free <= 0 || st.Free >= st.Clusters {
				t.Errorf("statfs: %+v %v", st, err)
			}
			// reads at odd offsets through ReadAt and Seek
			fl, _ := fsys.Open("big.bin")
			ra := fl.(io.ReaderAt)
			want := img.files["big.bin"]
			for _, off := range []int64{0, 1, 511, 4095, 60000, int64(len(want)) - 3} {
				b := make([]byte, 1000)
				n, err := ra.ReadAt(b, off)
				if end := off + 1000; end > int64(len(want)) {
					if err != io.EOF || n != len(want)-int(off) {
						t.Errorf("ReadAt at %d: %d, %v", off, n, err)
					}
				} else if err != nil || !bytesEq(b[:n], want[off:off+int64(n)]) {
					t.Errorf("ReadAt at %d: %d, %v", off, n, err)
				}
			}
		})
	}
}

// An empty volume made by mkfs.exfat: the up-case table and boot checksums
// verify, the label reads, nothing is listed, Check is clean.
func TestReadExFATEmpty(t *testing.T) {
	img := makeExFAT(t, 64<<20, nil)
	fsys, _ := openImage(t, img, nil)
	if fsys.Kind() != ExFAT || fsys.Label() != img.label {
		t.Fatalf("%s %q", fsys.Kind(), fsys.Label())
	}
	if fsys.upcase == nil {
		t.Fatal("no up-case table")
	}
	ents, err := fsys.ReadDir(".")
	if err != nil || len(ents) != 0 {
		t.Fatalf("root: %v %v", ents, err)
	}
	if err := fsys.Check(); err != nil {
		t.Fatalf("check: %v", err)
	}
	st, err := fsys.Statfs()
	if err != nil || st.Free >= st.Clusters || st.Free < st.Clusters-100 {
		t.Fatalf("statfs: %+v %v", st, err)
	}
}

// sizeDev records the size of every read that reaches the device.
type sizeDev struct {
	r     io.ReaderAt
	mu    sync.Mutex
	sizes []int
}

func (d *sizeDev) ReadAt(b []byte, off int64) (int, error) {
	d.mu.Lock()
	d.sizes = append(d.sizes, len(b))
	d.mu.Unlock()
	return d.r.ReadAt(b, off)
}

func (d *sizeDev) take() []int {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.sizes
	d.sizes = nil
	return s
}

// A contiguous 8 MiB file reaches the device in 1 MiB reads through
// io.Copy (File.WriteTo), whatever buffer io.Copy would have used, and
// its FAT chain (16384 clusters of 512 bytes: 64 KiB of FAT32) in one or
// reads, not one per 4 KiB block: on FAT32 from mtools, on exFAT
// from WriteFile (a FAT chain), and from an offset Seek set.
func TestReadRequests(t *testing.T) {
	data := make([]byte, 8<<20)
	rand.New(rand.NewSource(8)).Read(data)
	fat32 := makeFAT(t, fatSpecs[2], false)
	local := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(local, data, 0644); err != nil {
		t.Fatal(err)
	}
	runTool(t, "mcopy", "-i", fat32.spec, local, "::/big.bin")
	exfat := makeExFAT(t, 64<<20, []string{"-c", "512"})
	w, _ := openImage(t, exfat, nil)
	if err := w.WriteFile("big.bin", data); err != nil {
		t.Fatal(err)
	}
	for _, img := range []*image{fat32, exfat} {
		file, err := os.Open(img.path)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		st, _ := file.Stat()
		dev := &sizeDev{r: file}
		fsys, err := Open(dev, st.Size(), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, from := range []int64{0, 3<<20 + 1000} {
			fl, err := fsys.Open("big.bin")
			if err != nil {
				t.Fatal(err)
			}
			meta := dev.take()
			if _, err := fl.(io.Seeker).Seek(from, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			n, err := io.Copy(h, fl)
			if err != nil || n != int64(len(data))-from {
				t.Fatalf("%s from %d: copied %d, %v", fsys.Kind(), from, n, err)
			}
			if !bytes.Equal(h.Sum(nil), sha(data[from:])) {
				t.Fatalf("%s from %d: wrong data", fsys.Kind(), from)
			}
			reads := dev.take()
			want := int((int64(len(data)) - from + copyChunk - 1) / copyChunk)
			if len(reads) != want {
				t.Errorf("%s from %d: %d data reads %v, want %d of up to 1 MiB", fsys.Kind(), from,
					len(reads), reads, want)
			}
			if from == 0 && len(meta) > 8 {
				t.Errorf("%s: opening the volume and the file took %d reads %v, want at most 8",
					fsys.Kind(), len(meta), meta)
			}
			t.Logf("%s from %d: open %d reads %v, data %d reads", fsys.Kind(), from, len(meta), meta, len(reads))
		}
	}
}

func sha(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}
