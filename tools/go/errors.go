// SPDX-License-Identifier: GPL-2.0

package usbblk

import (
	"os"
	"syscall"
)

// SenseError is a command the device failed with sense data: the SCSI
// sense key, additional sense code and qualifier, and the errno the
// driver returned. It unwraps to that errno, so errors.Is(err,
// syscall.EIO) holds for a medium error.
type SenseError struct {
	Errno syscall.Errno
	Key   uint8 // sense key (3 = MEDIUM ERROR ...)
	ASC   uint8 // additional sense code
	ASCQ  uint8 // its qualifier
	// Info is the INFORMATION field (the failing LBA for a medium
	// error), when InfoValid.
	Info      uint64
	InfoValid bool
	Opcode    uint8 // the SCSI command that failed (0x28 READ(10) ...)
	text      string
}

// Error is libusbblk's usbblk_strerror() text, e.g. "EIO (Input/output
// error): sense MEDIUM ERROR (3/11/00: unrecovered read error), LBA 1000,
// READ(10)".
func (e *SenseError) Error() string { return e.text }

// Unwrap returns the errno.
func (e *SenseError) Unwrap() error { return e.Errno }

// pathError is how every failure of a LUN or controller node reaches the
// caller: *os.PathError{Op, Path, Err}, Err a syscall.Errno or a
// *SenseError.
func pathError(op, path string, err error) error {
	return &os.PathError{Op: op, Path: path, Err: err}
}

// errnoOf turns a libusbblk return value (0 or -errno) into an error.
func errnoOf(rc int) error {
	if rc >= 0 {
		return nil
	}
	return syscall.Errno(-rc)
}
