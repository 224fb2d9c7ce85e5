// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// cache keeps metadata blocks (FAT sectors, directory clusters) of the
// volume.  Lookups take a read lock only, so concurrent readers do not
// serialise; blocks are never modified in place (a write replaces the
// block), so a reader may keep using a block it got.  Eviction is a clock
// over the map: a block used since the last sweep survives it.
type cache struct {
	f   *FS
	bs  int64
	max int

	mu sync.RWMutex
	m  map[int64]*cblock

	hits, misses uint64
}

type cblock struct {
	data []byte
	used uint32
}

func newCache(f *FS, max int) *cache {
	bs := int64(4096)
	if f.sectorSize > bs {
		bs = f.sectorSize
	}
	if max < 0 {
		return &cache{f: f, bs: bs}
	}
	return &cache{f: f, bs: bs, max: max, m: make(map[int64]*cblock)}
}

// fatAhead is how many blocks (128 KiB) a miss in a FAT reads at once: a
// chain walk goes on through the blocks after the one it needs, and on a
// stick one request of 128 KiB costs about what one of 4 KiB does (the
// 256 KiB FAT of a 32 MiB file in 512-byte clusters: 2 requests, not 64).
const fatAhead = 32

// block returns the cache block with index i (volume offset i*bs).
func (c *cache) block(i int64) ([]byte, error) { return c.blockFor(i, 1) }

// blockFor is block i for a read that needs want blocks from i: a miss
// reads, in one request, the blocks from i that are not cached, as many as
// the read needs, or up to fatAhead in a FAT (see ahead).
func (c *cache) blockFor(i, want int64) ([]byte, error) {
	if c.m != nil {
		c.mu.RLock()
		b := c.m[i]
		c.mu.RUnlock()
		if b != nil {
			atomic.StoreUint32(&b.used, 1)
			atomic.AddUint64(&c.hits, 1)
			return b.data, nil
		}
	}
	atomic.AddUint64(&c.misses, 1)
	if c.blockLen(i) <= 0 {
		return nil, corrupt(BadEntry, "", 0, "metadata read at %d past the volume end", i*c.bs)
	}
	if c.m == nil {
		d := make([]byte, c.blockLen(i))
		return d, c.f.readVol(d, i*c.bs)
	}
	return c.fill(i, c.ahead(i, want))
}

// blockLen is the size of block i: bs, less at the end of the volume.
func (c *cache) blockLen(i int64) int64 {
	n := c.bs
	if rest := c.f.size - i*c.bs; rest < n {
		n = rest
	}
	return n
}

// ahead is how many blocks from i (not cached) a miss reads: want, or
// fatAhead inside a FAT copy (to its end); never past the volume, a
// cached block or a quarter of the cache.
func (c *cache) ahead(i, want int64) int64 {
	f := c.f
	off := i * c.bs
	end := off + want*c.bs
	for k := 0; k < f.numFATs; k++ {
		lo := f.fatOff + int64(k)*f.fatLen
		if off >= lo && off < lo+f.fatLen && want < fatAhead {
			end = lo + f.fatLen
			if e := off + fatAhead*c.bs; e < end {
				end = e
			}
		}
	}
	if end > f.size {
		end = f.size
	}
	max := int64(c.max / 4)
	n := int64(1)
	c.mu.RLock()
	for n < max && (i+n)*c.bs < end && c.m[i+n] == nil {
		n++
	}
	c.mu.RUnlock()
	return n
}

// fill reads the n blocks from i (inside the volume) in one request,
// caches those not cached yet (each a copy of its own when n > 1, so that
// one block kept does not keep the whole read alive) and returns block i.
func (c *cache) fill(i, n int64) ([]byte, error) {
	total := (n-1)*c.bs + c.blockLen(i+n-1)
	d := make([]byte, total)
	if err := c.f.readVol(d, i*c.bs); err != nil {
		return nil, err
	}
	var first []byte
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := int64(0); k < n; k++ {
		data := d
		if n > 1 {
			hi := (k + 1) * c.bs
			if hi > total {
				hi = total
			}
			data = append([]byte(nil), d[k*c.bs:hi]...)
		}
		if old := c.m[i+k]; old != nil {
			data = old.data // another reader was first
		} else {
			if len(c.m) >= c.max {
				c.evict()
			}
			c.m[i+k] = &cblock{data: data, used: 1}
		}
		if k == 0 {
			first = data
		}
	}
	return first, nil
}

// evict drops one block not used since the last sweep (c.mu held).
func (c *cache) evict() {
	for pass := 0; pass < 2; pass++ {
		for k, b := range c.m {
			if atomic.LoadUint32(&b.used) == 0 {
				delete(c.m, k)
				return
			}
			atomic.StoreUint32(&b.used, 0)
		}
	}
	for k := range c.m {
		delete(c.m, k)
		return
	}
}

// read copies len(b) bytes at volume offset off out of the cache; the
// blocks it misses come in as few requests as there are runs of them.
func (c *cache) read(b []byte, off int64) error {
	for len(b) > 0 {
		i := off / c.bs
		last := (off + int64(len(b)) - 1) / c.bs
		d, err := c.blockFor(i, last-i+1)
		if err != nil {
			return err
		}
		o := off - i*c.bs
		if o >= int64(len(d)) {
			return corrupt(BadEntry, "", 0, "metadata read at %d past the volume end", off)
		}
		n := copy(b, d[o:])
		b, off = b[n:], off+int64(n)
	}
	return nil
}

// update replaces the cached copies of the blocks [off, off+len(b)) has
// written (write-through: the device has it already).
func (c *cache) update(b []byte, off int64) {
	if c.m == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(b) > 0 {
		i := off / c.bs
		o := off - i*c.bs
		n := c.bs - o
		if n > int64(len(b)) {
			n = int64(len(b))
		}
		if old := c.m[i]; old != nil {
			d := append([]byte(nil), old.data...)
			copy(d[o:], b[:n])
			c.m[i] = &cblock{data: d, used: 1}
		}
		b, off = b[n:], off+n
	}
}

// Stats are the metadata cache's counters.
type Stats struct {
	Hits, Misses uint64
	Blocks       int
}

// CacheStats reports the metadata cache's hits and misses.
func (f *FS) CacheStats() Stats {
	c := f.cache
	c.mu.RLock()
	n := len(c.m)
	c.mu.RUnlock()
	return Stats{Hits: atomic.LoadUint64(&c.hits), Misses: atomic.LoadUint64(&c.misses), Blocks: n}
}

// readVol reads from the volume at off, in whole sectors at the device.
func (f *FS) readVol(b []byte, off int64) error {
	if off < 0 || off+int64(len(b)) > f.size {
		return corrupt(BadEntry, "", 0, "read of %d bytes at %d outside the volume (%d bytes)",
			len(b), off, f.size)
	}
	ss := f.sectorSize
	if off%ss == 0 && int64(len(b))%ss == 0 {
		if _, err := f.dev.ReadAt(b, f.base+off); err != nil {
			return fmt.Errorf("fat: read at %d: %w", f.base+off, err)
		}
		return nil
	}
	lo := off - off%ss
	hi := off + int64(len(b))
	if r := hi % ss; r != 0 {
		hi += ss - r
	}
	if hi > f.size {
		hi = f.size
	}
	t := make([]byte, hi-lo)
	if _, err := f.dev.ReadAt(t, f.base+lo); err != nil {
		return fmt.Errorf("fat: read at %d: %w", f.base+lo, err)
	}
	copy(b, t[off-lo:])
	return nil
}

// writeVol writes b at volume offset off in whole sectors (reading the
// partial ones first) and keeps the cache right.
func (f *FS) writeVol(b []byte, off int64) error {
	if f.wdev == nil {
		return ErrReadOnly
	}
	if off < 0 || off+int64(len(b)) > f.size {
		return corrupt(BadEntry, "", 0, "write of %d bytes at %d outside the volume", len(b), off)
	}
	ss := f.sectorSize
	w := b
	lo := off
	if off%ss != 0 || int64(len(b))%ss != 0 {
		lo = off - off%ss
		hi := off + int64(len(b))
		if r := hi % ss; r != 0 {
			hi += ss - r
		}
		w = make([]byte, hi-lo)
		// only the first and last sectors need their old contents
		if err := f.readVol(w[:ss], lo); err != nil {
			return err
		}
		if hi-ss > lo {
			if err := f.readVol(w[hi-lo-ss:], hi-ss); err != nil {
				return err
			}
		}
		copy(w[off-lo:], b)
	}
	if _, err := f.wdev.WriteAt(w, f.base+lo); err != nil {
		return fmt.Errorf("fat: write at %d: %w", f.base+lo, err)
	}
	f.cache.update(w, lo)
	return nil
}
