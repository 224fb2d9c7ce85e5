// SPDX-License-Identifier: GPL-2.0

package wal

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"testing"
)

// model is what a writer knows: every record it appended (by sequence
// number), the batches, which records a Sync acknowledged, and the point
// before which TruncateBefore allowed records to go.
type model struct {
	recs    map[uint64][]byte
	batchOf map[uint64]int
	batches [][]uint64
	acked   map[uint64]bool
	trunc   uint64
}

func newModel() *model {
	return &model{recs: map[uint64][]byte{}, batchOf: map[uint64]int{}, acked: map[uint64]bool{}}
}

func (m *model) clone() *model {
	c := newModel()
	for k, v := range m.recs {
		c.recs[k] = v
	}
	for k, v := range m.batchOf {
		c.batchOf[k] = v
	}
	for k, v := range m.acked {
		c.acked[k] = v
	}
	c.batches = append([][]uint64(nil), m.batches...)
	c.trunc = m.trunc
	return c
}

// appendBatch appends recs as one batch; the model learns their numbers
// from Append and Replay order (the first is returned, the rest follow).
func (m *model) appendBatch(t testing.TB, l *Log, recs [][]byte) {
	t.Helper()
	first, err := l.Append(recs...)
	if err != nil {
		t.Fatalf("append: %v", err)
	}
	// records of a batch get consecutive numbers unless a wrap pad
	// sits in between; the model finds them in the pending frames
	seqs := pendingRecordSeqs(l, first, len(recs))
	id := len(m.batches)
	m.batches = append(m.batches, seqs)
	for i, s := range seqs {
		m.recs[s] = recs[i]
		m.batchOf[s] = id
	}
}

// pendingRecordSeqs decodes the log's pending frames to find the sequence
// numbers Append gave the batch starting at first.
func pendingRecordSeqs(l *Log, first uint64, n int) []uint64 {
	var out []uint64
	for _, s := range l.segs {
		b := s.buf
		p := int64(0)
		for p+frameHdrSize <= int64(len(b)) {
			pos := s.pos + p
			if np := l.g.norm(pos); np != pos {
				if np == l.g.dataStart {
					break
				}
				p += np - pos
				continue
			}
			f, _ := getFrameHdr(b[p:])
			if f.seq >= first && f.typ == frameRecord && len(out) < n {
				out = append(out, f.seq)
			}
			if f.length == 0 && f.typ == 0 {
				break
			}
			p += frameSize(int(f.length))
		}
	}
	return out
}

func (m *model) ackAll() {
	for s := range m.recs {
		m.acked[s] = true
	}
}

func randRecord(rng *rand.Rand, max int) []byte {
	n := rng.Intn(max + 1)
	if rng.Intn(8) == 0 {
		n = 0
	}
	b := make([]byte, n)
	rng.Read(b)
	return b
}

// session appends batches (through the model), syncs now and then, and
// truncates when the ring fills.
func session(t testing.TB, rng *rand.Rand, l *Log, m *model, batches, maxRec int) {
	t.Helper()
	for i := 0; i < batches; i++ {
		n := 1 + rng.Intn(3)
		recs := make([][]byte, n)
		need := int64(0)
		for j := range recs {
			recs[j] = randRecord(rng, maxRec)
			need += frameSize(len(recs[j])) + frameHdrSize
		}
		makeRoom(t, l, m, need)
		m.appendBatch(t, l, recs)
		if rng.Intn(3) == 0 {
			if err := l.Sync(); err != nil {
				t.Fatalf("sync: %v", err)
			}
			m.ackAll()
		}
	}
	if err := l.Sync(); err != nil {
		t.Fatalf("sync: %v", err)
	}
	m.ackAll()
}

// makeRoom syncs and truncates the older part of the log when a batch of
// need bytes might not fit.
func makeRoom(t testing.TB, l *Log, m *model, need int64) {
	t.Helper()
	for l.live+need+5*l.g.bs+frameSize(8) > l.g.capacity() {
		if l.live == 0 {
			t.Fatalf("a batch of %d bytes cannot fit in %d", need, l.g.capacity())
		}
		if err := l.Sync(); err != nil {
			t.Fatalf("sync: %v", err)
		}
		m.ackAll()
		cut := l.synced - (l.synced-l.hdr.startSeq)/3
		if err := l.TruncateBefore(cut); err != nil {
			t.Fatalf("truncate: %v", err)
		}
		if cut > m.trunc {
			m.trunc = cut
		}
	}
}

// verify opens img and checks the property: every acknowledged record (not
// truncated away) is there, every record there was appended with these
// bytes and this number, batches are whole, and the log takes new
// appends that survive a reopen.  It returns the model after that append.
func verify(t testing.TB, img []byte, opt Options, m *model, what string) *model {
	t.Helper()
	dev := fromImage(img)
	l, rec, err := Open(dev, opt)
	if err != nil {
		t.Fatalf("%s: open: %v", what, err)
	}
	got := replayAll(t, l, what)
	if rec.Records != len(got) {
		t.Fatalf("%s: recovery counted %d records, replay gave %d", what, rec.Records, len(got))
	}
	seen := map[uint64]bool{}
	perBatch := map[int]int{}
	var last uint64
	for _, r := range got {
		want, ok := m.recs[r.seq]
		if !ok {
			t.Fatalf("%s: record %d was never appended (%s)", what, r.seq, rec.Stop)
		}
		if !bytes.Equal(want, r.data) {
			t.Fatalf("%s: record %d has other bytes", what, r.seq)
		}
		if r.seq <= last && last != 0 {
			t.Fatalf("%s: record %d after %d", what, r.seq, last)
		}
		last = r.seq
		seen[r.seq] = true
		perBatch[m.batchOf[r.seq]]++
	}
	for b, n := range perBatch {
		if n != len(m.batches[b]) {
			t.Fatalf("%s: batch %d: %d of its %d records", what, b, n, len(m.batches[b]))
		}
	}
	for s := range m.acked {
		if s >= m.trunc && !seen[s] {
			t.Fatalf("%s: acknowledged record %d lost (%d records, stop: %s)", what, s, len(got), rec.Stop)
		}
	}
	// what survived is now what the writer has; then a new batch
	nm := newModel()
	nm.trunc = m.trunc
	for _, r := range got {
		nm.recs[r.seq] = r.data
		nm.batchOf[r.seq] = m.batchOf[r.seq]
		nm.acked[r.seq] = true
	}
	after := []byte("after the cut: " + what)
	nm.batches = append(append([][]uint64(nil), m.batches...), nil)
	seq, err := l.Append(after)
	if err != nil {
		t.Fatalf("%s: append after recovery: %v", what, err)
	}
	if err := l.Sync(); err != nil {
		t.Fatalf("%s: sync after recovery: %v", what, err)
	}
	nm.batches[len(nm.batches)-1] = []uint64{seq}
	nm.recs[seq] = after
	nm.batchOf[seq] = len(nm.batches) - 1
	nm.acked[seq] = true
	l2, _, err := Open(fromImage(dev.data), opt)
	if err != nil {
		t.Fatalf("%s: reopen: %v", what, err)
	}
	got2 := replayAll(t, l2, what)
	if len(got2) != len(got)+1 || got2[len(got2)-1].seq != seq ||
		!bytes.Equal(got2[len(got2)-1].data, after) {
		t.Fatalf("%s: the append after recovery did not survive a reopen (%d then %d records)",
			what, len(got), len(got2))
	}
	return nm
}

type seqRec struct {
	seq  uint64
	data []byte
}

func replayAll(t testing.TB, l *Log, what string) []seqRec {
	t.Helper()
	var got []seqRec
	if err := l.Replay(func(s uint64, b []byte) error {
		got = append(got, seqRec{s, b})
		return nil
	}); err != nil {
		t.Fatalf("%s: replay: %v", what, err)
	}
	return got
}

// cutVariants calls fn with every image a power cut during dev's unsynced
// writes can leave, in the forms the tests model: the writes applied up
// to every byte offset, and all of them applied but one sector zeroed,
// garbled or left with its old contents.
func cutVariants(dev *memDev, sector int, fn func(img []byte, what string)) {
	base := dev.durable()
	s, at := dev.stream()
	img := append([]byte(nil), base...)
	fn(img, "cut at byte 0")
	for k := range s {
		img[at[k]] = s[k]
		fn(img, fmt.Sprintf("cut at byte %d of %d", k+1, len(s)))
	}
	full := append([]byte(nil), dev.data...)
	sectors := map[int64]bool{}
	for _, a := range at {
		sectors[a/int64(sector)] = true
	}
	rng := rand.New(rand.NewSource(int64(len(s))))
	for sec := range sectors {
		lo, hi := sec*int64(sector), (sec+1)*int64(sector)
		for _, mode := range []string{"zeroed", "garbled", "old"} {
			img := append([]byte(nil), full...)
			switch mode {
			case "zeroed":
				for i := lo; i < hi; i++ {
					img[i] = 0
				}
			case "garbled":
				rng.Read(img[lo:hi])
			case "old":
				copy(img[lo:hi], base[lo:hi])
			}
			fn(img, fmt.Sprintf("sector at %d %s", lo, mode))
		}
	}
}

type scenario struct {
	name string
	// prepare leaves a log with a Sync that lost power: dev's unsynced
	// writes are the tail; m knows what was acknowledged before it
	prepare func(t *testing.T, bs int) (*memDev, Options, *model)
}

// cutBlocks is the region size of the cut scenarios: small, since every
// image is opened twice, but room for a few syncs.
func cutBlocks(bs int) int {
	if bs >= 4096 {
		return 10
	}
	return 32
}

func region(bs, blocks int) Options {
	return Options{Offset: int64(bs), Size: int64(bs * blocks), BlockSize: bs}
}

func mustOpen(t testing.TB, dev Device, opt Options) *Log {
	t.Helper()
	l, _, err := Open(dev, opt)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return l
}

// cutSync appends batches and cuts the power in the next Sync: in its
// header write if the session has not written one yet (unless
// pastHeader), else in its frames.
func cutSync(t *testing.T, rng *rand.Rand, dev *memDev, l *Log, m *model, batches, maxRec int, pastHeader bool) {
	t.Helper()
	for i := 0; i < batches; i++ {
		recs := [][]byte{randRecord(rng, maxRec), randRecord(rng, maxRec)}
		makeRoom(t, l, m, frameSize(len(recs[0]))+frameSize(len(recs[1]))+2*frameHdrSize)
		m.appendBatch(t, l, recs)
	}
	dev.cutAtSync = 0
	if pastHeader && !l.bumped {
		dev.cutAtSync = 1
	}
	if err := l.Sync(); !errors.Is(err, errPowerCut) {
		t.Fatalf("sync: %v, want the power cut", err)
	}
	if len(dev.unsynced) == 0 {
		t.Fatalf("nothing in flight at the cut")
	}
	if err := l.Sync(); !errors.Is(err, errPowerCut) {
		t.Fatalf("sync after a failed sync: %v, want the first error again", err)
	}
}

var scenarios = []scenario{
	{"first sync, header in flight", func(t *testing.T, bs int) (*memDev, Options, *model) {
		dev, opt := newMemDev(bs*(cutBlocks(bs)+1)), region(bs, cutBlocks(bs))
		if err := Format(dev, opt); err != nil {
			t.Fatal(err)
		}
		m := newModel()
		cutSync(t, rand.New(rand.NewSource(1)), dev, mustOpen(t, dev, opt), m, 1, 100, false)
		return dev, opt, m
	}},
	{"first sync, frames in flight", func(t *testing.T, bs int) (*memDev, Options, *model) {
		dev, opt := newMemDev(bs*(cutBlocks(bs)+1)), region(bs, cutBlocks(bs))
		if err := Format(dev, opt); err != nil {
			t.Fatal(err)
		}
		m := newModel()
		cutSync(t, rand.New(rand.NewSource(2)), dev, mustOpen(t, dev, opt), m, 3, 300, true)
		return dev, opt, m
	}},
	{"after history, several batches in flight", func(t *testing.T, bs int) (*memDev, Options, *model) {
		dev, opt := newMemDev(bs*(cutBlocks(bs)+1)), region(bs, cutBlocks(bs))
		if err := Format(dev, opt); err != nil {
			t.Fatal(err)
		}
		m := newModel()
		rng := rand.New(rand.NewSource(3))
		l := mustOpen(t, dev, opt)
		session(t, rng, l, m, 6, 200)
		cutSync(t, rng, dev, l, m, 3, bs/2, true)
		return dev, opt, m
	}},
	{"wrap of the ring in flight", func(t *testing.T, bs int) (*memDev, Options, *model) {
		dev, opt := newMemDev(bs*13), region(bs, 12)
		if err := Format(dev, opt); err != nil {
			t.Fatal(err)
		}
		m := newModel()
		rng := rand.New(rand.NewSource(4))
		l := mustOpen(t, dev, opt)
		// fill until the next batches cross the end of the area
		for l.g.dataEnd-l.cur > int64(bs)*2 {
			session(t, rng, l, m, 1, bs/3)
		}
		if err := l.TruncateBefore(l.synced - 1); err != nil {
			t.Fatal(err)
		}
		m.trunc = l.synced - 1
		cutSync(t, rng, dev, l, m, 3, bs/2, true)
		return dev, opt, m
	}},
	{"second session over a torn tail", func(t *testing.T, bs int) (*memDev, Options, *model) {
		dev, opt := newMemDev(bs*(cutBlocks(bs)+1)), region(bs, cutBlocks(bs))
		if err := Format(dev, opt); err != nil {
			t.Fatal(err)
		}
		m := newModel()
		rng := rand.New(rand.NewSource(5))
		l := mustOpen(t, dev, opt)
		session(t, rng, l, m, 3, 150)
		cutSync(t, rng, dev, l, m, 2, 150, true)
		// the cut left the in-flight write half done, mid-block
		base := dev.durable()
		s, at := dev.stream()
		for k := 0; k < len(s)/2+bs/3; k++ {
			base[at[k]] = s[k]
		}
		dev2 := fromImage(base)
		l2, rec, err := Open(dev2, opt)
		if err != nil {
			t.Fatal(err)
		}
		if rec.TailBytes == 0 && !rec.Torn {
			t.Logf("no torn tail left (%s)", rec.Stop)
		}
		m2 := newModel()
		_ = l2.Replay(func(s uint64, b []byte) error {
			m2.recs[s] = b
			m2.acked[s] = true
			m2.batchOf[s] = m.batchOf[s]
			return nil
		})
		m2.batches = m.batches
		m2.trunc = m.trunc
		cutSync(t, rng, dev2, l2, m2, 2, 100, true)
		return dev2, opt, m2
	}},
}

// TestCutEverywhere runs every scenario on 512- and 4096-byte blocks and
// checks every image its cut can leave.
func TestCutEverywhere(t *testing.T) {
	for _, bs := range []int{512, 4096} {
		for _, sc := range scenarios {
			sc := sc
			t.Run(fmt.Sprintf("%d/%s", bs, sc.name), func(t *testing.T) {
				dev, opt, m := sc.prepare(t, bs)
				n := 0
				cutVariants(dev, bs, func(img []byte, what string) {
					verify(t, img, opt, m, what)
					n++
				})
				t.Logf("%d images checked", n)
			})
		}
	}
}

// TestCutRandomSessions runs many sessions, each ended by a cut in a random
// form, each recovered by the next.
func TestCutRandomSessions(t *testing.T) {
	for _, bs := range []int{512, 4096} {
		rng := rand.New(rand.NewSource(int64(bs)))
		dev, opt := newMemDev(bs*24), region(bs, 16)
		if err := Format(dev, opt); err != nil {
			t.Fatal(err)
		}
		m := newModel()
		for sess := 0; sess < 150; sess++ {
			l := mustOpen(t, dev, opt)
			session(t, rng, l, m, rng.Intn(6), bs/2)
			cutSync(t, rng, dev, l, m, 1+rng.Intn(3), bs/2, rng.Intn(2) == 0)
			var imgs [][]byte
			var whats []string
			cutVariants(dev, bs, func(img []byte, what string) {
				if rng.Intn(40) == 0 || len(imgs) == 0 {
					imgs = append(imgs, append([]byte(nil), img...))
					whats = append(whats, what)
				}
			})
			k := rng.Intn(len(imgs))
			what := fmt.Sprintf("%d: session %d: %s", bs, sess, whats[k])
			m = verify(t, imgs[k], opt, m, what)
			// verify appended one batch on a copy; do the same here
			dev = fromImage(imgs[k])
			l = mustOpen(t, dev, opt)
			again := []byte("after the cut: " + what)
			seq, err := l.Append(again)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Sync(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(m.recs[seq], again) {
				t.Fatalf("%s: the copy and the device numbered differently", what)
			}
		}
	}
}
