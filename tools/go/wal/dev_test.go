// SPDX-License-Identifier: GPL-2.0

package wal

import (
	"errors"
	"fmt"
	"io"
)

// memDev is a device in memory that remembers which writes were not yet
// made durable by a Sync, so a test can build what a power cut leaves.
type memDev struct {
	data     []byte
	unsynced []memWrite
	// syncs left before Sync "loses power": it returns errPowerCut and
	// keeps the writes unsynced; < 0: never
	cutAtSync int
	syncs     int
	failWrite error // WriteAt fails with it
}

type memWrite struct {
	off      int64
	new, old []byte
}

var errPowerCut = errors.New("power cut")

func newMemDev(size int) *memDev { return &memDev{data: make([]byte, size), cutAtSync: -1} }

func (d *memDev) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 || off+int64(len(b)) > int64(len(d.data)) {
		return 0, io.ErrUnexpectedEOF
	}
	return copy(b, d.data[off:]), nil
}

func (d *memDev) WriteAt(b []byte, off int64) (int, error) {
	if d.failWrite != nil {
		return 0, d.failWrite
	}
	if off < 0 || off+int64(len(b)) > int64(len(d.data)) {
		return 0, fmt.Errorf("write at %d+%d past the end", off, len(b))
	}
	w := memWrite{off: off, new: append([]byte(nil), b...),
		old: append([]byte(nil), d.data[off:off+int64(len(b))]...)}
	d.unsynced = append(d.unsynced, w)
	copy(d.data[off:], b)
	return len(b), nil
}

func (d *memDev) Sync() error {
	d.syncs++
	if d.cutAtSync >= 0 {
		if d.cutAtSync == 0 {
			return errPowerCut
		}
		d.cutAtSync--
	}
	d.unsynced = nil
	return nil
}

// durable is the image with every unsynced write undone.
func (d *memDev) durable() []byte {
	img := append([]byte(nil), d.data...)
	for i := len(d.unsynced) - 1; i >= 0; i-- {
		w := d.unsynced[i]
		copy(img[w.off:], w.old)
	}
	return img
}

// stream is the unsynced writes' bytes, in order, with where each byte goes.
func (d *memDev) stream() (b []byte, at []int64) {
	for _, w := range d.unsynced {
		for i := range w.new {
			b = append(b, w.new[i])
			at = append(at, w.off+int64(i))
		}
	}
	return b, at
}

// fromImage is a fresh device holding img.
func fromImage(img []byte) *memDev {
	return &memDev{data: append([]byte(nil), img...), cutAtSync: -1}
}
