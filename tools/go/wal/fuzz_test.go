// SPDX-License-Identifier: GPL-2.0

package wal

import (
	"math/rand"
	"testing"
)

// FuzzOpen: any image, however hostile, opens or fails with an error;
// Replay agrees with the recovery's count; a log that opened takes an
// append.  Allocation is bounded by the region (records by MaxRecord).
func FuzzOpen(f *testing.F) {
	// small inputs: the fuzzer is slow with large ones
	for _, bs := range []int{512} {
		nb := 12
		dev, opt := newMemDev(bs*nb), Options{Size: int64(bs * nb), BlockSize: bs}
		if err := Format(dev, opt); err != nil {
			f.Fatal(err)
		}
		l := mustOpen(f, dev, opt)
		session(f, rand.New(rand.NewSource(1)), l, newModel(), 8, bs/8)
		f.Add(dev.data, false)
		f.Add(dev.data, true)
	}
	f.Fuzz(func(t *testing.T, img []byte, big bool) {
		bs := 512
		if big {
			bs = 4096
		}
		n := len(img) / bs * bs
		if n > 256<<10 {
			n = 256 << 10
		}
		opt := Options{Size: int64(n), BlockSize: bs}
		dev := fromImage(img[:n])
		l, rec, err := Open(dev, opt)
		if err != nil {
			return
		}
		got := 0
		if err := l.Replay(func(uint64, []byte) error { got++; return nil }); err != nil {
			t.Fatalf("replay: %v", err)
		}
		if got != rec.Records {
			t.Fatalf("replay gave %d records, recovery %d", got, rec.Records)
		}
		if _, err := l.Append([]byte("fuzz")); err != nil {
			return
		}
		if err := l.Sync(); err != nil {
			t.Fatalf("sync: %v", err)
		}
		_, rec2, err := Open(fromImage(dev.data), opt)
		if err != nil || rec2.Records < 1 {
			t.Fatalf("reopen after an append: %+v, %v", rec2, err)
		}
	})
}
