/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Enumeration (enum.c): root-port changes, device slots, addressing,
 * descriptors, configuration, teardown on detach, and the ENUMERATE
 * report.  Device classes (class.h) are reached only through their ops.
 */
#ifndef _USBBLK_ENUM_H
#define _USBBLK_ENUM_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/usb/ch9.h>
#include <linux/workqueue.h>
#include <uapi/linux/usbblk.h>

#include "desc.h"
#include "xfer.h"

struct usbblk_class_ops;
struct usbblk_hc;

/**
 * struct usbblk_udev - a USB device usbblk enumerated (or tried to)
 * @hc:		the controller
 * @node:	in @hc->devices, in attach order
 * @ref:	lifetime; the device list holds one, users of its I/O paths
 *		(LUNs, the hub worker) hold one each
 * @io_lock:	held for reading around every transfer; for writing by
 *		teardown, which so waits for transfers to leave
 * @gone:	disconnected or being torn down; new transfers get -ENODEV.
 *		Set once, never cleared, by usbblk_udev_disconnect() under
 *		hc->lock (with hc->enum_lock held).  Read only through
 *		usbblk_udev_gone(): without a lock it is an early answer (a
 *		stale false lets a transfer reach the submission, which reads
 *		it again under hc->lock, so no TD becomes busy after teardown
 *		failed them); under hc->lock or hc->enum_lock it is final.
 * @parent:	the hub it is attached to, NULL on a root port
 * @parent_port: the hub port it is attached to (0 on a root port)
 * @info:	what ENUMERATE reports about it
 * @connect_ns:	ktime_get_ns() of its connect event
 * @slot_id:	its device slot, 0 if none
 * @out_ctx:	output device context (owned by the controller)
 * @out_dma:	its bus address
 * @in_ctx:	input context for commands
 * @in_dma:	its bus address
 * @ctrl_buf:	DMA buffer for control transfer data (one page)
 * @ctrl_dma:	its bus address
 * @ctrl_lock:	serialises control transfers and @ctrl_buf
 * @desc:	device descriptor
 * @cfg:	what the configuration descriptor said
 * @eps:	endpoints by device context index (0 unused, 1 = EP0)
 * @ep0:	the default control endpoint
 * @scan_gen:	the port work pass that last rescanned it
 * @class_ops:	the class driver that claimed it, NULL if none
 * @class_data:	that driver's state
 * @failed_step: what enumeration was doing when it failed, for its message
 */
struct usbblk_udev {
	struct usbblk_hc *hc;
	struct list_head node;
	struct kref ref;
	struct rw_semaphore io_lock;
	bool gone;
	struct usbblk_udev *parent;
	u8 parent_port;
	struct usbblk_device_info info;
	u64 connect_ns;

	u8 slot_id;
	void *out_ctx;
	dma_addr_t out_dma;
	void *in_ctx;
	dma_addr_t in_dma;
	void *ctrl_buf;
	dma_addr_t ctrl_dma;
	struct mutex ctrl_lock;		/* see @ctrl_lock above */

	struct usb_device_descriptor desc;
	struct usbblk_cfg_info cfg;
	struct usbblk_ep *eps[32];
	struct usbblk_ep ep0;
	unsigned int scan_gen;
	const struct usbblk_class_ops *class_ops;
	void *class_data;
	const char *failed_step;
};

/* wValue of GET_DESCRIPTOR: the type in the high byte (USB 2.0 9.4.3) */
#define USBBLK_DESC_VALUE(type, index)	((u16)((type) << 8 | (index)))
/* after a port reset, before the first request (USB 2.0 7.1.7.5) */
#define USBBLK_RESET_RECOVERY_US	10000

/**
 * struct usbblk_port_state - a root or hub port, as usbblk_port_check() sees it
 * @hc:		the controller
 * @hub:	the hub the port is on, NULL for a root port
 * @num:	its number, from 1
 * @connected:	a device is attached (PORTSC.CCS, PORT_CONNECTION)
 * @connect_change: the connection changed since the last look (CSC,
 *		C_PORT_CONNECTION): a device there now is a new one
 * @connect_ns:	ktime_get_ns() of the connect event, 0 for "now"
 * @reset:	reset the port (or wait for its link) and say the speed
 *		(enum usb_device_speed); 0 or an errno
 */
struct usbblk_port_state {
	struct usbblk_hc *hc;
	struct usbblk_udev *hub;
	u8 num;
	bool connected;
	bool connect_change;
	u64 connect_ns;
	int (*reset)(const struct usbblk_port_state *port, unsigned int *speed);
};

/**
 * usbblk_udev_gone() - has the device left (or is it being torn down)?
 * @udev: the device
 *
 * The one way to read @udev->gone (see struct usbblk_udev for the rule).
 *
 * Return: true once usbblk_udev_disconnect() has begun.
 */
static inline bool usbblk_udev_gone(const struct usbblk_udev *udev)
{
	return READ_ONCE(udev->gone);
}

void usbblk_port_work(struct work_struct *work);
void usbblk_enum_rescan(struct usbblk_hc *hc);
void usbblk_enum_remove_all(struct usbblk_hc *hc);
struct usbblk_udev *usbblk_udev_enumerate(struct usbblk_hc *hc, struct usbblk_udev *parent,
					  u8 port, unsigned int speed, u64 connect_ns);
void usbblk_udev_disconnect(struct usbblk_udev *udev);
void usbblk_port_check(const struct usbblk_port_state *port, struct usbblk_udev **child);
void usbblk_udev_put(struct usbblk_udev *udev);
long usbblk_enum_ioctl(struct usbblk_hc *hc, void __user *argp);

#endif /* _USBBLK_ENUM_H */
