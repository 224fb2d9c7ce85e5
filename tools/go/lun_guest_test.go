// SPDX-License-Identifier: GPL-2.0

//go:build guest

// The package on a real LUN, in a guest booted by tools/vm/run, on a stick
// whose image tools/check-image prepared ("verify-go" checks it on the
// host after the guest exits).
//
//	USBBLK_LUN           LUN node (default /dev/usbblk0)
//	USBBLK_EXPECT_BS     its block size
//	USBBLK_EXPECT_BLOCKS its capacity in blocks
//	USBBLK_EXPECT_SERIAL the stick's USB serial number
//	USBBLK_BAD_LBA       (TestFault* only) the block blkdebug fails
//
// The layout, shared with tools/check-image (keep the two in step): the
// byte at offset o of the image is pattern(o / bs, o % bs, seed) with
// pattern(lba, off, seed) = (lba * 131 + off * 7 + seed) & 0xff; the host
// wrote seed 0x11 at LBAs 0, 1, 2, 777 and the last one; goWrites are
// this test's writes, in bytes.
package usbblk

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"usbblk/uapi"
)

func pattern(lba uint64, off int, seed byte) byte {
	return byte(lba*131 + uint64(off)*7 + uint64(seed))
}

// fillBytes fills p with the pattern of the image bytes from off.
func fillBytes(p []byte, off int64, bs int, seed byte) {
	for i := range p {
		o := off + int64(i)
		p[i] = pattern(uint64(o/int64(bs)), int(o%int64(bs)), seed)
	}
}

// A write of the layout, n bytes at byte offset off.
type goWrite struct {
	name   string
	off, n int64
	seed   byte
}

// goWrites is the layout's writes on a LUN of size bytes in blocks of bs,
// in the order the tests make them.
func goWrites(bs, size int64) []goWrite {
	return []goWrite{
		{"sectors-aligned", 2000 * bs, 8 * bs, 0x61},
		{"sectors-unaligned", 3000 * bs, 5 * bs, 0x62},
		{"sectors-fua", 3500 * bs, 2 * bs, 0x63},
		{"at-3-blocks", 4000*bs + 123, 3*bs + 77, 0x64},
		{"at-in-one-block", 4100*bs + 10, 20, 0x65},
		{"at-prepared-block", 777*bs + 100, 50, 0x66},
		{"at-past-the-end", size - 7, 20, 0x67}, // 7 bytes land
		{"at-large", 5000*bs + 1, 300 << 10, 0x68},
		{"fixed", 6000 * bs, 16 * bs, 0x69},
	}
}

func findWrite(e env, name string) goWrite {
	for _, w := range goWrites(int64(e.bs), e.size()) {
		if w.name == name {
			return w
		}
	}
	panic(name)
}

// imageByte is what the byte at offset o holds once all of goWrites are
// made.
func imageByte(e env, o int64) byte {
	bs := int64(e.bs)
	for _, w := range goWrites(bs, e.size()) {
		if o >= w.off && o < w.off+w.n {
			return pattern(uint64(o/bs), int(o%bs), w.seed)
		}
	}
	switch uint64(o / bs) {
	case 0, 1, 2, 777, e.blocks - 1:
		return pattern(uint64(o/bs), int(o%bs), 0x11)
	}
	return 0
}

type env struct {
	node   string
	bs     int
	blocks uint64
	serial string
}

func (e env) size() int64 { return int64(e.bs) * int64(e.blocks) }

func guestEnv(t *testing.T) env {
	e := env{node: os.Getenv("USBBLK_LUN"), serial: os.Getenv("USBBLK_EXPECT_SERIAL")}
	if e.node == "" {
		e.node = "/dev/usbblk0"
	}
	bs, err1 := strconv.Atoi(os.Getenv("USBBLK_EXPECT_BS"))
	blocks, err2 := strconv.ParseUint(os.Getenv("USBBLK_EXPECT_BLOCKS"), 0, 64)
	if err1 != nil || err2 != nil || e.serial == "" {
		t.Fatal("USBBLK_EXPECT_BS, USBBLK_EXPECT_BLOCKS and USBBLK_EXPECT_SERIAL must be set")
	}
	e.bs, e.blocks = bs, blocks
	return e
}

func openLUN(t *testing.T) (*LUN, env) {
	e := guestEnv(t)
	l, err := Open(e.node)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, e
}

func alignedBuf(t *testing.T, n int) []byte {
	b, err := AlignedBuffer(n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := FreeBuffer(b); err != nil {
			t.Error(err)
		}
	})
	return b
}

// unalignedBuf is n bytes of Go heap, one byte off any alignment.
func unalignedBuf(n int) []byte { return make([]byte, n+1)[1:] }

func TestEnumerateFindsTheStick(t *testing.T) {
	e := guestEnv(t)
	hcs, err := Enumerate()
	if err != nil {
		t.Fatal(err)
	}
	var found []Device
	for _, hc := range hcs {
		t.Logf("%s %s: HCI %#x, %d ports, %d slots, %d devices", hc.Node, hc.Name,
			hc.HCIVersion, len(hc.Ports), hc.MaxSlots, len(hc.Devices))
		if len(hc.Ports) != hc.MaxPorts || hc.MaxPorts == 0 {
			t.Errorf("%s: %d ports reported, MaxPorts %d", hc.Node, len(hc.Ports), hc.MaxPorts)
		}
		for _, d := range hc.Devices {
			t.Logf("  %s %04x:%04x %s %s %q", d.Path, d.VendorID, d.ProductID, d.Speed, d.State, d.Serial)
			if d.Serial == e.serial {
				found = append(found, d)
			}
		}
		for _, p := range hc.Ports {
			if p.Device != nil && (!p.Connected || p.Device.Depth != 0 || p.Device.Path != strconv.Itoa(p.Number)) {
				t.Errorf("port %d: %+v has device %s", p.Number, p, p.Device.Path)
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d devices with serial %q", len(found), e.serial)
	}
	d := found[0]
	if d.State != Configured || !d.MassStorage || d.IfClass != 0x08 || d.IfSubclass != 0x06 || d.Err != nil {
		t.Errorf("the stick: %+v", d)
	}
	if len(d.LUNs) != 1 || d.LUNs[0].Node != e.node || d.LUNs[0].Info.Capacity != e.blocks ||
		int(d.LUNs[0].Info.BlockSize) != e.bs || d.LUNs[0].Info.Path != d.Path {
		t.Errorf("the stick's LUNs: %+v", d.LUNs)
	}
	ms, err := FindByClass(0x08, 0x06)
	if err != nil || len(ms) != 1 || ms[0].Serial != e.serial || ms[0].Path != d.Path {
		t.Errorf("FindByClass(0x08, 0x06) = %+v, %v", ms, err)
	}
	if hid, err := FindByClass(0x03, 0x01); err != nil || len(hid) != 0 {
		t.Errorf("FindByClass(0x03, 0x01) = %+v, %v; want none", hid, err)
	}
}

func TestLUNInfo(t *testing.T) {
	l, e := openLUN(t)
	i, err := l.Info()
	if err != nil {
		t.Fatal(err)
	}
	if int(i.BlockSize) != e.bs || i.Capacity != e.blocks || i.Size() != int64(e.bs)*int64(e.blocks) ||
		i.Serial != e.serial || i.DMAAlignment < 512 || i.DMAAlignment&(i.DMAAlignment-1) != 0 ||
		i.MaxSectors == 0 || i.WriteProtected || i.SCSIType != 0 {
		t.Errorf("Info() = %+v", i)
	}
	t.Logf("%+v", i)
}

// The host's blocks, read aligned (zero-copy), unaligned (bounced) and
// into a Go heap buffer.
func TestReadSectorsHostPattern(t *testing.T) {
	l, e := openLUN(t)
	last := e.blocks - 1
	for name, buf := range map[string][]byte{
		"aligned": alignedBuf(t, 3*e.bs), "unaligned": unalignedBuf(3 * e.bs), "heap": make([]byte, 3*e.bs),
	} {
		for _, lba := range []uint64{0, 777, last} {
			n := 3
			if lba != 0 {
				n = 1
			}
			if err := l.ReadSectors(lba, buf[:n*e.bs]); err != nil {
				t.Fatalf("%s: ReadSectors(%d): %v", name, lba, err)
			}
			want := make([]byte, n*e.bs)
			fillBytes(want, int64(lba)*int64(e.bs), e.bs, 0x11)
			if !bytes.Equal(buf[:n*e.bs], want) {
				t.Errorf("%s: LBA %d: not the host's pattern", name, lba)
			}
		}
	}
}

// A deadline from a context: a generous one reads the host's blocks, one
// below the LUN's floor is refused unstarted (ETIME), a context already
// done is not even tried; the LUN stays ready throughout.
// Polled completions: the host's pattern reads back, writes land.
func TestSetPoll(t *testing.T) {
	l, e := openLUN(t)
	l.SetPoll(true)
	defer l.SetPoll(false)
	buf := alignedBuf(t, 3*e.bs)
	if err := l.ReadSectors(0, buf); err != nil {
		t.Fatalf("polled ReadSectors: %v", err)
	}
	want := make([]byte, 3*e.bs)
	fillBytes(want, 0, e.bs, 0x11)
	if !bytes.Equal(buf, want) {
		t.Errorf("LBA 0-2 polled: not the host's pattern")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.ReadSectorsContext(ctx, 0, buf); err != nil || !bytes.Equal(buf, want) {
		t.Errorf("polled ReadSectorsContext: %v", err)
	}
}

// A registered buffer (FixedBuffer): the host's blocks read into it at
// offsets, sleeping and polled; a write from it lands (and the host checks
// it); wrong ranges are EINVAL; once unregistered its index is refused.
func TestFixedBuffer(t *testing.T) {
	l, e := openLUN(t)
	buf := alignedBuf(t, 1<<20)
	f, err := l.RegisterBuffer(buf)
	if err != nil {
		t.Fatalf("RegisterBuffer: %v", err)
	}
	if _, err := l.RegisterBuffer(buf[4096:8192]); !errors.Is(err, syscall.EBUSY) {
		t.Errorf("RegisterBuffer of registered memory: %v, want EBUSY", err)
	}
	want := make([]byte, 3*e.bs)
	fillBytes(want, 0, e.bs, 0x11)
	for _, poll := range []bool{false, true} {
		l.SetPoll(poll)
		off := 8192
		if poll {
			off = 512 << 10
		}
		if err := f.ReadSectors(0, off, 3*e.bs); err != nil {
			t.Fatalf("ReadSectors (poll %v): %v", poll, err)
		}
		if !bytes.Equal(buf[off:off+3*e.bs], want) {
			t.Errorf("LBA 0-2 into offset %d (poll %v): not the host's pattern", off, poll)
		}
	}
	l.SetPoll(false)
	w := findWrite(e, "fixed")
	off := 256 << 10
	fillBytes(buf[off:off+int(w.n)], w.off, e.bs, w.seed)
	if err := f.WriteSectors(uint64(w.off)/uint64(e.bs), off, int(w.n)); err != nil {
		t.Fatalf("WriteSectors: %v", err)
	}
	back := alignedBuf(t, int(w.n))
	if err := l.ReadSectors(uint64(w.off)/uint64(e.bs), back); err != nil || !bytes.Equal(back, buf[off:off+int(w.n)]) {
		t.Errorf("read back of the fixed write: %v, equal %v", err, bytes.Equal(back, buf[off:off+int(w.n)]))
	}
	for _, c := range []struct{ off, n int }{{1, e.bs}, {len(buf) - e.bs, 2 * e.bs}, {0, e.bs - 1}, {0, 0}} {
		if err := f.ReadSectors(0, c.off, c.n); !errors.Is(err, syscall.EINVAL) {
			t.Errorf("ReadSectors at %d, %d bytes: %v, want EINVAL", c.off, c.n, err)
		}
	}
	if err := f.Unregister(); err != nil {
		t.Fatalf("Unregister: %v", err)
	}
	if err := f.Unregister(); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("second Unregister: %v, want EINVAL", err)
	}
	if err := f.ReadSectors(0, 0, e.bs); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("ReadSectors after Unregister: %v, want EINVAL", err)
	}
	// one left registered: Close releases it
	if _, err := l.RegisterBuffer(buf[:64<<10]); err != nil {
		t.Errorf("RegisterBuffer again: %v", err)
	}
}

func TestReadSectorsContext(t *testing.T) {
	l, e := openLUN(t)
	info, err := l.Info()
	if err != nil || info.DeadlineFloor <= 0 {
		t.Fatalf("Info: floor %v, %v", info.DeadlineFloor, err)
	}
	buf := alignedBuf(t, 2*e.bs)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.ReadSectorsContext(ctx, 0, buf); err != nil {
		t.Fatalf("ReadSectorsContext: %v", err)
	}
	want := make([]byte, 2*e.bs)
	fillBytes(want, 0, e.bs, 0x11)
	if !bytes.Equal(buf, want) {
		t.Errorf("LBA 0-1: not the host's pattern")
	}
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	if err := l.ReadSectorsContext(done, 0, buf); !errors.Is(err, context.Canceled) {
		t.Errorf("done context: %v, want context.Canceled", err)
	}
	// a microsecond: below any floor, or past already when the call is made
	short, cancelShort := context.WithTimeout(context.Background(), time.Microsecond)
	defer cancelShort()
	err = l.ReadSectorsContext(short, 0, buf)
	if !errors.Is(err, syscall.ETIME) && !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("1 us deadline: %v, want ETIME or DeadlineExceeded", err)
	}
	if st, n, err := l.State(); err != nil || st != uapi.LUNReady {
		t.Errorf("State() = %d (%d recoveries), %v; want ready", st, n, err)
	}
	t.Logf("floor %v", info.DeadlineFloor)
}

// writeAndCheck writes the layout's write name with how, and reads it
// back.
func writeAndCheck(t *testing.T, l *LUN, e env, name string, how func(off int64, p []byte) error) {
	w := findWrite(e, name)
	p := unalignedBuf(int(w.n))
	if name == "sectors-aligned" || name == "sectors-fua" {
		p = alignedBuf(t, int(w.n))
	}
	fillBytes(p, w.off, e.bs, w.seed)
	if err := how(w.off, p); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	n := w.n
	if w.off+n > e.size() {
		n = e.size() - w.off
	}
	got := unalignedBuf(int(n))
	if k, err := l.ReadAt(got, w.off); k != int(n) || (err != nil && err != io.EOF) {
		t.Fatalf("%s: ReadAt back: %d, %v", name, k, err)
	}
	if !bytes.Equal(got, p[:n]) {
		t.Errorf("%s: read back differs", name)
	}
}

func TestWriteSectors(t *testing.T) {
	l, e := openLUN(t)
	bs := int64(e.bs)
	for name, how := range map[string]func(off int64, p []byte) error{
		"sectors-aligned":   func(off int64, p []byte) error { return l.WriteSectors(uint64(off/bs), p) },
		"sectors-unaligned": func(off int64, p []byte) error { return l.WriteSectors(uint64(off/bs), p) },
		"sectors-fua":       func(off int64, p []byte) error { return l.WriteSectorsFUA(uint64(off/bs), p) },
	} {
		writeAndCheck(t, l, e, name, how)
	}
	if err := l.Sync(); err != nil {
		t.Fatal(err)
	}
}

func TestWriteAtReadAtUnaligned(t *testing.T) {
	l, e := openLUN(t)
	size := e.size()
	for _, name := range []string{"at-3-blocks", "at-in-one-block", "at-prepared-block", "at-large"} {
		writeAndCheck(t, l, e, name, func(off int64, p []byte) error {
			n, err := l.WriteAt(p, off)
			if n != len(p) {
				t.Errorf("WriteAt: %d of %d bytes", n, len(p))
			}
			return err
		})
	}
	writeAndCheck(t, l, e, "at-past-the-end", func(off int64, p []byte) error {
		n, err := l.WriteAt(p, off)
		if n != 7 || !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("WriteAt past the end: %d, %v; want 7, ENOSPC", n, err)
		}
		return nil
	})
	// the host's blocks, at odd offsets
	p := unalignedBuf(2*e.bs + 11)
	if n, err := l.ReadAt(p, int64(e.bs)+5); n != len(p) || err != nil {
		t.Fatalf("ReadAt: %d, %v", n, err)
	}
	want := make([]byte, len(p))
	fillBytes(want, int64(e.bs)+5, e.bs, 0x11)
	if !bytes.Equal(p[:2*e.bs-5], want[:2*e.bs-5]) { // LBA 3 is not the host's
		t.Errorf("ReadAt of LBAs 1 and 2 at offset 5: wrong data")
	}
	if n, err := l.ReadAt(make([]byte, 100), size-10); n != 10 || err != io.EOF {
		t.Errorf("ReadAt at the end: %d, %v; want 10, io.EOF", n, err)
	}
	if n, err := l.ReadAt(make([]byte, 1), size); n != 0 || err != io.EOF {
		t.Errorf("ReadAt past the end: %d, %v; want 0, io.EOF", n, err)
	}
	if err := l.Sync(); err != nil {
		t.Fatal(err)
	}
}

// Readers at odd offsets and a writer at once, after the writes above:
// everything read is what the image holds.
func TestConcurrentIO(t *testing.T) {
	l, e := openLUN(t)
	var wg sync.WaitGroup
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() { // rewrites sectors-aligned with the same data
		defer close(stopped)
		w := findWrite(e, "sectors-aligned")
		p, err := AlignedBuffer(int(w.n))
		if err != nil {
			t.Error(err)
			return
		}
		defer FreeBuffer(p)
		fillBytes(p, w.off, e.bs, w.seed)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := l.WriteSectors(uint64(w.off)/uint64(e.bs), p); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i, off := range []int64{777*int64(e.bs) - int64(g*50), 2000*int64(e.bs) + int64(g), e.size() - int64(e.bs) - 3} {
				p := unalignedBuf(e.bs + g*100 + i)
				n, err := l.ReadAt(p, off)
				if err != nil && !(err == io.EOF && off+int64(len(p)) > e.size()) {
					t.Error(err)
					return
				}
				for k := 0; k < n; k++ {
					if p[k] != imageByte(e, off+int64(k)) {
						t.Errorf("goroutine %d: byte %d from %d: %#x, want %#x", g, k, off, p[k], imageByte(e, off+int64(k)))
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(stop)
	<-stopped
}

func TestErrors(t *testing.T) {
	l, e := openLUN(t)
	var pe *os.PathError
	buf := alignedBuf(t, 2*e.bs)
	err := l.ReadSectors(e.blocks-1, buf)
	if !errors.Is(err, syscall.ERANGE) || !errors.As(err, &pe) || pe.Path != e.node || pe.Op != "read" {
		t.Errorf("read past the end: %v; want ERANGE as *os.PathError", err)
	}
	if err := l.ReadSectors(0, buf[:e.bs-1]); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("a short buffer: %v; want EINVAL", err)
	}
	if err := l.ReadSectors(0, nil); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("no buffer: %v; want EINVAL", err)
	}
	ro, err := OpenReadOnly(e.node)
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.WriteSectors(9000, buf[:e.bs]); !errors.Is(err, syscall.EBADF) {
		t.Errorf("write on a read-only LUN: %v; want EBADF", err)
	}
	if err := ro.Sync(); !errors.Is(err, syscall.EBADF) {
		t.Errorf("sync on a read-only LUN: %v; want EBADF", err)
	}
	if err := ro.ReadSectors(0, buf[:e.bs]); err != nil {
		t.Errorf("read on a read-only LUN: %v", err)
	}
	ro.Close()
	if err := ro.ReadSectors(0, buf[:e.bs]); !errors.Is(err, os.ErrClosed) {
		t.Errorf("read after Close: %v; want os.ErrClosed", err)
	}
	if _, err := ro.ReadAt(buf[:10], 0); !errors.Is(err, os.ErrClosed) {
		t.Errorf("ReadAt after Close: %v; want os.ErrClosed", err)
	}
	if err := ro.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
	if _, err := Open("/dev/usbblk-nonexistent"); !errors.Is(err, os.ErrNotExist) || !errors.As(err, &pe) {
		t.Errorf("Open of a missing node: %v; want ErrNotExist as *os.PathError", err)
	}
	if _, err := Open("/dev/usbblk-hc0"); !errors.Is(err, syscall.ENOTTY) {
		t.Errorf("Open of a controller node: %v; want ENOTTY", err)
	}
	if _, err := AlignedBuffer(0); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("AlignedBuffer(0): %v", err)
	}
}

func TestAlignedBufferIsPageAligned(t *testing.T) {
	for _, n := range []int{1, 512, 4096, 1 << 20} {
		b := alignedBuf(t, n)
		if len(b) != n || uintptr(unsafe.Pointer(&b[0]))%uintptr(os.Getpagesize()) != 0 {
			t.Errorf("AlignedBuffer(%d): len %d at %p", n, len(b), &b[0])
		}
		b[n-1] = 1
	}
	b, _ := AlignedBuffer(8192)
	if err := FreeBuffer(b[:100]); err != nil { // a resliced buffer frees too
		t.Error(err)
	}
}

// The medium error blkdebug injects: a *SenseError that is EIO.
func TestFaultSenseError(t *testing.T) {
	bad, err := strconv.ParseUint(os.Getenv("USBBLK_BAD_LBA"), 0, 64)
	if err != nil {
		t.Skip("USBBLK_BAD_LBA is not set (the blkdebug step runs this)")
	}
	l, e := openLUN(t)
	buf := alignedBuf(t, 4*e.bs)
	err = l.ReadSectors(bad-1, buf)
	var se *SenseError
	var pe *os.PathError
	if !errors.Is(err, syscall.EIO) || !errors.As(err, &se) || !errors.As(err, &pe) {
		t.Fatalf("read over LBA %d: %v (%T); want EIO with *SenseError", bad, err, err)
	}
	t.Logf("%v; key %#x asc %#x ascq %#x opcode %#x", err, se.Key, se.ASC, se.ASCQ, se.Opcode)
	if se.Key == 0 || se.Opcode != 0x28 || se.Errno != syscall.EIO || !strings.Contains(se.Error(), "EIO") {
		t.Errorf("%+v", se)
	}
	if _, err := l.ReadAt(make([]byte, 10), int64(bad)*int64(e.bs)+3); !errors.As(err, &se) {
		t.Errorf("ReadAt of the bad block: %v", err)
	}
	if err := l.ReadSectors(bad+1, buf); err != nil {
		t.Errorf("the next read: %v", err)
	}
}

// After the device tests above (tests run in file order; rw_test.go's,
// later, do no I/O): every page usbblk pinned was released.
func TestZZNoPinsLeft(t *testing.T) {
	os.WriteFile("/proc/sys/vm/stat_refresh", []byte("1"), 0)
	b, err := os.ReadFile("/proc/vmstat")
	if err != nil {
		t.Fatal(err)
	}
	var acq, rel int64
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) == 2 && f[0] == "nr_foll_pin_acquired" {
			acq, _ = strconv.ParseInt(f[1], 10, 64)
		}
		if len(f) == 2 && f[0] == "nr_foll_pin_released" {
			rel, _ = strconv.ParseInt(f[1], 10, 64)
		}
	}
	if acq == 0 || acq != rel {
		t.Errorf("pins acquired %d, released %d", acq, rel)
	}
}
