// SPDX-License-Identifier: GPL-2.0

package wal

import (
	"bytes"
	"fmt"
)

// geometry is where a log lives on its device.
type geometry struct {
	dev       Device
	off       int64 // byte offset of the region on the device
	bs        int64 // block size
	dataStart int64 // region-relative, 2 blocks
	dataEnd   int64 // region size
}

func (g *geometry) capacity() int64 { return g.dataEnd - g.dataStart }

// norm moves pos to where a frame may start: not in the last 23 bytes of a
// block, and from the end of the data area back to its start.
func (g *geometry) norm(pos int64) int64 {
	if r := g.bs - pos%g.bs; r < frameHdrSize {
		pos += r
	}
	if pos >= g.dataEnd {
		pos = g.dataStart
	}
	return pos
}

// ring is the forward distance from a to b in the data area.
func (g *geometry) ring(a, b int64) int64 {
	if b >= a {
		return b - a
	}
	return g.capacity() - (a - b)
}

// window reads the region in aligned chunks, so that the device only ever
// sees whole-block reads, and keeps the last chunk.
type window struct {
	g     *geometry
	start int64
	buf   []byte
}

const windowSize = 128 << 10

// get returns n bytes at region position pos (pos+n <= dataEnd).
func (w *window) get(pos, n int64) ([]byte, error) {
	if pos >= w.start && pos+n <= w.start+int64(len(w.buf)) {
		return w.buf[pos-w.start : pos-w.start+n], nil
	}
	lo := pos - pos%w.g.bs
	hi := pos + n
	if hi < lo+windowSize {
		hi = lo + windowSize
	}
	if hi > w.g.dataEnd {
		hi = w.g.dataEnd
	}
	if r := hi % w.g.bs; r != 0 {
		hi += w.g.bs - r
	}
	if int64(cap(w.buf)) >= hi-lo {
		w.buf = w.buf[:hi-lo]
	} else {
		w.buf = make([]byte, hi-lo)
	}
	w.start = lo
	if _, err := w.g.dev.ReadAt(w.buf, w.g.off+lo); err != nil {
		w.buf = w.buf[:0]
		return nil, fmt.Errorf("wal: read at %d: %w", w.g.off+lo, err)
	}
	return w.buf[pos-lo : pos-lo+n], nil
}

// batchPos is where a batch's first frame is.
type batchPos struct {
	seq uint64
	pos int64
}

// scanResult is what one pass over the log found.
type scanResult struct {
	safeEnd  int64  // the last sync point: a block boundary after a commit or pad
	nextSeq  uint64 // sequence number of the frame that comes there
	lastEnd  int64  // position after the last valid frame
	epoch    uint32 // highest epoch seen
	batches  []batchPos
	records  int
	nbatches int
	dropped  int  // valid record frames after the last commit
	torn     bool // the scan stopped at a damaged frame, not at a clean end
	stop     string
}

// scan walks the frames from (start, seq) and calls fn (if not nil) for
// every committed record in order.  It stops at the first frame that is
// damaged, stale (not the sequence number or epoch that must come next)
// or absent, and never goes round the ring more than once.
func scan(g *geometry, id *[16]byte, start int64, seq uint64,
	fn func(seq uint64, rec []byte) error) (*scanResult, error) {
	w := &window{g: g}
	r := &scanResult{safeEnd: start, nextSeq: seq, lastEnd: start}
	type rec struct {
		seq   uint64
		epoch uint32
		data  []byte
	}
	// pending: records since the last commit; done: committed batches
	// since the last sync point, held back until one is reached
	var pending, done []rec
	var doneBatches []batchPos
	pos := g.norm(start)
	batchStart := batchPos{seq, pos}
	var walked int64
	for {
		if walked >= g.capacity() {
			r.stop = "went round the whole ring"
			break
		}
		hb, err := w.get(pos, frameHdrSize)
		if err != nil {
			return nil, err
		}
		f, crc := getFrameHdr(hb)
		size := frameSize(int(f.length))
		if f.length > MaxRecord+uint32(g.bs) || pos+size > g.dataEnd {
			r.stop = fmt.Sprintf("frame at %d: length %d does not fit", pos, f.length)
			r.torn = !allZero(hb)
			break
		}
		fb, err := w.get(pos, size)
		if err != nil {
			return nil, err
		}
		hdr := fb[:frameHdrSize]
		payload := fb[frameHdrSize : frameHdrSize+int64(f.length)]
		if frameCRC(id, hdr[4:], payload) != crc {
			if allZero(hb) {
				r.stop = fmt.Sprintf("end at %d", pos)
			} else {
				r.stop = fmt.Sprintf("frame at %d: bad CRC", pos)
				r.torn = true
			}
			break
		}
		if f.seq != seq || f.epoch < r.epoch {
			r.stop = fmt.Sprintf("end at %d: stale frame (seq %d epoch %d, want seq %d epoch >= %d)",
				pos, f.seq, f.epoch, seq, r.epoch)
			break
		}
		ok := true
		switch f.typ {
		case frameRecord:
			if f.length > MaxRecord {
				ok = false
				break
			}
			var d []byte
			if fn != nil {
				// bounded by the ring: the frames are in it
				d = append([]byte(nil), payload...)
			}
			pending = append(pending, rec{f.seq, f.epoch, d})
		case frameCommit:
			first := uint64(0)
			if f.length == 8 {
				first = le64(payload)
			}
			want := f.seq
			if len(pending) > 0 {
				want = pending[0].seq
			}
			if f.length != 8 || first != want {
				ok = false
				break
			}
			for _, p := range pending {
				if p.epoch != f.epoch {
					// one session writes a whole batch
					ok = false
				}
			}
			if !ok {
				break
			}
			done = append(done, pending...)
			doneBatches = append(doneBatches, batchStart)
			pending = pending[:0]
		case framePad:
		default:
			ok = false
		}
		if !ok {
			r.stop = fmt.Sprintf("frame at %d: malformed (type %d, length %d)", pos, f.typ, f.length)
			r.torn = true
			break
		}
		r.epoch = f.epoch
		seq++
		end := pos + size
		r.lastEnd = end
		walked += g.ring(pos, g.norm(end))
		pos = g.norm(end)
		if len(pending) == 0 {
			batchStart = batchPos{seq, pos}
			if pos%g.bs == 0 {
				// a sync point: a Sync that got this far ended here
				for _, p := range done {
					if fn != nil {
						if err := fn(p.seq, p.data); err != nil {
							return nil, err
						}
					}
				}
				r.records += len(done)
				r.nbatches += len(doneBatches)
				r.batches = append(r.batches, doneBatches...)
				done, doneBatches = done[:0], doneBatches[:0]
				r.safeEnd, r.nextSeq = pos, seq
			}
		}
	}
	r.dropped = len(pending) + len(done)
	return r, nil
}

func allZero(b []byte) bool { return len(bytes.Trim(b, "\x00")) == 0 }
