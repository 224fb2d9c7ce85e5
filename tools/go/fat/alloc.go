// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"encoding/binary"
	"sort"
)

// tx collects one operation's changes to the allocation records (FAT
// entries, exFAT's bitmap, the free count) in memory, so each FAT sector,
// bitmap sector and FSInfo is written once per operation, in every FAT
// copy, at commit.
type tx struct {
	f      *FS
	fat    map[int64][]byte // FAT-relative sector offset -> new contents (copy 0's view)
	bitmap []byte           // exFAT: the whole bitmap, loaded on first use
	bmDirt map[int64]bool   // exFAT: dirty bitmap sectors (byte offset in the bitmap)
	freed  int64            // clusters freed minus clusters allocated
}

func (f *FS) begin() *tx {
	return &tx{f: f, fat: map[int64][]byte{}, bmDirt: map[int64]bool{}}
}

// sector returns the pending copy of the FAT sector holding byte off of
// the FAT (volume offset base of the active copy + off).
func (t *tx) sector(off int64) ([]byte, error) {
	ss := t.f.sectorSize
	so := off - off%ss
	if b := t.fat[so]; b != nil {
		return b, nil
	}
	b := make([]byte, ss)
	if err := t.f.cache.read(b, t.f.fatOff+int64(t.f.fatCopy())*t.f.fatLen+so); err != nil {
		return nil, err
	}
	t.fat[so] = b
	return b, nil
}

// get is cluster c's entry as this operation sees it (normalised).
func (t *tx) get(c uint32) (uint32, error) {
	f := t.f
	off := f.fatEntryOff(c, 0) - f.fatOff
	ss := f.sectorSize
	if _, ok := t.fat[off-off%ss]; !ok && (f.kind != FAT12 || (off+1)%ss != 0) {
		return f.next(c)
	}
	var raw uint32
	switch f.kind {
	case FAT12:
		lo, err := t.byteAt(off)
		if err != nil {
			return 0, err
		}
		hi, err := t.byteAt(off + 1)
		if err != nil {
			return 0, err
		}
		v := uint32(lo) | uint32(hi)<<8
		if c&1 != 0 {
			v >>= 4
		}
		raw = v & 0xFFF
		switch {
		case raw >= 0xFF8:
			return clEOC, nil
		case raw == 0xFF7:
			return clBad, nil
		}
		return raw, nil
	case FAT16:
		s, err := t.sector(off)
		if err != nil {
			return 0, err
		}
		raw = uint32(binary.LittleEndian.Uint16(s[off%ss:]))
		switch {
		case raw >= 0xFFF8:
			return clEOC, nil
		case raw == 0xFFF7:
			return clBad, nil
		}
		return raw, nil
	}
	s, err := t.sector(off)
	if err != nil {
		return 0, err
	}
	raw = binary.LittleEndian.Uint32(s[off%ss:])
	if f.kind == FAT32 {
		raw &= 0x0FFFFFFF
		switch {
		case raw >= 0x0FFFFFF8:
			return clEOC, nil
		case raw == 0x0FFFFFF7:
			return clBad, nil
		}
		return raw, nil
	}
	if raw >= 0xFFFFFFF7 {
		if raw == 0xFFFFFFF7 {
			return clBad, nil
		}
		return clEOC, nil
	}
	return raw, nil
}

func (t *tx) byteAt(off int64) (byte, error) {
	s, err := t.sector(off)
	if err != nil {
		return 0, err
	}
	return s[off%t.f.sectorSize], nil
}

func (t *tx) setByte(off int64, v, mask byte) error {
	s, err := t.sector(off)
	if err != nil {
		return err
	}
	i := off % t.f.sectorSize
	s[i] = s[i]&^mask | v&mask
	return nil
}

// set writes cluster c's entry (v normalised: clFree, clEOC or a cluster).
func (t *tx) set(c, v uint32) error {
	f := t.f
	off := f.fatEntryOff(c, 0) - f.fatOff
	ss := f.sectorSize
	switch f.kind {
	case FAT12:
		v &= 0xFFF
		if c&1 == 0 {
			if err := t.setByte(off, byte(v), 0xFF); err != nil {
				return err
			}
			return t.setByte(off+1, byte(v>>8), 0x0F)
		}
		if err := t.setByte(off, byte(v<<4), 0xF0); err != nil {
			return err
		}
		return t.setByte(off+1, byte(v>>4), 0xFF)
	case FAT16:
		s, err := t.sector(off)
		if err != nil {
			return err
		}
		binary.LittleEndian.PutUint16(s[off%ss:], uint16(v))
		return nil
	case FAT32:
		s, err := t.sector(off)
		if err != nil {
			return err
		}
		old := binary.LittleEndian.Uint32(s[off%ss:])
		binary.LittleEndian.PutUint32(s[off%ss:], old&0xF0000000|v&0x0FFFFFFF)
		return nil
	}
	s, err := t.sector(off)
	if err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(s[off%ss:], v)
	return nil
}

// loadBitmap reads exFAT's bitmap for this operation.
func (t *tx) loadBitmap() error {
	if t.bitmap != nil {
		return nil
	}
	b, err := t.f.readBitmap()
	if err != nil {
		return err
	}
	t.bitmap = b
	return nil
}

func (t *tx) isFree(c uint32) (bool, error) {
	if t.f.kind == ExFAT {
		if err := t.loadBitmap(); err != nil {
			return false, err
		}
		i := c - 2
		return t.bitmap[i/8]>>(i%8)&1 == 0, nil
	}
	v, err := t.get(c)
	return v == clFree, err
}

func (t *tx) mark(c uint32, used bool) {
	i := c - 2
	if used {
		t.bitmap[i/8] |= 1 << (i % 8)
	} else {
		t.bitmap[i/8] &^= 1 << (i % 8)
	}
	t.bmDirt[int64(i/8)-int64(i/8)%t.f.sectorSize] = true
}

// alloc takes n free clusters (as contiguous as the free space allows),
// chains them after prev (0: a new chain) and returns them.
func (t *tx) alloc(prev uint32, n int64) ([]run, error) {
	f := t.f
	var runs []run
	c := f.hint
	if !f.validCluster(c) {
		c = 2
	}
	if prev != 0 && f.validCluster(prev+1) {
		c = prev + 1 // grow in place if the next cluster is free
	}
	scanned := uint32(0)
	for int64(runsLen(runs)) < n {
		if scanned >= f.clusters {
			return nil, ErrNoSpace
		}
		free, err := t.isFree(c)
		if err != nil {
			return nil, err
		}
		if free {
			if k := len(runs) - 1; k >= 0 && runs[k].first+runs[k].count == c {
				runs[k].count++
			} else {
				runs = append(runs, run{c, 1})
			}
			if f.kind == ExFAT {
				t.mark(c, true)
			}
			// reserve it now so the scan does not take it twice
			if err := t.set(c, clEOC); err != nil {
				return nil, err
			}
		}
		scanned++
		c++
		if c-2 >= f.clusters {
			c = 2
		}
	}
	// link: prev -> first, each -> next, last -> EOC
	last := prev
	for _, r := range runs {
		for k := uint32(0); k < r.count; k++ {
			cl := r.first + k
			if last != 0 {
				if err := t.set(last, cl); err != nil {
					return nil, err
				}
			}
			last = cl
		}
	}
	if last != 0 {
		if err := t.set(last, clEOC); err != nil {
			return nil, err
		}
	}
	f.hint = last + 1
	t.freed -= n
	return runs, nil
}

// free releases the chain from c on.
func (t *tx) free(c uint32, limit int64) error {
	f := t.f
	for n := int64(0); c != 0 && c != clEOC; n++ {
		if !f.validCluster(c) || n > limit {
			return corrupt(BadChain, "", c, "freeing a chain that leaves the heap or loops")
		}
		nx, err := t.get(c)
		if err != nil {
			return err
		}
		if err := t.set(c, clFree); err != nil {
			return err
		}
		if f.kind == ExFAT {
			if err := t.loadBitmap(); err != nil {
				return err
			}
			t.mark(c, false)
		}
		t.freed++
		if nx == clFree || nx == clBad {
			break
		}
		c = nx
	}
	return nil
}

// commit writes the changed FAT sectors into every FAT copy (runs of
// adjacent sectors in one write), the changed bitmap sectors, and FSInfo.
func (t *tx) commit() error {
	f := t.f
	offs := make([]int64, 0, len(t.fat))
	for o := range t.fat {
		offs = append(offs, o)
	}
	sort.Slice(offs, func(i, j int) bool { return offs[i] < offs[j] })
	copies := []int{0}
	if f.kind != ExFAT {
		copies = copies[:0]
		for i := 0; i < f.numFATs; i++ {
			copies = append(copies, i)
		}
	} else {
		copies[0] = f.activeFAT
	}
	for i := 0; i < len(offs); {
		j := i + 1
		for j < len(offs) && offs[j] == offs[j-1]+f.sectorSize {
			j++
		}
		buf := make([]byte, 0, int64(j-i)*f.sectorSize)
		for _, o := range offs[i:j] {
			buf = append(buf, t.fat[o]...)
		}
		for _, c := range copies {
			if err := f.writeVol(buf, f.fatOff+int64(c)*f.fatLen+offs[i]); err != nil {
				return err
			}
		}
		i = j
	}
	if f.kind == ExFAT && len(t.bmDirt) > 0 {
		runs, err := f.sysRuns(f.bitmapCluster, f.bitmapLen)
		if err != nil {
			return err
		}
		for o := range t.bmDirt {
			n := f.sectorSize
			if o+n > int64(len(t.bitmap)) {
				n = int64(len(t.bitmap)) - o
			}
			dev, err := runOff(f, runs, o)
			if err != nil {
				return err
			}
			if err := f.writeVol(t.bitmap[o:o+n], dev); err != nil {
				return err
			}
		}
	}
	if f.kind == FAT32 && f.fsinfoOff != 0 && t.freed != 0 {
		var b [512]byte
		if err := f.cache.read(b[:], f.fsinfoOff); err != nil {
			return err
		}
		le := binary.LittleEndian
		if le.Uint32(b[0:]) == 0x41615252 && le.Uint32(b[484:]) == 0x61417272 {
			if n := le.Uint32(b[488:]); n != 0xFFFFFFFF {
				le.PutUint32(b[488:], uint32(int64(n)+t.freed))
			}
			le.PutUint32(b[492:], f.hint)
			if err := f.writeVol(b[:], f.fsinfoOff); err != nil {
				return err
			}
		}
	}
	t.fat, t.bmDirt, t.freed = map[int64][]byte{}, map[int64]bool{}, 0
	return nil
}

// runOff maps byte off of a chain's data to a volume offset.
func runOff(f *FS, runs []run, off int64) (int64, error) {
	for _, r := range runs {
		n := int64(r.count) * f.clusterSize
		if off < n {
			return f.clusterOff(r.first) + off, nil
		}
		off -= n
	}
	return 0, corrupt(BadChain, "", 0, "offset past the chain")
}
