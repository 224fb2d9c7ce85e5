// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"bytes"
	"fmt"
	"os"
	"testing"
)

// writeLog records the writes that reach the device.
type writeLog struct {
	*os.File
	writes [][2]int64 // device offset, length
}

func (w *writeLog) WriteAt(b []byte, off int64) (int, error) {
	w.writes = append(w.writes, [2]int64{off, int64(len(b))})
	return w.File.WriteAt(b, off)
}

// sectorWrites counts, per sector of [lo, hi) (device offsets), how often
// the writes since index from covered it.
func (w *writeLog) sectorWrites(from int, lo, hi, ss int64) map[int64]int {
	n := map[int64]int{}
	for _, wr := range w.writes[from:] {
		for s := wr[0] - wr[0]%ss; s < wr[0]+wr[1]; s += ss {
			if s >= lo && s < hi {
				n[(s-lo)/ss]++
			}
		}
	}
	return n
}

// Every operation writes each FAT sector it changes once in every FAT
// copy (both copies alike), FSInfo at most once and each exFAT bitmap
// sector at most once - not once per cluster - except that an operation
// whose new entry needs its directory to grow commits that growth first
// (at most twice then).  Files of hundreds of clusters make a per-cluster
// update show as hundreds of writes of the same sector.
func TestAllocWrittenOncePerOp(t *testing.T) {
	vfat := makeFAT(t, fatSpec{name: "fat32", size: 64 << 20, mkfs: []string{"-F", "32", "-s", "1"}}, false)
	exfat := makeExFAT(t, 64<<20, []string{"-c", "4K"})
	for _, img := range []*image{vfat, exfat} {
		f, err := os.OpenFile(img.path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, _ := f.Stat()
		dev := &writeLog{File: f}
		fsys, err := Open(dev, st.Size(), nil)
		if err != nil {
			t.Fatal(err)
		}
		cs := fsys.ClusterSize()
		big := bytes.Repeat([]byte("0123456789abcdef"), int(300*cs/16))
		ops := []struct {
			name string
			grow bool // may grow a directory
			do   func() error
		}{
			{"mkdir", false, func() error { return fsys.Mkdir("D") }},
			{"write 300 clusters", false, func() error { return fsys.WriteFile("D/big", big) }},
			{"append 300 clusters", false, func() error { return fsys.AppendFile("D/big", big) }},
			{"overwrite smaller", false, func() error { return fsys.WriteFile("D/big", big[:100*cs]) }},
			{"truncate to 10", false, func() error { return fsys.Truncate("D/big", 10*cs) }},
			{"grow by truncate", false, func() error { return fsys.Truncate("D/big", 250*cs) }},
			{"write another", false, func() error { return fsys.WriteFile("D/other", big) }},
			{"rename over", true, func() error { return fsys.Rename("D/other", "D/big") }},
			{"remove", false, func() error { return fsys.Remove("D/big") }},
		}
		// enough entries to make D grow on one of them
		for i := 0; i < int(cs/32)+2; i++ {
			name := fmt.Sprintf("D/a rather long name, number %03d", i)
			ops = append(ops, struct {
				name string
				grow bool
				do   func() error
			}{"create " + name, true, func() error { return fsys.WriteFile(name, big[:3*cs]) }})
		}
		ss := fsys.SectorSize()
		base := fsys.Offset()
		for _, op := range ops {
			from := len(dev.writes)
			if err := op.do(); err != nil {
				t.Fatalf("%s %s: %v", fsys.Kind(), op.name, err)
			}
			limit := 1
			if op.grow {
				limit = 2
			}
			copies := 1
			if fsys.Kind() != ExFAT {
				copies = fsys.numFATs
			}
			var per []map[int64]int
			for c := 0; c < copies; c++ {
				lo := base + fsys.fatOff + int64(c)*fsys.fatLen
				if fsys.Kind() == ExFAT {
					lo += int64(fsys.activeFAT) * fsys.fatLen
				}
				per = append(per, dev.sectorWrites(from, lo, lo+fsys.fatLen, ss))
			}
			for c, m := range per {
				for s, n := range m {
					if n > limit {
						t.Errorf("%s %s: FAT %d sector %d written %d times", fsys.Kind(), op.name, c+1, s, n)
					}
					if per[0][s] != n {
						t.Errorf("%s %s: FAT sector %d written %d times in copy 1, %d in copy %d",
							fsys.Kind(), op.name, s, per[0][s], n, c+1)
					}
				}
			}
			if fsys.Kind() != ExFAT && len(per[0]) == 0 {
				t.Errorf("%s %s: no FAT sector written", fsys.Kind(), op.name)
			}
			if fsys.fsinfoOff != 0 {
				lo := base + fsys.fsinfoOff
				if n := dev.sectorWrites(from, lo, lo+ss, ss)[0]; n > limit {
					t.Errorf("%s %s: FSInfo written %d times", fsys.Kind(), op.name, n)
				}
			}
			if fsys.Kind() == ExFAT {
				lo := base + fsys.clusterOff(fsys.bitmapCluster)
				for s, n := range dev.sectorWrites(from, lo, lo+fsys.bitmapLen, ss) {
					if n > limit {
						t.Errorf("exFAT %s: bitmap sector %d written %d times", op.name, s, n)
					}
				}
			}
		}
		if err := fsys.Check(); err != nil {
			t.Errorf("%s: check: %v", fsys.Kind(), err)
		}
	}
	fsckVFAT(t, vfat)
	if out, err := runQuiet("fsck.exfat", "-n", exfat.path); err != nil {
		t.Errorf("fsck.exfat -n: %v\n%s", err, out)
	}
}
