// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

var (
	_ fs.FS         = (*FS)(nil)
	_ fs.ReadDirFS  = (*FS)(nil)
	_ fs.ReadFileFS = (*FS)(nil)
	_ fs.StatFS     = (*FS)(nil)
)

// loadLabel finds a FAT volume's label: the root directory's volume entry,
// else the boot sector's field.
func (f *FS) loadLabel() error {
	b, err := f.readDirBytes(f.root())
	if err != nil {
		return err
	}
	for i := 0; i+32 <= len(b); i += 32 {
		e := b[i : i+32]
		if e[0] == 0 {
			break
		}
		if e[0] != 0xE5 && e[11]&0x3F != attrLFN && e[11]&attrVolume != 0 {
			f.label = strings.TrimRight(oemString(e[0:11]), " ")
			return nil
		}
	}
	return nil
}

// lookup walks name (an io/fs path) from the root.
func (f *FS) lookup(op, name string) (*node, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	n := f.root()
	if name == "." {
		return n, nil
	}
	for _, part := range strings.Split(name, "/") {
		if !n.dir {
			return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		kids, _, err := f.list(n)
		if err != nil {
			return nil, &fs.PathError{Op: op, Path: name, Err: err}
		}
		var hit *node
		for _, k := range kids {
			if f.sameName(k.name, part) {
				hit = k
				break
			}
		}
		if hit == nil {
			return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		n = hit
	}
	return n, nil
}

// Open opens a file or directory for reading.
func (f *FS) Open(name string) (fs.File, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	n, err := f.lookup("open", name)
	if err != nil {
		return nil, err
	}
	return f.openNode(n, name)
}

func (f *FS) openNode(n *node, name string) (fs.File, error) {
	if n.dir {
		kids, _, err := f.list(n)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &dirFile{fs: f, n: n, kids: kids}, nil
	}
	runs, err := f.fileRuns(n)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &File{fs: f, n: n, runs: runs, name: name}, nil
}

// fileRuns is where a file's data is; the chain must cover its size.
func (f *FS) fileRuns(n *node) ([]run, error) {
	need := (n.size + f.clusterSize - 1) / f.clusterSize
	if n.size == 0 {
		if f.kind == ExFAT && n.first == 0 {
			return nil, nil
		}
		if f.kind != ExFAT && n.first == 0 {
			return nil, nil
		}
	}
	var runs []run
	var err error
	if f.kind == ExFAT && n.noChain {
		runs, err = f.contigRuns(n.first, n.size, n.pathName())
	} else {
		runs, err = f.chain(n.first, need+1, n.pathName())
	}
	if err != nil {
		return nil, err
	}
	if runsLen(runs) < need {
		return nil, corrupt(BadSize, n.pathName(), n.first, "size %d needs %d clusters, the chain has %d",
			n.size, need, runsLen(runs))
	}
	return runs, nil
}

// ReadDir lists a directory, sorted by name.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	n, err := f.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if !n.dir {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	kids, _, err := f.list(n)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	out := make([]fs.DirEntry, len(kids))
	for i, k := range kids {
		out[i] = fs.FileInfoToDirEntry(&fileInfo{k})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// ReadFile reads a whole file.
func (f *FS) ReadFile(name string) ([]byte, error) {
	fl, err := f.Open(name)
	if err != nil {
		return nil, err
	}
	defer fl.Close()
	file, ok := fl.(*File)
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
	}
	b := make([]byte, file.n.size)
	if _, err := file.ReadAt(b, 0); err != nil && err != io.EOF {
		return nil, err
	}
	return b, nil
}

// Stat describes a file or directory.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	n, err := f.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	return &fileInfo{n}, nil
}

type fileInfo struct{ n *node }

func (i *fileInfo) Name() string {
	if i.n.root {
		return "."
	}
	return i.n.name
}
func (i *fileInfo) Size() int64 {
	if i.n.dir {
		return 0
	}
	return i.n.size
}
func (i *fileInfo) Mode() fs.FileMode {
	m := fs.FileMode(0644)
	if i.n.dir {
		m = fs.ModeDir | 0755
	}
	if i.n.attr&attrReadOnly != 0 {
		m &^= 0222
	}
	return m
}
func (i *fileInfo) ModTime() time.Time { return i.n.mtime }
func (i *fileInfo) IsDir() bool        { return i.n.dir }

// Sys is the FAT attribute byte (exFAT: the attribute word) as uint16.
func (i *fileInfo) Sys() interface{} { return i.n.attr }

// File is an open regular file.  It implements io.ReaderAt and io.Seeker
// too; ReadAt is safe for concurrent use.
type File struct {
	fs   *FS
	n    *node
	runs []run
	name string
	off  int64
}

func (fl *File) Stat() (fs.FileInfo, error) { return &fileInfo{fl.n}, nil }
func (fl *File) Close() error               { return nil }

func (fl *File) Read(p []byte) (int, error) {
	n, err := fl.ReadAt(p, fl.off)
	fl.off += int64(n)
	return n, err
}

// Seek sets the offset of the next Read.
func (fl *File) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += fl.off
	case io.SeekEnd:
		off += fl.n.size
	}
	if off < 0 {
		return 0, &fs.PathError{Op: "seek", Path: fl.name, Err: fs.ErrInvalid}
	}
	fl.off = off
	return off, nil
}

// ReadAt reads from the file's data, a contiguous run of clusters at a
// time.
func (fl *File) ReadAt(p []byte, off int64) (int, error) {
	f := fl.fs
	if off < 0 {
		return 0, &fs.PathError{Op: "read", Path: fl.name, Err: fs.ErrInvalid}
	}
	if off >= fl.n.size {
		return 0, io.EOF
	}
	want := len(p)
	if rest := fl.n.size - off; int64(want) > rest {
		want = int(rest)
	}
	done := 0
	valid := fl.n.size
	if f.kind == ExFAT {
		valid = fl.n.validLen
	}
	ci := off / f.clusterSize // cluster index in the file
	ri, base := 0, int64(0)   // run index, file cluster index where it starts
	for ri < len(fl.runs) && base+int64(fl.runs[ri].count) <= ci {
		base += int64(fl.runs[ri].count)
		ri++
	}
	for done < want {
		if ri >= len(fl.runs) {
			return done, &fs.PathError{Op: "read", Path: fl.name, Err: corrupt(BadSize, fl.name, 0, "chain ends early")}
		}
		r := fl.runs[ri]
		pos := off + int64(done)
		inRun := pos - base*f.clusterSize
		n := int64(r.count)*f.clusterSize - inRun
		if n > int64(want-done) {
			n = int64(want - done)
		}
		dst := p[done : done+int(n)]
		switch {
		case pos >= valid:
			for i := range dst {
				dst[i] = 0
			}
		default:
			m := n
			if pos+m > valid {
				m = valid - pos
			}
			if err := f.readVol(dst[:m], f.clusterOff(r.first)+inRun); err != nil {
				return done, &fs.PathError{Op: "read", Path: fl.name, Err: err}
			}
			for i := m; i < n; i++ {
				dst[i] = 0
			}
		}
		done += int(n)
		base += int64(r.count)
		ri++
	}
	if done < len(p) {
		return done, io.EOF
	}
	return done, nil
}

// copyChunk is the most WriteTo reads at once: large enough that a
// device's per-request cost vanishes (io.Copy's own 32 KiB buffer made a
// 32 MiB file 1024 requests), small enough to stay a modest buffer.
const copyChunk = 1 << 20

// WriteTo copies the file from the current offset to w (io.Copy calls
// it): reads of up to 1 MiB, cut at the ends of contiguous cluster runs
// only, so a contiguous file reaches the device in 1 MiB requests
// whatever buffer the caller would have used.
func (fl *File) WriteTo(w io.Writer) (int64, error) {
	var total int64
	if fl.off >= fl.n.size {
		return 0, nil
	}
	n := fl.n.size - fl.off
	if n > copyChunk {
		n = copyChunk
	}
	buf := make([]byte, n)
	for fl.off < fl.n.size {
		b := buf
		if rest := fl.n.size - fl.off; rest < int64(len(b)) {
			b = b[:rest]
		}
		m, err := fl.ReadAt(b, fl.off)
		if m > 0 {
			k, werr := w.Write(b[:m])
			fl.off += int64(k)
			total += int64(k)
			if werr != nil {
				return total, werr
			}
			if k < m {
				return total, io.ErrShortWrite
			}
		}
		if err != nil && err != io.EOF {
			return total, err
		}
		if m == 0 {
			break
		}
	}
	return total, nil
}

// dirFile is an open directory.
type dirFile struct {
	fs   *FS
	n    *node
	kids []*node
	pos  int
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return &fileInfo{d.n}, nil }
func (d *dirFile) Close() error               { return nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.n.pathName(), Err: errors.New("is a directory")}
}

// ReadDir returns the next n entries in directory order (n <= 0: all).
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.kids[d.pos:]
	if n > 0 && len(rest) == 0 {
		return nil, io.EOF
	}
	if n > 0 && n < len(rest) {
		rest = rest[:n]
	}
	out := make([]fs.DirEntry, len(rest))
	for i, k := range rest {
		out[i] = fs.FileInfoToDirEntry(&fileInfo{k})
	}
	d.pos += len(rest)
	return out, nil
}

// cleanPath turns "/A/B" or "A/B/" (command-line paths) into an io/fs path.
func cleanPath(p string) string {
	p = path.Clean("/" + p)
	if p == "/" {
		return "."
	}
	return p[1:]
}

// FSPath turns a slash path as people type it ("/DIR/FILE") into the io/fs
// path the FS methods take ("DIR/FILE").
func FSPath(p string) string { return cleanPath(p) }
