// SPDX-License-Identifier: GPL-2.0

// Package cabi reports what the C compiler makes of
// include/uapi/linux/usbblk.h: the size of each structure, the offset and
// size of each field and the ioctl numbers, for uapi_test.go to compare
// with package uapi. It is built by cgo with $CC, so a cross build
// reports the target's layout.
package cabi

/*
#cgo CFLAGS: -I${SRCDIR}/../../../../include/uapi
#include <stddef.h>
#include <linux/usbblk.h>

struct cabi_entry {
	const char *name;	// "struct" or "struct.field"
	unsigned long off;	// the field's offset (0 for a struct)
	unsigned long size;
};

#define S(s) { #s, 0, sizeof(struct s) }
#define F(s, f) { #s "." #f, offsetof(struct s, f), sizeof(((struct s *)0)->f) }

static const struct cabi_entry cabi_entries[] = {
	S(usbblk_port), F(usbblk_port, port), F(usbblk_port, speed), F(usbblk_port, flags),
	F(usbblk_port, link_state), F(usbblk_port, portsc),

	S(usbblk_hc_info), F(usbblk_hc_info, hci_version), F(usbblk_hc_info, max_slots),
	F(usbblk_hc_info, max_ports), F(usbblk_hc_info, max_intrs),
	F(usbblk_hc_info, max_scratchpads), F(usbblk_hc_info, flags),
	F(usbblk_hc_info, hcsparams1), F(usbblk_hc_info, hcsparams2),
	F(usbblk_hc_info, hcsparams3), F(usbblk_hc_info, hccparams1),
	F(usbblk_hc_info, page_size), F(usbblk_hc_info, irq), F(usbblk_hc_info, snpsid),
	F(usbblk_hc_info, name),

	S(usbblk_device_info), F(usbblk_device_info, root_port), F(usbblk_device_info, depth),
	F(usbblk_device_info, speed), F(usbblk_device_info, slot_id),
	F(usbblk_device_info, path), F(usbblk_device_info, state),
	F(usbblk_device_info, flags), F(usbblk_device_info, route),
	F(usbblk_device_info, vendor_id), F(usbblk_device_info, product_id),
	F(usbblk_device_info, bcd_device), F(usbblk_device_info, bcd_usb),
	F(usbblk_device_info, dev_class), F(usbblk_device_info, dev_subclass),
	F(usbblk_device_info, dev_protocol), F(usbblk_device_info, num_configs),
	F(usbblk_device_info, if_class), F(usbblk_device_info, if_subclass),
	F(usbblk_device_info, if_protocol), F(usbblk_device_info, if_number),
	F(usbblk_device_info, config_value), F(usbblk_device_info, __pad0),
	F(usbblk_device_info, error), F(usbblk_device_info, enum_ns),
	F(usbblk_device_info, manufacturer), F(usbblk_device_info, product),
	F(usbblk_device_info, serial), F(usbblk_device_info, reserved),

	S(usbblk_enumerate), F(usbblk_enumerate, flags), F(usbblk_enumerate, nports),
	F(usbblk_enumerate, devices), F(usbblk_enumerate, max_devices),
	F(usbblk_enumerate, ndevices), F(usbblk_enumerate, reserved),
	F(usbblk_enumerate, hc), F(usbblk_enumerate, ports),

	S(usbblk_io), F(usbblk_io, lba), F(usbblk_io, buf), F(usbblk_io, count),
	F(usbblk_io, flags), F(usbblk_io, timeout_ms), F(usbblk_io, deadline_us),
	F(usbblk_io, reserved),

	S(usbblk_buf_reg), F(usbblk_buf_reg, addr), F(usbblk_buf_reg, len),
	F(usbblk_buf_reg, index), F(usbblk_buf_reg, flags), F(usbblk_buf_reg, reserved),

	S(usbblk_info), F(usbblk_info, capacity), F(usbblk_info, block_size),
	F(usbblk_info, max_sectors), F(usbblk_info, flags), F(usbblk_info, dma_alignment),
	F(usbblk_info, lun), F(usbblk_info, max_lun), F(usbblk_info, speed),
	F(usbblk_info, depth), F(usbblk_info, path), F(usbblk_info, hc),
	F(usbblk_info, vendor_id), F(usbblk_info, product_id), F(usbblk_info, scsi_type),
	F(usbblk_info, __pad0), F(usbblk_info, vendor), F(usbblk_info, product),
	F(usbblk_info, revision), F(usbblk_info, serial), F(usbblk_info, state),
	F(usbblk_info, recoveries), F(usbblk_info, deadline_floor_us), F(usbblk_info, reserved),

	S(usbblk_sense), F(usbblk_sense, key), F(usbblk_sense, asc), F(usbblk_sense, ascq),
	F(usbblk_sense, response), F(usbblk_sense, error), F(usbblk_sense, info),
	F(usbblk_sense, opcode), F(usbblk_sense, info_valid), F(usbblk_sense, __pad0),
	F(usbblk_sense, len), F(usbblk_sense, raw),
};

static const struct cabi_entry cabi_ioctls[] = {
	{ "ENUMERATE", USBBLK_IOC_ENUMERATE, 0 }, { "READ_SECTOR", USBBLK_IOC_READ_SECTOR, 0 },
	{ "WRITE_SECTOR", USBBLK_IOC_WRITE_SECTOR, 0 }, { "GET_INFO", USBBLK_IOC_GET_INFO, 0 },
	{ "SYNC", USBBLK_IOC_SYNC, 0 }, { "GET_SENSE", USBBLK_IOC_GET_SENSE, 0 },
	{ "REGISTER_BUF", USBBLK_IOC_REGISTER_BUF, 0 },
	{ "UNREGISTER_BUF", USBBLK_IOC_UNREGISTER_BUF, 0 },
	{ "MAX_REGBUFS", USBBLK_MAX_REGBUFS, 0 }, { "REGBUF_MAX_LEN", USBBLK_REGBUF_MAX_LEN, 0 },
};

static const struct cabi_entry *cabi_entry(int table, int i, int *n)
{
	*n = table ? sizeof(cabi_ioctls) / sizeof(cabi_ioctls[0]) :
		     sizeof(cabi_entries) / sizeof(cabi_entries[0]);
	return i < *n ? (table ? &cabi_ioctls[i] : &cabi_entries[i]) : NULL;
}
*/
import "C"

// Entry is one structure ("usbblk_io", Off 0) or field ("usbblk_io.lba").
type Entry struct {
	Name      string
	Off, Size uintptr
}

func table(t C.int) []Entry {
	var out []Entry
	var n C.int
	for i := C.int(0); ; i++ {
		e := C.cabi_entry(t, i, &n)
		if e == nil {
			return out
		}
		out = append(out, Entry{C.GoString(e.name), uintptr(e.off), uintptr(e.size)})
	}
}

// Layout is every structure and field of the header, as C lays them out.
func Layout() []Entry { return table(0) }

// Ioctls maps "READ_SECTOR" etc. to the ioctl number C computes, and
// "MAX_REGBUFS" and "REGBUF_MAX_LEN" to those limits.
func Ioctls() map[string]uintptr {
	m := map[string]uintptr{}
	for _, e := range table(1) {
		m[e.Name] = e.Off
	}
	return m
}
