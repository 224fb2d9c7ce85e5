// SPDX-License-Identifier: GPL-2.0

// Package rt makes the calling goroutine a real-time thread: it locks the
// goroutine to its OS thread (runtime.LockOSThread), gives that thread a
// SCHED_FIFO priority and a CPU affinity, and can lock the process's
// memory (mlockall).
//
// What this can do: while the goroutine holds the Thread, no other
// goroutine runs on its OS thread, and the Go runtime never starts new
// threads from a locked one (Go 1.10 and later), so the policy and the
// affinity stay on this thread and on nothing else. Blocking calls (a
// usbblk read in the kernel) wake it with its FIFO priority.
//
// What it cannot guarantee:
//
//   - The garbage collector still stops the world: every goroutine,
//     this one included, waits at a safe point while the world stops,
//     and the wait is as long as the slowest goroutine takes to reach one.
//     Use GOGC=off (debug.SetGCPercent(-1)) with a memory limit, or
//     allocate nothing in the loop so the GC seldom has cause to run.
//   - A goroutine that allocates while the GC marks is made to assist
//     it: its allocation pays for marking work (tens of microseconds).
//     Allocate outside the real-time loop; use buffers made once.
//   - The runtime may still preempt the goroutine (a signal, SIGURG) to
//     stop the world or to let the scheduler look at it; with the thread
//     locked it resumes on the same thread, but the signal costs time.
//   - Stack growth copies the goroutine's stack; a deep call made for the
//     first time in the loop can do it. Warm the loop up before timing it.
//   - Other threads of the process (the GC's workers, sysmon, other
//     goroutines) keep their normal policy and may run on the CPUs given
//     here; GOMAXPROCS must be at least 2 so the GC's workers have
//     somewhere else to run.
//   - A SCHED_FIFO thread that spins starves lower and equal priorities
//     on its CPU, among them the kernel's threaded IRQ handlers (priority
//     50 on PREEMPT_RT) that complete its own I/O: keep the priority
//     below 50, or never spin.
//   - Memory locking: mlockall(MCL_FUTURE) makes every later mapping of
//     the process locked, and the Go runtime maps its heap as it grows:
//     with a RLIMIT_MEMLOCK limit (and no CAP_IPC_LOCK) such a mapping
//     fails later and the runtime dies with "out of memory". Lock refuses
//     LockMemory in that case (ErrMemlockLimit) rather than leave the
//     process to die later.
//
// Setting SCHED_FIFO needs CAP_SYS_NICE (or a RLIMIT_RTPRIO); without it
// Lock returns EPERM and leaves the thread as it was.
package rt

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// Scheduling policies (sched(7)).
const (
	SchedOther = 0
	SchedFIFO  = 1
	SchedRR    = 2
)

// Config says what Lock does besides locking the goroutine to its thread.
type Config struct {
	// Priority is the SCHED_FIFO priority, 1 (lowest) to 99; 0 keeps
	// the thread's policy. Below 50 leaves the kernel's IRQ threads
	// above it.
	Priority int
	// CPUs is the thread's affinity; empty keeps it.
	CPUs []int
	// LockMemory calls mlockall(MCL_CURRENT | MCL_FUTURE) for the whole
	// process (it stays locked after Unlock).
	LockMemory bool
}

// ErrMemlockLimit is returned for LockMemory when RLIMIT_MEMLOCK is
// finite and the process lacks CAP_IPC_LOCK.
var ErrMemlockLimit = errors.New("rt: mlockall(MCL_FUTURE) under a finite RLIMIT_MEMLOCK without CAP_IPC_LOCK: the Go heap could not grow")

// Sched is a thread's policy, priority and affinity.
type Sched struct {
	Policy   int
	Priority int
	CPUs     []int
}

// Thread is a goroutine locked to its OS thread by Lock.
type Thread struct {
	tid  int
	prev Sched
}

// TID is the thread's id (gettid).
func (t *Thread) TID() int { return t.tid }

type schedParam struct{ priority int32 }

// Lock locks the calling goroutine to its OS thread and applies c. On an
// error the thread is left as it was and unlocked again. Call Unlock from
// the same goroutine; if the goroutine ends without it, the runtime ends
// the thread too, so its policy cannot leak to other goroutines.
func Lock(c Config) (*Thread, error) {
	if c.Priority < 0 || c.Priority > 99 {
		return nil, fmt.Errorf("rt: priority %d: %w", c.Priority, syscall.EINVAL)
	}
	runtime.LockOSThread()
	t := &Thread{tid: syscall.Gettid()}
	var err error
	if t.prev, err = Current(); err == nil {
		err = t.apply(c)
	}
	if err != nil {
		t.restore()
		runtime.UnlockOSThread()
		return nil, err
	}
	return t, nil
}

func (t *Thread) apply(c Config) error {
	if c.LockMemory {
		if err := lockMemory(); err != nil {
			return err
		}
	}
	if len(c.CPUs) > 0 {
		if err := setAffinity(c.CPUs); err != nil {
			return err
		}
	}
	if c.Priority > 0 {
		return setScheduler(SchedFIFO, c.Priority)
	}
	return nil
}

func (t *Thread) restore() error {
	err := setScheduler(t.prev.Policy, t.prev.Priority)
	if e := setAffinity(t.prev.CPUs); err == nil {
		err = e
	}
	return err
}

// Unlock gives the thread its policy, priority and affinity back and
// unlocks the goroutine from it.
func (t *Thread) Unlock() error {
	if syscall.Gettid() != t.tid {
		return fmt.Errorf("rt: Unlock on thread %d, locked %d: %w", syscall.Gettid(), t.tid, syscall.EINVAL)
	}
	err := t.restore()
	runtime.UnlockOSThread()
	return err
}

// Current is the calling thread's policy, priority and affinity.
func Current() (Sched, error) {
	var s Sched
	p, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETSCHEDULER, 0, 0, 0)
	if e != 0 {
		return s, os.NewSyscallError("sched_getscheduler", e)
	}
	var sp schedParam
	if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETPARAM, 0, uintptr(unsafe.Pointer(&sp)), 0); e != 0 {
		return s, os.NewSyscallError("sched_getparam", e)
	}
	s.Policy, s.Priority = int(p)&^0x40000000, int(sp.priority) // SCHED_RESET_ON_FORK
	var mask [128]byte                                          // 1024 CPUs
	n, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, uintptr(len(mask)), uintptr(unsafe.Pointer(&mask[0])))
	if e != 0 {
		return s, os.NewSyscallError("sched_getaffinity", e)
	}
	for i := 0; i < int(n)*8; i++ {
		if mask[i/8]&(1<<(i%8)) != 0 {
			s.CPUs = append(s.CPUs, i)
		}
	}
	return s, nil
}

func setScheduler(policy, priority int) error {
	sp := schedParam{int32(priority)}
	if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETSCHEDULER, 0, uintptr(policy), uintptr(unsafe.Pointer(&sp))); e != 0 {
		return os.NewSyscallError("sched_setscheduler", e)
	}
	return nil
}

func setAffinity(cpus []int) error {
	var mask [128]byte
	for _, c := range cpus {
		if c < 0 || c >= len(mask)*8 {
			return fmt.Errorf("rt: CPU %d: %w", c, syscall.EINVAL)
		}
		mask[c/8] |= 1 << (c % 8)
	}
	if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, uintptr(len(mask)), uintptr(unsafe.Pointer(&mask[0]))); e != 0 {
		return os.NewSyscallError("sched_setaffinity", e)
	}
	return nil
}

const (
	rlimitMemlock = 8  // RLIMIT_MEMLOCK
	capIPCLock    = 14 // CAP_IPC_LOCK
	mclCurrent    = 1
	mclFuture     = 2
)

func lockMemory() error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(rlimitMemlock, &lim); err != nil {
		return os.NewSyscallError("getrlimit", err)
	}
	if lim.Cur != ^uint64(0) && !hasCap(capIPCLock) {
		return ErrMemlockLimit
	}
	if err := syscall.Mlockall(mclCurrent | mclFuture); err != nil {
		return os.NewSyscallError("mlockall", err)
	}
	return nil
}

// hasCap reports whether capability c is in effect
// on the calling thread (capabilities are per thread).
func hasCap(c uint) bool {
	b, err := os.ReadFile("/proc/thread-self/status")
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "CapEff:") {
			m, err := strconv.ParseUint(strings.TrimSpace(l[len("CapEff:"):]), 16, 64)
			return err == nil && m&(1<<c) != 0
		}
	}
	return false
}
