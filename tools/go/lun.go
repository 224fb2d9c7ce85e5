// SPDX-License-Identifier: GPL-2.0

package usbblk

/*
#include <stdlib.h>
#include "libusbblk.h"
*/
import "C"

import (
	"context"
	"fmt"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"usbblk/uapi"
)

// bounceSize is the LUN's bounce buffer, for callers' buffers that are
// not aligned to DMAAlignment.
const bounceSize = 256 << 10

// LUN is an open /dev/usbblkN. Its methods may be called from several
// goroutines at once (each I/O is one ioctl); Close waits for those in
// flight. *LUN is an io.ReaderAt and an io.WriterAt.
type LUN struct {
	path     string
	mu       sync.RWMutex // held for reading by every I/O, for writing by Close
	h        *C.struct_usbblk
	info     Info
	timeout  atomic.Uint32 // ms per transfer stage, 0 = the driver's default
	poll     atomic.Bool   // every I/O with USBBLK_IO_POLL
	bounceMu sync.Mutex    // the bounce buffer
	bounce   []byte
	rmwMu    sync.Mutex // the scratch block of ReadAt / WriteAt
	scratch  []byte
}

// Open opens a LUN node for reading and writing.
func Open(path string) (*LUN, error) { return open(path, syscall.O_RDWR) }

// OpenReadOnly opens a LUN node for reading: WriteSectors, WriteAt and
// Sync fail with EBADF.
func OpenReadOnly(path string) (*LUN, error) { return open(path, syscall.O_RDONLY) }

func open(path string, flags int) (*LUN, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	l := &LUN{path: path}
	if err := errnoOf(int(C.usbblk_open(cpath, C.int(flags), &l.h))); err != nil {
		return nil, pathError("open", path, err)
	}
	var ci C.struct_usbblk_info
	C.usbblk_info(l.h, &ci)
	l.info = infoFromABI((*uapi.Info)(unsafe.Pointer(&ci)))
	return l, nil
}

// Path is the node the LUN was opened as.
func (l *LUN) Path() string { return l.path }

// Info is the LUN's geometry and identity, as read at Open.
func (l *LUN) Info() (Info, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.h == nil {
		return Info{}, pathError("info", l.path, os.ErrClosed)
	}
	return l.info, nil
}

// SetTimeout bounds each SCSI command (its command, data and status
// stages together); on expiry the driver resets the device and the I/O fails with
// ETIMEDOUT. 0 restores the driver's default (module parameter
// io_timeout_ms).
func (l *LUN) SetTimeout(d time.Duration) {
	ms := d.Milliseconds()
	if ms > math.MaxUint32 {
		ms = math.MaxUint32
	}
	l.timeout.Store(uint32(ms))
}

// SetPoll makes every later I/O poll for its completions (USBBLK_IO_POLL):
// the calling thread reaps the controller's event ring instead of sleeping
// until the interrupt thread wakes it, spending its CPU to save the
// wake-up. The bounds (SetTimeout, a context's deadline) are the same.
func (l *LUN) SetPoll(on bool) { l.poll.Store(on) }

// Close closes the node and frees the LUN's buffers. Later calls fail with
// os.ErrClosed.
func (l *LUN) Close() error {
	l.rmwMu.Lock() // the lock order: rmwMu, mu, bounceMu
	defer l.rmwMu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.bounceMu.Lock()
	defer l.bounceMu.Unlock()
	if l.h == nil {
		return pathError("close", l.path, os.ErrClosed)
	}
	C.usbblk_close(l.h)
	l.h = nil
	for _, b := range [][]byte{l.bounce, l.scratch} {
		if b != nil {
			FreeBuffer(b)
		}
	}
	l.bounce, l.scratch = nil, nil
	return nil
}

// ReadSectors reads len(buf) / BlockSize blocks from lba into buf;
// len(buf) must be a non-zero multiple of BlockSize (EINVAL otherwise).
// A buf aligned to DMAAlignment (AlignedBuffer's are) is the zero-copy
// path: the device writes its pages directly. Another buf goes through
// the LUN's bounce buffer (one copy; concurrent such calls take turns).
// Errors are *os.PathError; on EIO with sense data its Err is a
// *SenseError.
func (l *LUN) ReadSectors(lba uint64, buf []byte) error {
	return l.io("read", lba, buf, 0, time.Time{})
}

// WriteSectors writes buf to the blocks from lba, as ReadSectors reads.
// The data may sit in the device's cache until Sync.
func (l *LUN) WriteSectors(lba uint64, buf []byte) error {
	return l.io("write", lba, buf, 0, time.Time{})
}

// WriteSectorsFUA writes like WriteSectors with Force Unit Access: the
// data is on the medium when it returns.
func (l *LUN) WriteSectorsFUA(lba uint64, buf []byte) error {
	return l.io("write", lba, buf, uapi.IOFUA, time.Time{})
}

// ReadSectorsContext reads like ReadSectors, and when ctx has a deadline
// the driver answers by then (plus its documented margin; see
// Documentation/usbblk.rst, "Deadlines"): the data, or an error that
// matches both syscall.ETIMEDOUT and context.DeadlineExceeded with
// errors.Is. The Bulk-Only reset recovery a timeout needs runs in the
// driver afterwards, off this goroutine's path (State shows it). A
// deadline shorter than Info().DeadlineFloor fails at once with ETIME;
// a ctx already done fails with ctx.Err() without a call. Cancelling ctx
// does not stop a request in flight: only its deadline bounds it.
func (l *LUN) ReadSectorsContext(ctx context.Context, lba uint64, buf []byte) error {
	return l.ioContext(ctx, "read", lba, buf, 0)
}

// WriteSectorsContext writes like WriteSectors, bounded by ctx's deadline
// as ReadSectorsContext reads.
func (l *LUN) WriteSectorsContext(ctx context.Context, lba uint64, buf []byte) error {
	return l.ioContext(ctx, "write", lba, buf, 0)
}

// State is the LUN's state now (uapi.LUNReady, LUNRecovering, LUNFailed)
// and the count of the device's Bulk-Only reset recoveries so far.
func (l *LUN) State() (state, recoveries uint32, err error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.h == nil {
		return 0, 0, pathError("state", l.path, os.ErrClosed)
	}
	var st, n C.uint32_t
	if rc := C.usbblk_state(l.h, &st, &n); rc != 0 {
		return 0, 0, pathError("state", l.path, syscall.Errno(-rc))
	}
	return uint32(st), uint32(n), nil
}

func (l *LUN) ioContext(ctx context.Context, op string, lba uint64, buf []byte, flags uint32) error {
	if err := ctx.Err(); err != nil {
		return pathError(op, l.path, err)
	}
	d, _ := ctx.Deadline()
	return l.io(op, lba, buf, flags, d)
}

// deadlineError is ETIMEDOUT of a request bounded by a context's
// deadline: errors.Is matches syscall.ETIMEDOUT and
// context.DeadlineExceeded.
type deadlineError struct{ errno syscall.Errno }

func (e deadlineError) Error() string        { return e.errno.Error() }
func (e deadlineError) Unwrap() error        { return e.errno }
func (e deadlineError) Is(target error) bool { return target == context.DeadlineExceeded }

// Sync makes everything written so far reach the medium (SYNCHRONIZE
// CACHE).
func (l *LUN) Sync() error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.h == nil {
		return pathError("sync", l.path, os.ErrClosed)
	}
	return l.fail("sync", int(C.usbblk_sync(l.h)))
}

// io runs a read or write; a non-zero dl bounds the whole of it.
func (l *LUN) io(op string, lba uint64, buf []byte, flags uint32, dl time.Time) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.h == nil {
		return pathError(op, l.path, os.ErrClosed)
	}
	if l.poll.Load() {
		flags |= uapi.IOPoll
	}
	bs := int(l.info.BlockSize)
	if len(buf) == 0 || len(buf)%bs != 0 {
		return pathError(op, l.path, fmt.Errorf("%d bytes, not a multiple of the block size %d: %w",
			len(buf), bs, syscall.EINVAL))
	}
	if align := uintptr(l.info.DMAAlignment); align == 0 || uintptr(unsafe.Pointer(&buf[0]))%align == 0 {
		return l.direct(op, lba, buf, flags, dl)
	}
	return l.bounced(op, lba, buf, flags, dl)
}

// direct hands buf to the driver, in pieces of at most MaxUint32 blocks.
func (l *LUN) direct(op string, lba uint64, buf []byte, flags uint32, dl time.Time) error {
	bs := uint64(l.info.BlockSize)
	for len(buf) > 0 {
		n := uint64(len(buf)) / bs
		if n > math.MaxUint32 {
			n = math.MaxUint32
		}
		var rc C.int
		p := unsafe.Pointer(&buf[0])
		us := time.Until(dl).Microseconds()
		switch {
		case !dl.IsZero() && us <= 0:
			return pathError(op, l.path, context.DeadlineExceeded)
		case !dl.IsZero() && us <= math.MaxUint32 && op == "read":
			rc = C.usbblk_read_deadline(l.h, C.uint64_t(lba), p, C.uint32_t(n),
				C.uint32_t(flags), C.uint32_t(us))
		case !dl.IsZero() && us <= math.MaxUint32:
			rc = C.usbblk_write_deadline(l.h, C.uint64_t(lba), p, C.uint32_t(n),
				C.uint32_t(flags), C.uint32_t(us))
		case op == "read":
			rc = C.usbblk_read(l.h, C.uint64_t(lba), p, C.uint32_t(n), C.uint32_t(flags),
				C.uint32_t(l.timeout.Load()))
		default:
			rc = C.usbblk_write(l.h, C.uint64_t(lba), p, C.uint32_t(n), C.uint32_t(flags),
				C.uint32_t(l.timeout.Load()))
		}
		if rc == -C.int(syscall.ETIMEDOUT) && !dl.IsZero() {
			return pathError(op, l.path, deadlineError{syscall.ETIMEDOUT})
		}
		if rc != 0 {
			return l.fail(op, int(rc))
		}
		lba += n
		buf = buf[n*bs:]
	}
	return nil
}

// bounced copies through the bounce buffer, a piece at a time.
func (l *LUN) bounced(op string, lba uint64, buf []byte, flags uint32, dl time.Time) error {
	l.bounceMu.Lock()
	defer l.bounceMu.Unlock()
	if l.bounce == nil {
		b, err := AlignedBuffer(bounceSize + int(l.info.BlockSize))
		if err != nil {
			return pathError(op, l.path, err)
		}
		l.bounce = b[:len(b)-len(b)%int(l.info.BlockSize)]
	}
	for len(buf) > 0 {
		n := len(buf) // both are multiples of the block size
		if n > len(l.bounce) {
			n = len(l.bounce)
		}
		if op == "write" {
			copy(l.bounce, buf[:n])
		}
		if err := l.direct(op, lba, l.bounce[:n], flags, dl); err != nil {
			return err
		}
		if op == "read" {
			copy(buf, l.bounce[:n])
		}
		lba += uint64(n) / uint64(l.info.BlockSize)
		buf = buf[n:]
	}
	return nil
}

// fail turns a libusbblk return value into the caller's error, with the
// sense data when the device gave some for this errno.
func (l *LUN) fail(op string, rc int) error {
	if rc >= 0 {
		return nil
	}
	errno := syscall.Errno(-rc)
	var s C.struct_usbblk_sense
	if C.usbblk_sense(l.h, &s) != 0 || int(s.error) != int(errno) || (s.key == 0 && s.asc == 0) {
		return pathError(op, l.path, errno)
	}
	var text [256]C.char
	C.usbblk_strerror(C.int(errno), &s, &text[0], C.size_t(len(text)))
	return pathError(op, l.path, &SenseError{
		Errno: errno, Key: uint8(s.key), ASC: uint8(s.asc), ASCQ: uint8(s.ascq),
		Info: uint64(s.info), InfoValid: s.info_valid != 0, Opcode: uint8(s.opcode),
		text: C.GoString(&text[0]),
	})
}
