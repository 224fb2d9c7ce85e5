/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mass-storage class: a Bulk-Only device's transport (bot.c), and the
 * class driver (msc.c) that attaches it and probes its LUNs (lun.c).
 */
#ifndef _USBBLK_MSC_H
#define _USBBLK_MSC_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/usb/storage.h>

#include "cbw.h"		/* usbblk_bot_command() returns USBBLK_CSW_* */
#include "class.h"
#include "deadline.h"
#include "ring.h"
#include "scsi.h"

#define USBBLK_MAX_LUNS		16
#define USBBLK_MSC_BUF		256	/* INQUIRY, sense, capacity, mode data */
#define USBBLK_WRAP_BUF		64	/* the CBW (31 bytes) at 0, the CSW (13) at 32 */
#define USBBLK_CSW_OFFSET	32

struct usbblk_ep;
struct usbblk_lun;
struct usbblk_udev;

/* The stage a Bulk-Only command is in, or ended in (BOT 5). */
enum usbblk_bot_stage {
	USBBLK_BOT_CBW,		/* the CBW on bulk OUT */
	USBBLK_BOT_DATA,	/* the data stage */
	USBBLK_BOT_CSW,		/* the CSW on bulk IN */
	USBBLK_BOT_DONE,	/* the CSW arrived */
};

/**
 * struct usbblk_bot_cmd - one SCSI command through Bulk-Only Transport
 * @cdb:	the command block (filled by the caller)
 * @cdb_len:	its length
 * @lun:	target LUN
 * @in:		the data stage is device-to-host
 * @segs:	the data stage's DMA segments (mapped by the caller)
 * @nsegs:	how many (0 without a data stage)
 * @len:	bytes of the data stage
 * @timeout_ms:	bound of each stage of the command
 * @deadline:	0, or the request's deadline (ktime_get() time): no stage
 *		waits past it, and the reset recovery a failure needs is left
 *		to the device's recovery work (off the caller's path)
 * @poll:	the caller polls the event ring for the command's end
 *		instead of sleeping (USBBLK_IO_POLL), within the same bounds
 * @residue:	out: the CSW's residue (bytes of the data stage not
 *		processed); @len until a valid CSW says otherwise
 * @tag:	out: the CBW's tag
 * @stage:	out: the stage the command is in, or ended in
 *		(USBBLK_BOT_DONE when the CSW arrived)
 * @status:	out: what usbblk_bot_command() returned
 * @comp_code:	out: completion code of the last TD that ended
 * @csw_got:	bytes the CSW TD received
 * @xfer_err:	the errno the stages ended with (0: the CSW arrived)
 * @ended:	no more stages: the event thread, teardown or the caller
 *		(timeout, fatal signal) ended it (under hc->lock)
 * @data_ended:	a read's data TD ended before the CBW's event came
 * @data_code:	... with this completion code
 * @done:	completed when @ended is set by the event thread, a polling
 *		caller or teardown
 *
 * The fields after @status are bot.c's; the event thread reads and writes
 * them under hc->lock while the command is the device's @active one.
 */
struct usbblk_bot_cmd {
	u8 cdb[USBBLK_CDB_MAX];
	u8 cdb_len;
	u8 lun;
	bool in;
	const struct usbblk_seg *segs;
	unsigned int nsegs;
	u32 len;
	unsigned int timeout_ms;
	ktime_t deadline;
	bool poll;
	u32 residue;
	u32 tag;
	enum usbblk_bot_stage stage;
	int status;
	u32 comp_code;
	u32 csw_got;
	int xfer_err;
	bool ended;
	bool data_ended;
	u32 data_code;
	struct completion done;
};

/**
 * struct usbblk_msc - a Bulk-Only mass-storage device
 * @ref:	lifetime: the device and each LUN hold one
 * @udev:	the USB device (a reference is held)
 * @in:		bulk IN endpoint
 * @out:	bulk OUT endpoint
 * @lock:	one BOT command at a time, for all LUNs (BOT is sequential)
 * @gone:	detached: no more commands.  Set by usbblk_msc_shutdown() and
 *		read by usbblk_bot_command(), both under @lock (asserted)
 * @active:	the command whose stages the event thread advances, NULL
 *		when none (under hc->lock)
 * @tag:	tag of the last CBW
 * @state:	USBBLK_LUN_READY, _RECOVERING (@recover_work is queued or
 *		running) or _FAILED (its last recovery failed); written under
 *		@lock, read without it by callers deciding to wait
 * @state_wq:	woken when @state leaves _RECOVERING
 * @recover_work: the reset recovery a command with a deadline left behind
 * @resets:	Bulk-Only reset recoveries so far (under @lock; sysfs reads it)
 * @cbw:	DMA buffer for the CBW ...
 * @cbw_dma:	... its bus address
 * @csw:	DMA buffer for the CSW ...
 * @csw_dma:	... its bus address
 * @buf:	DMA buffer for small data stages (INQUIRY, sense, ...) ...
 * @buf_dma:	... its bus address
 * @max_lun:	GET MAX LUN
 * @csw_sync:	read a controller register before each CSW TD becomes
 *		visible (QEMU's usb-storage; see bot_queue_csw()).  Set at
 *		creation, read-only after
 * @luns:	the LUNs that became ready (msc.c's)
 */
struct usbblk_msc {
	struct kref ref;
	struct usbblk_udev *udev;
	struct usbblk_ep *in;
	struct usbblk_ep *out;
	struct usbblk_edf_lock lock;	/* see @lock above */
	bool gone;
	struct usbblk_bot_cmd *active;
	u32 tag;
	u32 state;
	wait_queue_head_t state_wq;
	struct work_struct recover_work;
	u32 resets;
	struct bulk_cb_wrap *cbw;
	dma_addr_t cbw_dma;
	struct bulk_cs_wrap *csw;
	dma_addr_t csw_dma;
	u8 *buf;
	dma_addr_t buf_dma;
	u8 max_lun;
	bool csw_sync;
	struct usbblk_lun *luns[USBBLK_MAX_LUNS];
};

/* bot.c */
struct usbblk_msc *usbblk_msc_create(struct usbblk_udev *udev, struct usbblk_ep *in,
				     struct usbblk_ep *out);
u8 usbblk_bot_max_lun(struct usbblk_msc *msc);
int usbblk_bot_command(struct usbblk_msc *msc, struct usbblk_bot_cmd *cmd);
int usbblk_bot_wait_ready(struct usbblk_msc *msc, ktime_t deadline, bool nowait);
void usbblk_msc_shutdown(struct usbblk_msc *msc);
void usbblk_msc_put(struct usbblk_msc *msc);

/* msc.c */
extern const struct usbblk_class_ops usbblk_msc_class;

#endif /* _USBBLK_MSC_H */
