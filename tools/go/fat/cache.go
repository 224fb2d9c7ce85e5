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

// block returns the cache block with index i (volume offset i*bs).
func (c *cache) block(i int64) ([]byte, error) {
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
	n := c.bs
	if rest := c.f.size - i*c.bs; rest < n {
		n = rest
	}
	if n <= 0 {
		return nil, corrupt(BadEntry, "", 0, "metadata read at %d past the volume end", i*c.bs)
	}
	d := make([]byte, n)
	if err := c.f.readVol(d, i*c.bs); err != nil {
		return nil, err
	}
	if c.m == nil {
		return d, nil
	}
	c.mu.Lock()
	if old := c.m[i]; old != nil {
		d = old.data
	} else {
		if len(c.m) >= c.max {
			c.evict()
		}
		c.m[i] = &cblock{data: d, used: 1}
	}
	c.mu.Unlock()
	return d, nil
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

// read copies len(b) bytes at volume offset off out of the cache.
func (c *cache) read(b []byte, off int64) error {
	for len(b) > 0 {
		i := off / c.bs
		d, err := c.block(i)
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
