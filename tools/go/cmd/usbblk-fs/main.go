// SPDX-License-Identifier: GPL-2.0

// Command usbblk-fs works with the FAT/exFAT file system and the
// write-ahead log on a usbblk LUN (or, for tests on the host, an image
// file), through packages usbblk, usbblk/fat and usbblk/wal.
//
// Usage:
//
//	usbblk-fs [-json] ls DEV [DIR]       list a directory
//	usbblk-fs cat DEV FILE               copy a file to stdout
//	usbblk-fs put DEV FILE [LOCAL]       write a file from LOCAL (or stdin)
//	usbblk-fs append DEV FILE [LOCAL]    append to a file
//	usbblk-fs rm DEV PATH                remove a file or an empty directory
//	usbblk-fs mkdir DEV DIR              make a directory
//	usbblk-fs mv DEV OLD NEW             rename
//	usbblk-fs copyin DEV DIR LOCALDIR    copy a local tree into DIR
//	usbblk-fs [-json] df DEV             space
//	usbblk-fs [-json] check DEV          fsck -n: exit 1 on problems
//	usbblk-fs sums DEV [DIR]             sha256 of every file, sha256sum style
//	usbblk-fs wal format DEV             a new empty log in the region
//	usbblk-fs wal append DEV REC...      one batch of records, synced
//	usbblk-fs [-json] wal replay DEV     recover and print the records
//	usbblk-fs wal writer DEV -n N        the power-cut writer (see below)
//	usbblk-fs wal verify DEV             the power-cut check (see below)
//	usbblk-fs local-cat|local-ls PATH    cat / ls on a kernel mount (to compare)
//
// -time prints how long the command took to stderr; -part N takes the
// volume in partition N.
//
// DEV is /dev/usbblkN, or a file.  The log lives in -offset/-size bytes of
// DEV (default: all of it).  Paths on the volume are /-separated, with or
// without a leading slash.
//
// "wal writer" appends batches of records whose contents follow from
// their number, syncs after each batch and prints "ack N" once records
// 0..N are acknowledged; "wal verify" recovers the log and checks that the
// records are 0..M in order with those contents, prints "recovered M" and
// fails if an -acked number is not among them.
package main

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"usbblk"
	"usbblk/fat"
	"usbblk/wal"
)

var (
	jsonOut = flag.Bool("json", false, "print data as JSON")
	walOff  = flag.Int64("offset", 0, "wal: byte offset of the log region")
	walSize = flag.Int64("size", 0, "wal: byte size of the log region (0: to the end)")
	nFlag   = flag.Int("n", 1000, "wal writer: batches to write")
	batch   = flag.Int("batch", 3, "wal writer: records per batch")
	acked   = flag.Int64("acked", -1, "wal verify: the last record number the writer saw acknowledged")
	roFlag  = flag.Bool("ro", false, "open the device read-only")
	timeIt  = flag.Bool("time", false, "print how long the command took (stderr)")
	partN   = flag.Int("part", 0, "the volume in partition N (0: the first FAT/exFAT one, or the bare volume)")
)

func usage() {
	fmt.Fprintln(os.Stderr, "usage: usbblk-fs [-json] [-offset B -size B] ls|cat|put|append|rm|mkdir|mv|df|check|sums|wal ... DEV ...")
	os.Exit(2)
}

func main() {
	flag.Usage = usage
	flag.Parse()
	args := flag.Args()
	if len(args) < 2 {
		usage()
	}
	var err error
	t0 := time.Now()
	switch args[0] {
	case "wal":
		err = walCmd(args[1:])
	case "local-cat", "local-ls":
		err = local(args[0], args[1])
	default:
		err = fsCmd(args[0], args[1], args[2:])
	}
	if *timeIt {
		fmt.Fprintf(os.Stderr, "time: %s: %.3f s\n", strings.Join(args, " "), time.Since(t0).Seconds())
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "usbblk-fs: %v\n", err)
		os.Exit(1)
	}
}

// device is an open LUN or file.
type device struct {
	io.ReaderAt
	io.WriterAt
	sync  func() error
	close func() error
	size  int64
	bs    int
}

func (d *device) Sync() error    { return d.sync() }
func (d *device) BlockSize() int { return d.bs }

func openDevice(p string, ro bool) (*device, error) {
	if strings.HasPrefix(p, "/dev/usbblk") {
		var l *usbblk.LUN
		var err error
		if ro {
			l, err = usbblk.OpenReadOnly(p)
		} else {
			l, err = usbblk.Open(p)
		}
		if err != nil {
			return nil, err
		}
		info, err := l.Info()
		if err != nil {
			l.Close()
			return nil, err
		}
		return &device{ReaderAt: l, WriterAt: l, sync: l.Sync, close: l.Close,
			size: info.Size(), bs: int(info.BlockSize)}, nil
	}
	flags := os.O_RDWR
	if ro {
		flags = os.O_RDONLY
	}
	f, err := os.OpenFile(p, flags, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &device{ReaderAt: f, WriterAt: f, sync: f.Sync, close: f.Close, size: st.Size(), bs: 512}, nil
}

func fsCmd(cmd, dev string, args []string) error {
	ro := *roFlag
	switch cmd {
	case "ls", "cat", "df", "check", "sums":
		ro = true
	}
	d, err := openDevice(dev, ro)
	if err != nil {
		return err
	}
	defer d.close()
	var r io.ReaderAt = d
	if ro {
		r = struct{ io.ReaderAt }{d} // not an io.WriterAt: fat opens read-only
	}
	fsys, err := fat.Open(r, d.size, &fat.Options{SectorSize: d.bs, Partition: *partN})
	if err != nil {
		return err
	}
	arg := func(i int, def string) string {
		if i < len(args) {
			return args[i]
		}
		if def == "" {
			usage()
		}
		return def
	}
	p := func(i int) string { return fat.FSPath(arg(i, "")) }
	switch cmd {
	case "ls":
		return ls(fsys, fat.FSPath(arg(0, "/")))
	case "cat":
		f, err := fsys.Open(p(0))
		if err != nil {
			return err
		}
		defer f.Close()
		// fat.File.WriteTo: 1 MiB reads, each a cluster run or part
		// of one (a buffer given to io.CopyBuffer is not used: os.File
		// has ReadFrom, whose fallback copies 32 KiB at a time)
		_, err = io.Copy(os.Stdout, f)
		return err
	case "put", "append":
		var data []byte
		if len(args) > 1 {
			data, err = os.ReadFile(args[1])
		} else {
			data, err = io.ReadAll(os.Stdin)
		}
		if err != nil {
			return err
		}
		if cmd == "put" {
			err = fsys.WriteFile(p(0), data)
		} else {
			err = fsys.AppendFile(p(0), data)
		}
		if err != nil {
			return err
		}
		return d.Sync()
	case "rm":
		if err := fsys.Remove(p(0)); err != nil {
			return err
		}
		return d.Sync()
	case "mkdir":
		if err := fsys.Mkdir(p(0)); err != nil {
			return err
		}
		return d.Sync()
	case "copyin":
		if err := copyIn(fsys, p(0), arg(1, "")); err != nil {
			return err
		}
		return d.Sync()
	case "mv":
		if err := fsys.Rename(p(0), p(1)); err != nil {
			return err
		}
		return d.Sync()
	case "df":
		st, err := fsys.Statfs()
		if err != nil {
			return err
		}
		if *jsonOut {
			return printJSON(map[string]interface{}{"type": st.Kind.String(), "label": st.Label,
				"sector_size": st.SectorSize, "cluster_size": st.ClusterSize,
				"clusters": st.Clusters, "free_clusters": st.Free,
				"size": st.Clusters * st.ClusterSize, "free": st.Free * st.ClusterSize})
		}
		fmt.Printf("%s %q: %d clusters of %d bytes, %d free (%d of %d KiB free)\n", st.Kind, st.Label,
			st.Clusters, st.ClusterSize, st.Free, st.Free*st.ClusterSize>>10, st.Clusters*st.ClusterSize>>10)
		return nil
	case "check":
		err := fsys.Check()
		var ce *fat.CheckError
		if err != nil && !errors.As(err, &ce) {
			return err
		}
		if *jsonOut {
			var probs []map[string]interface{}
			if ce != nil {
				for _, pr := range ce.Problems {
					probs = append(probs, map[string]interface{}{"kind": pr.Kind, "path": pr.Path,
						"cluster": pr.Cluster, "detail": pr.Detail})
				}
			}
			if e := printJSON(map[string]interface{}{"clean": err == nil, "problems": probs}); e != nil {
				return e
			}
		} else if ce != nil {
			for _, pr := range ce.Problems {
				fmt.Println(pr)
			}
		} else {
			fmt.Printf("%s %q: clean\n", fsys.Kind(), fsys.Label())
		}
		if err != nil {
			return fmt.Errorf("%d problem(s)", len(ce.Problems))
		}
		return nil
	case "sums":
		root := fat.FSPath(arg(0, "/"))
		return fs.WalkDir(fsys, root, func(q string, de fs.DirEntry, err error) error {
			if err != nil || de.IsDir() {
				return err
			}
			f, err := fsys.Open(q)
			if err != nil {
				return err
			}
			defer f.Close()
			h := sha256.New()
			if _, err := io.Copy(h, f); err != nil {
				return err
			}
			fmt.Printf("%x  /%s\n", h.Sum(nil), q)
			return nil
		})
	}
	usage()
	return nil
}

// local is the same work as cat and ls on a file system the kernel
// mounted, for comparisons: local-cat reads a file in 1 MiB reads to
// nowhere, local-ls lists a directory with every entry's size and time.
func local(cmd, p string) error {
	if cmd == "local-cat" {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		// only the writer's Write: io.Discard's ReadFrom would read
		// 8 KiB at a time, not 1 MiB
		_, err = io.CopyBuffer(struct{ io.Writer }{io.Discard}, struct{ io.Reader }{f}, make([]byte, 1<<20))
		return err
	}
	ents, err := os.ReadDir(p)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if _, err := e.Info(); err != nil {
			return err
		}
	}
	fmt.Printf("%d entries\n", len(ents))
	return nil
}

// copyIn copies the tree under local into dir.
func copyIn(fsys *fat.FS, dir, local string) error {
	return filepath.WalkDir(local, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(local, p)
		if err != nil || rel == "." {
			return err
		}
		dst := path.Join(dir, filepath.ToSlash(rel))
		if de.IsDir() {
			return fsys.Mkdir(dst)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return fsys.WriteFile(dst, b)
	})
}

func ls(fsys *fat.FS, dir string) error {
	ents, err := fsys.ReadDir(dir)
	if err != nil {
		return err
	}
	type ent struct {
		Name  string    `json:"name"`
		Dir   bool      `json:"dir"`
		Size  int64     `json:"size"`
		MTime time.Time `json:"mtime"`
	}
	var out []ent
	for _, e := range ents {
		info, err := e.Info()
		if err != nil {
			return err
		}
		out = append(out, ent{e.Name(), e.IsDir(), info.Size(), info.ModTime()})
	}
	if *jsonOut {
		if out == nil {
			out = []ent{}
		}
		return printJSON(out)
	}
	for _, e := range out {
		kind := "-"
		if e.Dir {
			kind = "d"
		}
		fmt.Printf("%s %10d %s %s\n", kind, e.Size, e.MTime.Format("2006-01-02 15:04:05"), e.Name)
	}
	return nil
}

func printJSON(v interface{}) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	fmt.Println(string(b))
	return nil
}

// ------------------------------------------------------------------ wal

func walCmd(args []string) error {
	if len(args) < 2 {
		usage()
	}
	cmd := args[0]
	// flags may follow the device too: wal writer DEV -n 100
	fl := flag.NewFlagSet("wal", flag.ExitOnError)
	fl.Int64Var(walOff, "offset", *walOff, "")
	fl.Int64Var(walSize, "size", *walSize, "")
	fl.IntVar(nFlag, "n", *nFlag, "")
	fl.IntVar(batch, "batch", *batch, "")
	fl.Int64Var(acked, "acked", *acked, "")
	fl.BoolVar(jsonOut, "json", *jsonOut, "")
	if err := fl.Parse(args[2:]); err != nil {
		return err
	}
	d, err := openDevice(args[1], cmd == "replay" || cmd == "verify")
	if err != nil {
		return err
	}
	defer d.close()
	size := *walSize
	if size == 0 {
		size = d.size - *walOff
	}
	size -= size % int64(d.bs)
	opt := wal.Options{Offset: *walOff, Size: size, BlockSize: d.bs}
	switch cmd {
	case "format":
		if err := wal.Format(d, opt); err != nil {
			return err
		}
		fmt.Printf("log formatted: %d bytes at %d, %d-byte blocks\n", size, *walOff, d.bs)
		return nil
	case "append":
		l, _, err := wal.Open(d, opt)
		if err != nil {
			return err
		}
		var recs [][]byte
		for _, a := range fl.Args() {
			recs = append(recs, []byte(a))
		}
		if len(recs) == 0 {
			b, err := io.ReadAll(os.Stdin)
			if err != nil {
				return err
			}
			recs = append(recs, b)
		}
		first, err := l.Append(recs...)
		if err != nil {
			return err
		}
		if err := l.Sync(); err != nil {
			return err
		}
		fmt.Printf("appended %d record(s) from seq %d, synced\n", len(recs), first)
		return nil
	case "replay":
		l, rec, err := wal.Open(d, opt)
		if err != nil {
			return err
		}
		if *jsonOut {
			if err := printJSON(rec); err != nil {
				return err
			}
		} else {
			fmt.Printf("recovered %d records in %d batches (next seq %d); dropped %d, tail %d bytes, torn %v: %s\n",
				rec.Records, rec.Batches, rec.NextSeq, rec.Dropped, rec.TailBytes, rec.Torn, rec.Stop)
		}
		return l.Replay(func(seq uint64, b []byte) error {
			if *jsonOut {
				return printJSON(map[string]interface{}{"seq": seq, "len": len(b),
					"sha256": fmt.Sprintf("%x", sha256.Sum256(b))})
			}
			fmt.Printf("%d %q\n", seq, b)
			return nil
		})
	case "writer":
		return writer(d, opt)
	case "verify":
		return verify(d, opt)
	}
	usage()
	return nil
}

// record is the contents of power-cut record number id: its number, then
// a length and fill that follow from it.
func record(id int64) []byte {
	b := []byte(fmt.Sprintf("record %08d:", id))
	fill := byte('a' + id%26)
	for n := int(id*37%700) + 1; n > 0; n-- {
		b = append(b, fill)
	}
	return b
}

func recordID(b []byte) (int64, bool) {
	var id int64
	if _, err := fmt.Sscanf(string(b), "record %08d:", &id); err != nil {
		return 0, false
	}
	return id, string(record(id)) == string(b)
}

// writer continues the log where it is: the next record number is the
// number of records recovered.
func writer(d *device, opt wal.Options) error {
	l, rec, err := wal.Open(d, opt)
	if errors.Is(err, wal.ErrNoLog) {
		if err = wal.Format(d, opt); err == nil {
			l, rec, err = wal.Open(d, opt)
		}
	}
	if err != nil {
		return err
	}
	next := int64(0)
	if err := l.Replay(func(seq uint64, b []byte) error {
		id, ok := recordID(b)
		if !ok {
			return fmt.Errorf("record %d is not a writer record", seq)
		}
		next = id + 1
		return nil
	}); err != nil {
		return err
	}
	fmt.Printf("writer: %d records recovered, starting at %d\n", rec.Records, next)
	for i := 0; i < *nFlag; i++ {
		recs := make([][]byte, *batch)
		for k := range recs {
			recs[k] = record(next + int64(k))
		}
		_, err := l.Append(recs...)
		if errors.Is(err, wal.ErrFull) {
			// keep the newest half
			var seqs []uint64
			if err := l.Replay(func(seq uint64, _ []byte) error { seqs = append(seqs, seq); return nil }); err != nil {
				return err
			}
			if err := l.TruncateBefore(seqs[len(seqs)/2]); err != nil {
				return err
			}
			i--
			continue
		}
		if err != nil {
			return err
		}
		if err := l.Sync(); err != nil {
			return err
		}
		next += int64(*batch)
		fmt.Printf("ack %d\n", next-1)
	}
	return nil
}

// verify checks the recovered records: consecutive numbers (the oldest
// may have been truncated away), contents as written, and -acked among
// them.
func verify(d *device, opt wal.Options) error {
	l, rec, err := wal.Open(d, opt)
	if errors.Is(err, wal.ErrNoLog) && *acked < 0 {
		fmt.Println("recovered -1 (no log: nothing was acknowledged)")
		return nil
	}
	if err != nil {
		return err
	}
	last, firstID := int64(-1), int64(-1)
	if err := l.Replay(func(seq uint64, b []byte) error {
		id, ok := recordID(b)
		if !ok {
			return fmt.Errorf("record seq %d: contents no writer wrote (%d bytes)", seq, len(b))
		}
		if last >= 0 && id != last+1 {
			return fmt.Errorf("record seq %d: number %d after %d", seq, id, last)
		}
		if firstID < 0 {
			firstID = id
		}
		last = id
		return nil
	}); err != nil {
		return err
	}
	fmt.Printf("recovered %d (records %d..%d, %d batches; dropped %d, torn %v: %s)\n",
		last, firstID, last, rec.Batches, rec.Dropped, rec.Torn, rec.Stop)
	if *acked >= 0 && last < *acked {
		return fmt.Errorf("record %d was acknowledged but only %d survived", *acked, last)
	}
	return nil
}
