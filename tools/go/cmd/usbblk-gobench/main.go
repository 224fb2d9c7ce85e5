// SPDX-License-Identifier: GPL-2.0

// Command usbblk-gobench measures single-block read latency on a LUN from
// Go (usbblk.ReadSectors) against the C library in a C loop (libusbblk's
// usbblk_read, the same build), with the garbage collector idle, busy
// (a goroutine allocating and keeping a pointer-rich heap), and busy with
// GOGC=off under a memory limit; each with and without package rt
// (LockOSThread, SCHED_FIFO 40, the CPU the usbblk IRQ is moved to,
// mlockall; those rows run in a second process). It prints a table:
// percentiles of the read latency and, from runtime/metrics, the GC
// cycles and stop-the-world pauses during each run.
//
// Usage: usbblk-gobench [-lun /dev/usbblk0] [-n 10000]
//
// Speed is measured here, never asserted: make check runs a short form
// and only requires the table.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../../../lib/usbblk -I${SRCDIR}/../../../../include/uapi
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include "libusbblk.h"

// n reads of one block at LBA i % span into buf (aligned), the latency of
// each in ns into lat: 0 or the first -errno.
static int c_loop(const char *node, int n, uint32_t span, int64_t *lat)
{
	struct usbblk *h;
	struct usbblk_info info;
	struct timespec a, b;
	void *buf;
	int i, rc = usbblk_open(node, O_RDONLY, &h);

	if (rc)
		return rc;
	usbblk_info(h, &info);
	rc = usbblk_buf_alloc(h, info.block_size, 0, &buf);
	for (i = 0; !rc && i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		rc = usbblk_read(h, i % span, buf, 1, 0, 0);
		clock_gettime(CLOCK_MONOTONIC, &b);
		lat[i] = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
	}
	usbblk_buf_free(buf, info.block_size);
	usbblk_close(h);
	return rc;
}
*/
import "C"

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"usbblk"
	"usbblk/rt"
)

const span = 1024 // the LBAs read, 0 .. span-1

type gcMode int

const (
	gcIdle gcMode = iota // nothing allocates
	gcBusy               // an allocating goroutine, GOGC=100
	gcOff                // the same, GOGC=off with a memory limit
)

func (m gcMode) String() string {
	return [...]string{"idle", "busy", "off+limit"}[m]
}

// node is one object of the allocator's heap: pointers, so marking costs.
type node struct {
	next  *node
	left  *node
	right *node
	pad   [5]uint64
}

// allocate keeps about live bytes of nodes reachable, in batches of
// linked nodes that point only within their batch (so nothing older
// than the batches in the ring stays reachable), and replaces the oldest
// batch as fast as it can, until stop; total is the bytes it allocated.
func allocate(stop *atomic.Bool, live int, done *sync.WaitGroup, total *int64) {
	defer done.Done()
	const batch = 1024
	ring := make([]*node, live/int(unsafe.Sizeof(node{}))/batch)
	kept = ring
	var bytes int64
	for b := 0; !stop.Load(); b++ {
		var head *node
		nodes := make([]*node, 0, batch) // garbage too
		for i := 0; i < batch; i++ {
			x := &node{next: head}
			if i > 0 {
				x.left = nodes[(i*7)%i]
			}
			nodes = append(nodes, x)
			head = x
		}
		ring[b%len(ring)] = head
		bytes += batch*int64(unsafe.Sizeof(node{})) + int64(cap(nodes))*8
		runtime.Gosched()
	}
	*total = bytes
	kept = nil
}

// kept roots the allocator's ring: a ring only written, in a local,
// is not kept alive.
var kept []*node

type row struct {
	name     string
	gc       gcMode
	rt       bool
	lat      []time.Duration
	gcs      uint64
	pauseP99 float64
	pauseMax float64
	schedP99 float64
	allocMB  int64
}

var samples = []metrics.Sample{
	{Name: "/gc/cycles/total:gc-cycles"},
	{Name: "/gc/pauses:seconds"},
	{Name: "/sched/latencies:seconds"},
}

func read() (uint64, *metrics.Float64Histogram, *metrics.Float64Histogram) {
	metrics.Read(samples)
	return samples[0].Value.Uint64(), copyHist(samples[1].Value.Float64Histogram()),
		copyHist(samples[2].Value.Float64Histogram())
}

func copyHist(h *metrics.Float64Histogram) *metrics.Float64Histogram {
	return &metrics.Float64Histogram{Counts: append([]uint64(nil), h.Counts...), Buckets: h.Buckets}
}

// quantile of the histogram after minus before: the upper bound of the
// bucket holding it (0 if empty); q = 1 is the largest.
func quantile(before, after *metrics.Float64Histogram, q float64) float64 {
	var total uint64
	d := make([]uint64, len(after.Counts))
	for i := range d {
		d[i] = after.Counts[i] - before.Counts[i]
		total += d[i]
	}
	if total == 0 {
		return 0
	}
	want := uint64(q*float64(total-1)) + 1
	var seen uint64
	for i, c := range d {
		if seen += c; seen >= want {
			return after.Buckets[i+1]
		}
	}
	return after.Buckets[len(after.Buckets)-1]
}

func run(r *row, lun *usbblk.LUN, node string, n int) error {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	if r.gc == gcOff {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(128 << 20)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var allocated int64
	if r.gc != gcIdle {
		wg.Add(1)
		go allocate(&stop, 16<<20, &wg, &allocated)
		time.Sleep(200 * time.Millisecond) // let it build its heap
	}
	runtime.GC()
	if r.rt {
		th, err := rt.Lock(rt.Config{Priority: 40, CPUs: []int{runtime.NumCPU() - 1}, LockMemory: true})
		// (the CPU irqCPU gave the usbblk IRQ)
		if err != nil {
			stop.Store(true)
			wg.Wait()
			return err
		}
		defer th.Unlock()
	}
	gc0, p0, s0 := read()
	var err error
	if r.name == "C usbblk_read" {
		err = cLoop(node, n, r)
	} else {
		err = goLoop(lun, n, r)
	}
	gc1, p1, s1 := read()
	stop.Store(true)
	wg.Wait()
	r.gcs = gc1 - gc0
	r.pauseP99, r.pauseMax = quantile(p0, p1, 0.99), quantile(p0, p1, 1)
	r.schedP99 = quantile(s0, s1, 0.99)
	r.allocMB = allocated >> 20
	return err
}

func goLoop(lun *usbblk.LUN, n int, r *row) error {
	info, _ := lun.Info()
	buf, err := usbblk.AlignedBuffer(int(info.BlockSize))
	if err != nil {
		return err
	}
	defer usbblk.FreeBuffer(buf)
	r.lat = make([]time.Duration, n)
	for i := 0; i < n; i++ {
		t := time.Now()
		if err := lun.ReadSectors(uint64(i%span), buf); err != nil {
			return err
		}
		r.lat[i] = time.Since(t)
	}
	return nil
}

func cLoop(node string, n int, r *row) error {
	lat := make([]int64, n)
	cnode := C.CString(node)
	defer C.free(unsafe.Pointer(cnode))
	if rc := C.c_loop(cnode, C.int(n), span, (*C.int64_t)(unsafe.Pointer(&lat[0]))); rc != 0 {
		return &os.PathError{Op: "usbblk_read", Path: node, Err: syscall.Errno(-rc)}
	}
	r.lat = make([]time.Duration, n)
	for i, ns := range lat {
		r.lat[i] = time.Duration(ns)
	}
	return nil
}

func us(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d)/1e3) }
func usf(s float64) string      { return fmt.Sprintf("%.0f", s*1e6) }

// irqCPU moves the usbblk IRQ (and so its IRQ thread) to the last CPU and
// returns that CPU, for the rt rows to share: a wakeup on another CPU
// costs an IPI. Without an IRQ to move, it returns the last CPU.
func irqCPU() (int, string) {
	cpu := runtime.NumCPU() - 1
	b, _ := os.ReadFile("/proc/interrupts")
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) > 0 && strings.Contains(l, "usbblk") {
			irq := strings.TrimSuffix(f[0], ":")
			err := os.WriteFile("/proc/irq/"+irq+"/smp_affinity_list", []byte(strconv.Itoa(cpu)), 0)
			if err != nil {
				return cpu, fmt.Sprintf("IRQ %s stays (%v)", irq, err)
			}
			return cpu, fmt.Sprintf("IRQ %s and the rt rows on CPU %d", irq, cpu)
		}
	}
	return cpu, "no usbblk IRQ in /proc/interrupts"
}

func main() {
	node := flag.String("lun", "/dev/usbblk0", "LUN node")
	n := flag.Int("n", 10000, "reads per row")
	rtRows := flag.Bool("rt-rows", false, "(internal) only the rows with package rt, no header")
	flag.Parse()
	log.SetFlags(0)
	// One bound for every row: the guest has 1 GiB, and under mlockall
	// every heap page the process ever used stays resident.
	debug.SetMemoryLimit(256 << 20)
	lun, err := usbblk.OpenReadOnly(*node)
	if err != nil {
		log.Fatal(err)
	}
	defer lun.Close()
	var rows []*row
	for _, gc := range []gcMode{gcIdle, gcBusy, gcOff} {
		rows = append(rows, &row{name: "Go ReadSectors", gc: gc, rt: *rtRows})
	}
	for _, gc := range []gcMode{gcIdle, gcBusy} {
		rows = append(rows, &row{name: "C usbblk_read", gc: gc, rt: *rtRows})
	}
	if !*rtRows {
		info, _ := lun.Info()
		_, irq := irqCPU()
		fmt.Printf("usbblk-gobench: %s, %d-byte blocks, %d reads a row, one block each at LBA i %% %d, %s/%s, GOMAXPROCS %d, %d CPUs, %s\n",
			*node, info.BlockSize, *n, span, runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), runtime.NumCPU(), irq)
		fmt.Printf("%-15s %-9s %-3s %7s %7s %7s %7s %7s %4s %9s %9s %9s %7s\n", "loop", "GC", "rt",
			"p50us", "p90us", "p99us", "p99.9us", "maxus", "GCs", "pause99us", "pausemax", "sched99us", "allocMB")
	}
	for _, r := range rows {
		if err := run(r, lun, *node, *n); err != nil {
			log.Fatalf("%s GC %s rt %v: %v", r.name, r.gc, r.rt, err)
		}
		l := r.lat
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		q := func(p float64) time.Duration { return l[int(p*float64(len(l)-1))] }
		rtName := "no"
		if r.rt {
			rtName = "yes"
		}
		fmt.Printf("%-15s %-9s %-3s %7s %7s %7s %7s %7s %4d %9s %9s %9s %7d\n", r.name, r.gc, rtName,
			us(q(0.5)), us(q(0.9)), us(q(0.99)), us(q(0.999)), us(l[len(l)-1]),
			r.gcs, usf(r.pauseP99), usf(r.pauseMax), usf(r.schedP99), r.allocMB)
	}
	if !*rtRows {
		// The rt rows in a fresh process: mlockall there locks a small
		// heap, not the one these rows grew.
		cmd := exec.Command("/proc/self/exe", "-rt-rows", "-lun", *node, "-n", strconv.Itoa(*n))
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			log.Fatalf("the rt rows: %v", err)
		}
	}
}
