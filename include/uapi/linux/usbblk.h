/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * usbblk - deterministic, zero-copy block access to a USB flash drive
 * through usbblk's own xHCI host stack.
 *
 * This is the user-space ABI.  It compiles stand-alone in C and C++.
 *
 * Character devices:
 *   /dev/usbblk-hcN  one per xHCI controller usbblk drives, in probe order:
 *                    ENUMERATE.
 *   /dev/usbblkN     one per ready LUN of every mass-storage device, N the
 *                    lowest free number when the LUN became ready (so in
 *                    attach order): ENUMERATE (of its controller),
 *                    GET_INFO, READ_SECTOR, WRITE_SECTOR, SYNC, GET_SENSE,
 *                    REGISTER_BUF, UNREGISTER_BUF.
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
#define USBBLK_HC_DWC3		_BITUL(5)	/* a Synopsys DWC3 core in host mode */

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
 * @snpsid:		DWC3 GSNPSID (core ID and release) for a DWC3, else 0
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
	__u32 snpsid;
	char name[32];
};

/* struct usbblk_device_info.state */
#define USBBLK_DEV_FAILED	0	/* enumeration failed: see @error */
#define USBBLK_DEV_ADDRESSED	1	/* addressed, descriptors read, left alone */
#define USBBLK_DEV_CONFIGURED	2	/* configured and driven by usbblk */

/* struct usbblk_device_info.flags */
#define USBBLK_DEV_MASS_STORAGE	_BITUL(0)	/* interface 08/06/50: SCSI over BOT */
#define USBBLK_DEV_HUB		_BITUL(1)	/* a hub; its ports are scanned */

/** USBBLK_MAX_TIERS - hub tiers below a root port (the route string has 5) */
#define USBBLK_MAX_TIERS	5

/**
 * struct usbblk_device_info - one USB device usbblk has seen
 * @root_port:		the root port it is (or its hubs are) connected to
 * @depth:		hubs between it and the root port (0 = on the root port)
 * @speed:		enum usb_device_speed
 * @slot_id:		its xHCI device slot (0 when it has none)
 * @path:		port numbers from the root: @path[0] = @root_port, then
 *			the hub ports, @depth + 1 entries used; e.g. 5.2 is
 *			port 2 of a hub on root port 5
 * @state:		USBBLK_DEV_*
 * @flags:		USBBLK_DEV_* bits
 * @route:		the xHCI route string (hub ports, 4 bits a tier)
 * @vendor_id:		idVendor
 * @product_id:		idProduct
 * @bcd_device:		bcdDevice
 * @bcd_usb:		bcdUSB
 * @dev_class:		bDeviceClass
 * @dev_subclass:	bDeviceSubClass
 * @dev_protocol:	bDeviceProtocol
 * @num_configs:	bNumConfigurations
 * @if_class:		bInterfaceClass of the interface usbblk looked at (the
 *			mass-storage one if there is one, else the first)
 * @if_subclass:	its bInterfaceSubClass
 * @if_protocol:	its bInterfaceProtocol
 * @if_number:		its bInterfaceNumber
 * @config_value:	bConfigurationValue of the configuration set, 0 if none
 * @__pad0:		zero
 * @error:		0, or the (positive) errno enumeration failed with
 * @enum_ns:		time from the connect event to the end of enumeration
 *			(configured, or addressed for devices left alone), ns
 * @manufacturer:	string descriptors, UTF-8, NUL-terminated, "" if none
 * @product:		...
 * @serial:		...
 * @reserved:		zero
 */
struct usbblk_device_info {
	__u8 root_port;
	__u8 depth;
	__u8 speed;
	__u8 slot_id;
	__u8 path[USBBLK_MAX_TIERS + 1];
	__u8 state;
	__u8 flags;
	__u32 route;
	__u16 vendor_id;
	__u16 product_id;
	__u16 bcd_device;
	__u16 bcd_usb;
	__u8 dev_class;
	__u8 dev_subclass;
	__u8 dev_protocol;
	__u8 num_configs;
	__u8 if_class;
	__u8 if_subclass;
	__u8 if_protocol;
	__u8 if_number;
	__u8 config_value;
	__u8 __pad0[3];
	__s32 error;
	__u64 enum_ns;
	char manufacturer[64];
	char product[64];
	char serial[64];
	__u32 reserved[4];
};

/* struct usbblk_enumerate.flags */
#define USBBLK_ENUM_NO_RESCAN	_BITUL(0)	/* report only; do not rescan first */
#define USBBLK_ENUM_FLAGS	USBBLK_ENUM_NO_RESCAN

/**
 * struct usbblk_enumerate - argument of USBBLK_IOC_ENUMERATE
 * @flags:	in: USBBLK_ENUM_* bits
 * @nports:	out: entries of @ports filled (= hc.max_ports)
 * @devices:	in: user pointer to an array of struct usbblk_device_info,
 *		or 0 for none
 * @max_devices: in: entries in that array
 * @ndevices:	out: devices present; only min(@ndevices, @max_devices) of
 *		them are written, in attach order
 * @reserved:	in: must be zero; out: zero
 * @hc:		out: the controller
 * @ports:	out: root ports 1..@nports in order
 */
struct usbblk_enumerate {
	__u32 flags;
	__u32 nports;
	__u64 devices;
	__u32 max_devices;
	__u32 ndevices;
	__u32 reserved[4];
	struct usbblk_hc_info hc;
	struct usbblk_port ports[USBBLK_MAX_PORTS];
};

/**
 * USBBLK_IOC_ENUMERATE - report the controller, its root ports and devices
 *
 * Unless USBBLK_ENUM_NO_RESCAN is given, first rescans synchronously:
 * every root port (and every hub port) is checked, new devices are
 * enumerated and departed ones torn down before the call returns, so the
 * answer reflects the bus at the time of the call.  PORTSC of every root
 * port is read at the time of the call.
 * Errors: EINVAL (unknown flags, reserved not zero), EFAULT, ENODEV (the
 * controller is gone), EINTR (a fatal signal while waiting for a removal
 * in progress), ENOMEM (no memory for the answer).  A device that failed
 * to enumerate is not an error of the call: it is listed with state
 * USBBLK_DEV_FAILED and its errno in &usbblk_device_info.error.
 */
#define USBBLK_IOC_ENUMERATE	_IOWR(USBBLK_IOC_MAGIC, 0x00, struct usbblk_enumerate)

/* struct usbblk_io.flags */
#define USBBLK_IO_FUA		_BITUL(0)	/* write through to the medium (FUA) */
#define USBBLK_IO_DEADLINE	_BITUL(1)	/* deadline_us bounds the whole request */
#define USBBLK_IO_NOWAIT	_BITUL(2)	/* EAGAIN at once while the LUN recovers */
#define USBBLK_IO_POLL		_BITUL(3)	/* the caller polls for its completion */
#define USBBLK_IO_FIXED		_BITUL(4)	/* buf is an offset in a registered buffer */
#define USBBLK_IO_FLAGS		(USBBLK_IO_FUA | USBBLK_IO_DEADLINE | USBBLK_IO_NOWAIT | \
				 USBBLK_IO_POLL | USBBLK_IO_FIXED)

/**
 * struct usbblk_io - argument of USBBLK_IOC_READ_SECTOR / WRITE_SECTOR
 * @lba:	first logical block
 * @buf:	user buffer (a pointer as __u64), @count * block size bytes,
 *		aligned to usbblk_info.dma_alignment; the device transfers
 *		straight into (or out of) these pages, pinned for the call.
 *		With USBBLK_IO_FIXED: the byte offset of the data in the
 *		registered buffer @reserved[0] names (USBBLK_IOC_REGISTER_BUF),
 *		aligned the same way; the range must lie inside that buffer
 *		(EINVAL otherwise, and for an index not registered on this
 *		file); nothing is pinned or mapped for the call
 * @count:	logical blocks, at least 1; requests larger than
 *		usbblk_info.max_sectors are split into several commands
 * @flags:	USBBLK_IO_* bits (FUA: writes only).  With USBBLK_IO_POLL
 *		the calling thread does not sleep for its completions: it
 *		reaps the controller's event ring itself, busy (yielding
 *		the CPU with cond_resched() between looks), also handling
 *		the events of other callers it finds there; the IRQ thread
 *		keeps running alongside.  The same bounds apply
 *		(@timeout_ms, @deadline_us): when they pass, the command
 *		is stopped and ETIMEDOUT returned as without the flag.  It
 *		spends a CPU for the whole request, to save the wake-up
 *		after each command
 * @timeout_ms:	bound of each SCSI command (its CBW, data and CSW stages
 *		together), ms; 0 for the default (module parameter
 *		io_timeout_ms); on expiry the transfer is stopped, the device
 *		reset (Bulk-Only reset recovery) and ETIMEDOUT returned
 * @deadline_us: with USBBLK_IO_DEADLINE: the whole request (waiting for
 *		the LUN, every command, every stage) answers within this many
 *		microseconds of the call, plus the documented margin
 *		(Documentation/usbblk.rst, "Deadlines"), or fails with
 *		ETIMEDOUT; the Bulk-Only reset recovery a timeout needs then
 *		runs after the call returned, off the caller's path.  At least
 *		1; below the LUN's floor (usbblk_info.deadline_floor_us) the
 *		request is refused with ETIME before it starts.  Without the
 *		flag: must be zero, and @timeout_ms alone bounds each command
 * @reserved:	must be zero; with USBBLK_IO_FIXED, @reserved[0] is the
 *		registered buffer's index and only @reserved[1] must be zero
 */
struct usbblk_io {
	__u64 lba;
	__u64 buf;
	__u32 count;
	__u32 flags;
	__u32 timeout_ms;
	__u32 deadline_us;
	__u32 reserved[2];
};

/** USBBLK_MAX_REGBUFS - registered buffers an open file may hold at once */
#define USBBLK_MAX_REGBUFS	16
/** USBBLK_REGBUF_MAX_LEN - the largest registered buffer, bytes */
#define USBBLK_REGBUF_MAX_LEN	(64ULL << 20)

/**
 * struct usbblk_buf_reg - argument of USBBLK_IOC_REGISTER_BUF
 * @addr:	in: the buffer (a pointer as __u64), aligned to
 *		usbblk_info.dma_alignment, writable memory of the caller
 * @len:	in: its bytes, at least 1, at most USBBLK_REGBUF_MAX_LEN, a
 *		multiple of usbblk_info.dma_alignment
 * @index:	in: zero; out: the buffer's index (0 ...
 *		USBBLK_MAX_REGBUFS - 1), for usbblk_io.reserved[0] with
 *		USBBLK_IO_FIXED
 * @flags:	in: zero
 * @reserved:	in: zero
 */
struct usbblk_buf_reg {
	__u64 addr;
	__u64 len;
	__u32 index;
	__u32 flags;
	__u32 reserved[4];
};

/* struct usbblk_info.state */
#define USBBLK_LUN_READY	0	/* commands run */
#define USBBLK_LUN_RECOVERING	1	/* a reset recovery runs: callers wait or get EAGAIN */
#define USBBLK_LUN_FAILED	2	/* the last recovery failed: the next request retries it */

/* struct usbblk_info.flags */
#define USBBLK_INFO_WRITE_PROTECT _BITUL(0)	/* MODE SENSE: medium write-protected */
#define USBBLK_INFO_REMOVABLE	_BITUL(1)	/* INQUIRY: removable medium */
#define USBBLK_INFO_ZERO_COPY	_BITUL(2)	/* the device DMAs to the caller's pages */
#define USBBLK_INFO_BOUNCE	_BITUL(3)	/* DMA is limited (no 64-bit addressing
						 * with memory above 4 GiB): swiotlb may
						 * bounce, so not zero-copy
						 */

/**
 * struct usbblk_info - argument of USBBLK_IOC_GET_INFO (output only)
 * @capacity:		logical blocks
 * @block_size:		bytes per logical block
 * @max_sectors:	logical blocks per SCSI command (the split size): 1 MiB
 *			at SuperSpeed, 120 KiB below, or the module
 *			parameter max_sectors when that is smaller
 * @flags:		USBBLK_INFO_* bits
 * @dma_alignment:	required alignment of usbblk_io.buf, bytes (the
 *			larger of the CPU's DMA cache line and 512)
 * @lun:		this LUN
 * @max_lun:		the device's highest LUN (GET MAX LUN)
 * @speed:		enum usb_device_speed
 * @depth:		hubs between the device and its root port
 * @path:		port path, as usbblk_device_info.path
 * @hc:			N of the controller's /dev/usbblk-hcN
 * @vendor_id:		idVendor
 * @product_id:		idProduct
 * @scsi_type:		INQUIRY peripheral device type (0 = direct access)
 * @__pad0:		zero
 * @vendor:		INQUIRY vendor identification, NUL-terminated
 * @product:		INQUIRY product identification, NUL-terminated
 * @revision:		INQUIRY product revision level, NUL-terminated
 * @serial:		USB serial number string, NUL-terminated
 * @state:		USBBLK_LUN_*: ready, recovering (a Bulk-Only reset
 *			recovery runs off the callers' path), failed
 * @recoveries:		Bulk-Only reset recoveries of the device so far
 * @deadline_floor_us:	the shortest usbblk_io.deadline_us accepted: the
 *			round trip of one command without data, measured
 *			when the LUN came up, or the module parameter
 *			min_deadline_us when set
 * @reserved:		zero
 */
struct usbblk_info {
	__u64 capacity;
	__u32 block_size;
	__u32 max_sectors;
	__u32 flags;
	__u32 dma_alignment;
	__u8 lun;
	__u8 max_lun;
	__u8 speed;
	__u8 depth;
	__u8 path[USBBLK_MAX_TIERS + 1];
	__u16 hc;
	__u16 vendor_id;
	__u16 product_id;
	__u8 scsi_type;
	__u8 __pad0[3];
	char vendor[12];
	char product[20];
	char revision[8];
	char serial[64];
	__u32 state;
	__u32 recoveries;
	__u32 deadline_floor_us;
	__u32 reserved[6];
};

/**
 * struct usbblk_sense - argument of USBBLK_IOC_GET_SENSE (output only)
 * @key:	sense key of the last failed command (0 if none)
 * @asc:	additional sense code
 * @ascq:	additional sense code qualifier
 * @response:	response code: 0x70/0x71 fixed, 0x72/0x73 descriptor format
 * @error:	the (positive) errno that command returned
 * @info:	the INFORMATION field (e.g. the failing LBA), if valid
 * @opcode:	the SCSI opcode of that command
 * @info_valid:	@info is valid
 * @__pad0:	zero
 * @len:	bytes of @raw the device returned
 * @raw:	the sense data as the device returned it
 */
struct usbblk_sense {
	__u8 key;
	__u8 asc;
	__u8 ascq;
	__u8 response;
	__s32 error;
	__u64 info;
	__u8 opcode;
	__u8 info_valid;
	__u8 __pad0[2];
	__u32 len;
	__u8 raw[96];
};

/**
 * USBBLK_IOC_READ_SECTOR - read logical blocks into a user buffer
 *
 * Zero-copy: the caller's pages are pinned and mapped for DMA; the
 * controller writes them directly.  Errors: EINVAL (flags, reserved,
 * count 0, unaligned buffer), ERANGE (beyond the capacity, or the device
 * said LBA out of range), EFAULT (the buffer is not writable user memory),
 * EIO (medium or transport error; see GET_SENSE), ENOMEDIUM, ETIMEDOUT,
 * EINTR (fatal signal), ENODEV (device gone).  From the sense data (see
 * GET_SENSE): EAGAIN (UNIT ATTENTION: medium changed or device reset; the
 * command may be retried), EOPNOTSUPP (ILLEGAL REQUEST, invalid command
 * operation code), ENOSPC (VOLUME OVERFLOW), EINVAL (another ILLEGAL
 * REQUEST).
 */
#define USBBLK_IOC_READ_SECTOR	_IOW(USBBLK_IOC_MAGIC, 0x10, struct usbblk_io)
/**
 * USBBLK_IOC_WRITE_SECTOR - write logical blocks from a user buffer
 *
 * As READ_SECTOR; needs a file opened for writing (EBADF otherwise);
 * EROFS when the medium is write-protected.  With USBBLK_IO_FUA the data
 * is on the medium when the call returns.
 */
#define USBBLK_IOC_WRITE_SECTOR	_IOW(USBBLK_IOC_MAGIC, 0x11, struct usbblk_io)
/** USBBLK_IOC_GET_INFO - the LUN's geometry, identity and path */
#define USBBLK_IOC_GET_INFO	_IOR(USBBLK_IOC_MAGIC, 0x12, struct usbblk_info)
/**
 * USBBLK_IOC_SYNC - SYNCHRONIZE CACHE: written data reaches the medium
 *
 * Needs a file opened for writing (EBADF otherwise).
 */
#define USBBLK_IOC_SYNC		_IO(USBBLK_IOC_MAGIC, 0x13)
/** USBBLK_IOC_GET_SENSE - the sense data of the LUN's last failed command */
#define USBBLK_IOC_GET_SENSE	_IOR(USBBLK_IOC_MAGIC, 0x14, struct usbblk_sense)
/**
 * USBBLK_IOC_REGISTER_BUF - pin and DMA-map a buffer once, for FIXED I/O
 *
 * The pages stay pinned (long-term) and mapped for the controller until
 * USBBLK_IOC_UNREGISTER_BUF, the file's last close, or the LUN leaving
 * (unplug, the controller unbound, the module unloaded); they count
 * against the caller's RLIMIT_MEMLOCK (locked_vm, unless CAP_IPC_LOCK).
 * The buffers belong to the open file and to the address space that
 * registered the first of them.  Read and written with USBBLK_IO_FIXED,
 * the buffer may also be read and written by the program at any time
 * outside a request.  Memory is registered at most once: a buffer
 * sharing a byte (physically: shared mappings count) with a buffer still
 * registered, on any file of any LUN, is refused with EBUSY; a plain
 * request may name registered memory.  Errors: EINVAL (flags, index or
 * reserved not zero, length 0 or too large, address or length not
 * aligned), EFAULT (not writable memory of the caller, or another address
 * space than the file's first registration), ENOMEM (RLIMIT_MEMLOCK
 * exceeded, or no memory), EBUSY (some of the memory is registered
 * already), ENOBUFS (USBBLK_MAX_REGBUFS registered on this file already),
 * ENODEV (the LUN left).
 */
#define USBBLK_IOC_REGISTER_BUF	_IOWR(USBBLK_IOC_MAGIC, 0x15, struct usbblk_buf_reg)
/**
 * USBBLK_IOC_UNREGISTER_BUF - unmap and unpin a registered buffer
 *
 * The argument points to the buffer's index (a __u32).  Errors: EINVAL
 * (no buffer of that index on this file), EBUSY (a request of this file
 * is using it right now), EFAULT.
 */
#define USBBLK_IOC_UNREGISTER_BUF _IOW(USBBLK_IOC_MAGIC, 0x16, __u32)

#endif /* _UAPI_LINUX_USBBLK_H */
