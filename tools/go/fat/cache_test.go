// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"testing"
)

// countingDev counts the reads that reach the device.
type countingDev struct {
	r     io.ReaderAt
	reads int64
}

func (c *countingDev) ReadAt(b []byte, off int64) (int, error) {
	atomic.AddInt64(&c.reads, 1)
	return c.r.ReadAt(b, off)
}

// BenchmarkMetadata: stat every file of a 120-entry directory and list it,
// with and without the metadata cache, on an image file (each device read
// a pread; on a stick, a USB round trip); device reads per operation are
// reported.
func BenchmarkMetadata(b *testing.B) {
	img := makeFAT(b, fatSpecs[2], true)
	file, err := os.Open(img.path)
	if err != nil {
		b.Fatal(err)
	}
	defer file.Close()
	st, _ := file.Stat()
	var names []string
	for p := range img.files {
		names = append(names, p)
	}
	for _, blocks := range []int{-1, 1024} {
		name := "cache"
		if blocks < 0 {
			name = "nocache"
		}
		b.Run(name, func(b *testing.B) {
			dev := &countingDev{r: file}
			fsys, err := Open(dev, st.Size(), &Options{CacheBlocks: blocks})
			if err != nil {
				b.Fatal(err)
			}
			atomic.StoreInt64(&dev.reads, 0)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, p := range names {
					if _, err := fsys.Stat(p); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := fsys.ReadDir("many"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(atomic.LoadInt64(&dev.reads))/float64(b.N), "devreads/op")
		})
	}
}

// Concurrent readers share the cache: every goroutine reads every file and
// lists every directory while the cache is small enough to evict.
func TestConcurrentReaders(t *testing.T) {
	img := makeFAT(t, fatSpecs[1], true)
	fsys, _ := openImage(t, img, &Options{CacheBlocks: 8})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for p, want := range img.files {
				got, err := fsys.ReadFile(p)
				if err != nil || !bytes.Equal(got, want) {
					errs <- fmt.Errorf("goroutine %d: %s: %v", g, p, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := fsys.CacheStats()
	if st.Blocks > 8 {
		t.Errorf("cache holds %d blocks, bound 8", st.Blocks)
	}
	t.Logf("cache: %d hits, %d misses, %d blocks", st.Hits, st.Misses, st.Blocks)
}
