// SPDX-License-Identifier: GPL-2.0

package wal

import (
	"bytes"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A log on a plain file: the Device an *os.File is.
func TestFileLog(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	opt := Options{Offset: 4096, Size: 1 << 20, BlockSize: 4096}
	if err := f.Truncate(opt.Offset + opt.Size); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open(f, opt); !errors.Is(err, ErrNoLog) {
		t.Fatalf("open before format: %v, want ErrNoLog", err)
	}
	if err := Format(f, opt); err != nil {
		t.Fatal(err)
	}
	l, rec, err := Open(f, opt)
	if err != nil || rec.Records != 0 || rec.Torn {
		t.Fatalf("fresh log: %+v, %v", rec, err)
	}
	var want [][]byte
	for i := 0; i < 100; i++ {
		r := bytes.Repeat([]byte{byte(i)}, i*37)
		want = append(want, r)
		if _, err := l.Append(r); err != nil {
			t.Fatal(err)
		}
		if i%10 == 9 {
			if err := l.Sync(); err != nil {
				t.Fatal(err)
			}
		}
	}
	l2, rec, err := Open(f, opt)
	if err != nil || rec.Records != 100 || rec.Batches != 100 || rec.Torn || rec.Dropped != 0 {
		t.Fatalf("reopen: %+v, %v", rec, err)
	}
	var got [][]byte
	if err := l2.Replay(func(_ uint64, b []byte) error { got = append(got, b); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d records back, want %d", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("record %d differs", i)
		}
	}
}

// Records appended but never synced are not there after a reopen, and
// Replay does not show them.
func TestUnsyncedNotReplayed(t *testing.T) {
	dev, opt := newMemDev(64<<10), region(512, 100)
	if err := Format(dev, opt); err != nil {
		t.Fatal(err)
	}
	l := mustOpen(t, dev, opt)
	if _, err := l.Append([]byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := l.Sync(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append([]byte("two")); err != nil {
		t.Fatal(err)
	}
	if got := replayAll(t, l, "replay"); len(got) != 1 || string(got[0].data) != "one" {
		t.Fatalf("replay: %q", got)
	}
	l2, rec, _ := Open(fromImage(dev.data), opt)
	if rec.Records != 1 || len(replayAll(t, l2, "reopen")) != 1 {
		t.Fatalf("reopen: %+v", rec)
	}
}

// A device error in Sync is returned, wrapped so errors.Is finds it, and
// the log refuses everything after it.
func TestSyncErrorIsLoud(t *testing.T) {
	dev, opt := newMemDev(64<<10), region(512, 100)
	if err := Format(dev, opt); err != nil {
		t.Fatal(err)
	}
	l := mustOpen(t, dev, opt)
	if _, err := l.Append([]byte("x")); err != nil {
		t.Fatal(err)
	}
	dev.failWrite = syscall.EIO
	if err := l.Sync(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("sync: %v, want EIO", err)
	}
	dev.failWrite = nil
	if _, err := l.Append([]byte("y")); !errors.Is(err, syscall.EIO) {
		t.Fatalf("append after a failed sync: %v", err)
	}
	if err := l.Sync(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("second sync: %v", err)
	}
	dev2, _ := newMemDev(64<<10), 0
	if err := Format(dev2, opt); err != nil {
		t.Fatal(err)
	}
	l = mustOpen(t, dev2, opt)
	_, _ = l.Append([]byte("x"))
	dev2.cutAtSync = 1 // the header's sync works, the frames' fails
	if err := l.Sync(); !errors.Is(err, errPowerCut) {
		t.Fatalf("sync: %v", err)
	}
}

// The ring: appending far more than the log holds works with
// TruncateBefore, and what is left after each truncation is exactly the
// records at or after the cut.
func TestRingTruncate(t *testing.T) {
	for _, bs := range []int{512, 4096} {
		dev, opt := newMemDev(bs*40), region(bs, 32)
		if err := Format(dev, opt); err != nil {
			t.Fatal(err)
		}
		l := mustOpen(t, dev, opt)
		rng := rand.New(rand.NewSource(7))
		recs := map[uint64][]byte{}
		var order []uint64
		laps := int64(0)
		for i := 0; i < 3000; i++ {
			r := randRecord(rng, bs)
			s, err := l.Append(r)
			if errors.Is(err, ErrFull) {
				if err := l.Sync(); err != nil {
					t.Fatal(err)
				}
				cut := order[len(order)/2]
				if err := l.TruncateBefore(cut); err != nil {
					t.Fatal(err)
				}
				got := replayAll(t, l, "after truncate")
				if len(got) == 0 || got[0].seq > cut || got[len(got)-1].seq != order[len(order)-1] {
					t.Fatalf("after TruncateBefore(%d): %d records from %d", cut, len(got), got[0].seq)
				}
				for _, g := range got {
					if !bytes.Equal(g.data, recs[g.seq]) {
						t.Fatalf("record %d differs", g.seq)
					}
				}
				k := 0
				for order[k] < got[0].seq {
					k++
				}
				order = order[k:]
				laps++
				i--
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			recs[s] = r
			order = append(order, s)
			if rng.Intn(4) == 0 {
				if err := l.Sync(); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := l.Sync(); err != nil {
			t.Fatal(err)
		}
		_, rec, err := Open(fromImage(dev.data), opt)
		if err != nil || rec.Records != len(order) {
			t.Fatalf("%d: reopen after %d truncations: %+v %v, want %d records", bs, laps, rec, err, len(order))
		}
		if laps < 10 {
			t.Fatalf("only %d truncations: the ring was not exercised", laps)
		}
	}
}

// Bad geometry and a wrong block size are refused with an error.
func TestOptionsChecked(t *testing.T) {
	dev := newMemDev(1 << 20)
	for _, o := range []Options{{Size: 1000, BlockSize: 512}, {Size: 4096, BlockSize: 1000},
		{Offset: 100, Size: 8192, BlockSize: 512}, {Size: 1024, BlockSize: 512}} {
		if err := Format(dev, o); err == nil {
			t.Errorf("Format(%+v) took it", o)
		}
	}
	if err := Format(dev, Options{Size: 64 << 10, BlockSize: 512}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open(dev, Options{Size: 64 << 10, BlockSize: 4096}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("open with another block size: %v", err)
	}
}
