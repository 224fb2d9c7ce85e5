// SPDX-License-Identifier: GPL-2.0

// Package wal is an append-only record log on a range of blocks of a
// device: a usbblk LUN, a file, or anything that reads, writes and syncs.
//
// Records are appended in batches (Append); a batch is all or nothing.
// Sync writes what was appended in whole blocks and then flushes the
// device (usbblk's SYNCHRONIZE CACHE); a record is acknowledged when the
// Sync after its Append returned nil, and from then on it survives a power
// cut.  Open recovers the log: it walks the frames from the oldest live
// one, keeps every committed batch, and trims what a cut left torn before
// anything new is written.  TruncateBefore gives space back; the data
// area is a ring.  The format is described in format.go.
package wal

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Device is what a log is kept on.  *usbblk.LUN and *os.File are Devices.
// Reads and writes are always whole, aligned blocks of the log's block
// size.
type Device interface {
	io.ReaderAt
	io.WriterAt
	// Sync makes every completed write durable, or reports why not.
	Sync() error
}

// BlockSizer is implemented by devices that know their block size.
type BlockSizer interface {
	BlockSize() int
}

// Options place a log on its device.
type Options struct {
	Offset    int64 // byte offset of the region (a multiple of BlockSize)
	Size      int64 // byte size of the region (a multiple of BlockSize)
	BlockSize int   // 0: the device's (BlockSizer), else 512
}

var (
	// ErrNoLog: neither header slot holds a log header.
	ErrNoLog = errors.New("wal: no log header")
	// ErrCorrupt is matched (errors.Is) by every error about the log's
	// contents.
	ErrCorrupt = errors.New("wal: corrupt log")
	// ErrFull: the batch does not fit in the free space; TruncateBefore.
	ErrFull = errors.New("wal: log full")
	// ErrTooLarge: a record is larger than MaxRecord or the log.
	ErrTooLarge = errors.New("wal: record too large")
	// ErrClosed: the log was closed.
	ErrClosed = errors.New("wal: log closed")
)

// Recovery is what Open found.
type Recovery struct {
	Records  int    `json:"records"`   // committed records in the log
	Batches  int    `json:"batches"`   // committed batches
	FirstSeq uint64 `json:"first_seq"` // sequence number of the oldest live frame
	NextSeq  uint64 `json:"next_seq"`  // sequence number the next frame gets
	// Dropped counts record frames that were intact but came after the
	// last sync point (their batch had no commit, or the Sync that wrote
	// it did not reach its end): a cut during their Sync.  They are not
	// in the log.
	Dropped int `json:"dropped"`
	// TailBytes is how much of the log after the last sync point was
	// intact but is given up; Torn says the walk ended at bytes that are
	// not a frame (a torn write, or an older lap's data where a frame
	// header would be) rather than at zeros or a stale frame.  Either way the tail is trimmed: the
	// first Sync writes over it from the last sync point on.
	TailBytes int64  `json:"tail_bytes"`
	Torn      bool   `json:"torn"`
	Stop      string `json:"stop"`  // where and why the walk ended
	Epoch     uint32 `json:"epoch"` // the writing session this Open starts
}

// Log is an open log.  Its methods are not safe for concurrent use.
type Log struct {
	g      geometry
	hdr    header
	slot   int // the header slot that holds hdr
	epoch  uint32
	bumped bool // hdr.epoch == epoch is durable

	wpos    int64  // where the next Sync's write starts (block-aligned)
	segs    []seg  // what it writes: the trimmed tail's prefix, then frames
	cur     int64  // where the next frame goes
	nextSeq uint64 // the next frame's sequence number
	live    int64  // ring distance from hdr.start to cur
	synced  uint64 // frames below this are durable
	durEnd  int64  // where they end

	batches     []batchPos // durable batches, oldest first
	pendBatches []batchPos
	err         error // sticky: the first write or sync error
}

type seg struct {
	pos int64
	buf []byte
}

func geometryOf(dev Device, opt Options) (geometry, error) {
	bs := int64(opt.BlockSize)
	if bs == 0 {
		bs = 512
		if s, ok := dev.(BlockSizer); ok {
			bs = int64(s.BlockSize())
		}
	}
	if bs < 512 || bs > 1<<16 || bs&(bs-1) != 0 {
		return geometry{}, fmt.Errorf("wal: block size %d: not a power of two in 512..65536", bs)
	}
	if opt.Offset < 0 || opt.Offset%bs != 0 || opt.Size%bs != 0 || opt.Size < 4*bs {
		return geometry{}, fmt.Errorf("wal: region %d+%d: not whole blocks of %d, or under 4 blocks",
			opt.Offset, opt.Size, bs)
	}
	return geometry{dev: dev, off: opt.Offset, bs: bs, dataStart: headerSlots * bs,
		dataEnd: opt.Size}, nil
}

// Format writes an empty log with a new identity over the region and syncs
// it.  Frames of a log formatted there before are not this log's.
func Format(dev Device, opt Options) error {
	g, err := geometryOf(dev, opt)
	if err != nil {
		return err
	}
	h := header{blockSize: uint32(g.bs), generation: 1, size: uint64(g.dataEnd),
		start: uint64(g.dataStart), startSeq: 1}
	if _, err := rand.Read(h.id[:]); err != nil {
		return fmt.Errorf("wal: log identity: %w", err)
	}
	b := make([]byte, 2*g.bs)
	h.marshal(b)
	if _, err := dev.WriteAt(b, g.off); err != nil {
		return fmt.Errorf("wal: format: %w", err)
	}
	if err := dev.Sync(); err != nil {
		return fmt.Errorf("wal: format: sync: %w", err)
	}
	return nil
}

// readHeader picks the valid header slot with the higher generation.
func readHeader(g *geometry) (header, int, error) {
	b := make([]byte, 2*g.bs)
	if _, err := g.dev.ReadAt(b, g.off); err != nil {
		return header{}, 0, fmt.Errorf("wal: read header: %w", err)
	}
	var best header
	slot := -1
	for i := 0; i < headerSlots; i++ {
		var h header
		if h.unmarshal(b[int64(i)*g.bs:]) && (slot < 0 || h.generation > best.generation) {
			best, slot = h, i
		}
	}
	if slot < 0 {
		return header{}, 0, ErrNoLog
	}
	if int64(best.blockSize) != g.bs || int64(best.size) != g.dataEnd {
		return header{}, 0, fmt.Errorf("%w: header says %d-byte blocks and %d bytes, opened with %d and %d",
			ErrCorrupt, best.blockSize, best.size, g.bs, g.dataEnd)
	}
	if int64(best.start) < g.dataStart || int64(best.start) >= g.dataEnd ||
		best.start%8 != 0 || g.norm(int64(best.start)) != int64(best.start) {
		return header{}, 0, fmt.Errorf("%w: header start %d is not a frame position", ErrCorrupt, best.start)
	}
	return best, slot, nil
}

// Open recovers the log in the region and returns it ready to append.
// Nothing is written until the first Sync.
func Open(dev Device, opt Options) (*Log, *Recovery, error) {
	g, err := geometryOf(dev, opt)
	if err != nil {
		return nil, nil, err
	}
	h, slot, err := readHeader(&g)
	if err != nil {
		return nil, nil, err
	}
	r, err := scan(&g, &h.id, int64(h.start), h.startSeq, nil)
	if err != nil {
		return nil, nil, err
	}
	l := &Log{g: g, hdr: h, slot: slot, epoch: h.epoch + 1, nextSeq: r.nextSeq,
		synced: r.nextSeq, batches: r.batches}
	if l.epoch == 0 {
		return nil, nil, fmt.Errorf("%w: epoch wrapped", ErrCorrupt)
	}
	// The trim: the next write starts at the last sync point (a block
	// boundary), over whatever a cut left after it (torn, or intact but
	// from a Sync that never returned); nothing recovery reported is
	// ever written again.
	l.wpos, l.cur, l.durEnd = r.safeEnd, r.safeEnd, r.safeEnd
	l.live = g.ring(int64(h.start), l.cur)
	rec := &Recovery{Records: r.records, Batches: r.nbatches, FirstSeq: h.startSeq,
		NextSeq: r.nextSeq, Dropped: r.dropped, TailBytes: g.ring(r.safeEnd, r.lastEnd),
		Torn: r.torn, Stop: r.stop, Epoch: l.epoch}
	if r.lastEnd == r.safeEnd {
		rec.TailBytes = 0
	}
	return l, rec, nil
}

// Append adds one batch of records; it is durable after the next Sync
// returns nil, all of it or none of it.  It returns the sequence number of
// the first record; the others follow in increasing (not necessarily
// consecutive) order.
func (l *Log) Append(recs ...[]byte) (uint64, error) {
	if l.err != nil {
		return 0, l.err
	}
	if len(recs) == 0 {
		return 0, errors.New("wal: empty batch")
	}
	// Worst case: each frame may need a block skip and one wrap pad.
	need := 2*l.g.bs + frameSize(8)
	for _, r := range recs {
		if len(r) > MaxRecord || frameSize(len(r)) > l.g.capacity()/4 {
			return 0, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(r))
		}
		need += frameSize(len(r)) + frameHdrSize
	}
	if l.live+need+2*l.g.bs > l.g.capacity() {
		return 0, fmt.Errorf("%w: %d bytes needed, %d free", ErrFull, need,
			l.g.capacity()-l.live-2*l.g.bs)
	}
	first := uint64(0)
	bp := batchPos{l.nextSeq, l.g.norm(l.cur)}
	for i, r := range recs {
		s := l.add(frameRecord, r)
		if i == 0 {
			first = s
		}
	}
	var p [8]byte
	binary.LittleEndian.PutUint64(p[:], first)
	l.add(frameCommit, p[:])
	l.pendBatches = append(l.pendBatches, bp)
	return first, nil
}

// add appends one frame to the pending write, after the block skip and
// the wrap pad it needs, and returns its sequence number.
func (l *Log) add(typ uint8, p []byte) uint64 {
	pos := l.g.norm(l.cur)
	size := frameSize(len(p))
	if pos+size > l.g.dataEnd {
		l.gap(pos)
		l.frame(framePad, make([]byte, l.g.dataEnd-pos-frameHdrSize))
		pos = l.g.dataStart
	}
	l.gap(pos)
	return l.frame(typ, p)
}

// gap moves cur to pos (pos == cur, a block skip, or the wrap to the start),
// filling a skipped block end with zeros.
func (l *Log) gap(pos int64) {
	if pos == l.cur {
		return
	}
	if pos == l.g.dataStart && l.cur > pos {
		if l.cur != l.g.dataEnd {
			l.fill(l.g.dataEnd - l.cur)
		}
		l.segs = append(l.segs, seg{pos: pos})
		l.cur = pos
		return
	}
	l.fill(pos - l.cur)
}

func (l *Log) fill(n int64) {
	l.emit(make([]byte, n))
}

// emit appends b at cur.
func (l *Log) emit(b []byte) {
	if len(l.segs) == 0 || l.segs[len(l.segs)-1].pos+int64(len(l.segs[len(l.segs)-1].buf)) != l.cur {
		l.segs = append(l.segs, seg{pos: l.cur})
	}
	s := &l.segs[len(l.segs)-1]
	s.buf = append(s.buf, b...)
	l.cur += int64(len(b))
	l.live += int64(len(b))
}

func (l *Log) frame(typ uint8, p []byte) uint64 {
	b := make([]byte, frameSize(len(p)))
	s := l.nextSeq
	putFrame(b, &l.hdr.id, frame{typ: typ, epoch: l.epoch, seq: s}, p)
	l.nextSeq++
	l.emit(b)
	return s
}

// Sync writes every appended batch and flushes the device.  When it
// returns nil they are durable; when it fails, the log refuses all further
// work (the device's state is unknown): reopen it to recover.
func (l *Log) Sync() error {
	if l.err != nil {
		return l.err
	}
	if len(l.pendBatches) == 0 {
		return nil
	}
	if !l.bumped {
		h := l.hdr
		h.generation++
		h.epoch = l.epoch
		if err := l.writeHeader(h); err != nil {
			return l.fail(err)
		}
		l.bumped = true
	}
	// pad to the block boundary (zeros where no frame header fits)
	l.gap(l.g.norm(l.cur))
	if r := l.cur % l.g.bs; r != 0 {
		l.frame(framePad, make([]byte, l.g.bs-r-frameHdrSize))
	}
	for _, s := range l.segs {
		if len(s.buf) == 0 {
			continue
		}
		if _, err := l.g.dev.WriteAt(s.buf, l.g.off+s.pos); err != nil {
			return l.fail(fmt.Errorf("wal: write at %d: %w", l.g.off+s.pos, err))
		}
	}
	if err := l.g.dev.Sync(); err != nil {
		return l.fail(fmt.Errorf("wal: sync: %w", err))
	}
	if l.cur == l.g.dataEnd {
		l.cur = l.g.dataStart
	}
	l.wpos, l.segs, l.synced, l.durEnd = l.cur, nil, l.nextSeq, l.cur
	l.batches = append(l.batches, l.pendBatches...)
	l.pendBatches = nil
	return nil
}

func (l *Log) fail(err error) error {
	l.err = err
	return err
}

// writeHeader writes h into the slot not in use and syncs it.
func (l *Log) writeHeader(h header) error {
	b := make([]byte, l.g.bs)
	h.marshal(b)
	slot := 1 - l.slot
	if _, err := l.g.dev.WriteAt(b, l.g.off+int64(slot)*l.g.bs); err != nil {
		return fmt.Errorf("wal: write header: %w", err)
	}
	if err := l.g.dev.Sync(); err != nil {
		return fmt.Errorf("wal: sync header: %w", err)
	}
	l.hdr, l.slot = h, slot
	return nil
}

// Replay calls fn for every durable committed record, oldest first, as
// read back from the device.  Batches appended but not yet synced are not
// included.
func (l *Log) Replay(fn func(seq uint64, rec []byte) error) error {
	if l.err != nil {
		return l.err
	}
	_, err := scan(&l.g, &l.hdr.id, int64(l.hdr.start), l.hdr.startSeq, func(s uint64, b []byte) error {
		if s >= l.synced {
			return errStopReplay
		}
		return fn(s, b)
	})
	if err == errStopReplay {
		return nil
	}
	return err
}

var errStopReplay = errors.New("stop")

// TruncateBefore drops the durable batches whose records all come before
// seq and makes the drop durable (a header write and a sync).  Records at
// or after seq stay; so may some before it, in the same batch.
func (l *Log) TruncateBefore(seq uint64) error {
	if l.err != nil {
		return l.err
	}
	k := 0
	for k < len(l.batches) {
		end := l.synced
		if k+1 < len(l.batches) {
			end = l.batches[k+1].seq
		}
		if end > seq {
			break
		}
		k++
	}
	if k == 0 {
		return nil
	}
	start := batchPos{l.synced, l.g.norm(l.durEnd)}
	if k < len(l.batches) {
		start = l.batches[k]
	}
	h := l.hdr
	h.generation++
	h.start, h.startSeq = uint64(start.pos), start.seq
	if l.bumped {
		h.epoch = l.epoch
	}
	if err := l.writeHeader(h); err != nil {
		return l.fail(err)
	}
	l.live = l.g.ring(start.pos, l.cur)
	l.batches = l.batches[k:]
	return nil
}

// Close drops what was not synced.
func (l *Log) Close() error {
	if l.err == nil {
		l.err = ErrClosed
	}
	return nil
}

func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }
