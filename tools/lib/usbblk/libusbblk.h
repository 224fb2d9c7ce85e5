/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libusbblk - the C library over usbblk's user-space ABI
 * (<linux/usbblk.h>): find the controllers, devices and LUN nodes, open a
 * LUN and move sectors with zero copies, and say what went wrong.
 *
 * Return convention: every function returning int returns 0 (or, where
 * its comment says so, a count >= 0) on success and a negative errno on
 * failure (-EIO, -ENODEV, ...); errno itself is left as the failing call
 * left it.  Functions returning a pointer say what NULL means.
 *
 * Threads: a struct usbblk handle may be used by several threads at once
 * for I/O (each call is one ioctl on the same file); usbblk_close() must
 * not race with them.  A struct usbblk_tree is read-only once built.
 *
 * Everything here is plain C structures and functions, no callbacks and
 * no hidden global state, so cgo can use it as it is.
 */
#ifndef _LIBUSBBLK_H
#define _LIBUSBBLK_H

#include <stddef.h>
#include <stdint.h>
#include <linux/usbblk.h>

#ifdef __cplusplus
extern "C" {
#endif

/** USBBLK_NODE_MAX - room for a node path such as "/dev/usbblk-hc12" */
#define USBBLK_NODE_MAX 32

struct usbblk_device;
struct usbblk_controller;

/**
 * struct usbblk_lun_node - one LUN node (/dev/usbblkN) and what GET_INFO said
 * @node:	its path, e.g. "/dev/usbblk0"
 * @index:	N of /dev/usbblkN
 * @info:	the LUN's GET_INFO answer
 * @device:	the USB device it belongs to (matched by @info.hc and
 *		@info.path), or NULL in usbblk_tree.unmatched
 */
struct usbblk_lun_node {
	char node[USBBLK_NODE_MAX];
	unsigned int index;
	struct usbblk_info info;
	struct usbblk_device *device;
};

/**
 * struct usbblk_device - one USB device on a controller
 * @info:	what ENUMERATE reported for it
 * @controller:	the controller it is on
 * @parent:	the hub it is connected to, or NULL on a root port
 * @child:	for a hub, the first device on its ports (then follow
 *		@sibling), else NULL
 * @sibling:	the next device on the same hub (or root port list), or NULL
 * @nluns:	LUN nodes of this device
 * @luns:	those nodes, by LUN number (NULL when @nluns is 0)
 */
struct usbblk_device {
	struct usbblk_device_info info;
	struct usbblk_controller *controller;
	struct usbblk_device *parent;
	struct usbblk_device *child;
	struct usbblk_device *sibling;
	unsigned int nluns;
	struct usbblk_lun_node *luns;
};

/**
 * struct usbblk_root_port - one root port of a controller
 * @port:	its state as ENUMERATE reported it
 * @device:	the device connected to it (a stick or a hub), or NULL
 */
struct usbblk_root_port {
	struct usbblk_port port;
	struct usbblk_device *device;
};

/**
 * struct usbblk_controller - one xHCI controller (/dev/usbblk-hcN)
 * @node:	its path, e.g. "/dev/usbblk-hc0"
 * @index:	N of /dev/usbblk-hcN (usbblk_info.hc of its LUNs)
 * @hc:		the controller's facts
 * @nports:	root ports
 * @ports:	root ports 1..@nports, in order
 * @ndevices:	devices on the controller, hubs and those behind hubs too
 * @devices:	those devices, in attach order
 */
struct usbblk_controller {
	char node[USBBLK_NODE_MAX];
	unsigned int index;
	struct usbblk_hc_info hc;
	unsigned int nports;
	struct usbblk_root_port *ports;
	unsigned int ndevices;
	struct usbblk_device *devices;
};

/**
 * struct usbblk_tree - everything usbblk_enumerate() found
 * @ncontrollers: controllers
 * @controllers: those controllers, by index
 * @nunmatched:	LUN nodes whose device was not (or no longer) reported,
 *		e.g. a LUN that attached between two calls
 * @unmatched:	those nodes
 *
 * The tree is controller -> root ports -> devices (hubs link to the
 * devices on their ports through child/sibling, every device to its hub
 * through parent) -> LUN nodes.  Free it with usbblk_tree_free().
 */
struct usbblk_tree {
	unsigned int ncontrollers;
	struct usbblk_controller *controllers;
	unsigned int nunmatched;
	struct usbblk_lun_node *unmatched;
};

/**
 * usbblk_enumerate() - find every controller, port, device and LUN node
 * @flags:	USBBLK_ENUM_* bits of <linux/usbblk.h>: 0 rescans every
 *		controller's ports first (new devices are enumerated before
 *		this returns), USBBLK_ENUM_NO_RESCAN only reports
 * @tree:	out: the tree, to free with usbblk_tree_free()
 *
 * Runs ENUMERATE on each /dev/usbblk-hcN and GET_INFO on each
 * /dev/usbblkN, and hangs each LUN node under the device with the same
 * controller and port path.  Nodes that disappear meanwhile are left out.
 *
 * Return: 0, -EINVAL (unknown flags), -ENOMEM, -EACCES (no permission to
 * open a node) or another -errno of open/ioctl.  No controller is not an
 * error: the tree is then empty.
 */
int usbblk_enumerate(unsigned int flags, struct usbblk_tree **tree);

/**
 * usbblk_tree_free() - free what usbblk_enumerate() returned
 * @tree:	the tree, or NULL
 */
void usbblk_tree_free(struct usbblk_tree *tree);

/** USBBLK_ANY - matches every (sub)class in usbblk_find_by_class() */
#define USBBLK_ANY (-1)

/**
 * usbblk_find_by_class() - the devices of one USB class
 * @tree:	from usbblk_enumerate()
 * @cls:	class (0x08 mass storage, 0x09 hub), or USBBLK_ANY
 * @subclass:	subclass (0x06 SCSI transparent), or USBBLK_ANY
 * @devs:	out: up to @max matching devices, in controller then attach
 *		order (may be NULL when @max is 0)
 * @max:	room in @devs
 *
 * A device matches when the interface usbblk looked at (@if_class and
 * @if_subclass) or the device itself (@dev_class, @dev_subclass) has the
 * class and subclass asked for.
 *
 * Return: the number of matching devices (possibly more than @max; only
 * @max of them are stored), or -EINVAL.
 */
int usbblk_find_by_class(const struct usbblk_tree *tree, int cls, int subclass,
			 struct usbblk_device **devs, unsigned int max);

/**
 * usbblk_hc_enumerate() - one ENUMERATE on an open controller or LUN node
 * @fd:		/dev/usbblk-hcN (or a /dev/usbblkN of that controller)
 * @flags:	USBBLK_ENUM_* bits
 * @e:		out: the controller, its ports and the device count
 * @devs:	out: up to @max devices, or NULL
 * @max:	room in @devs
 *
 * The thin wrapper of USBBLK_IOC_ENUMERATE, for callers (and tests) that
 * want the ABI's own structures.  @e->ndevices may exceed @max.
 *
 * Return: 0 or -errno of the ioctl (-EINVAL, -EFAULT, -ENODEV, -EINTR).
 */
int usbblk_hc_enumerate(int fd, unsigned int flags, struct usbblk_enumerate *e,
			struct usbblk_device_info *devs, unsigned int max);

/** struct usbblk - an open LUN node (opaque) */
struct usbblk;

/**
 * usbblk_open() - open a LUN node and read its geometry
 * @path:	e.g. "/dev/usbblk0"
 * @oflags:	O_RDONLY, or O_RDWR for usbblk_write() and usbblk_sync()
 * @h:		out: the handle, to close with usbblk_close()
 *
 * The handle caches GET_INFO (usbblk_info()).
 *
 * Return: 0, -EINVAL (other @oflags), -ENOMEM, -ENOTTY (not a usbblk LUN
 * node, e.g. a controller node), or the -errno of open or GET_INFO
 * (-ENOENT, -EACCES, -ENODEV ...).
 */
int usbblk_open(const char *path, int oflags, struct usbblk **h);

/**
 * usbblk_close() - close a handle
 * @h:		from usbblk_open(), or NULL
 */
void usbblk_close(struct usbblk *h);

/**
 * usbblk_fd() - the file descriptor under a handle (for poll, fstat ...)
 * @h:		an open handle
 *
 * Return: the descriptor; it stays owned by @h.
 */
int usbblk_fd(const struct usbblk *h);

/**
 * usbblk_info() - the LUN's geometry and identity, as cached at open
 * @h:		an open handle
 * @info:	out: a copy of the GET_INFO answer
 *
 * Return: 0.
 */
int usbblk_info(const struct usbblk *h, struct usbblk_info *info);

/**
 * usbblk_read() - read logical blocks straight into a buffer (zero-copy)
 * @h:		an open handle
 * @lba:	first block
 * @buf:	@count * block_size bytes, aligned to dma_alignment (see
 *		usbblk_buf_alloc()); the device writes these pages directly
 * @count:	blocks, at least 1 (larger than max_sectors is split by the
 *		driver)
 * @flags:	0, or USBBLK_IO_* bits (FUA: writes only; USBBLK_IO_POLL: the
 *		calling thread polls for the completion instead of sleeping)
 * @timeout_ms:	bound of each SCSI command, 0 for the driver's default
 *
 * Return: 0, or -errno of READ_SECTOR: -EINVAL (flags, count 0, unaligned
 * buffer), -ERANGE (beyond the capacity), -EFAULT, -EIO (see
 * usbblk_sense()), -ENOMEDIUM, -ETIMEDOUT, -EINTR, -ENODEV.
 */
int usbblk_read(struct usbblk *h, uint64_t lba, void *buf, uint32_t count,
		uint32_t flags, uint32_t timeout_ms);

/**
 * usbblk_write() - write logical blocks straight from a buffer (zero-copy)
 * @h:		a handle opened O_RDWR
 * @lba:	first block
 * @buf:	@count * block_size bytes, aligned to dma_alignment
 * @count:	blocks, at least 1
 * @flags:	USBBLK_IO_FUA: on the medium when this returns
 * @timeout_ms:	bound of each SCSI command, 0 for the driver's default
 *
 * Return: 0, or -errno of WRITE_SECTOR: as usbblk_read(), and -EBADF
 * (opened read-only), -EROFS (write-protected medium).
 */
int usbblk_write(struct usbblk *h, uint64_t lba, const void *buf, uint32_t count,
		 uint32_t flags, uint32_t timeout_ms);

/**
 * usbblk_read_deadline() - read with a bound on the whole request
 * @h:		an open handle
 * @lba:	first block
 * @buf:	@count * block_size bytes, aligned to dma_alignment
 * @count:	blocks, at least 1
 * @flags:	0 or USBBLK_IO_NOWAIT (EAGAIN at once while the LUN recovers)
 * @deadline_us: the answer comes within this many microseconds (plus the
 *		driver's documented margin), success or -ETIMEDOUT; at least
 *		the LUN's deadline_floor_us (usbblk_info)
 *
 * A timeout's Bulk-Only reset recovery runs in the driver after this
 * returned; usbblk_state() shows it.
 *
 * Return: as usbblk_read(), and -ETIME (@deadline_us below the LUN's
 * floor: not started), -EAGAIN (USBBLK_IO_NOWAIT while the LUN recovers),
 * -EINVAL (@deadline_us 0).
 */
int usbblk_read_deadline(struct usbblk *h, uint64_t lba, void *buf, uint32_t count,
			 uint32_t flags, uint32_t deadline_us);

/**
 * usbblk_write_deadline() - write with a bound on the whole request
 * @h:		a handle opened O_RDWR
 * @lba:	first block
 * @buf:	@count * block_size bytes, aligned to dma_alignment
 * @count:	blocks, at least 1
 * @flags:	USBBLK_IO_FUA, USBBLK_IO_NOWAIT
 * @deadline_us: as usbblk_read_deadline()
 *
 * Return: as usbblk_read_deadline(), and usbblk_write()'s errnos.
 */
int usbblk_write_deadline(struct usbblk *h, uint64_t lba, const void *buf, uint32_t count,
			  uint32_t flags, uint32_t deadline_us);

/**
 * usbblk_register_buffer() - pin and DMA-map a buffer once (REGISTER_BUF)
 * @h:		an open handle
 * @buf:	the buffer, aligned to dma_alignment (usbblk_buf_alloc() gives
 *		such a buffer), writable
 * @len:	its bytes, a multiple of dma_alignment, at most
 *		USBBLK_REGBUF_MAX_LEN
 * @index:	out: its index for usbblk_read_fixed() / usbblk_write_fixed()
 *
 * The pages count against RLIMIT_MEMLOCK until usbblk_unregister_buffer()
 * or usbblk_close() (or the LUN leaving).  Polled completions and fixed
 * buffers combine: pass USBBLK_IO_POLL in the flags of the _fixed calls.
 *
 * Return: 0, -EINVAL (not aligned, length 0 or too large), -EFAULT,
 * -ENOMEM (RLIMIT_MEMLOCK), -EBUSY (some of the memory is registered
 * already, on any handle: memory is registered at most once), -ENOBUFS
 * (USBBLK_MAX_REGBUFS on this handle already), -ENODEV.
 */
int usbblk_register_buffer(struct usbblk *h, void *buf, size_t len, uint32_t *index);

/**
 * usbblk_unregister_buffer() - release a registered buffer
 * @h:		the handle it was registered on
 * @index:	its index
 *
 * Return: 0, -EINVAL (no such buffer), -EBUSY (another thread's request
 * uses it now).
 */
int usbblk_unregister_buffer(struct usbblk *h, uint32_t index);

/**
 * usbblk_read_fixed() - read into a registered buffer
 * @h:		the handle the buffer was registered on
 * @lba:	first block
 * @index:	the buffer
 * @offset:	byte offset in it, aligned to dma_alignment
 * @count:	blocks, at least 1; offset + count * block_size inside it
 * @flags:	0, USBBLK_IO_POLL, USBBLK_IO_NOWAIT
 * @timeout_ms:	as usbblk_read()
 *
 * Return: as usbblk_read(); -EINVAL also for an index not registered or
 * a range outside the buffer.
 */
int usbblk_read_fixed(struct usbblk *h, uint64_t lba, uint32_t index, uint64_t offset,
		      uint32_t count, uint32_t flags, uint32_t timeout_ms);

/**
 * usbblk_write_fixed() - write from a registered buffer
 * @h:		the handle the buffer was registered on (opened O_RDWR)
 * @lba:	first block
 * @index:	the buffer
 * @offset:	byte offset in it, aligned to dma_alignment
 * @count:	blocks, at least 1
 * @flags:	0, USBBLK_IO_FUA, USBBLK_IO_POLL, USBBLK_IO_NOWAIT
 * @timeout_ms:	as usbblk_write()
 *
 * Return: as usbblk_read_fixed(), and usbblk_write()'s errnos.
 */
int usbblk_write_fixed(struct usbblk *h, uint64_t lba, uint32_t index, uint64_t offset,
		       uint32_t count, uint32_t flags, uint32_t timeout_ms);

/**
 * usbblk_state() - the LUN's state now (GET_INFO asked again)
 * @h:		an open handle
 * @state:	out: USBBLK_LUN_READY, _RECOVERING or _FAILED
 * @recoveries:	out: Bulk-Only reset recoveries of the device so far
 *
 * Return: 0, -ENODEV (the device left), -EINTR.
 */
int usbblk_state(struct usbblk *h, uint32_t *state, uint32_t *recoveries);

/**
 * usbblk_sync() - SYNCHRONIZE CACHE: what was written reaches the medium
 * @h:		a handle opened O_RDWR
 *
 * Return: 0, -EBADF (opened read-only), -EIO, -ENODEV ...
 */
int usbblk_sync(struct usbblk *h);

/**
 * usbblk_sense() - the sense data of the LUN's last failed command
 * @h:		an open handle
 * @sense:	out: GET_SENSE's answer; @sense->error is the (positive)
 *		errno that command returned, @sense->key 0 if none failed
 *
 * The LUN keeps one record for all its openers: call this right after
 * the failure it should explain.
 *
 * Return: 0 or -errno of GET_SENSE (-ENODEV).
 */
int usbblk_sense(struct usbblk *h, struct usbblk_sense *sense);

/* usbblk_buf_alloc() flags */
#define USBBLK_BUF_MLOCK	0x1u	/* mlock the pages: no page fault in I/O */

/**
 * usbblk_buf_alloc() - a buffer fit for zero-copy I/O on a LUN
 * @h:		the handle whose dma_alignment to honour, or NULL (the page
 *		size, which satisfies every usbblk LUN)
 * @size:	bytes, at least 1
 * @flags:	USBBLK_BUF_MLOCK, or 0
 * @buf:	out: the buffer, zero-filled, aligned to the larger of the
 *		page size and dma_alignment; it never moves
 *
 * Anonymous mmap'd memory: free it with usbblk_buf_free() and the same
 * @size.
 *
 * Return: 0, -EINVAL (@size 0), -ENOMEM, -EPERM/-EAGAIN (mlock refused:
 * RLIMIT_MEMLOCK).
 */
int usbblk_buf_alloc(const struct usbblk *h, size_t size, unsigned int flags, void **buf);

/**
 * usbblk_buf_free() - free a buffer of usbblk_buf_alloc()
 * @buf:	the buffer, or NULL
 * @size:	the size it was allocated with
 */
void usbblk_buf_free(void *buf, size_t size);

/**
 * usbblk_errno_name() - the symbolic name of an errno
 * @err:	an errno, positive or negative (as this library returns it)
 *
 * Return: e.g. "EIO" for EIO or -EIO, or NULL for a value it does not
 * know.
 */
const char *usbblk_errno_name(int err);

/**
 * usbblk_sense_key_name() - a SCSI sense key as text
 * @key:	0x0 ... 0xf
 *
 * Return: e.g. "MEDIUM ERROR" for 0x3; "RESERVED" for those SPC reserves.
 */
const char *usbblk_sense_key_name(unsigned int key);

/**
 * usbblk_asc_name() - a SCSI additional sense code as text
 * @asc:	additional sense code
 * @ascq:	its qualifier
 *
 * Knows the codes a USB stick answers with (not ready, medium not
 * present, unrecovered read error, LBA out of range, write protected,
 * ...); an unknown qualifier of a known code gives the code's text.
 *
 * Return: e.g. "unrecovered read error" for 0x11/0x00, or NULL.
 */
const char *usbblk_asc_name(unsigned int asc, unsigned int ascq);

/**
 * usbblk_strerror() - an error as a line a person can act on
 * @err:	the errno, positive or negative
 * @sense:	usbblk_sense() taken after the failure, or NULL; used only
 *		when it belongs to this error (@sense->error == |@err|) and
 *		carries a sense key or code
 * @buf:	out: the text, NUL-terminated (truncated to @size)
 * @size:	room in @buf (128 is enough for everything but truncates
 *		nothing important)
 *
 * E.g. "EIO (Input/output error): sense MEDIUM ERROR (3/11/00:
 * unrecovered read error), LBA 1000, READ(10)".
 *
 * Return: @buf.
 */
const char *usbblk_strerror(int err, const struct usbblk_sense *sense, char *buf,
			    size_t size);

/**
 * usbblk_speed_name() - an enum usb_device_speed as text
 * @speed:	USB_SPEED_* of <linux/usb/ch9.h>
 *
 * Return: "low-speed", "full-speed", "high-speed", "wireless",
 * "super-speed", "super-speed-plus" or "unknown".
 */
const char *usbblk_speed_name(unsigned int speed);

/**
 * usbblk_speed_from_name() - parse a speed name
 * @name:	a usbblk_speed_name() or its short form without "-speed"
 *		("low", "full", "high", "super", "super-plus")
 *
 * Return: the USB_SPEED_* value, or USB_SPEED_UNKNOWN (0).
 */
unsigned int usbblk_speed_from_name(const char *name);

/**
 * usbblk_state_name() - a USBBLK_DEV_* device state as text
 * @state:	usbblk_device_info.state
 *
 * Return: "configured", "addressed" or "failed".
 */
const char *usbblk_state_name(unsigned int state);

/**
 * usbblk_path_name() - a port path as text, "5" or "5.2"
 * @path:	root port then hub ports (usbblk_device_info.path)
 * @depth:	hubs between the device and the root port
 * @buf:	out: the text
 * @size:	room in @buf (3 * (USBBLK_MAX_TIERS + 1) + 3 is enough)
 *
 * Return: @buf.
 */
const char *usbblk_path_name(const uint8_t *path, unsigned int depth, char *buf,
			     size_t size);

#ifdef __cplusplus
}
#endif

#endif /* _LIBUSBBLK_H */
