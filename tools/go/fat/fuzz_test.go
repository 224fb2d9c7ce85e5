// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"os"
	"runtime"
	"testing"
)

// fuzzDevice is the size of the device a fuzz input is put on: its first
// bytes are the input, the rest zeros.
const fuzzDevice = 1 << 20

// zeroTail is a device of fuzzDevice bytes that holds the input and reads
// as zeros past it (without a megabyte per input to allocate and clear).
type zeroTail []byte

func (z zeroTail) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 || off >= fuzzDevice {
		return 0, io.EOF
	}
	n := len(b)
	if int64(n) > fuzzDevice-off {
		n = int(fuzzDevice - off)
	}
	k := 0
	if off < int64(len(z)) {
		k = copy(b[:n], z[off:])
	}
	for i := k; i < n; i++ {
		b[i] = 0
	}
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}

// FuzzParse: hostile images never panic, never loop and never allocate
// beyond what the (small) volume can hold; whatever opens can be walked,
// read, checked and counted.  Seeds: a FAT12 volume made by mkfs.vfat and
// filled by mtools, an exFAT volume made by mkfs.exfat with a directory
// and a file this package wrote.
func FuzzParse(f *testing.F) {
	for _, b := range fuzzSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) { fuzzOne(in) })
}

// fuzzSeeds are FuzzParse's seed inputs.
func fuzzSeeds(f testing.TB) [][]byte {
	var seeds [][]byte
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
	seeds = append(seeds, b[:16<<10])
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
	return append(seeds, bytes.TrimRight(b[:48<<10], "\x00"))
}

// fuzzOne is one fuzz input's work: open, check, count, walk and read.
func fuzzOne(in []byte) {
	if len(in) > fuzzDevice {
		in = in[:fuzzDevice]
	}
	fsys, err := Open(zeroTail(in), fuzzDevice, &Options{CacheBlocks: 16})
	if err != nil {
		return
	}
	_ = fsys.Check()
	_, _ = fsys.Statfs()
	fuzzWalk(fsys, ".", 0)
}

// BenchmarkFuzzOne is one FuzzParse input's cost on each seed: the time
// and the bytes allocated per input bound how fast the fuzzer can go.
func BenchmarkFuzzOne(b *testing.B) {
	for i, in := range fuzzSeeds(b) {
		b.Run(fmt.Sprintf("seed%d", i), func(b *testing.B) {
			b.ReportAllocs()
			for n := 0; n < b.N; n++ {
				fuzzOne(in)
			}
		})
	}
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

// TestFuzzAllocBound: a hostile image allocates at most a few times the
// device it is on.  Inputs: the seeds with their boot sectors, FATs and
// directories mutated (random bytes, and the values that make sizes and
// counts large: 0, 0xFF.., powers of two), each the work of one fuzz
// input, its allocation measured.
func TestFuzzAllocBound(t *testing.T) {
	const limit = 4 * fuzzDevice
	seeds := fuzzSeeds(t)
	rng := rand.New(rand.NewSource(12))
	special := []byte{0, 0xFF, 0x80, 0x7F, 1, 2, 0x10, 0x40}
	var ms runtime.MemStats
	worst := uint64(0)
	for n := 0; n < 300; n++ {
		in := append([]byte(nil), seeds[n%len(seeds)]...)
		for k := 1 + rng.Intn(6); k > 0; k-- {
			// mostly the first 8 KiB: the boot sector, FSInfo, the FAT
			i := rng.Intn(8 << 10)
			if rng.Intn(4) == 0 || i >= len(in) {
				i = rng.Intn(len(in))
			}
			if rng.Intn(2) == 0 {
				in[i] = special[rng.Intn(len(special))]
			} else {
				in[i] = byte(rng.Intn(256))
			}
		}
		runtime.ReadMemStats(&ms)
		before := ms.TotalAlloc
		fuzzOne(in)
		runtime.ReadMemStats(&ms)
		a := ms.TotalAlloc - before
		if a > worst {
			worst = a
		}
		if a > limit {
			t.Errorf("input %d allocated %d bytes (limit %d)", n, a, limit)
		}
	}
	t.Logf("300 mutated images: at most %d bytes allocated for one", worst)
}
