// SPDX-License-Identifier: GPL-2.0

// Command seed is the Go code of usbblk's product story (the article in
// ../shared/seed/), step by step, on the real stack:
//
//  1. C.usb_enumerate() and C.usb_get_device_by_class(0x08, 0x06)
//     through cgo, with usb_stack.h's names as the article writes them;
//  2. setupRTThread: LockOSThread + SCHED_FIFO priority 50 (package rt);
//  3. open /dev/usbblk0 and USBBLK_IOC_READ_SECTOR of sector 0 into a Go
//     buffer through a raw ioctl (package uapi: the request, the number);
//  4. the same sector through package usbblk, which must agree;
//  5. the article's jitter figure: N single-sector reads, p50 and p99.9.
//
// Usage: seed [-reads N]. It prints the first 32 bytes of sector 0 as
// "sector 0: <hex>" (make check compares them with the image).
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../../../lib/usbblk -I${SRCDIR}/../../../../include/uapi
#include "usb_stack.h"
*/
import "C"

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"sort"
	"syscall"
	"time"
	"unsafe"

	"usbblk"
	"usbblk/rt"
	"usbblk/uapi"
)

// EnumerateAndProbe is the article's function, returning the LUN node the
// mass-storage device got.
func EnumerateAndProbe() (string, error) {
	t0 := time.Now()
	if rc := C.usb_enumerate(); rc != 0 { // reset, address, descriptors
		return "", fmt.Errorf("usb_enumerate: %w", syscall.Errno(-rc))
	}
	dev := C.usb_get_device_by_class(0x08, 0x06) // SCSI transparent command set
	if dev == nil {
		return "", errors.New("no mass storage device found")
	}
	fmt.Printf("usb_enumerate + usb_get_device_by_class: %v\n", time.Since(t0).Round(time.Microsecond))
	fmt.Printf("device %04x:%04x %q, %d LUN(s)\n", dev.info.vendor_id, dev.info.product_id,
		C.GoString(&dev.info.serial[0]), dev.nluns)
	if dev.nluns == 0 {
		return "", errors.New("the mass storage device has no LUN node")
	}
	return C.GoString(&unsafe.Slice(dev.luns, dev.nluns)[0].node[0]), nil
}

// setupRTThread is the article's, in the right order: the goroutine is
// locked to its thread first, so the policy lands on the thread it keeps
// (the article sets the policy before LockOSThread, on whichever thread
// the goroutine happened to be on). Priority 50 as in the article: equal
// to the IRQ threads, fine for a loop that blocks in each read (one that
// spins would starve them; see package rt).
func setupRTThread() (*rt.Thread, error) {
	return rt.Lock(rt.Config{Priority: 50})
}

// readSector0 is the article's raw ioctl. buf must stay where it is while
// the kernel writes it: AlignedBuffer's memory is outside the Go heap and
// aligned for DMA (a Go slice would have to be aligned to dma_alignment,
// and kept alive past the call, since req.Buf hides it from the GC).
func readSector0(node string, buf []byte) error {
	fd, err := syscall.Open(node, syscall.O_RDWR, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: node, Err: err}
	}
	defer syscall.Close(fd)
	var req uapi.IO
	req.LBA = 0
	req.Count = 1
	req.Buf = uint64(uintptr(unsafe.Pointer(&buf[0])))
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), uapi.IOCReadSector, uintptr(unsafe.Pointer(&req)))
	runtime.KeepAlive(buf)
	if e != 0 {
		return &os.PathError{Op: "USBBLK_IOC_READ_SECTOR", Path: node, Err: e}
	}
	return nil
}

func main() {
	reads := flag.Int("reads", 1000, "single-sector reads for the jitter figure")
	flag.Parse()
	log.SetFlags(0)

	node, err := EnumerateAndProbe()
	if err != nil {
		log.Fatal(err)
	}
	th, err := setupRTThread()
	if err != nil {
		log.Fatal(err)
	}
	defer th.Unlock()
	s, _ := rt.Current()
	fmt.Printf("thread %d: policy %d priority %d\n", th.TID(), s.Policy, s.Priority)

	lun, err := usbblk.Open(node)
	if err != nil {
		log.Fatal(err)
	}
	defer lun.Close()
	info, _ := lun.Info()
	raw, err := usbblk.AlignedBuffer(int(info.BlockSize))
	if err != nil {
		log.Fatal(err)
	}
	if err := readSector0(node, raw); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d blocks of %d bytes\nsector 0: %x\n", node, info.Capacity, info.BlockSize, raw[:32])

	buf := make([]byte, info.BlockSize) // a Go heap buffer: ReadSectors bounces it if unaligned
	if err := lun.ReadSectors(0, buf); err != nil {
		log.Fatal(err)
	}
	if !bytes.Equal(buf, raw) {
		log.Fatal("usbblk.ReadSectors and the raw ioctl disagree on sector 0")
	}
	fmt.Println("usbblk.ReadSectors: the same sector 0")

	lat := make([]time.Duration, *reads)
	for i := range lat {
		t := time.Now()
		if err := lun.ReadSectors(uint64(i%1024), raw); err != nil {
			log.Fatal(err)
		}
		lat[i] = time.Since(t)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p50, p999 := lat[len(lat)/2], lat[len(lat)*999/1000]
	fmt.Printf("%d single-sector reads: p50 %v, p99.9 %v, jitter (p99.9 - p50) %v\n",
		len(lat), p50, p999, p999-p50)
}
