// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"encoding/binary"
	"strings"
	"time"
	"unicode/utf16"
)

// FAT attribute bits.
const (
	attrReadOnly = 0x01
	attrHidden   = 0x02
	attrSystem   = 0x04
	attrVolume   = 0x08
	attrDir      = 0x10
	attrArchive  = 0x20
	attrLFN      = 0x0F
)

// maxDirBytes bounds a directory: FAT allows 65536 entries, exFAT 256 MiB.
const (
	maxFATDir   = 65536 * 32
	maxExFATDir = 256 << 20
)

// node is a file or directory: what its directory entry says and where
// that entry is.
type node struct {
	name     string
	short    [11]byte // FAT: the 8.3 name as stored
	attr     uint16
	dir      bool
	size     int64
	validLen int64 // exFAT: bytes past this read as zeros
	first    uint32
	noChain  bool // exFAT: contiguous clusters, no FAT chain
	mtime    time.Time
	root     bool

	parent *node // nil for the root
	slot   int   // index of its first 32-byte entry in the parent
	nslots int   // number of entries (LFN + short, or the exFAT set)
}

func (f *FS) root() *node {
	n := &node{dir: true, root: true, attr: attrDir}
	if f.kind == FAT32 || f.kind == ExFAT {
		n.first = f.rootCluster
	}
	return n
}

// dirRuns is where a directory's entries are.
func (f *FS) dirRuns(n *node) ([]run, error) {
	if f.kind == ExFAT {
		if n.root {
			return f.chain(n.first, (maxExFATDir+f.clusterSize-1)/f.clusterSize, "/")
		}
		if n.size > maxExFATDir || n.size%32 != 0 {
			return nil, corrupt(BadEntry, n.name, n.first, "directory of %d bytes", n.size)
		}
		if n.noChain {
			return f.contigRuns(n.first, n.size, n.name)
		}
		return f.chain(n.first, (n.size+f.clusterSize-1)/f.clusterSize, n.name)
	}
	return f.chain(n.first, (maxFATDir+f.clusterSize-1)/f.clusterSize, n.name)
}

// readDirBytes is a directory's raw entries, through the metadata cache.
func (f *FS) readDirBytes(n *node) ([]byte, error) {
	if n.root && (f.kind == FAT12 || f.kind == FAT16) {
		b := make([]byte, f.rootLen)
		return b, f.cache.read(b, f.rootOff)
	}
	runs, err := f.dirRuns(n)
	if err != nil {
		return nil, err
	}
	total := runsLen(runs) * f.clusterSize
	b := make([]byte, 0, total)
	for _, r := range runs {
		k := len(b)
		b = b[:k+int(int64(r.count)*f.clusterSize)]
		if err := f.cache.read(b[k:], f.clusterOff(r.first)); err != nil {
			return nil, err
		}
	}
	if f.kind == ExFAT && !n.root && int64(len(b)) > n.size {
		b = b[:n.size]
	}
	return b, nil
}

// list parses a directory.  Problems that do not stop the listing (a bad
// LFN checksum, a damaged entry set) come back separately, for Check.
func (f *FS) list(d *node) ([]*node, []*CorruptError, error) {
	b, err := f.readDirBytes(d)
	if err != nil {
		return nil, nil, err
	}
	if f.kind == ExFAT {
		ns, ps := f.parseExFAT(d, b)
		return ns, ps, nil
	}
	ns, ps := f.parseFAT(d, b)
	return ns, ps, nil
}

// shortChecksum is the VFAT checksum of an 8.3 name that its LFN entries
// carry.
func shortChecksum(n []byte) byte {
	var s byte
	for i := 0; i < 11; i++ {
		s = (s>>1 | s<<7) + n[i]
	}
	return s
}

// lfnChars are the offsets of the 13 UTF-16 units in an LFN entry.
var lfnChars = [13]int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30}

func (f *FS) parseFAT(d *node, b []byte) ([]*node, []*CorruptError) {
	var out []*node
	var probs []*CorruptError
	le := binary.LittleEndian
	var lfn []uint16 // the name so far, in entry order (last part first)
	lfnStart, lfnNext, lfnSum := -1, 0, byte(0)
	resetLFN := func() { lfn, lfnStart, lfnNext = nil, -1, 0 }
	dpath := d.pathName()
	for i := 0; i+32 <= len(b); i += 32 {
		e := b[i : i+32]
		if e[0] == 0 {
			break
		}
		if e[0] == 0xE5 {
			if lfnStart >= 0 {
				probs = append(probs, corrupt(BadLFN, dpath, 0, "long name entries at %d end in a deleted entry", lfnStart))
			}
			resetLFN()
			continue
		}
		if e[11]&0x3F == attrLFN {
			ord := e[0]
			if ord&0x40 != 0 {
				if lfnStart >= 0 {
					probs = append(probs, corrupt(BadLFN, dpath, 0, "long name entries at %d cut short", lfnStart))
				}
				resetLFN()
				n := int(ord & 0x1F)
				if n == 0 || n > 20 {
					probs = append(probs, corrupt(BadLFN, dpath, 0, "long name entry %d: order %#x", i/32, ord))
					continue
				}
				lfnStart, lfnNext, lfnSum = i/32, n, e[13]
				lfn = make([]uint16, 13*n)
			} else if lfnStart < 0 || int(ord) != lfnNext || e[13] != lfnSum {
				if lfnStart >= 0 || ord != 0 {
					probs = append(probs, corrupt(BadLFN, dpath, 0, "long name entry %d out of order", i/32))
				}
				resetLFN()
				continue
			}
			k := (lfnNext - 1) * 13
			for j, o := range lfnChars {
				lfn[k+j] = le.Uint16(e[o:])
			}
			lfnNext--
			continue
		}
		if e[11]&attrVolume != 0 {
			resetLFN()
			continue
		}
		n := &node{parent: d, slot: i / 32, nslots: 1, attr: uint16(e[11])}
		copy(n.short[:], e[0:11])
		n.dir = e[11]&attrDir != 0
		n.size = int64(le.Uint32(e[28:]))
		n.first = uint32(le.Uint16(e[26:]))
		if f.kind == FAT32 {
			n.first |= uint32(le.Uint16(e[20:])) << 16
		}
		n.mtime = fatTime(le.Uint16(e[24:]), le.Uint16(e[22:]), 0)
		name := ""
		if lfnStart >= 0 {
			switch {
			case lfnNext != 0:
				probs = append(probs, corrupt(BadLFN, dpath, 0, "long name of %s incomplete", shortName(e)))
			case shortChecksum(e[0:11]) != lfnSum:
				probs = append(probs, corrupt(BadLFN, joinPath(dpath, shortName(e)), 0,
					"long name checksum %#02x, the 8.3 name's is %#02x", lfnSum, shortChecksum(e[0:11])))
			default:
				name = decodeLFN(lfn)
				n.slot, n.nslots = lfnStart, i/32-lfnStart+1
			}
		}
		resetLFN()
		if name == "" {
			name = shortName(e)
		}
		if name == "." || name == ".." {
			continue
		}
		n.name = name
		out = append(out, n)
	}
	return out, probs
}

func decodeLFN(u []uint16) string {
	for i, c := range u {
		if c == 0 {
			u = u[:i]
			break
		}
	}
	for len(u) > 0 && u[len(u)-1] == 0xFFFF {
		u = u[:len(u)-1]
	}
	return string(utf16.Decode(u))
}

// shortName is the 8.3 name with the case flags (NTRes bits 3, 4) that
// Windows and mtools set for all-lowercase parts.
func shortName(e []byte) string {
	base := []byte(strings.TrimRight(string(e[0:8]), " "))
	ext := []byte(strings.TrimRight(string(e[8:11]), " "))
	if len(base) > 0 && base[0] == 0x05 {
		base[0] = 0xE5
	}
	if e[12]&0x08 != 0 {
		base = []byte(strings.ToLower(string(base)))
	}
	if e[12]&0x10 != 0 {
		ext = []byte(strings.ToLower(string(ext)))
	}
	s := oemString(base)
	if len(ext) > 0 {
		s += "." + oemString(ext)
	}
	return s
}

// oemString decodes an OEM-codepage name: ASCII as is, other bytes as
// Latin-1 (the code page is not recorded on the volume).
func oemString(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// fatTime decodes a FAT date and time (local time of whoever wrote it;
// returned as UTC since FAT keeps no zone).
func fatTime(date, tm uint16, tenMs byte) time.Time {
	if date == 0 {
		return time.Time{}
	}
	return time.Date(1980+int(date>>9), time.Month(date>>5&15), int(date&31),
		int(tm>>11), int(tm>>5&63), int(tm&31)*2+int(tenMs)/100, int(tenMs)%100*10e6, time.UTC)
}

func (f *FS) parseExFAT(d *node, b []byte) ([]*node, []*CorruptError) {
	var out []*node
	var probs []*CorruptError
	le := binary.LittleEndian
	dpath := d.pathName()
	for i := 0; i+32 <= len(b); i += 32 {
		e := b[i : i+32]
		if e[0] == exEnd {
			break
		}
		if e[0] != exFile {
			continue
		}
		sc := int(e[1])
		if sc < 2 || sc > 1+exMaxNames || i+(sc+1)*32 > len(b) {
			probs = append(probs, corrupt(BadEntry, dpath, 0, "entry set at %d: %d secondary entries", i/32, sc))
			continue
		}
		set := b[i : i+(sc+1)*32]
		if got, want := entrySetChecksum(set), le.Uint16(e[2:]); got != want {
			probs = append(probs, corrupt(BadChecksum, dpath, 0, "entry set at %d: checksum %#04x, computed %#04x",
				i/32, want, got))
			continue
		}
		st := set[32:64]
		nameLen := int(st[3])
		if st[0] != exStream || nameLen == 0 || (nameLen+14)/15 > sc-1 {
			probs = append(probs, corrupt(BadEntry, dpath, 0, "entry set at %d: no stream extension or name", i/32))
			continue
		}
		u := make([]uint16, 0, nameLen)
		for k := 0; k < (nameLen+14)/15; k++ {
			ne := set[64+32*k:]
			if ne[0] != exName {
				break
			}
			for j := 0; j < 15 && len(u) < nameLen; j++ {
				u = append(u, le.Uint16(ne[2+2*j:]))
			}
		}
		if len(u) != nameLen {
			probs = append(probs, corrupt(BadEntry, dpath, 0, "entry set at %d: name cut short", i/32))
			continue
		}
		n := &node{parent: d, slot: i / 32, nslots: sc + 1, attr: le.Uint16(e[4:])}
		n.name = string(utf16.Decode(u))
		if h := f.nameHash(u); h != le.Uint16(st[4:]) {
			probs = append(probs, corrupt(BadChecksum, joinPath(dpath, n.name), 0, "name hash %#04x, computed %#04x",
				le.Uint16(st[4:]), h))
		}
		n.dir = n.attr&exAttrDir != 0
		n.noChain = st[1]&exNoChain != 0
		n.validLen = int64(le.Uint64(st[8:]))
		n.first = le.Uint32(st[20:])
		n.size = int64(le.Uint64(st[24:]))
		if n.size < 0 || n.validLen < 0 || n.validLen > n.size || n.size > f.size {
			probs = append(probs, corrupt(BadSize, joinPath(dpath, n.name), n.first, "size %d, valid %d", n.size, n.validLen))
			continue
		}
		ts := le.Uint32(e[12:])
		n.mtime = fatTime(uint16(ts>>16), uint16(ts), e[21])
		if off := e[23]; off&0x80 != 0 && !n.mtime.IsZero() {
			q := int(int8(off<<1) >> 1) // 15-minute steps east of UTC
			n.mtime = n.mtime.Add(-time.Duration(q) * 15 * time.Minute)
		}
		out = append(out, n)
		i += sc * 32
	}
	return out, probs
}

func (n *node) pathName() string {
	if n.root || n.parent == nil {
		return "/"
	}
	p := n.parent.pathName()
	if p == "/" {
		return "/" + n.name
	}
	return p + "/" + n.name
}

// sameName compares names the way the file system does.
func (f *FS) sameName(a, b string) bool {
	if f.kind != ExFAT {
		return strings.EqualFold(a, b)
	}
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	if len(ua) != len(ub) {
		return false
	}
	for i := range ua {
		if f.up(ua[i]) != f.up(ub[i]) {
			return false
		}
	}
	return true
}

// entryOff is the volume offset of the slot-th 32-byte entry of directory d.
func (f *FS) entryOff(d *node, slot int) (int64, error) {
	at := int64(slot) * 32
	if d.root && (f.kind == FAT12 || f.kind == FAT16) {
		if at+32 > f.rootLen {
			return 0, corrupt(BadEntry, "/", 0, "root entry %d past the root directory", slot)
		}
		return f.rootOff + at, nil
	}
	runs, err := f.dirRuns(d)
	if err != nil {
		return 0, err
	}
	for _, r := range runs {
		n := int64(r.count) * f.clusterSize
		if at < n {
			return f.clusterOff(r.first) + at, nil
		}
		at -= n
	}
	return 0, corrupt(BadEntry, d.pathName(), 0, "entry %d past the directory's clusters", slot)
}

func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}
