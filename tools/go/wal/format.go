// SPDX-License-Identifier: GPL-2.0

package wal

import (
	"encoding/binary"
	"hash/crc32"
)

// On-disk layout of a log region (all integers little-endian):
//
//	block 0, block 1   header slots A and B; the valid one with the
//	                   higher generation wins, so a torn header write
//	                   leaves the other slot in charge
//	block 2 ... end    the data area, used as a ring of frames
//
// A frame is a 24-byte header followed by its payload, padded with zeros
// to 8 bytes.  A frame header never straddles a block: when fewer than 24
// bytes are left in a block the next frame starts at the next block.  A
// frame that would run past the end of the data area is preceded by a pad
// frame that fills the area up to its end, and starts the next lap at
// block 2.  Each Sync writes whole blocks: its frames, then a pad frame up
// to the block boundary, so a block that holds acknowledged frames is
// never written again in the same lap.
//
// Frame header:
//
//	0  u32 CRC-32C (Castagnoli) of the log identity, bytes 4..24 and the payload
//	4  u8  type (frameRecord, frameCommit, framePad)
//	5  u8  0
//	6  u16 0
//	8  u32 payload length
//	12 u32 epoch: the writing session, from the header; never decreases
//	       along the log, so a stale frame of an older session that
//	       happens to sit where the next frame belongs is refused
//	16 u64 sequence number, one per frame, consecutive along the log
//
// A commit frame's payload is the u64 sequence number of its batch's
// first record; the batch is the records from there up to the commit.
// Records become visible only through their commit.
const (
	frameHdrSize = 24
	frameRecord  = 1
	frameCommit  = 2
	framePad     = 3

	headerMagic   = "USBBLKWL"
	headerVersion = 1
	headerSize    = 80
	headerSlots   = 2

	// MaxRecord is the largest record Append takes (and the largest
	// frame recovery will allocate for).
	MaxRecord = 16 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// header is one header slot.
//
//	0  [8]  magic "USBBLKWL"
//	8  u32  version
//	12 u32  block size
//	16 [16] log identity (random at Format)
//	32 u64  generation (the newer valid slot wins)
//	40 u64  region size in bytes
//	48 u64  start: byte offset in the region of the oldest live frame
//	56 u64  sequence number of that frame
//	64 u32  epoch of the last session that wrote (or is writing)
//	68 u32  0
//	72 u32  0
//	76 u32  CRC-32C of bytes 0..76
type header struct {
	blockSize  uint32
	id         [16]byte
	generation uint64
	size       uint64
	start      uint64
	startSeq   uint64
	epoch      uint32
}

func (h *header) marshal(b []byte) {
	for i := range b[:headerSize] {
		b[i] = 0
	}
	copy(b[0:8], headerMagic)
	le := binary.LittleEndian
	le.PutUint32(b[8:], headerVersion)
	le.PutUint32(b[12:], h.blockSize)
	copy(b[16:32], h.id[:])
	le.PutUint64(b[32:], h.generation)
	le.PutUint64(b[40:], h.size)
	le.PutUint64(b[48:], h.start)
	le.PutUint64(b[56:], h.startSeq)
	le.PutUint32(b[64:], h.epoch)
	le.PutUint32(b[76:], crc32.Checksum(b[:76], castagnoli))
}

// unmarshal reports whether b holds a well-formed header slot.
func (h *header) unmarshal(b []byte) bool {
	if len(b) < headerSize || string(b[0:8]) != headerMagic {
		return false
	}
	le := binary.LittleEndian
	if le.Uint32(b[76:]) != crc32.Checksum(b[:76], castagnoli) ||
		le.Uint32(b[8:]) != headerVersion {
		return false
	}
	h.blockSize = le.Uint32(b[12:])
	copy(h.id[:], b[16:32])
	h.generation = le.Uint64(b[32:])
	h.size = le.Uint64(b[40:])
	h.start = le.Uint64(b[48:])
	h.startSeq = le.Uint64(b[56:])
	h.epoch = le.Uint32(b[64:])
	return true
}

// frame is a decoded frame header.
type frame struct {
	typ    uint8
	length uint32
	epoch  uint32
	seq    uint64
}

func align8(n int64) int64 { return (n + 7) &^ 7 }

// frameSize is the room a frame with a payload of n bytes takes.
func frameSize(n int) int64 { return align8(int64(frameHdrSize + n)) }

// putFrame encodes a frame with its payload into b (len frameSize(len(p)))
// for a log with identity id.
func putFrame(b []byte, id *[16]byte, f frame, p []byte) {
	le := binary.LittleEndian
	b[4] = f.typ
	b[5], b[6], b[7] = 0, 0, 0
	le.PutUint32(b[8:], uint32(len(p)))
	le.PutUint32(b[12:], f.epoch)
	le.PutUint64(b[16:], f.seq)
	n := copy(b[frameHdrSize:], p)
	for i := frameHdrSize + n; i < len(b); i++ {
		b[i] = 0
	}
	le.PutUint32(b[0:], frameCRC(id, b[4:frameHdrSize], p))
}

func frameCRC(id *[16]byte, hdr, p []byte) uint32 {
	c := crc32.Update(0, castagnoli, id[:])
	c = crc32.Update(c, castagnoli, hdr)
	return crc32.Update(c, castagnoli, p)
}

func getFrameHdr(b []byte) (f frame, crc uint32) {
	le := binary.LittleEndian
	return frame{typ: b[4], length: le.Uint32(b[8:]), epoch: le.Uint32(b[12:]),
		seq: le.Uint64(b[16:])}, le.Uint32(b[0:])
}
