// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
)

// putFATTime encodes t (UTC) into FAT time and date fields.
func putFATTime(tm, date []byte, t time.Time) {
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	binary.LittleEndian.PutUint16(tm, uint16(t.Hour()<<11|t.Minute()<<5|t.Second()/2))
	binary.LittleEndian.PutUint16(date, uint16((t.Year()-1980)<<9|int(t.Month())<<5|t.Day()))
}

// shortChars are the characters an 8.3 name may hold besides A-Z, 0-9 and
// bytes >= 0x80.
const shortChars = "!#$%&'()-@^_`{}~"

func shortOK(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(shortChars, r)
}

// plainShort: name fits 8.3 as it is, each part in one case; it returns the
// 11 bytes and the case flags.
func plainShort(name string) ([11]byte, byte, bool) {
	var out [11]byte
	for i := range out {
		out[i] = ' '
	}
	base, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		base, ext = name[:i], name[i+1:]
		if strings.Contains(base, ".") || ext == "" {
			return out, 0, false
		}
	}
	if len(base) == 0 || len(base) > 8 || len(ext) > 3 {
		return out, 0, false
	}
	var flags byte
	part := func(s string, dst []byte, lowerFlag byte) bool {
		up, low := strings.ToUpper(s), strings.ToLower(s)
		switch {
		case s == up:
		case s == low:
			flags |= lowerFlag
		default:
			return false
		}
		for i, r := range up {
			if r > 0x7F || !shortOK(r) {
				return false
			}
			dst[i] = byte(r)
		}
		return true
	}
	if !part(base, out[0:8], 0x08) || !part(ext, out[8:11], 0x10) {
		return out, 0, false
	}
	if out[0] == 0xE5 {
		out[0] = 0x05
	}
	return out, flags, true
}

// basisShort is the numbered 8.3 alias of a long name: BASIS~N.EXT,
// unique among taken.
func basisShort(name string, taken map[[11]byte]bool) ([11]byte, error) {
	clean := func(s string, max int) []byte {
		var b []byte
		for _, r := range strings.ToUpper(s) {
			switch {
			case r == ' ' || r == '.':
				continue
			case r <= 0x7F && shortOK(r):
				b = append(b, byte(r))
			default:
				b = append(b, '_')
			}
			if len(b) == max {
				break
			}
		}
		return b
	}
	base, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		base, ext = name[:i], name[i+1:]
	}
	b, e := clean(base, 8), clean(ext, 3)
	if len(b) == 0 {
		b = []byte("FILE")
	}
	for n := 1; n < 1000000; n++ {
		tail := fmt.Sprintf("~%d", n)
		keep := 8 - len(tail)
		if keep > len(b) {
			keep = len(b)
		}
		var out [11]byte
		for i := range out {
			out[i] = ' '
		}
		copy(out[0:], append(append([]byte(nil), b[:keep]...), tail...))
		copy(out[8:], e)
		if !taken[out] {
			return out, nil
		}
	}
	return [11]byte{}, fmt.Errorf("no free 8.3 alias for %q", name)
}

// fatEntries builds n's LFN entries (if it needs them) and its 8.3 entry.
func (f *FS) fatEntries(n *node, siblings []*node) ([]byte, error) {
	short, flags, plain := plainShort(n.name)
	if !plain {
		taken := map[[11]byte]bool{}
		for _, s := range siblings {
			taken[s.short] = true
		}
		var err error
		if short, err = basisShort(n.name, taken); err != nil {
			return nil, err
		}
	}
	n.short = short
	var out []byte
	if !plain {
		u := utf16.Encode([]rune(n.name))
		cnt := (len(u) + 12) / 13
		padded := make([]uint16, cnt*13)
		copy(padded, u)
		for i := len(u); i < len(padded); i++ {
			if i == len(u) {
				padded[i] = 0
			} else {
				padded[i] = 0xFFFF
			}
		}
		sum := shortChecksum(short[:])
		for k := cnt; k >= 1; k-- {
			e := make([]byte, 32)
			e[0] = byte(k)
			if k == cnt {
				e[0] |= 0x40
			}
			e[11], e[13] = attrLFN, sum
			for j, o := range lfnChars {
				binary.LittleEndian.PutUint16(e[o:], padded[(k-1)*13+j])
			}
			out = append(out, e...)
		}
	}
	e := make([]byte, 32)
	copy(e[0:11], short[:])
	e[11], e[12] = byte(n.attr), flags
	f.fillShort(e, n)
	putFATTime(e[14:], e[16:], n.mtime)
	copy(e[18:20], e[16:18])
	return append(out, e...), nil
}

// fillShort puts n's cluster, size and time into an 8.3 entry.
func (f *FS) fillShort(e []byte, n *node) {
	le := binary.LittleEndian
	le.PutUint16(e[26:], uint16(n.first))
	le.PutUint16(e[20:], uint16(n.first>>16))
	if n.dir {
		le.PutUint32(e[28:], 0)
	} else {
		le.PutUint32(e[28:], uint32(n.size))
	}
	putFATTime(e[22:], e[24:], n.mtime)
	copy(e[18:20], e[24:26])
}

// exTime is an exFAT timestamp (UTC) and its 10 ms part.
func exTime(t time.Time) (uint32, byte) {
	var tm, date [2]byte
	putFATTime(tm[:], date[:], t)
	return uint32(binary.LittleEndian.Uint16(tm[:])) | uint32(binary.LittleEndian.Uint16(date[:]))<<16,
		byte(t.Second()%2*100 + t.Nanosecond()/10e6)
}

// exEntries builds n's exFAT entry set with its checksum and name hash.
func (f *FS) exEntries(n *node) []byte {
	u := utf16.Encode([]rune(n.name))
	names := (len(u) + 14) / 15
	set := make([]byte, 32*(2+names))
	le := binary.LittleEndian
	e := set[0:32]
	e[0], e[1] = exFile, byte(1+names)
	le.PutUint16(e[4:], n.attr)
	ts, ms := exTime(n.mtime)
	for _, o := range []int{8, 12, 16} {
		le.PutUint32(e[o:], ts)
	}
	e[20], e[21] = ms, ms
	e[22], e[23], e[24] = 0x80, 0x80, 0x80 // UTC
	st := set[32:64]
	st[0], st[1] = exStream, exAllocOK
	if n.noChain {
		st[1] |= exNoChain
	}
	st[3] = byte(len(u))
	le.PutUint16(st[4:], f.nameHash(u))
	le.PutUint64(st[8:], uint64(n.validLen))
	le.PutUint32(st[20:], n.first)
	le.PutUint64(st[24:], uint64(n.size))
	for k := 0; k < names; k++ {
		ne := set[64+32*k:]
		ne[0] = exName
		for j := 0; j < 15 && k*15+j < len(u); j++ {
			le.PutUint16(ne[2+2*j:], u[k*15+j])
		}
	}
	le.PutUint16(set[2:], entrySetChecksum(set))
	return set
}

// dirSlots maps a directory's slots to volume offsets.
type dirSlots struct {
	f    *FS
	runs []run
	d    *node
}

func (f *FS) slotsOf(d *node) (*dirSlots, error) {
	if d.root && (f.kind == FAT12 || f.kind == FAT16) {
		return &dirSlots{f: f, d: d}, nil
	}
	runs, err := f.dirRuns(d)
	if err != nil {
		return nil, err
	}
	return &dirSlots{f: f, runs: runs, d: d}, nil
}

func (s *dirSlots) count() int {
	if s.runs == nil {
		return int(s.f.rootLen / 32)
	}
	n := int(runsLen(s.runs) * s.f.clusterSize / 32)
	if s.f.kind == ExFAT && !s.d.root && int64(n)*32 > s.d.size {
		n = int(s.d.size / 32)
	}
	return n
}

func (s *dirSlots) off(slot int) int64 {
	if s.runs == nil {
		return s.f.rootOff + int64(slot)*32
	}
	o, _ := runOff(s.f, s.runs, int64(slot)*32)
	return o
}

// writeSlots writes entries (32 bytes each) from slot on, one write per
// stretch of adjacent slots.
func (s *dirSlots) writeSlots(slot int, b []byte) error {
	for len(b) > 0 {
		start := s.off(slot)
		k := 1
		for k*32 < len(b) && s.off(slot+k) == start+int64(k)*32 {
			k++
		}
		if err := s.f.writeVol(b[:k*32], start); err != nil {
			return err
		}
		b, slot = b[k*32:], slot+k
	}
	return nil
}

// placeEntry writes a new entry for n into n.parent, growing the
// directory if no run of free slots is long enough.
func (f *FS) placeEntry(n *node) error {
	d := n.parent
	siblings, _, err := f.list(d)
	if err != nil {
		return err
	}
	for _, s := range siblings {
		if f.sameName(s.name, n.name) {
			return fmt.Errorf("%q exists", n.name)
		}
	}
	var ents []byte
	if f.kind == ExFAT {
		ents = f.exEntries(n)
	} else if ents, err = f.fatEntries(n, siblings); err != nil {
		return err
	}
	need := len(ents) / 32
	raw, err := f.readDirBytes(d)
	if err != nil {
		return err
	}
	slot := freeRun(f.kind, raw, need)
	for slot < 0 {
		if err := f.growDir(d); err != nil {
			return err
		}
		if raw, err = f.readDirBytes(d); err != nil {
			return err
		}
		slot = freeRun(f.kind, raw, need)
	}
	s, err := f.slotsOf(d)
	if err != nil {
		return err
	}
	n.slot, n.nslots = slot, need
	return s.writeSlots(slot, ents)
}

// freeRun finds need free slots in a row (deleted, or at and after the
// end marker).
func freeRun(k Kind, raw []byte, need int) int {
	run, start := 0, 0
	for i := 0; i+32 <= len(raw); i += 32 {
		t := raw[i]
		free := t == 0 || (k == ExFAT && t&exInUse == 0) || (k != ExFAT && t == 0xE5)
		if t == 0 {
			// everything from here is free
			if (len(raw)-i)/32 >= need-run && run > 0 {
				return start
			}
			if (len(raw)-i)/32 >= need {
				return i / 32
			}
			return -1
		}
		if !free {
			run = 0
			continue
		}
		if run == 0 {
			start = i / 32
		}
		run++
		if run == need {
			return start
		}
	}
	return -1
}

// growDir adds a zeroed cluster to directory d.
func (f *FS) growDir(d *node) error {
	if d.root && (f.kind == FAT12 || f.kind == FAT16) {
		return fmt.Errorf("%w: the root directory is full", ErrNoSpace)
	}
	runs, err := f.dirRuns(d)
	if err != nil {
		return err
	}
	if f.kind != ExFAT && runsLen(runs)*f.clusterSize >= maxFATDir {
		return fmt.Errorf("%w: directory has 65536 entries", ErrNoSpace)
	}
	t := f.begin()
	if f.kind == ExFAT && d.noChain && !d.root {
		if _, err := f.resize(t, d, d.size); err != nil {
			return err
		}
	}
	last := runs[len(runs)-1]
	more, err := t.alloc(last.first+last.count-1, 1)
	if err != nil {
		return err
	}
	if err := f.writeVol(make([]byte, f.clusterSize), f.clusterOff(more[0].first)); err != nil {
		return err
	}
	if err := t.commit(); err != nil {
		return err
	}
	if f.kind == ExFAT && !d.root {
		d.size += f.clusterSize
		d.validLen = d.size
		return f.putEntry(d, false)
	}
	return nil
}

// putEntry writes n's entry: a new one (fresh) or its existing one
// updated (cluster, size, time).
func (f *FS) putEntry(n *node, fresh bool) error {
	if fresh {
		return f.placeEntry(n)
	}
	s, err := f.slotsOf(n.parent)
	if err != nil {
		return err
	}
	if f.kind == ExFAT {
		old := make([]byte, 32)
		if err := f.cache.read(old, s.off(n.slot)); err != nil {
			return err
		}
		set := f.exEntries(n)
		if len(set)/32 != n.nslots {
			return corrupt(BadEntry, n.pathName(), 0, "entry set changed length")
		}
		// keep the creation time
		copy(set[8:12], old[8:12])
		set[20], set[22] = old[20], old[22]
		binary.LittleEndian.PutUint16(set[2:], entrySetChecksum(set))
		return s.writeSlots(n.slot, set)
	}
	last := n.slot + n.nslots - 1
	e := make([]byte, 32)
	if err := f.cache.read(e, s.off(last)); err != nil {
		return err
	}
	f.fillShort(e, n)
	return s.writeSlots(last, e)
}

// dropEntry marks n's entries free.
func (f *FS) dropEntry(n *node) error {
	s, err := f.slotsOf(n.parent)
	if err != nil {
		return err
	}
	b := make([]byte, 32*n.nslots)
	for k := 0; k < n.nslots; k++ {
		if err := f.cache.read(b[32*k:32*k+32], s.off(n.slot+k)); err != nil {
			return err
		}
		if f.kind == ExFAT {
			b[32*k] &^= exInUse
		} else {
			b[32*k] = 0xE5
		}
	}
	return s.writeSlots(n.slot, b)
}
