/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * usbblk - deterministic, zero-copy block access to a USB flash drive
 * through usbblk's own xHCI host stack.
 *
 * This is the user-space ABI.  It compiles stand-alone in C and C++.
 *
 * Character devices:
 *   /dev/usbblk-hcN  one per xHCI controller usbblk drives, in probe order.
 *
 * Every structure has fixed-width fields, explicit padding and reserved
 * fields.  Reserved fields and unknown flag bits must be zero on input;
 * the driver answers EINVAL otherwise, so they can carry meaning later.
 * Every structure the driver copies out is fully initialised.
 */
#ifndef _UAPI_LINUX_USBBLK_H
#define _UAPI_LINUX_USBBLK_H

#include <linux/types.h>
#include <linux/const.h>
#include <linux/ioctl.h>

#define USBBLK_IOC_MAGIC	0xB5

/** USBBLK_MAX_PORTS - xHCI allows at most 255 root ports (HCSPARAMS1) */
#define USBBLK_MAX_PORTS	255

/* struct usbblk_port.flags */
#define USBBLK_PORT_CONNECTED	_BITUL(0)	/* PORTSC.CCS */
#define USBBLK_PORT_ENABLED	_BITUL(1)	/* PORTSC.PED */
#define USBBLK_PORT_POWERED	_BITUL(2)	/* PORTSC.PP */
#define USBBLK_PORT_USB3	_BITUL(3)	/* port is in a USB 3 protocol range */
#define USBBLK_PORT_OVERCURRENT	_BITUL(4)	/* PORTSC.OCA */

/**
 * struct usbblk_port - the state of one root port
 * @port:	root port number, 1-based as in the xHCI specification
 * @speed:	enum usb_device_speed from <linux/usb/ch9.h>; USB_SPEED_UNKNOWN
 *		(0) when nothing is connected
 * @flags:	USBBLK_PORT_* bits
 * @link_state:	PORTSC.PLS, the port link state (0 = U0 ... 15 = Resume)
 * @portsc:	the raw PORTSC register, for diagnostics
 */
struct usbblk_port {
	__u8 port;
	__u8 speed;
	__u8 flags;
	__u8 link_state;
	__u32 portsc;
};

/* struct usbblk_hc_info.flags */
#define USBBLK_HC_AC64		_BITUL(0)	/* HCCPARAMS1.AC64: 64-bit DMA */
#define USBBLK_HC_CSZ64		_BITUL(1)	/* HCCPARAMS1.CSZ: 64-byte contexts */
#define USBBLK_HC_PCI		_BITUL(2)	/* bound through PCI */
#define USBBLK_HC_OF		_BITUL(3)	/* bound through device tree */
#define USBBLK_HC_RUNNING	_BITUL(4)	/* USBCMD.RS set, USBSTS.HCH clear */

/**
 * struct usbblk_hc_info - the facts of one xHCI controller
 * @hci_version:	HCIVERSION (e.g. 0x0100, 0x0110)
 * @max_slots:		HCSPARAMS1.MaxSlots, device slots
 * @max_ports:		HCSPARAMS1.MaxPorts, root ports
 * @max_intrs:		HCSPARAMS1.MaxIntrs, interrupters
 * @max_scratchpads:	HCSPARAMS2 Max Scratchpad Buffers (Hi and Lo joined)
 * @flags:		USBBLK_HC_* bits
 * @hcsparams1:		raw HCSPARAMS1
 * @hcsparams2:		raw HCSPARAMS2
 * @hcsparams3:		raw HCSPARAMS3
 * @hccparams1:		raw HCCPARAMS1
 * @page_size:		PAGESIZE register decoded to bytes (4096 ...)
 * @irq:		Linux IRQ number of interrupter 0
 * @name:		the controller's device name (NUL-terminated), e.g.
 *			"fe200000.usb" or "0000:00:02.0"
 */
struct usbblk_hc_info {
	__u16 hci_version;
	__u8 max_slots;
	__u8 max_ports;
	__u16 max_intrs;
	__u16 max_scratchpads;
	__u32 flags;
	__u32 hcsparams1;
	__u32 hcsparams2;
	__u32 hcsparams3;
	__u32 hccparams1;
	__u32 page_size;
	__u32 irq;
	__u32 __pad0;
	char name[32];
};

/**
 * struct usbblk_enumerate - argument of USBBLK_IOC_ENUMERATE
 * @flags:	in: must be zero (no flags are defined yet)
 * @nports:	out: entries of @ports filled (= hc.max_ports)
 * @reserved:	in: must be zero; out: zero
 * @hc:		out: the controller
 * @ports:	out: root ports 1..@nports in order
 */
struct usbblk_enumerate {
	__u32 flags;
	__u32 nports;
	__u32 reserved[8];
	struct usbblk_hc_info hc;
	struct usbblk_port ports[USBBLK_MAX_PORTS];
	__u32 __pad1;
};

/**
 * USBBLK_IOC_ENUMERATE - report the controller and its root ports
 *
 * Reads PORTSC of every root port at the time of the call.
 * Errors: EINVAL (flags or reserved not zero), EFAULT, ENODEV (the
 * controller is gone).
 */
#define USBBLK_IOC_ENUMERATE	_IOWR(USBBLK_IOC_MAGIC, 0x00, struct usbblk_enumerate)

#endif /* _UAPI_LINUX_USBBLK_H */
