/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mass-storage class: a Bulk-Only device's transport (bot.c), and the
 * class driver (msc.c) that attaches it and probes its LUNs (lun.c).
 */
#ifndef _USBBLK_MSC_H
#define _USBBLK_MSC_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/usb/storage.h>

#include "cbw.h"		/* usbblk_bot_command() returns USBBLK_CSW_* */
#include "class.h"
#include "ring.h"

#define USBBLK_MAX_LUNS		16
#define USBBLK_MSC_BUF		256	/* INQUIRY, sense, capacity, mode data */
#define USBBLK_WRAP_BUF		64	/* the CBW (31 bytes) at 0, the CSW (13) at 32 */
#define USBBLK_CSW_OFFSET	32

struct usbblk_ep;
struct usbblk_lun;
struct usbblk_udev;

/**
 * struct usbblk_msc - a Bulk-Only mass-storage device
 * @ref:	lifetime: the device and each LUN hold one
 * @udev:	the USB device (a reference is held)
 * @in:		bulk IN endpoint
 * @out:	bulk OUT endpoint
 * @lock:	one BOT command at a time, for all LUNs (BOT is sequential)
 * @gone:	detached: no more commands.  Set by usbblk_msc_shutdown() and
 *		read by usbblk_bot_command(), both under @lock (asserted)
 * @tag:	tag of the last CBW
 * @resets:	Bulk-Only reset recoveries so far (under @lock; sysfs reads it)
 * @cbw:	DMA buffer for the CBW ...
 * @cbw_dma:	... its bus address
 * @csw:	DMA buffer for the CSW ...
 * @csw_dma:	... its bus address
 * @buf:	DMA buffer for small data stages (INQUIRY, sense, ...) ...
 * @buf_dma:	... its bus address
 * @max_lun:	GET MAX LUN
 * @luns:	the LUNs that became ready (msc.c's)
 */
struct usbblk_msc {
	struct kref ref;
	struct usbblk_udev *udev;
	struct usbblk_ep *in;
	struct usbblk_ep *out;
	struct mutex lock;		/* see @lock above */
	bool gone;
	u32 tag;
	u32 resets;
	struct bulk_cb_wrap *cbw;
	dma_addr_t cbw_dma;
	struct bulk_cs_wrap *csw;
	dma_addr_t csw_dma;
	u8 *buf;
	dma_addr_t buf_dma;
	u8 max_lun;
	struct usbblk_lun *luns[USBBLK_MAX_LUNS];
};

/* bot.c */
struct usbblk_msc *usbblk_msc_create(struct usbblk_udev *udev, struct usbblk_ep *in,
				     struct usbblk_ep *out);
u8 usbblk_bot_max_lun(struct usbblk_msc *msc);
int usbblk_bot_command(struct usbblk_msc *msc, u8 lun, const u8 *cdb, unsigned int cdb_len,
		       bool in, const struct usbblk_seg *segs, unsigned int nsegs, u32 len,
		       unsigned int timeout_ms, u32 *residue);
void usbblk_msc_shutdown(struct usbblk_msc *msc);
void usbblk_msc_put(struct usbblk_msc *msc);

/* msc.c */
extern const struct usbblk_class_ops usbblk_msc_class;

#endif /* _USBBLK_MSC_H */
