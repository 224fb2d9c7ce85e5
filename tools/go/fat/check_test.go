// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// damage opens the image, lets fn change bytes through the returned
// writer helpers, and reopens it.
type damager struct {
	t    *testing.T
	fsys *FS
	file *os.File
}

func (d *damager) node(p string) *node {
	n, err := d.fsys.lookup("test", p)
	if err != nil {
		d.t.Fatal(err)
	}
	return n
}

// poke writes b at volume offset off.
func (d *damager) poke(off int64, b []byte) {
	if _, err := d.file.WriteAt(b, d.fsys.base+off); err != nil {
		d.t.Fatal(err)
	}
}

func (d *damager) shortEntry(p string) int64 {
	n := d.node(p)
	off, err := d.fsys.entryOff(n.parent, n.slot+n.nslots-1)
	if err != nil {
		d.t.Fatal(err)
	}
	return off
}

// setFAT writes cluster c's entry in both FAT copies (FAT32 only).
func (d *damager) setFAT(c, v uint32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	for i := 0; i < d.fsys.numFATs; i++ {
		d.poke(d.fsys.fatEntryOff(c, i), b[:])
	}
}

// Check finds what fsck.vfat finds: each damage is made on a fresh
// mkfs.vfat + mtools image, fsck.vfat -n must object to it (so the damage
// is real), and Check must report it with the right kind.
func TestCheckFindsDamage(t *testing.T) {
	cases := []struct {
		kind   string
		damage func(d *damager)
	}{
		{CrossLinked, func(d *damager) {
			a := d.node("README.TXT")
			off := d.shortEntry("sector.512")
			var b [2]byte
			binary.LittleEndian.PutUint16(b[:], uint16(a.first))
			d.poke(off+26, b[:])
			binary.LittleEndian.PutUint16(b[:], uint16(a.first>>16))
			d.poke(off+20, b[:])
		}},
		{ChainLoop, func(d *damager) {
			n := d.node("big.bin")
			runs, err := d.fsys.chain(n.first, 1<<20, "")
			if err != nil {
				d.t.Fatal(err)
			}
			last := runs[len(runs)-1]
			d.setFAT(last.first+last.count-1, n.first)
		}},
		{LostClusters, func(d *damager) {
			d.setFAT(d.fsys.clusters, 0x0FFFFFFF) // the last cluster, free on a fresh volume
		}},
		{BadLFN, func(d *damager) {
			off := d.shortEntry("A Rather Long File Name With Spaces.data")
			d.poke(off+1, []byte{'Q'})
		}},
		{BadFATCopy, func(d *damager) {
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], 0x0FFFFFFF)
			d.poke(d.fsys.fatEntryOff(d.fsys.clusters, 1), b[:])
		}},
		{BadSize, func(d *damager) {
			off := d.shortEntry("README.TXT")
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], 5000)
			d.poke(off+28, b[:])
		}},
	}
	for _, c := range cases {
		c := c
		t.Run(strings.ReplaceAll(c.kind, " ", "-"), func(t *testing.T) {
			img := makeFAT(t, fatSpecs[2], true) // FAT32
			fsys, file := openImage(t, img, nil)
			if err := fsys.Check(); err != nil {
				t.Fatalf("fresh image: %v", err)
			}
			c.damage(&damager{t, fsys, file})
			cmd := []string{"-n", img.path}
			out, err := runQuiet("fsck.vfat", cmd...)
			// (it reports a bad LFN checksum but exits 0 for it)
			if err == nil && !strings.Contains(out, "Wrong checksum") {
				t.Fatalf("fsck.vfat -n is content with the damage:\n%s", out)
			}
			t.Logf("fsck.vfat -n (%v): %s", err, firstLines(out, 4))
			fsys, _ = openImage(t, img, nil)
			err = fsys.Check()
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("check: %v, want ErrCorrupt", err)
			}
			if !errors.Is(err, &CorruptError{Kind: c.kind}) {
				t.Fatalf("check: %v, want a %q problem", err, c.kind)
			}
			t.Logf("check: %v", err)
		})
	}
}

func firstLines(s string, n int) string {
	l := strings.SplitN(s, "\n", n+1)
	if len(l) > n {
		l = l[:n]
	}
	return strings.Join(l, " | ")
}

// exFAT's checksums and bitmap: each damage is made on a mkfs.exfat image
// with files this package wrote, fsck.exfat -n must object to it, and
// Open (boot region, up-case table) or Check (entry sets, bitmap) must
// report it as a CorruptError of the right kind.
func TestExFATDamage(t *testing.T) {
	cases := []struct {
		kind   string
		atOpen bool
		damage func(d *damager)
	}{
		{BadChecksum, true, func(d *damager) { d.poke(200, []byte{0x5A}) }}, // boot code: in the sum
		{BadChecksum, true, func(d *damager) {
			var b [2]byte
			if _, err := d.file.ReadAt(b[:], d.fsys.base+d.fsys.clusterOff(d.fsys.upcaseCluster)+2*'a'); err != nil {
				d.t.Fatal(err)
			}
			b[0] ^= 0x01
			d.poke(d.fsys.clusterOff(d.fsys.upcaseCluster)+2*'a', b[:])
		}},
		{BadChecksum, false, func(d *damager) {
			n := d.node("D/a long file name.txt")
			off, err := d.fsys.entryOff(n.parent, n.slot+2) // the first name entry
			if err != nil {
				d.t.Fatal(err)
			}
			d.poke(off+2, []byte{'Q'})
		}},
		{BadBitmap, false, func(d *damager) {
			c := d.node("D/a long file name.txt").first - 2
			var b [1]byte
			off := d.fsys.clusterOff(d.fsys.bitmapCluster) + int64(c/8)
			if _, err := d.file.ReadAt(b[:], d.fsys.base+off); err != nil {
				d.t.Fatal(err)
			}
			b[0] &^= 1 << (c % 8)
			d.poke(off, b[:])
		}},
	}
	for i, c := range cases {
		c := c
		t.Run(fmt.Sprintf("%d-%s", i, strings.ReplaceAll(c.kind, " ", "-")), func(t *testing.T) {
			img := makeExFAT(t, 8<<20, nil)
			fsys, file := openImage(t, img, nil)
			if err := fsys.Mkdir("D"); err != nil {
				t.Fatal(err)
			}
			if err := fsys.WriteFile("D/a long file name.txt", bytes.Repeat([]byte("x"), 10000)); err != nil {
				t.Fatal(err)
			}
			if err := fsys.Check(); err != nil {
				t.Fatalf("fresh image: %v", err)
			}
			c.damage(&damager{t, fsys, file})
			if out, err := runQuiet("fsck.exfat", "-n", img.path); err == nil {
				t.Fatalf("fsck.exfat -n is content with the damage:\n%s", out)
			} else {
				t.Logf("fsck.exfat -n (%v): %s", err, firstLines(out, 4))
			}
			f, err := os.Open(img.path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, _ := f.Stat()
			fsys, err = Open(f, st.Size(), nil)
			if !c.atOpen {
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				err = fsys.Check()
			}
			if !errors.Is(err, ErrCorrupt) || !errors.Is(err, &CorruptError{Kind: c.kind}) {
				t.Fatalf("got %v, want a %q problem", err, c.kind)
			}
			t.Logf("%v", err)
		})
	}
}
