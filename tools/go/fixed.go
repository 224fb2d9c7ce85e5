// SPDX-License-Identifier: GPL-2.0

package usbblk

/*
#include "libusbblk.h"
*/
import "C"

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"usbblk/uapi"
)

// FixedBuffer is a buffer registered with the driver once
// (USBBLK_IOC_REGISTER_BUF): its pages stay pinned and mapped for the
// controller until Unregister or the LUN's Close, so its ReadSectors and
// WriteSectors skip the pinning and mapping every other call pays (like
// io_uring's fixed buffers). Its methods may be called from several
// goroutines, on different parts of the buffer.
type FixedBuffer struct {
	l     *LUN
	buf   []byte
	index uint32
}

// RegisterBuffer registers buf, which must be aligned to the LUN's
// DMAAlignment and a multiple of it long (a whole AlignedBuffer is), at
// most uapi.RegBufMaxLen bytes; it counts against RLIMIT_MEMLOCK. buf must
// stay mapped (not be freed) until Unregister or Close. A LUN holds at
// most uapi.MaxRegBufs at once (ENOBUFS after). Memory is registered at
// most once: EBUSY if some of buf is registered already, through any LUN.
func (l *LUN) RegisterBuffer(buf []byte) (*FixedBuffer, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.h == nil {
		return nil, pathError("register", l.path, os.ErrClosed)
	}
	if len(buf) == 0 {
		return nil, pathError("register", l.path, syscall.EINVAL)
	}
	var index C.uint32_t
	rc := C.usbblk_register_buffer(l.h, unsafe.Pointer(&buf[0]), C.size_t(len(buf)), &index)
	if rc != 0 {
		return nil, pathError("register", l.path, syscall.Errno(-rc))
	}
	return &FixedBuffer{l: l, buf: buf, index: uint32(index)}, nil
}

// Bytes is the registered buffer.
func (f *FixedBuffer) Bytes() []byte { return f.buf }

// Index is the driver's index of the buffer (usbblk_io.reserved[0]).
func (f *FixedBuffer) Index() uint32 { return f.index }

// ReadSectors reads n bytes (a multiple of the block size) from lba into
// Bytes()[off:off+n]; off must be a multiple of DMAAlignment. Errors and
// bounds are the LUN's ReadSectors' (SetTimeout, SetPoll apply).
func (f *FixedBuffer) ReadSectors(lba uint64, off, n int) error {
	return f.io("read", lba, off, n)
}

// WriteSectors writes Bytes()[off:off+n] to the blocks from lba, as
// ReadSectors reads.
func (f *FixedBuffer) WriteSectors(lba uint64, off, n int) error {
	return f.io("write", lba, off, n)
}

func (f *FixedBuffer) io(op string, lba uint64, off, n int) error {
	l := f.l
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.h == nil {
		return pathError(op, l.path, os.ErrClosed)
	}
	bs := int(l.info.BlockSize)
	if n <= 0 || n%bs != 0 || off < 0 || off > len(f.buf)-n {
		return pathError(op, l.path, fmt.Errorf("%d bytes at %d of a %d-byte buffer in blocks of %d: %w",
			n, off, len(f.buf), bs, syscall.EINVAL))
	}
	var flags uint32
	if l.poll.Load() {
		flags |= uapi.IOPoll
	}
	var rc C.int
	if op == "read" {
		rc = C.usbblk_read_fixed(l.h, C.uint64_t(lba), C.uint32_t(f.index), C.uint64_t(off),
			C.uint32_t(n/bs), C.uint32_t(flags), C.uint32_t(l.timeout.Load()))
	} else {
		rc = C.usbblk_write_fixed(l.h, C.uint64_t(lba), C.uint32_t(f.index), C.uint64_t(off),
			C.uint32_t(n/bs), C.uint32_t(flags), C.uint32_t(l.timeout.Load()))
	}
	return l.fail(op, int(rc))
}

// Unregister gives the buffer back (unpinned, unmapped); EBUSY while one
// of its I/Os runs. After the LUN's Close it is a no-op: closing released
// every buffer.
func (f *FixedBuffer) Unregister() error {
	l := f.l
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.h == nil {
		return nil
	}
	if rc := C.usbblk_unregister_buffer(l.h, C.uint32_t(f.index)); rc != 0 {
		return pathError("unregister", l.path, syscall.Errno(-rc))
	}
	return nil
}
