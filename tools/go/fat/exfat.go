// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// exFAT directory entry types.
const (
	exEnd      = 0x00
	exBitmap   = 0x81
	exUpcase   = 0x82
	exLabel    = 0x83
	exFile     = 0x85
	exGUID     = 0xA0
	exStream   = 0xC0
	exName     = 0xC1
	exInUse    = 0x80
	exNoChain  = 0x02
	exAllocOK  = 0x01
	exAttrDir  = 0x10
	exMaxNames = 17 // 255 UTF-16 units / 15 per entry
)

// bootChecksum is exFAT's boot-region checksum over sectors 0..10,
// skipping VolumeFlags (106, 107) and PercentInUse (112).
func bootChecksum(b []byte, ss int) uint32 {
	var c uint32
	for i := 0; i < 11*ss; i++ {
		if i == 106 || i == 107 || i == 112 {
			continue
		}
		c = (c>>1 | c<<31) + uint32(b[i])
	}
	return c
}

// entrySetChecksum is the 16-bit checksum of an entry set, skipping the
// checksum field itself (bytes 2, 3 of the first entry).
func entrySetChecksum(b []byte) uint16 {
	var c uint16
	for i := range b {
		if i == 2 || i == 3 {
			continue
		}
		c = (c>>1 | c<<15) + uint16(b[i])
	}
	return c
}

// upcaseChecksum is the table checksum the up-case table entry carries.
func upcaseChecksum(b []byte) uint32 {
	var c uint32
	for _, x := range b {
		c = (c>>1 | c<<31) + uint32(x)
	}
	return c
}

// nameHash is the stream extension's hash of the up-cased name.
func (f *FS) nameHash(name []uint16) uint16 {
	var h uint16
	for _, u := range name {
		u = f.up(u)
		h = (h>>1 | h<<15) + u&0xFF
		h = (h>>1 | h<<15) + u>>8
	}
	return h
}

func (f *FS) up(u uint16) uint16 {
	if f.upcase != nil {
		return f.upcase[u]
	}
	if u >= 'a' && u <= 'z' {
		return u - 32
	}
	return u
}

func (f *FS) openExFAT(b []byte) error {
	le := binary.LittleEndian
	ssh, csh := b[108], b[109]
	if ssh < 9 || ssh > 12 || int(ssh)+int(csh) > 25 {
		return corrupt(BadBoot, "", 0, "exFAT sector shift %d, cluster shift %d", ssh, csh)
	}
	f.kind = ExFAT
	f.sectorSize = 1 << ssh
	f.clusterSize = f.sectorSize << csh
	region := make([]byte, 12*f.sectorSize)
	if _, err := f.dev.ReadAt(region, f.base); err != nil {
		return fmt.Errorf("fat: read exFAT boot region: %w", err)
	}
	f.bootSumWant = bootChecksum(region, int(f.sectorSize))
	f.bootSum = le.Uint32(region[11*f.sectorSize:])
	f.bootSumOK = true
	for i := int64(0); i < f.sectorSize; i += 4 {
		if le.Uint32(region[11*f.sectorSize+i:]) != f.bootSumWant {
			f.bootSumOK = false
		}
	}
	if !f.bootSumOK {
		return corrupt(BadChecksum, "", 0, "exFAT boot region checksum %#08x, computed %#08x",
			f.bootSum, f.bootSumWant)
	}
	volLen := int64(le.Uint64(b[72:]))
	f.fatOff = int64(le.Uint32(b[80:])) * f.sectorSize
	f.fatLen = int64(le.Uint32(b[84:])) * f.sectorSize
	f.dataOff = int64(le.Uint32(b[88:])) * f.sectorSize
	nc := int64(le.Uint32(b[92:]))
	f.rootCluster = le.Uint32(b[96:])
	f.serial = le.Uint32(b[100:])
	f.numFATs = int(b[110])
	if le.Uint16(b[106:])&1 != 0 {
		f.activeFAT = 1
	}
	if volLen*f.sectorSize > f.size || volLen < 1 {
		return corrupt(BadBoot, "", 0, "exFAT volume of %d sectors on %d bytes", volLen, f.size)
	}
	f.size = volLen * f.sectorSize
	if f.numFATs < 1 || f.numFATs > 2 || f.activeFAT >= f.numFATs || f.fatLen < (nc+2)*4 ||
		f.fatOff < 24*f.sectorSize || f.dataOff < f.fatOff+int64(f.numFATs)*f.fatLen ||
		f.dataOff+nc*f.clusterSize > f.size || nc < 1 || nc > 0xFFFFFFF5 {
		return corrupt(BadBoot, "", 0, "exFAT layout: FAT at %d (%d bytes x %d), heap at %d, %d clusters",
			f.fatOff, f.fatLen, f.numFATs, f.dataOff, nc)
	}
	f.clusters = uint32(nc)
	if !f.validCluster(f.rootCluster) {
		return corrupt(BadBoot, "", f.rootCluster, "root directory cluster out of range")
	}
	return nil
}

// loadExFATRoot reads the root directory's special entries: the
// allocation bitmap, the up-case table (its checksum checked) and the
// label.
func (f *FS) loadExFATRoot() error {
	root := f.root()
	buf, err := f.readDirBytes(root)
	if err != nil {
		return err
	}
	le := binary.LittleEndian
	for i := 0; i+32 <= len(buf); i += 32 {
		e := buf[i : i+32]
		switch e[0] {
		case exEnd:
			i = len(buf)
		case exBitmap:
			if e[1]&1 == byte(f.activeFAT) && f.bitmapCluster == 0 || e[1]&1 == 0 && f.bitmapCluster == 0 {
				f.bitmapCluster = le.Uint32(e[20:])
				f.bitmapLen = int64(le.Uint64(e[24:]))
			}
		case exUpcase:
			f.upcaseSum = le.Uint32(e[4:])
			f.upcaseCluster = le.Uint32(e[20:])
			f.upcaseLen = int64(le.Uint64(e[24:]))
		case exLabel:
			n := int(e[1])
			if n > 11 {
				n = 11
			}
			u := make([]uint16, n)
			for k := range u {
				u[k] = le.Uint16(e[2+2*k:])
			}
			f.label = string(utf16.Decode(u))
		}
	}
	if !f.validCluster(f.bitmapCluster) || f.bitmapLen < int64(f.clusters+7)/8 {
		return corrupt(BadBitmap, "", f.bitmapCluster, "allocation bitmap entry: %d bytes", f.bitmapLen)
	}
	if f.upcaseCluster != 0 {
		if !f.validCluster(f.upcaseCluster) || f.upcaseLen <= 0 || f.upcaseLen > 1<<17+1<<16 {
			return corrupt(BadEntry, "", f.upcaseCluster, "up-case table entry: %d bytes", f.upcaseLen)
		}
		t := make([]byte, f.upcaseLen)
		if err := f.readContig(t, f.upcaseCluster, 0); err != nil {
			return err
		}
		if s := upcaseChecksum(t); s != f.upcaseSum {
			return corrupt(BadChecksum, "", f.upcaseCluster, "up-case table checksum %#08x, computed %#08x",
				f.upcaseSum, s)
		}
		f.upcase = expandUpcase(t)
	}
	return nil
}

// expandUpcase decodes the (possibly compressed) up-case table: 0xFFFF N
// means N characters that map to themselves.
func expandUpcase(t []byte) []uint16 {
	u := make([]uint16, 65536)
	for i := range u {
		u[i] = uint16(i)
	}
	c := 0
	for i := 0; i+1 < len(t) && c < 65536; i += 2 {
		v := binary.LittleEndian.Uint16(t[i:])
		if v == 0xFFFF && i+3 < len(t) {
			c += int(binary.LittleEndian.Uint16(t[i+2:]))
			i += 2
			continue
		}
		u[c] = v
		c++
	}
	return u
}

// readContig reads len(b) bytes from off into the run of clusters starting
// at c (no FAT chain), bounded by the heap.
func (f *FS) readContig(b []byte, c uint32, off int64) error {
	start := f.clusterOff(c) + off
	if start+int64(len(b)) > f.dataOff+int64(f.clusters)*f.clusterSize {
		return corrupt(BadChain, "", c, "%d bytes from cluster %d run past the heap", len(b), c)
	}
	return f.readVol(b, start)
}
