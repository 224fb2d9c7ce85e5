// SPDX-License-Identifier: GPL-2.0

package usbblk

import (
	"io"
	"os"
	"syscall"
)

// sectors is what ReadAt and WriteAt are built on: whole-block I/O on
// any buffer, a block size, a capacity and one block of scratch memory
// (held by the caller of rmw's functions).
type sectors interface {
	ReadSectors(lba uint64, buf []byte) error
	WriteSectors(lba uint64, buf []byte) error
}

// byteRange is a request in bytes cut into a partial first block, whole
// blocks, and a partial last block.
type byteRange struct {
	headSkip int64 // bytes of the first block before the request
	headLen  int64 // bytes of the request in a partial first block (0 if none)
	midLBA   uint64
	midLen   int64 // bytes of whole blocks
	tailLBA  uint64
	tailLen  int64 // bytes of the request in a partial last block (0 if none)
}

func cut(off, n, bs int64) byteRange {
	r := byteRange{headSkip: off % bs}
	if r.headSkip != 0 || n < bs {
		r.headLen = bs - r.headSkip
		if r.headLen > n {
			r.headLen = n
		}
	}
	pos := off + r.headLen // block-aligned unless the request ends in the first block
	r.midLBA = uint64(pos / bs)
	r.midLen = (off + n - pos) / bs * bs
	r.tailLBA = uint64((pos + r.midLen) / bs)
	r.tailLen = off + n - pos - r.midLen
	return r
}

// clip limits a request at off of n bytes to a device of size bytes;
// short says it was cut.
func clip(off int64, n int, size int64) (int64, bool) {
	if off >= size {
		return 0, n > 0
	}
	if int64(n) > size-off {
		return size - off, true
	}
	return int64(n), false
}

// readAt is io.ReaderAt over d; scratch is one block.
func readAt(d sectors, bs, size int64, scratch, p []byte, off int64) (int, error) {
	part := func(lba uint64, at int64, b []byte) error {
		if err := d.ReadSectors(lba, scratch); err != nil {
			return err
		}
		copy(b, scratch[at:])
		return nil
	}
	return span(bs, size, p, off, part, d.ReadSectors, io.EOF)
}

// writeAt is io.WriterAt over d: partial blocks are read, changed and
// written back in scratch (one block).
func writeAt(d sectors, bs, size int64, scratch, p []byte, off int64) (int, error) {
	part := func(lba uint64, at int64, b []byte) error {
		if err := d.ReadSectors(lba, scratch); err != nil {
			return err
		}
		copy(scratch[at:], b)
		return d.WriteSectors(lba, scratch)
	}
	return span(bs, size, p, off, part, d.WriteSectors, syscall.ENOSPC)
}

// span moves p to or from byte offset off of a device of size bytes:
// part for a partial first and last block (the bytes from at of block
// lba), whole for the blocks between; a request past the end moves what
// fits and returns short.
func span(bs, size int64, p []byte, off int64, part func(lba uint64, at int64, b []byte) error,
	whole func(lba uint64, b []byte) error, short error) (int, error) {
	if off < 0 {
		return 0, syscall.EINVAL
	}
	n, clipped := clip(off, len(p), size)
	r := cut(off, n, bs)
	done := 0
	if r.headLen > 0 {
		if err := part(uint64(off/bs), r.headSkip, p[:r.headLen]); err != nil {
			return done, err
		}
		done += int(r.headLen)
	}
	if r.midLen > 0 {
		if err := whole(r.midLBA, p[done:done+int(r.midLen)]); err != nil {
			return done, err
		}
		done += int(r.midLen)
	}
	if r.tailLen > 0 {
		if err := part(r.tailLBA, 0, p[done:done+int(r.tailLen)]); err != nil {
			return done, err
		}
		done += int(r.tailLen)
	}
	if clipped {
		return done, short
	}
	return done, nil
}

// ReadAt reads len(p) bytes from byte offset off: any offset and length.
// Partial blocks at either end go through a scratch block; the whole
// blocks between go straight into p when p is aligned there (see
// ReadSectors). Reading past the end returns what there was and io.EOF.
func (l *LUN) ReadAt(p []byte, off int64) (int, error) { return l.byteIO("read", readAt, p, off) }

// WriteAt writes p at byte offset off: any offset and length. Partial
// blocks at either end are read, changed and written back
// (read-modify-write), under a lock of this LUN, not against other
// openers of the node. Writing past the end writes what fits and fails
// with ENOSPC.
func (l *LUN) WriteAt(p []byte, off int64) (int, error) { return l.byteIO("write", writeAt, p, off) }

// byteIO runs readAt or writeAt on the LUN with its scratch block.
func (l *LUN) byteIO(op string, f func(d sectors, bs, size int64, scratch, p []byte, off int64) (int, error),
	p []byte, off int64) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	scratch, unlock, err := l.scratchBlock(op)
	if err != nil {
		return 0, err
	}
	defer unlock()
	n, err := f(l, int64(l.info.BlockSize), l.info.Size(), scratch, p, off)
	return n, l.rwError(op, err)
}

// scratchBlock locks and returns the LUN's scratch block.
func (l *LUN) scratchBlock(op string) ([]byte, func(), error) {
	l.rmwMu.Lock()
	l.mu.RLock()
	closed := l.h == nil
	l.mu.RUnlock()
	if closed {
		l.rmwMu.Unlock()
		return nil, nil, pathError(op, l.path, os.ErrClosed)
	}
	if l.scratch == nil {
		b, err := AlignedBuffer(int(l.info.BlockSize))
		if err != nil {
			l.rmwMu.Unlock()
			return nil, nil, pathError(op, l.path, err)
		}
		l.scratch = b
	}
	return l.scratch, l.rmwMu.Unlock, nil
}

// rwError wraps what readAt and writeAt return themselves; the LUN's
// methods have wrapped theirs already.
func (l *LUN) rwError(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	if _, ok := err.(*os.PathError); ok {
		return err
	}
	return pathError(op, l.path, err)
}
