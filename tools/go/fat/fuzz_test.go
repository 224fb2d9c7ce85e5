// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"bytes"
	"os"
	"testing"
)

// fuzzDevice is the device a fuzz input is put on: its first bytes are
// the input, the rest zeros.
const fuzzDevice = 1 << 20

// FuzzParse: hostile images never panic, never loop and never allocate
// beyond what the (small) volume can hold; whatever opens can be walked,
// read, checked and counted.  Seeds: a FAT12 volume made by mkfs.vfat and
// filled by mtools, an empty exFAT volume made by mkfs.exfat, a
// partitioned FAT16 one.
func FuzzParse(f *testing.F) {
	// small inputs (the fuzzer is slow with large ones): a FAT12 volume
	// with a one-sector root directory, the first 16 KiB of it
	img := makeFAT(f, fatSpec{name: "tiny", size: 64 << 10, mkfs: []string{"-F", "12", "-r", "16"}}, false)
	src := f.TempDir() + "/a file with a long name.txt"
	if err := os.WriteFile(src, bytes.Repeat([]byte("x"), 3000), 0644); err != nil {
		f.Fatal(err)
	}
	runTool(f, "mcopy", "-i", img.spec, src, "::/")
	runTool(f, "mmd", "-i", img.spec, "::/DIR")
	runTool(f, "mcopy", "-i", img.spec, src, "::/DIR/short.txt")
	b, err := os.ReadFile(img.path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b[:16<<10])
	// an exFAT volume (metadata in its first 32 KiB) with a directory
	// and a file written by this package
	ex := makeExFAT(f, 1<<20, []string{"-b", "4K", "-c", "4K"})
	xf, err := os.OpenFile(ex.path, os.O_RDWR, 0)
	if err != nil {
		f.Fatal(err)
	}
	fsys, err := Open(xf, 1<<20, nil)
	if err == nil {
		err = fsys.Mkdir("D")
	}
	if err == nil {
		err = fsys.WriteFile("D/a long file name.txt", []byte("hello"))
	}
	xf.Close()
	if err != nil {
		f.Fatal(err)
	}
	if b, err = os.ReadFile(ex.path); err != nil {
		f.Fatal(err)
	}
	f.Add(bytes.TrimRight(b[:48<<10], "\x00"))
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > fuzzDevice {
			in = in[:fuzzDevice]
		}
		dev := make([]byte, fuzzDevice)
		copy(dev, in)
		fsys, err := Open(bytes.NewReader(dev), fuzzDevice, &Options{CacheBlocks: 16})
		if err != nil {
			return
		}
		_ = fsys.Check()
		_, _ = fsys.Statfs()
		fuzzWalk(fsys, ".", 0)
	})
}

func fuzzWalk(fsys *FS, p string, depth int) {
	if depth > 6 {
		return
	}
	ents, err := fsys.ReadDir(p)
	if err != nil {
		return
	}
	for i, e := range ents {
		if i > 50 {
			break
		}
		q := e.Name()
		if p != "." {
			q = p + "/" + q
		}
		if e.IsDir() {
			fuzzWalk(fsys, q, depth+1)
		} else {
			_, _ = fsys.ReadFile(q)
		}
	}
}
