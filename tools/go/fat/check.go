// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"encoding/binary"
)

// Statfs is the space of a volume.
type Statfs struct {
	Kind        Kind
	Label       string
	SectorSize  int64
	ClusterSize int64
	Clusters    int64 // data clusters
	Free        int64 // free clusters
}

// Statfs counts the free clusters (from the FAT, or exFAT's bitmap).
func (f *FS) Statfs() (Statfs, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	free, err := f.countFree()
	if err != nil {
		return Statfs{}, err
	}
	return Statfs{Kind: f.kind, Label: f.label, SectorSize: f.sectorSize, ClusterSize: f.clusterSize,
		Clusters: int64(f.clusters), Free: free}, nil
}

func (f *FS) countFree() (int64, error) {
	if f.kind == ExFAT {
		bm, err := f.readBitmap()
		if err != nil {
			return 0, err
		}
		used := 0
		for c := uint32(0); c < f.clusters; c++ {
			if bm[c/8]>>(c%8)&1 != 0 {
				used++
			}
		}
		return int64(f.clusters) - int64(used), nil
	}
	var free int64
	for c := uint32(2); c < f.clusters+2; c++ {
		v, err := f.next(c)
		if err != nil {
			return 0, err
		}
		if v == clFree {
			free++
		}
	}
	return free, nil
}

// sysRuns is where an exFAT system file (bitmap, up-case table) is: its
// FAT chain if it has one, else contiguous clusters.
func (f *FS) sysRuns(first uint32, size int64) ([]run, error) {
	nx, err := f.next(first)
	if err != nil {
		return nil, err
	}
	if nx == clFree {
		return f.contigRuns(first, size, "")
	}
	return f.chain(first, (size+f.clusterSize-1)/f.clusterSize, "")
}

// readBitmap reads exFAT's allocation bitmap (bit c-2 for cluster c).
func (f *FS) readBitmap() ([]byte, error) {
	runs, err := f.sysRuns(f.bitmapCluster, f.bitmapLen)
	if err != nil {
		return nil, err
	}
	b := make([]byte, runsLen(runs)*f.clusterSize)
	k := int64(0)
	for _, r := range runs {
		n := int64(r.count) * f.clusterSize
		if err := f.cache.read(b[k:k+n], f.clusterOff(r.first)); err != nil {
			return nil, err
		}
		k += n
	}
	if int64(len(b)) < int64(f.clusters+7)/8 {
		return nil, corrupt(BadBitmap, "", f.bitmapCluster, "bitmap of %d bytes for %d clusters", len(b), f.clusters)
	}
	return b, nil
}

// Check walks the whole volume the way fsck -n does and reports every
// inconsistency it finds: chains that loop, leave the heap or do not
// match the size, clusters used twice (cross-linked) or marked used but
// owned by nothing (lost), long names whose checksum does not match,
// damaged exFAT entry sets, FAT copies that differ, a wrong FSInfo free
// count or exFAT bitmap.  It returns nil or a *CheckError (which matches
// ErrCorrupt); an I/O error comes back as it is.
func (f *FS) Check() error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	c := &checker{f: f, used: make([]uint64, (f.clusters+63)/64)}
	if err := c.walk(f.root(), 0); err != nil {
		return err
	}
	if f.kind == ExFAT {
		// the system files own their clusters too
		for _, s := range []struct {
			name  string
			first uint32
			size  int64
		}{{"allocation bitmap", f.bitmapCluster, f.bitmapLen}, {"up-case table", f.upcaseCluster, f.upcaseLen}} {
			if s.first == 0 {
				continue
			}
			runs, err := f.sysRuns(s.first, s.size)
			if err != nil {
				c.problem(err)
				continue
			}
			c.claim(runs, s.name)
		}
	}
	if err := c.finish(); err != nil {
		return err
	}
	if len(c.probs) == 0 {
		return nil
	}
	return &CheckError{Problems: c.probs}
}

type checker struct {
	f     *FS
	used  []uint64 // bit c-2: owned by a file, a directory or a system file
	probs []*CorruptError
}

func (c *checker) problem(err error) error {
	if p, ok := err.(*CorruptError); ok {
		if len(c.probs) < 10000 {
			c.probs = append(c.probs, p)
		}
		return nil
	}
	return err
}

// claim marks the clusters of runs as owned by path, reporting a cluster
// someone else owns already.
func (c *checker) claim(runs []run, path string) bool {
	ok := true
	for _, r := range runs {
		for k := uint32(0); k < r.count; k++ {
			i := r.first + k - 2
			if c.used[i/64]>>(i%64)&1 != 0 {
				c.problem(corrupt(CrossLinked, path, r.first+k, "cluster is in another chain too"))
				ok = false
				break
			}
			c.used[i/64] |= 1 << (i % 64)
		}
	}
	return ok
}

func (c *checker) walk(d *node, depth int) error {
	f := c.f
	path := d.pathName()
	if depth > 64 {
		return c.problem(corrupt(BadEntry, path, d.first, "directories nested deeper than 64"))
	}
	if !(d.root && (f.kind == FAT12 || f.kind == FAT16)) {
		runs, err := f.dirRuns(d)
		if err != nil {
			return c.problem(err)
		}
		if !c.claim(runs, path) {
			return nil // a cross-linked directory: do not walk it twice
		}
	}
	kids, probs, err := f.list(d)
	if err != nil {
		return c.problem(err)
	}
	for _, p := range probs {
		c.problem(p)
	}
	for _, k := range kids {
		if k.dir {
			if err := c.walk(k, depth+1); err != nil {
				return err
			}
			continue
		}
		if k.first == 0 {
			if k.size != 0 {
				c.problem(corrupt(BadSize, k.pathName(), 0, "size %d without clusters", k.size))
			}
			continue
		}
		need := (k.size + f.clusterSize - 1) / f.clusterSize
		var runs []run
		if f.kind == ExFAT && k.noChain {
			runs, err = f.contigRuns(k.first, k.size, k.pathName())
		} else {
			runs, err = f.chain(k.first, need+1, k.pathName())
			if err == nil && f.kind != ExFAT && runsLen(runs) != need {
				err = corrupt(BadSize, k.pathName(), k.first, "size %d needs %d clusters, the chain has %d",
					k.size, need, runsLen(runs))
			}
			if err == nil && f.kind == ExFAT && runsLen(runs) < need {
				err = corrupt(BadSize, k.pathName(), k.first, "size %d needs %d clusters, the chain has %d",
					k.size, need, runsLen(runs))
			}
		}
		if err != nil {
			if e := c.problem(err); e != nil {
				return e
			}
		}
		c.claim(runs, k.pathName())
	}
	return nil
}

// finish compares what the walk found with the allocation records.
func (c *checker) finish() error {
	f := c.f
	var lost, firstLost uint32
	if f.kind == ExFAT {
		bm, err := f.readBitmap()
		if err != nil {
			return c.problem(err)
		}
		var missing, firstMissing uint32
		for i := uint32(0); i < f.clusters; i++ {
			inBM := bm[i/8]>>(i%8)&1 != 0
			inUse := c.used[i/64]>>(i%64)&1 != 0
			switch {
			case inBM && !inUse:
				if lost == 0 {
					firstLost = i + 2
				}
				lost++
			case inUse && !inBM:
				if missing == 0 {
					firstMissing = i + 2
				}
				missing++
			}
		}
		if missing > 0 {
			c.problem(corrupt(BadBitmap, "", firstMissing, "%d clusters in use are free in the bitmap", missing))
		}
	} else {
		var free uint32
		for i := uint32(0); i < f.clusters; i++ {
			v, err := f.next(i + 2)
			if err != nil {
				return err
			}
			inUse := c.used[i/64]>>(i%64)&1 != 0
			if v == clFree {
				free++
			}
			if v != clFree && v != clBad && !inUse {
				if lost == 0 {
					firstLost = i + 2
				}
				lost++
			}
		}
		if err := c.compareFATs(); err != nil {
			return err
		}
		if f.kind == FAT32 && f.fsinfoOff != 0 {
			var b [512]byte
			if err := f.cache.read(b[:], f.fsinfoOff); err != nil {
				return err
			}
			le := binary.LittleEndian
			if le.Uint32(b[0:]) == 0x41615252 && le.Uint32(b[484:]) == 0x61417272 {
				if n := le.Uint32(b[488:]); n != 0xFFFFFFFF && n != free {
					c.problem(corrupt(BadFree, "", 0, "FSInfo says %d free clusters, the FAT has %d", n, free))
				}
			}
		}
	}
	if lost > 0 {
		c.problem(corrupt(LostClusters, "", firstLost, "%d clusters marked used belong to nothing", lost))
	}
	return nil
}

// compareFATs reports where the second FAT differs from the first (over
// the entries that map clusters).
func (c *checker) compareFATs() error {
	f := c.f
	if f.numFATs < 2 {
		return nil
	}
	n := (int64(f.clusters)+2)*int64(f.entryBits())/8 + 1
	if n > f.fatLen {
		n = f.fatLen
	}
	const chunk = 64 << 10
	a, b := make([]byte, chunk), make([]byte, chunk)
	for off := int64(0); off < n; off += chunk {
		m := int64(chunk)
		if off+m > n {
			m = n - off
		}
		if err := f.cache.read(a[:m], f.fatOff+off); err != nil {
			return err
		}
		if err := f.cache.read(b[:m], f.fatOff+f.fatLen+off); err != nil {
			return err
		}
		for i := int64(0); i < m; i++ {
			if a[i] != b[i] {
				c.problem(corrupt(BadFATCopy, "", 0, "FAT 2 differs from FAT 1 at byte %d", off+i))
				return nil
			}
		}
	}
	return nil
}
