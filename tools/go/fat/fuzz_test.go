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
	img := makeFAT(f, fatSpec{name: "tiny", size: 64 << 10, mkfs: []string{"-F", "12"}}, false)
	src := f.TempDir() + "/a file with a long name.txt"
	if err := os.WriteFile(src, bytes.Repeat([]byte("x"), 3000), 0644); err != nil {
		f.Fatal(err)
	}
	runTool(f, "mcopy", "-i", img.spec, src, "::/")
	runTool(f, "mmd", "-i", img.spec, "::/DIR")
	runTool(f, "mcopy", "-i", img.spec, src, "::/DIR/short.txt")
	for _, p := range []string{img.path, makeExFAT(f, 1<<20, []string{"-b", "4K", "-c", "4K"}).path} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(bytes.TrimRight(b[:64<<10], "\x00"))
	}
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
