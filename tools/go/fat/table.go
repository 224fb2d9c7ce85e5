// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"encoding/binary"
)

// Normalised FAT values.
const (
	clFree = 0
	clBad  = 0xFFFFFFF7
	clEOC  = 0xFFFFFFFF
)

// fatEntryOff is the volume offset and width of cluster c's entry in FAT
// copy n.
func (f *FS) fatEntryOff(c uint32, n int) int64 {
	base := f.fatOff + int64(n)*f.fatLen
	switch f.kind {
	case FAT12:
		return base + int64(c)*3/2
	case FAT16:
		return base + int64(c)*2
	}
	return base + int64(c)*4
}

func (f *FS) fatCopy() int {
	if f.kind == ExFAT {
		return f.activeFAT
	}
	return 0
}

// next is cluster c's FAT entry, normalised: clFree, clBad, clEOC, or the
// next cluster (which may be out of range: the caller checks).
func (f *FS) next(c uint32) (uint32, error) {
	var b [4]byte
	off := f.fatEntryOff(c, f.fatCopy())
	var v uint32
	switch f.kind {
	case FAT12:
		if err := f.cache.read(b[:2], off); err != nil {
			return 0, err
		}
		v = uint32(binary.LittleEndian.Uint16(b[:]))
		if c&1 != 0 {
			v >>= 4
		}
		v &= 0xFFF
		if v >= 0xFF8 {
			return clEOC, nil
		}
		if v == 0xFF7 {
			return clBad, nil
		}
	case FAT16:
		if err := f.cache.read(b[:2], off); err != nil {
			return 0, err
		}
		v = uint32(binary.LittleEndian.Uint16(b[:]))
		if v >= 0xFFF8 {
			return clEOC, nil
		}
		if v == 0xFFF7 {
			return clBad, nil
		}
	case FAT32:
		if err := f.cache.read(b[:], off); err != nil {
			return 0, err
		}
		v = binary.LittleEndian.Uint32(b[:]) & 0x0FFFFFFF
		if v >= 0x0FFFFFF8 {
			return clEOC, nil
		}
		if v == 0x0FFFFFF7 {
			return clBad, nil
		}
	case ExFAT:
		if err := f.cache.read(b[:], off); err != nil {
			return 0, err
		}
		v = binary.LittleEndian.Uint32(b[:])
		if v == 0xFFFFFFFF || v == 0xFFFFFFF7 {
			return v, nil
		}
		if v >= 0xFFFFFFF8 {
			return clEOC, nil
		}
	}
	return v, nil
}

// run is count clusters in a row from first.
type run struct {
	first, count uint32
}

// chain follows the chain from first and returns it as runs.  limit bounds
// its length in clusters (a longer chain is an error: a loop or a size
// that does not match).  path names the owner in errors.
func (f *FS) chain(first uint32, limit int64, path string) ([]run, error) {
	return f.walkChain(first, limit, path, f.next)
}

// walkChain is chain with the FAT entries read through next.
func (f *FS) walkChain(first uint32, limit int64, path string, next func(uint32) (uint32, error)) ([]run, error) {
	if first == 0 {
		return nil, nil
	}
	if limit > int64(f.clusters) {
		limit = int64(f.clusters)
	}
	var runs []run
	c := first
	for n := int64(0); ; n++ {
		if !f.validCluster(c) {
			return runs, corrupt(BadChain, path, c, "cluster %d out of range in the chain", c)
		}
		if n >= limit {
			return runs, corrupt(ChainLoop, path, first, "chain longer than %d clusters", limit)
		}
		if k := len(runs) - 1; k >= 0 && runs[k].first+runs[k].count == c {
			runs[k].count++
		} else {
			runs = append(runs, run{c, 1})
		}
		nx, err := next(c)
		if err != nil {
			return runs, err
		}
		switch nx {
		case clEOC:
			return runs, nil
		case clFree, clBad:
			return runs, corrupt(BadChain, path, c, "chain reaches a free or bad cluster after %d", c)
		}
		c = nx
	}
}

// contigRuns is the runs of a file stored without a chain (exFAT).
func (f *FS) contigRuns(first uint32, size int64, path string) ([]run, error) {
	if size == 0 {
		return nil, nil
	}
	n := (size + f.clusterSize - 1) / f.clusterSize
	if !f.validCluster(first) || int64(first-2)+n > int64(f.clusters) {
		return nil, corrupt(BadChain, path, first, "%d contiguous clusters from %d past the heap", n, first)
	}
	return []run{{first, uint32(n)}}, nil
}

func runsLen(rs []run) int64 {
	var n int64
	for _, r := range rs {
		n += int64(r.count)
	}
	return n
}
