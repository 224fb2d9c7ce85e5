// SPDX-License-Identifier: GPL-2.0

// Package fat reads and writes FAT12, FAT16, FAT32 and exFAT file systems
// over an io.ReaderAt (and io.WriterAt for writes): a usbblk LUN, an
// image file.  It finds the volume through an MBR or GPT partition table
// or takes a bare volume, and implements io/fs (fs.FS, fs.ReadDirFS,
// fs.ReadFileFS, fs.StatFS).  Paths are io/fs paths: slash-separated,
// without a leading slash; lookups are case-insensitive as on Windows
// (exFAT through the volume's up-case table).
package fat

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"
)

// Kind is the FAT variant.
type Kind int

// The variants.
const (
	FAT12 Kind = 12
	FAT16 Kind = 16
	FAT32 Kind = 32
	ExFAT Kind = 64
)

func (k Kind) String() string {
	switch k {
	case FAT12, FAT16, FAT32:
		return fmt.Sprintf("FAT%d", int(k))
	case ExFAT:
		return "exFAT"
	}
	return "unknown"
}

// Options say where to look.
type Options struct {
	// SectorSize of the device (the unit of partition table LBAs): 0
	// tries 512, then 4096.
	SectorSize int
	// Partition: 0 takes the first partition (or the bare volume) that
	// holds a FAT or exFAT file system; N > 0 takes partition N only.
	Partition int
	// ReadOnly refuses writes even when the device is an io.WriterAt.
	ReadOnly bool
	// CacheBlocks bounds the metadata cache (blocks of 4 KiB or one
	// sector); 0: 1024.  < 0: no cache.
	CacheBlocks int
}

// FS is an open file system.  Reads may run concurrently; a write excludes
// everything else for its duration.
type FS struct {
	dev  io.ReaderAt
	wdev io.WriterAt // nil: read-only

	base int64 // byte offset of the volume on the device
	size int64 // byte size of the volume

	kind        Kind
	sectorSize  int64
	clusterSize int64
	fatOff      int64 // volume-relative offset of the first FAT
	fatLen      int64 // bytes per FAT
	numFATs     int
	activeFAT   int   // exFAT: which FAT is in use
	rootOff     int64 // FAT12/16: the fixed root directory
	rootLen     int64
	rootCluster uint32 // FAT32, exFAT
	dataOff     int64  // volume-relative offset of cluster 2
	clusters    uint32 // number of data clusters: 2 .. clusters+1
	label       string
	serial      uint32

	fsinfoOff int64 // FAT32: volume-relative offset of FSInfo, 0: none

	// exFAT
	bitmapCluster uint32
	bitmapLen     int64
	upcase        []uint16 // full table: upcase[c] for every UTF-16 unit
	upcaseSum     uint32
	upcaseCluster uint32
	upcaseLen     int64
	bootSum       uint32
	bootSumOK     bool
	bootSumWant   uint32
	rootDirEntry  *node // exFAT: entries of the root directory found at open

	cache *cache
	mu    sync.RWMutex
	free  int64 // free clusters, -1: not counted yet (guarded by mu for writes)
	// next free cluster hint
	hint uint32
}

// Open finds and opens the file system on dev, a device or image of size
// bytes.  The file system is writable if dev is an io.WriterAt and
// opt.ReadOnly is not set.
func Open(dev io.ReaderAt, size int64, opt *Options) (*FS, error) {
	if opt == nil {
		opt = &Options{}
	}
	sizes := []int64{512, 4096}
	if opt.SectorSize != 0 {
		sizes = []int64{int64(opt.SectorSize)}
	}
	var firstErr error
	for _, ss := range sizes {
		cands, err := volumes(dev, size, ss, opt.Partition)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		for _, c := range cands {
			f, err := openVolume(dev, c.off, c.size, opt)
			if err == nil {
				return f, nil
			}
			if firstErr == nil || firstErr == ErrNotFAT {
				firstErr = err
			}
		}
	}
	if firstErr == nil {
		firstErr = ErrNotFAT
	}
	return nil, firstErr
}

type extent struct{ off, size int64 }

// volumes lists where a file system may start: the bare device, or the
// partitions of an MBR or GPT table (LBAs in units of ss).
func volumes(dev io.ReaderAt, size, ss int64, want int) ([]extent, error) {
	s0 := make([]byte, 512)
	if _, err := dev.ReadAt(s0, 0); err != nil {
		return nil, fmt.Errorf("fat: read sector 0: %w", err)
	}
	if want == 0 && looksLikeBoot(s0) {
		return []extent{{0, size}}, nil
	}
	if s0[510] != 0x55 || s0[511] != 0xAA {
		return nil, ErrNotFAT
	}
	var out []extent
	le := binary.LittleEndian
	isGPT := false
	for i := 0; i < 4; i++ {
		e := s0[446+16*i:]
		typ := e[4]
		start, n := int64(le.Uint32(e[8:])), int64(le.Uint32(e[12:]))
		if typ == 0xEE {
			isGPT = true
			break
		}
		if typ == 0 || n == 0 || typ == 0x05 || typ == 0x0F || typ == 0x85 {
			continue
		}
		if want != 0 && want != i+1 {
			continue
		}
		out = append(out, extent{start * ss, n * ss})
	}
	if isGPT {
		return gptVolumes(dev, size, ss, want)
	}
	var fit []extent
	for _, e := range out {
		if e.off > 0 && e.off < size {
			if e.off+e.size > size {
				e.size = size - e.off
			}
			fit = append(fit, e)
		}
	}
	if len(fit) == 0 {
		return nil, ErrNotFAT
	}
	return fit, nil
}

// gptVolumes reads a GPT header at LBA 1 and its partition entries.
func gptVolumes(dev io.ReaderAt, size, ss int64, want int) ([]extent, error) {
	h := make([]byte, 92)
	if _, err := dev.ReadAt(h, ss); err != nil {
		return nil, fmt.Errorf("fat: read GPT header: %w", err)
	}
	if string(h[0:8]) != "EFI PART" {
		return nil, ErrNotFAT
	}
	le := binary.LittleEndian
	entLBA := int64(le.Uint64(h[72:]))
	n := int64(le.Uint32(h[80:]))
	esz := int64(le.Uint32(h[84:]))
	if esz < 128 || esz > 4096 || n > 1024 || entLBA*ss >= size {
		return nil, corrupt(BadBoot, "", 0, "GPT header: %d entries of %d bytes at LBA %d", n, esz, entLBA)
	}
	tab := make([]byte, n*esz)
	if _, err := dev.ReadAt(tab, entLBA*ss); err != nil {
		return nil, fmt.Errorf("fat: read GPT entries: %w", err)
	}
	var out []extent
	for i := int64(0); i < n; i++ {
		e := tab[i*esz:]
		if allZero(e[0:16]) {
			continue
		}
		if want != 0 && int64(want) != i+1 {
			continue
		}
		first, last := int64(le.Uint64(e[32:])), int64(le.Uint64(e[40:]))
		if first <= 0 || last < first || first*ss >= size {
			continue
		}
		end := (last + 1) * ss
		if end > size {
			end = size
		}
		out = append(out, extent{first * ss, end - first*ss})
	}
	if len(out) == 0 {
		return nil, ErrNotFAT
	}
	return out, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// looksLikeBoot: an exFAT boot sector, or a FAT one with a plausible BPB.
func looksLikeBoot(b []byte) bool {
	if string(b[3:11]) == "EXFAT   " {
		return true
	}
	if b[0] != 0xEB && b[0] != 0xE9 {
		return false
	}
	le := binary.LittleEndian
	bps := le.Uint16(b[11:])
	spc := b[13]
	return bps >= 512 && bps <= 4096 && bps&(bps-1) == 0 && spc != 0 && spc&(spc-1) == 0 &&
		le.Uint16(b[14:]) != 0 && b[16] >= 1 && b[16] <= 2 && (b[21] == 0xF0 || b[21] >= 0xF8)
}

func openVolume(dev io.ReaderAt, off, size int64, opt *Options) (*FS, error) {
	b := make([]byte, 512)
	if _, err := dev.ReadAt(b, off); err != nil {
		return nil, fmt.Errorf("fat: read boot sector: %w", err)
	}
	if !looksLikeBoot(b) {
		return nil, ErrNotFAT
	}
	f := &FS{dev: dev, base: off, size: size, free: -1}
	if w, ok := dev.(io.WriterAt); ok && !opt.ReadOnly {
		f.wdev = w
	}
	n := opt.CacheBlocks
	if n == 0 {
		n = 1024
	}
	var err error
	if string(b[3:11]) == "EXFAT   " {
		err = f.openExFAT(b)
	} else {
		err = f.openFAT(b)
	}
	if err != nil {
		return nil, err
	}
	f.cache = newCache(f, n)
	if f.kind == ExFAT {
		if err := f.loadExFATRoot(); err != nil {
			return nil, err
		}
	} else if err := f.loadLabel(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *FS) openFAT(b []byte) error {
	le := binary.LittleEndian
	ss := int64(le.Uint16(b[11:]))
	spc := int64(b[13])
	reserved := int64(le.Uint16(b[14:]))
	f.numFATs = int(b[16])
	rootEnts := int64(le.Uint16(b[17:]))
	total := int64(le.Uint16(b[19:]))
	if total == 0 {
		total = int64(le.Uint32(b[32:]))
	}
	fatSecs := int64(le.Uint16(b[22:]))
	if fatSecs == 0 {
		fatSecs = int64(le.Uint32(b[36:]))
	}
	f.sectorSize, f.clusterSize = ss, ss*spc
	if f.clusterSize > 1<<21 {
		return corrupt(BadBoot, "", 0, "cluster size %d", f.clusterSize)
	}
	f.fatOff = reserved * ss
	f.fatLen = fatSecs * ss
	f.rootOff = f.fatOff + int64(f.numFATs)*f.fatLen
	f.rootLen = (rootEnts*32 + ss - 1) / ss * ss
	f.dataOff = f.rootOff + f.rootLen
	if fatSecs == 0 || total*ss > f.size || f.dataOff >= total*ss {
		return corrupt(BadBoot, "", 0, "%d sectors of %d bytes (volume is %d bytes), data at %d",
			total, ss, f.size, f.dataOff)
	}
	f.size = total * ss
	nc := (f.size - f.dataOff) / f.clusterSize
	switch {
	case nc < 4085:
		f.kind = FAT12
	case nc < 65525:
		f.kind = FAT16
	default:
		f.kind = FAT32
	}
	if rootEnts == 0 && f.kind != FAT32 || rootEnts != 0 && f.kind == FAT32 {
		return corrupt(BadBoot, "", 0, "%d root entries for a %s volume", rootEnts, f.kind)
	}
	// the FAT must map every cluster
	entries := f.fatLen * 8 / int64(f.entryBits())
	if entries < nc+2 {
		if f.kind == FAT32 && entries-2 >= 65525 || f.kind != FAT32 && entries-2 > 0 {
			nc = entries - 2
		} else {
			return corrupt(BadBoot, "", 0, "FAT of %d entries for %d clusters", entries, nc)
		}
	}
	if nc > 0x0FFFFFF5 {
		nc = 0x0FFFFFF5
	}
	f.clusters = uint32(nc)
	f.serial = le.Uint32(b[39:])
	if f.kind == FAT32 {
		f.serial = le.Uint32(b[67:])
		f.rootCluster = le.Uint32(b[44:])
		if fi := int64(le.Uint16(b[48:])); fi != 0 && fi != 0xFFFF && fi < reserved {
			f.fsinfoOff = fi * ss
		}
		if !f.validCluster(f.rootCluster) {
			return corrupt(BadBoot, "", f.rootCluster, "root directory cluster out of range")
		}
	}
	return nil
}

func (f *FS) entryBits() int {
	switch f.kind {
	case FAT12:
		return 12
	case FAT16:
		return 16
	}
	return 32
}

func (f *FS) validCluster(c uint32) bool { return c >= 2 && c-2 < f.clusters }

// clusterOff is the volume-relative offset of cluster c.
func (f *FS) clusterOff(c uint32) int64 { return f.dataOff + int64(c-2)*f.clusterSize }

// Kind is the file system's variant.
func (f *FS) Kind() Kind { return f.kind }

// Label is the volume label ("" if none).
func (f *FS) Label() string { return f.label }

// ClusterSize in bytes.
func (f *FS) ClusterSize() int64 { return f.clusterSize }

// SectorSize of the file system.
func (f *FS) SectorSize() int64 { return f.sectorSize }

// Offset is the byte offset of the volume on the device.
func (f *FS) Offset() int64 { return f.base }
