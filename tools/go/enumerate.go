// SPDX-License-Identifier: GPL-2.0

package usbblk

/*
#include "libusbblk.h"
*/
import "C"

import (
	"os"
	"unsafe"

	"usbblk/uapi"
)

// A tree usbblk_enumerate() built, to free with done.
type tree struct{ t *C.struct_usbblk_tree }

func enumerate() (tree, error) {
	var t *C.struct_usbblk_tree
	if err := errnoOf(int(C.usbblk_enumerate(0, &t))); err != nil {
		return tree{}, os.NewSyscallError("usbblk_enumerate", err)
	}
	return tree{t}, nil
}

func (t tree) done() { C.usbblk_tree_free(t.t) }

func deviceFromC(d *C.struct_usbblk_device) Device {
	dev := deviceFromABI(C.GoString(&d.controller.node[0]), (*uapi.DeviceInfo)(unsafe.Pointer(&d.info)))
	for _, l := range unsafe.Slice(d.luns, d.nluns) {
		dev.LUNs = append(dev.LUNs, LUNNode{
			Node: C.GoString(&l.node[0]), Index: int(l.index),
			Info: infoFromABI((*uapi.Info)(unsafe.Pointer(&l.info))),
		})
	}
	return dev
}

// Enumerate rescans every controller's ports (new devices are enumerated
// before it returns, departed ones torn down) and reports each
// controller, its root ports, its devices and their LUN nodes.
// No controller is not an error: the slice is then empty.
func Enumerate() ([]Controller, error) {
	t, err := enumerate()
	if err != nil {
		return nil, err
	}
	defer t.done()
	var out []Controller
	for _, c := range unsafe.Slice(t.t.controllers, t.t.ncontrollers) {
		hc := controllerFromABI(C.GoString(&c.node[0]), int(c.index), (*uapi.HCInfo)(unsafe.Pointer(&c.hc)))
		cdevs := unsafe.Slice(c.devices, c.ndevices)
		for i := range cdevs {
			hc.Devices = append(hc.Devices, deviceFromC(&cdevs[i]))
		}
		for _, p := range unsafe.Slice(c.ports, c.nports) {
			port := portFromABI((*uapi.Port)(unsafe.Pointer(&p.port)))
			for i := range cdevs {
				if p.device == &cdevs[i] {
					port.Device = &hc.Devices[i]
				}
			}
			hc.Ports = append(hc.Ports, port)
		}
		out = append(out, hc)
	}
	return out, nil
}

// FindByClass rescans like Enumerate and returns the devices whose
// interface (the one usbblk looked at) or device descriptor has the class
// and subclass, e.g. FindByClass(0x08, 0x06) for SCSI mass storage, in
// controller then attach order. None found is an empty slice, not an
// error.
func FindByClass(class, subclass uint8) ([]Device, error) {
	t, err := enumerate()
	if err != nil {
		return nil, err
	}
	defer t.done()
	n := C.usbblk_find_by_class(t.t, C.int(class), C.int(subclass), nil, 0)
	if n <= 0 {
		return nil, errnoOf(int(n))
	}
	devs := make([]*C.struct_usbblk_device, n)
	n = C.usbblk_find_by_class(t.t, C.int(class), C.int(subclass), &devs[0], C.uint(len(devs)))
	out := make([]Device, 0, len(devs))
	for _, d := range devs[:n] {
		out = append(out, deviceFromC(d))
	}
	return out, nil
}
