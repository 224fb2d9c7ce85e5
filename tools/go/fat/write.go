// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"
	"unicode/utf16"
)

// Writes.  Each operation takes the file system's write lock, writes the
// file's data first, then the allocation records (each FAT sector once, in
// every copy; FSInfo once; exFAT's bitmap), then the directory entries, so
// a cut in between leaves lost clusters at worst, never a file that points
// at data not written.  Names are io/fs paths.

var errNotEmpty = errors.New("directory not empty")

// now is the time written into entries (a variable for tests).
var now = func() time.Time { return time.Now().UTC() }

func (f *FS) wlock(op, name string) error {
	if f.wdev == nil {
		return &fs.PathError{Op: op, Path: name, Err: ErrReadOnly}
	}
	if !fs.ValidPath(name) || name == "." {
		return &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	f.mu.Lock()
	return nil
}

// parentOf looks up name's directory and name's entry (nil if absent).
func (f *FS) parentOf(op, name string) (dir, n *node, err error) {
	dir, err = f.lookup(op, path.Dir(name))
	if err != nil {
		return nil, nil, err
	}
	if !dir.dir {
		return nil, nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	kids, _, err := f.list(dir)
	if err != nil {
		return nil, nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	base := path.Base(name)
	for _, k := range kids {
		if f.sameName(k.name, base) {
			return dir, k, nil
		}
	}
	return dir, nil, nil
}

// existing looks up name's entry, which must be there.
func (f *FS) existing(op, name string) (*node, error) {
	_, n, err := f.parentOf(op, name)
	if err == nil && n == nil {
		err = &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return n, err
}

// WriteFile creates name or replaces its contents with data.
func (f *FS) WriteFile(name string, data []byte) error {
	return f.write("writefile", name, data, false)
}

// AppendFile appends data to name, creating it if needed.
func (f *FS) AppendFile(name string, data []byte) error {
	return f.write("append", name, data, true)
}

func (f *FS) write(op, name string, data []byte, appending bool) error {
	if err := f.wlock(op, name); err != nil {
		return err
	}
	defer f.mu.Unlock()
	dir, n, err := f.parentOf(op, name)
	if err != nil {
		return err
	}
	fresh := n == nil
	if fresh {
		if n, err = f.newNode(dir, path.Base(name), false); err != nil {
			return &fs.PathError{Op: op, Path: name, Err: err}
		}
	} else if n.dir {
		return &fs.PathError{Op: op, Path: name, Err: errors.New("is a directory")}
	}
	off := int64(0)
	if appending {
		off = n.size
	}
	t := f.begin()
	runs, err := f.resize(t, n, off+int64(len(data)))
	if err == nil {
		err = f.writeRuns(runs, off, data)
	}
	if err == nil {
		err = t.commit()
	}
	if err == nil {
		n.mtime = now()
		err = f.putEntry(n, fresh)
	}
	if err != nil {
		return &fs.PathError{Op: op, Path: name, Err: err}
	}
	return nil
}

// Truncate sets name's size; new bytes read as zeros.
func (f *FS) Truncate(name string, size int64) error {
	if err := f.wlock("truncate", name); err != nil {
		return err
	}
	defer f.mu.Unlock()
	n, err := f.existing("truncate", name)
	if err != nil {
		return err
	}
	if n.dir || size < 0 {
		return &fs.PathError{Op: "truncate", Path: name, Err: fs.ErrInvalid}
	}
	old := n.size
	t := f.begin()
	runs, err := f.resize(t, n, size)
	if err == nil && size > old {
		err = f.writeRuns(runs, old, make([]byte, size-old))
	}
	if err == nil {
		err = t.commit()
	}
	if err == nil {
		n.mtime = now()
		err = f.putEntry(n, false)
	}
	if err != nil {
		return &fs.PathError{Op: "truncate", Path: name, Err: err}
	}
	return nil
}

// Remove deletes a file or an empty directory.
func (f *FS) Remove(name string) error {
	if err := f.wlock("remove", name); err != nil {
		return err
	}
	defer f.mu.Unlock()
	n, err := f.existing("remove", name)
	if err != nil {
		return err
	}
	if n.dir {
		kids, _, err := f.list(n)
		if err != nil {
			return &fs.PathError{Op: "remove", Path: name, Err: err}
		}
		if len(kids) > 0 {
			return &fs.PathError{Op: "remove", Path: name, Err: errNotEmpty}
		}
	}
	// the entry goes first: a cut afterwards leaves lost clusters only
	if err := f.dropEntry(n); err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	t := f.begin()
	if err := f.freeAll(t, n); err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	if err := t.commit(); err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	return nil
}

// Mkdir creates a directory.
func (f *FS) Mkdir(name string) error {
	if err := f.wlock("mkdir", name); err != nil {
		return err
	}
	defer f.mu.Unlock()
	dir, n, err := f.parentOf("mkdir", name)
	if err != nil {
		return err
	}
	if n != nil {
		return &fs.PathError{Op: "mkdir", Path: name, Err: fs.ErrExist}
	}
	n, err = f.newNode(dir, path.Base(name), true)
	if err == nil {
		err = f.makeDir(n)
	}
	if err != nil {
		return &fs.PathError{Op: "mkdir", Path: name, Err: err}
	}
	return nil
}

func (f *FS) makeDir(n *node) error {
	t := f.begin()
	runs, err := t.alloc(0, 1)
	if err != nil {
		return err
	}
	n.first = runs[0].first
	b := make([]byte, f.clusterSize)
	if f.kind != ExFAT {
		mt := now()
		dot := func(e []byte, name string, first uint32) {
			copy(e[0:11], name)
			e[11] = attrDir
			putFATTime(e[22:], e[24:], mt)
			binary.LittleEndian.PutUint16(e[26:], uint16(first))
			binary.LittleEndian.PutUint16(e[20:], uint16(first>>16))
		}
		dot(b[0:32], ".          ", n.first)
		up := n.parent.first
		if n.parent.root {
			up = 0
		}
		dot(b[32:64], "..         ", up)
	} else {
		n.size, n.validLen = f.clusterSize, f.clusterSize
	}
	if err := f.writeVol(b, f.clusterOff(n.first)); err != nil {
		return err
	}
	if err := t.commit(); err != nil {
		return err
	}
	n.mtime = now()
	return f.putEntry(n, true)
}

// Rename moves oldname to newname (replacing a file there).
func (f *FS) Rename(oldname, newname string) error {
	if err := f.wlock("rename", oldname); err != nil {
		return err
	}
	defer f.mu.Unlock()
	if !fs.ValidPath(newname) || newname == "." {
		return &fs.PathError{Op: "rename", Path: newname, Err: fs.ErrInvalid}
	}
	n, err := f.existing("rename", oldname)
	if err != nil {
		return err
	}
	if n.dir && (newname == oldname || strings.HasPrefix(strings.ToUpper(newname), strings.ToUpper(oldname)+"/")) {
		return &fs.PathError{Op: "rename", Path: newname, Err: fs.ErrInvalid}
	}
	ndir, old, err := f.parentOf("rename", newname)
	if err != nil {
		return err
	}
	if old != nil {
		if old.parent.first == n.parent.first && old.slot == n.slot && old.parent.root == n.parent.root {
			// same entry (a change of case only): rewrite it in place
			old = nil
		} else if old.dir || n.dir {
			return &fs.PathError{Op: "rename", Path: newname, Err: fs.ErrExist}
		}
	}
	moved := *n
	moved.parent, moved.name = ndir, path.Base(newname)
	if err := f.dropEntry(n); err != nil {
		return &fs.PathError{Op: "rename", Path: oldname, Err: err}
	}
	if old != nil {
		if err := f.dropEntry(old); err != nil {
			return &fs.PathError{Op: "rename", Path: newname, Err: err}
		}
		t := f.begin()
		if err := f.freeAll(t, old); err == nil {
			err = t.commit()
		}
	}
	if err := f.placeEntry(&moved); err != nil {
		return &fs.PathError{Op: "rename", Path: newname, Err: err}
	}
	if moved.dir && f.kind != ExFAT && ndir.first != n.parent.first {
		// its ".." points at the new parent
		var b [2]byte
		up := ndir.first
		if ndir.root {
			up = 0
		}
		off := f.clusterOff(moved.first) + 32
		binary.LittleEndian.PutUint16(b[:], uint16(up))
		if err := f.writeVol(b[:], off+26); err != nil {
			return err
		}
		binary.LittleEndian.PutUint16(b[:], uint16(up>>16))
		if err := f.writeVol(b[:], off+20); err != nil {
			return err
		}
	}
	return nil
}

// newNode is a node for a new entry called base in dir (no entry yet).
func (f *FS) newNode(dir *node, base string, isDir bool) (*node, error) {
	if err := validName(base); err != nil {
		return nil, err
	}
	n := &node{name: base, parent: dir, dir: isDir, slot: -1}
	if isDir {
		n.attr = attrDir
	} else {
		n.attr = attrArchive
	}
	return n, nil
}

func validName(s string) error {
	if s == "" || s == "." || s == ".." || len(utf16.Encode([]rune(s))) > 255 ||
		strings.ContainsAny(s, "\"*/:<>?\\|") || strings.TrimRight(s, " .") != s {
		return fmt.Errorf("invalid name %q", s)
	}
	for _, r := range s {
		if r < 0x20 {
			return fmt.Errorf("invalid name %q", s)
		}
	}
	return nil
}

// resize makes n's chain hold size bytes and returns it; n.first and
// n.size change, the entry is not written.
func (f *FS) resize(t *tx, n *node, size int64) ([]run, error) {
	need := (size + f.clusterSize - 1) / f.clusterSize
	var runs []run
	var err error
	if n.first != 0 {
		if f.kind == ExFAT && n.noChain {
			runs, err = f.contigRuns(n.first, n.size, n.pathName())
			if err != nil {
				return nil, err
			}
			// chain what was contiguous, so it can grow anywhere
			for _, r := range runs {
				for k := uint32(0); k < r.count; k++ {
					v := uint32(clEOC)
					if k+1 < r.count {
						v = r.first + k + 1
					}
					if err := t.set(r.first+k, v); err != nil {
						return nil, err
					}
				}
			}
			n.noChain = false
		} else if runs, err = f.chainTx(t, n.first, need+int64(f.clusters)); err != nil {
			return nil, err
		}
	}
	have := runsLen(runs)
	switch {
	case need > have:
		var last uint32
		if have > 0 {
			r := runs[len(runs)-1]
			last = r.first + r.count - 1
		}
		more, err := t.alloc(last, need-have)
		if err != nil {
			return nil, err
		}
		if n.first == 0 {
			n.first = more[0].first
		}
		runs = append(runs, more...)
	case need < have:
		// cut after cluster need-1
		var keep []run
		left := need
		for _, r := range runs {
			if left <= 0 {
				break
			}
			c := r.count
			if int64(c) > left {
				c = uint32(left)
			}
			keep = append(keep, run{r.first, c})
			left -= int64(c)
		}
		var cut uint32
		if need == 0 {
			cut = n.first
			n.first = 0
		} else {
			k := keep[len(keep)-1]
			lastKept := k.first + k.count - 1
			nx, err := t.get(lastKept)
			if err != nil {
				return nil, err
			}
			if err := t.set(lastKept, clEOC); err != nil {
				return nil, err
			}
			cut = nx
		}
		if err := t.free(cut, int64(f.clusters)); err != nil {
			return nil, err
		}
		runs = keep
	}
	n.size, n.validLen = size, size
	return runs, nil
}

// chainTx is chain() seen through the operation's pending FAT changes.
func (f *FS) chainTx(t *tx, first uint32, limit int64) ([]run, error) {
	return f.walkChain(first, limit, "", t.get)
}

// freeAll releases n's clusters.
func (f *FS) freeAll(t *tx, n *node) error {
	if n.first == 0 {
		return nil
	}
	if f.kind == ExFAT && n.noChain {
		runs, err := f.contigRuns(n.first, n.size, n.pathName())
		if err != nil {
			return err
		}
		if err := t.loadBitmap(); err != nil {
			return err
		}
		for _, r := range runs {
			for k := uint32(0); k < r.count; k++ {
				t.mark(r.first+k, false)
				t.freed++
			}
		}
		return nil
	}
	return t.free(n.first, int64(f.clusters))
}

// writeRuns writes data at byte off of the chain's data, a run at a time.
func (f *FS) writeRuns(runs []run, off int64, data []byte) error {
	for _, r := range runs {
		n := int64(r.count) * f.clusterSize
		if off >= n {
			off -= n
			continue
		}
		m := n - off
		if m > int64(len(data)) {
			m = int64(len(data))
		}
		if m > 0 {
			if err := f.writeVol(data[:m], f.clusterOff(r.first)+off); err != nil {
				return err
			}
		}
		data, off = data[m:], 0
		if len(data) == 0 {
			return nil
		}
	}
	if len(data) > 0 {
		return corrupt(BadChain, "", 0, "chain shorter than the data")
	}
	return nil
}
