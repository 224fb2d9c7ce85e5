// SPDX-License-Identifier: GPL-2.0

//go:build guest

package rt_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"usbblk/rt"
)

// The policy and rt_priority of thread tid from /proc (stat fields 41
// and 40): a second opinion on what rt.Current reports.
func procSched(t *testing.T, tid int) (policy, prio int) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/stat", tid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	// f[0] is field 3 (state)
	prio, _ = strconv.Atoi(f[40-3])
	policy, _ = strconv.Atoi(f[41-3])
	return policy, prio
}

func TestLockSetsFIFOAndAffinityAndUnlockRestores(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, err := rt.Current()
	if err != nil {
		t.Fatal(err)
	}
	if before.Policy != rt.SchedOther {
		t.Fatalf("test thread already has policy %d", before.Policy)
	}
	cpu := before.CPUs[len(before.CPUs)-1]
	th, err := rt.Lock(rt.Config{Priority: 40, CPUs: []int{cpu}})
	if err != nil {
		t.Fatal(err)
	}
	now, err := rt.Current()
	if err != nil {
		t.Fatal(err)
	}
	want := rt.Sched{Policy: rt.SchedFIFO, Priority: 40, CPUs: []int{cpu}}
	if !reflect.DeepEqual(now, want) {
		t.Errorf("locked: %+v, want %+v", now, want)
	}
	if p, prio := procSched(t, th.TID()); p != rt.SchedFIFO || prio != 40 {
		t.Errorf("/proc says policy %d priority %d", p, prio)
	}
	// Other goroutines run on other threads, none of them FIFO.
	done := make(chan error)
	for i := 0; i < 8; i++ {
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			s, err := rt.Current()
			if err == nil && (s.Policy != rt.SchedOther || syscall.Gettid() == th.TID()) {
				err = fmt.Errorf("goroutine on thread %d: %+v", syscall.Gettid(), s)
			}
			done <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if err := th.Unlock(); err != nil {
		t.Fatal(err)
	}
	after, _ := rt.Current()
	if !reflect.DeepEqual(after, before) {
		t.Errorf("after Unlock: %+v, before Lock: %+v", after, before)
	}
	t.Logf("thread %d: %+v while locked, %+v after", th.TID(), now, after)
}

func TestBadConfigLeavesThreadAlone(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, _ := rt.Current()
	for _, c := range []rt.Config{{Priority: 100}, {Priority: -1}, {CPUs: []int{5000}},
		{Priority: 10, CPUs: []int{-1}}} {
		if th, err := rt.Lock(c); !errors.Is(err, syscall.EINVAL) {
			t.Errorf("Lock(%+v) = %v, %v; want EINVAL", c, th, err)
			if th != nil {
				th.Unlock()
			}
		}
		if s, _ := rt.Current(); !reflect.DeepEqual(s, before) {
			t.Errorf("after Lock(%+v) failed: %+v, want %+v", c, s, before)
		}
	}
}

func vmLck(t *testing.T) int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmLck:") {
			kb, _ := strconv.Atoi(strings.Fields(l)[1])
			return kb
		}
	}
	t.Fatal("no VmLck in /proc/self/status")
	return 0
}

var sink [][]byte

// With CAP_IPC_LOCK (root) mlockall works and the heap still grows.
func TestLockMemory(t *testing.T) {
	th, err := rt.Lock(rt.Config{LockMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munlockall()
	defer th.Unlock()
	before := vmLck(t)
	for i := 0; i < 64; i++ {
		sink = append(sink, make([]byte, 1<<20))
	}
	after := vmLck(t)
	sink = nil
	if before == 0 || after < before+60<<10 {
		t.Errorf("VmLck %d kB after mlockall, %d kB after 64 MiB more heap", before, after)
	}
	t.Logf("VmLck %d kB, then %d kB", before, after)
}

// Without CAP_IPC_LOCK and under a finite RLIMIT_MEMLOCK, LockMemory is
// refused: in a child process (this binary again) that drops its
// capabilities first.
func TestLockMemoryRefusedUnderLimit(t *testing.T) {
	if os.Getenv("RT_TEST_CHILD") == "memlock" {
		memlockChild()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockMemoryRefusedUnderLimit$")
	cmd.Env = append(os.Environ(), "RT_TEST_CHILD=memlock")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "refused: rt: mlockall") {
		t.Errorf("child: %v\n%s", err, out)
	}
}

func memlockChild() {
	runtime.LockOSThread()
	lim := syscall.Rlimit{Cur: 64 << 10, Max: 64 << 10}
	if err := syscall.Setrlimit(8, &lim); err != nil { // RLIMIT_MEMLOCK
		fmt.Println("setrlimit:", err)
		os.Exit(1)
	}
	hdr := struct{ version, pid uint32 }{0x20080522, 0} // _LINUX_CAPABILITY_VERSION_3
	var data [2]struct{ eff, prm, inh uint32 }
	if _, _, e := syscall.RawSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)),
		uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
		fmt.Println("capset:", e)
		os.Exit(1)
	}
	th, err := rt.Lock(rt.Config{LockMemory: true})
	if !errors.Is(err, rt.ErrMemlockLimit) {
		fmt.Println("Lock:", th, err)
		os.Exit(1)
	}
	fmt.Println("refused:", err)
}
