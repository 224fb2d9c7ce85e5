// SPDX-License-Identifier: GPL-2.0

package usbblk

import (
	"fmt"
	"os"
	"syscall"
)

// AlignedBuffer returns n bytes of anonymous mmap'd memory, zero-filled
// and page-aligned: aligned for every LUN's DMAAlignment, so ReadSectors
// and WriteSectors on it always take the zero-copy path. The Go garbage
// collector neither moves nor frees it (Go 1.19 has no runtime.Pinner;
// memory outside the Go heap needs none). Free it with FreeBuffer.
func AlignedBuffer(n int) ([]byte, error) {
	if n <= 0 {
		return nil, fmt.Errorf("usbblk: AlignedBuffer(%d): %w", n, syscall.EINVAL)
	}
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS)
	if err != nil {
		return nil, os.NewSyscallError("mmap", err)
	}
	return b, nil
}

// FreeBuffer unmaps a buffer AlignedBuffer returned (b may be resliced,
// as long as its capacity is the original one). Using b afterwards
// faults.
func FreeBuffer(b []byte) error {
	if err := syscall.Munmap(b[:cap(b)]); err != nil {
		return os.NewSyscallError("munmap", err)
	}
	return nil
}
