// SPDX-License-Identifier: GPL-2.0

package usbblk

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"syscall"
	"testing"
)

var (
	_ io.ReaderAt = (*LUN)(nil)
	_ io.WriterAt = (*LUN)(nil)
)

// memSectors is whole-block I/O on a byte slice that refuses anything
// else, as the driver does: the arithmetic of readAt and writeAt, apart
// from the device (the guest tests run them on the real one).
type memSectors struct {
	bs     int
	data   []byte
	reads  int
	writes int
}

func (m *memSectors) check(lba uint64, buf []byte) error {
	if len(buf) == 0 || len(buf)%m.bs != 0 {
		return fmt.Errorf("%d bytes: %w", len(buf), syscall.EINVAL)
	}
	if lba*uint64(m.bs)+uint64(len(buf)) > uint64(len(m.data)) {
		return syscall.ERANGE
	}
	return nil
}

func (m *memSectors) ReadSectors(lba uint64, buf []byte) error {
	m.reads++
	if err := m.check(lba, buf); err != nil {
		return err
	}
	copy(buf, m.data[int(lba)*m.bs:])
	return nil
}

func (m *memSectors) WriteSectors(lba uint64, buf []byte) error {
	m.writes++
	if err := m.check(lba, buf); err != nil {
		return err
	}
	copy(m.data[int(lba)*m.bs:], buf)
	return nil
}

func TestCut(t *testing.T) {
	for _, c := range []struct {
		off, n int64
		want   byteRange
	}{
		{0, 512, byteRange{midLBA: 0, midLen: 512, tailLBA: 1}},
		{0, 100, byteRange{headLen: 100, midLBA: 0, tailLBA: 0}},
		{100, 100, byteRange{headSkip: 100, headLen: 100, midLBA: 0, tailLBA: 0}},
		{100, 412, byteRange{headSkip: 100, headLen: 412, midLBA: 1, tailLBA: 1}},
		{100, 2000, byteRange{headSkip: 100, headLen: 412, midLBA: 1, midLen: 1536, tailLBA: 4, tailLen: 52}},
		{1024, 1000, byteRange{midLBA: 2, midLen: 512, tailLBA: 3, tailLen: 488}},
	} {
		if got := cut(c.off, c.n, 512); got != c.want {
			t.Errorf("cut(%d, %d) = %+v, want %+v", c.off, c.n, got, c.want)
		}
	}
}

// Random offsets and lengths, some past the end, against a plain slice.
func TestReadAtWriteAtMatchModel(t *testing.T) {
	for _, bs := range []int{512, 4096} {
		size := 40 * bs
		dev := &memSectors{bs: bs, data: make([]byte, size)}
		model := make([]byte, size)
		rand.New(rand.NewSource(1)).Read(dev.data)
		copy(model, dev.data)
		rng := rand.New(rand.NewSource(int64(bs)))
		scratch := make([]byte, bs)
		for i := 0; i < 1500; i++ {
			off := int64(rng.Intn(size + bs))
			n := rng.Intn(4*bs) + 1
			if i%5 == 0 {
				off -= off % int64(bs) // whole blocks too
				n = (n/bs + 1) * bs
			}
			want := 0
			if off < int64(size) {
				want = size - int(off)
				if want > n {
					want = n
				}
			}
			p := make([]byte, n)
			rng.Read(p)
			if i%2 == 0 {
				got, err := writeAt(dev, int64(bs), int64(size), scratch, p, off)
				if got != want || (got < n) != errors.Is(err, syscall.ENOSPC) || (got == n && err != nil) {
					t.Fatalf("bs %d writeAt(%d bytes at %d) = %d, %v; want %d", bs, n, off, got, err, want)
				}
				copy(model[min64(off, int64(size)):], p[:want])
			} else {
				got, err := readAt(dev, int64(bs), int64(size), scratch, p, off)
				if got != want || (got < n) != (err == io.EOF) || (got == n && err != nil) {
					t.Fatalf("bs %d readAt(%d bytes at %d) = %d, %v; want %d", bs, n, off, got, err, want)
				}
				if want > 0 && !bytes.Equal(p[:want], model[off:off+int64(want)]) {
					t.Fatalf("bs %d readAt(%d bytes at %d): wrong data", bs, n, off)
				}
			}
			if !bytes.Equal(dev.data, model) {
				t.Fatalf("bs %d: device differs from the model after request %d (%d at %d)", bs, i, n, off)
			}
		}
		t.Logf("bs %d: %d block reads, %d block writes", bs, dev.reads, dev.writes)
	}
}

func min64(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}

// A partial write costs one read and one write of that block; a whole
// aligned one no read.
func TestWriteAtReadsOnlyPartialBlocks(t *testing.T) {
	dev := &memSectors{bs: 512, data: make([]byte, 16*512)}
	scratch := make([]byte, 512)
	if _, err := writeAt(dev, 512, 16*512, scratch, make([]byte, 1024), 512); err != nil || dev.reads != 0 || dev.writes != 1 {
		t.Errorf("aligned: err %v, %d reads, %d writes", err, dev.reads, dev.writes)
	}
	dev.reads, dev.writes = 0, 0
	if _, err := writeAt(dev, 512, 16*512, scratch, make([]byte, 1024), 700); err != nil || dev.reads != 2 || dev.writes != 3 {
		t.Errorf("unaligned: err %v, %d reads, %d writes", err, dev.reads, dev.writes)
	}
	if _, err := readAt(dev, 512, 16*512, scratch, make([]byte, 10), -1); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("negative offset: %v", err)
	}
}
