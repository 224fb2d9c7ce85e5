// SPDX-License-Identifier: GPL-2.0
/*
 * Bulk-Only Transport (USB Mass Storage Class BOT 1.0): a mass-storage
 * device's commands, one at a time, each a CBW on bulk OUT, an optional
 * data stage, and a CSW on bulk IN; and the recoveries.
 *
 * The caller sleeps once per command.  The event thread advances the
 * stages itself (bot_td_done(), hc->lock held): CBW done -> queue the
 * data TD (or the CSW); data done -> queue the CSW; CSW done -> complete
 * the command.  A read's data TD goes on bulk IN right after the CBW's
 * doorbell: the device takes the CBW first (QEMU's usb-storage processes
 * it synchronously in the doorbell write, a real device NAKs IN until it
 * has one).  The CSW TD is never made visible before the data TD's
 * transfer event: QEMU 7.2 fetches any TD whose cycle bit is written when
 * it re-kicks the endpoint, and a CSW packet seen while usb-storage's
 * asynchronous data stage still runs hangs (reads) or STALLs (writes
 * larger than its 128 KiB buffer).
 *
 * Any error ends the command in the stage it happened in, and the
 * caller, awake in process context, recovers:
 *
 *   STALL in the data stage  -> clear the halt, then read the CSW (6.7.2)
 *   STALL on the CSW         -> clear the halt, read it once more (6.7.3)
 *   phase error, a CSW not valid or not meaningful, a timeout, a fatal
 *   signal                   -> reset recovery (5.3.4): Bulk-Only Mass
 *                               Storage Reset, then CLEAR_FEATURE(HALT)
 *                               on bulk IN and bulk OUT, with Reset
 *                               Endpoint / Set TR Dequeue on our side
 *
 * The class driver (msc.c) creates the transport with the endpoints
 * enumeration configured for it, and shuts it down at detach: its DMA
 * buffers go once no command is running.
 */
#include <linux/dma-mapping.h>
#include <linux/lockdep.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/usb/ch9.h>

#include "cbw.h"
#include "deadline.h"
#include "enum.h"
#include "hc.h"
#include "msc.h"
#include "trace.h"
#include "xfer.h"

/* idVendor of QEMU's usb-storage and usb-bot (CRC16 of "QEMU") */
#define USBBLK_QEMU_VENDOR_ID	0x46f4

static bool csw_sync_all;
module_param_named(csw_sync, csw_sync_all, bool, 0444);
MODULE_PARM_DESC(csw_sync,
		 "read a controller register before every CSW, for every device, not only QEMU's usb-storage (see bot_queue_csw()). Default: N");

static void msc_release(struct kref *ref)
{
	struct usbblk_msc *msc = container_of(ref, struct usbblk_msc, ref);

	usbblk_udev_put(msc->udev);
	kfree(msc);
}

/**
 * usbblk_msc_put() - drop a reference to a mass-storage device
 * @msc: the device
 */
void usbblk_msc_put(struct usbblk_msc *msc)
{
	kref_put(&msc->ref, msc_release);
}

static int bot_reset_recovery(struct usbblk_msc *msc)
{
	struct usbblk_udev *udev = msc->udev;
	int ret;

	if (usbblk_udev_gone(udev))
		return -ENODEV;
	dev_dbg(udev->hc->dev, "slot %u: Bulk-Only reset recovery\n", udev->slot_id);
	WRITE_ONCE(msc->resets, msc->resets + 1);
	ret = usbblk_control(udev, USB_DIR_OUT | USB_TYPE_CLASS | USB_RECIP_INTERFACE,
			     US_BULK_RESET_REQUEST, 0, udev->cfg.if_number, NULL, 0,
			     USBBLK_CTRL_TIMEOUT_MS);
	if (ret < 0)
		dev_warn(udev->hc->dev, "slot %u: Bulk-Only reset failed: %d\n",
			 udev->slot_id, ret);
	ret = usbblk_ep_clear_halt(msc->in);
	if (!ret)
		ret = usbblk_ep_clear_halt(msc->out);
	return ret;
}

/* The command ends (event thread or teardown, hc->lock held): wake the caller. */
static void bot_end(struct usbblk_msc *msc, struct usbblk_bot_cmd *cmd, int err)
{
	cmd->xfer_err = err;
	cmd->ended = true;
	msc->active = NULL;
	trace_usbblk_bot_stage(msc->udev->slot_id, cmd->tag, cmd->stage, err);
	complete(&cmd->done);
}

/* Queue the next stage's TD (hc->lock held); a failure ends the command. */
static void bot_queue(struct usbblk_msc *msc, struct usbblk_bot_cmd *cmd,
		      enum usbblk_bot_stage stage, struct usbblk_ep *ep,
		      const struct usbblk_seg *segs, unsigned int nsegs)
{
	int ret;

	cmd->stage = stage;
	trace_usbblk_bot_stage(msc->udev->slot_id, cmd->tag, stage, 0);
	ret = usbblk_bulk_queue(ep, segs, nsegs);
	if (ret)
		bot_end(msc, cmd, ret);
}

/*
 * The CSW's TD, queued when the data stage (or the CBW, without one) has
 * ended.  Its event does not mean the device has finished the command:
 * QEMU's usb-storage posts the data stage's event, fetches the IN ring
 * again and only then drops the SCSI request, all in one step under its
 * global lock; a CSW TD already visible when it fetches is parked as "the
 * request is still in flight" and never completed (an ETIMEDOUT in the
 * CSW stage, seen on x86_64 guests with two vCPUs, where the event thread
 * can read the event and queue the CSW inside that window).  A register
 * read waits for that lock, so the CSW TD becomes visible only after the
 * step.  A real device not yet ready to send the CSW NAKs it, so the read
 * is a quirk of that device model only (its idVendor, msc->csw_sync):
 * hardware does not pay a non-posted register read per command.
 */
static void bot_queue_csw(struct usbblk_msc *msc, struct usbblk_bot_cmd *cmd)
{
	struct usbblk_seg seg = { .addr = msc->csw_dma, .len = US_BULK_CS_WRAP_LEN };

	if (msc->csw_sync)
		usbblk_xhci_sync(msc->udev->hc);
	bot_queue(msc, cmd, USBBLK_BOT_CSW, msc->in, &seg, 1);
}

/* The data TD ended: the CSW next; a STALL ends the command (the caller clears it). */
static void bot_data_done(struct usbblk_msc *msc, struct usbblk_bot_cmd *cmd, u32 code)
{
	int err = usbblk_comp_errno(code);

	if (err)
		bot_end(msc, cmd, err);
	else
		bot_queue_csw(msc, cmd);
}

/* The CBW TD ended: all 31 bytes, or the command ends here. */
static void bot_cbw_done(struct usbblk_msc *msc, struct usbblk_bot_cmd *cmd, u32 code,
			 u32 actual)
{
	int err = usbblk_comp_errno(code);

	if (!err && actual != US_BULK_CB_WRAP_LEN)
		err = -EIO;
	if (err) {
		bot_end(msc, cmd, err);
	} else if (!cmd->len) {
		bot_queue_csw(msc, cmd);
	} else if (!cmd->in) {
		bot_queue(msc, cmd, USBBLK_BOT_DATA, msc->out, cmd->segs, cmd->nsegs);
	} else {
		/* a read's data TD is queued already; it may even have ended */
		cmd->stage = USBBLK_BOT_DATA;
		trace_usbblk_bot_stage(msc->udev->slot_id, cmd->tag, cmd->stage, 0);
		if (cmd->data_ended)
			bot_data_done(msc, cmd, cmd->data_code);
	}
}

/*
 * Event thread, hc->lock held (ep->complete of both bulk endpoints): a TD
 * of the command in flight ended; advance its stages.  Teardown
 * (usbblk_ep_abort_all()) comes here too, with COMP_INVALID.
 */
static void bot_td_done(struct usbblk_ep *ep)
{
	struct usbblk_msc *msc = ep->context;
	struct usbblk_bot_cmd *cmd = msc->active;
	u32 code = ep->comp_code;
	int err;

	lockdep_assert_held(&ep->udev->hc->lock);
	if (!cmd)
		return;		/* ended already: the caller takes back the rest */
	if (code == COMP_INVALID) {
		bot_end(msc, cmd, -ENODEV);
		return;
	}
	cmd->comp_code = code;
	switch (cmd->stage) {
	case USBBLK_BOT_CBW:
		if (ep == msc->out) {
			bot_cbw_done(msc, cmd, code, ep->actual);
		} else {
			/* the early data TD ended before the CBW's event came */
			cmd->data_ended = true;
			cmd->data_code = code;
		}
		break;
	case USBBLK_BOT_DATA:
		bot_data_done(msc, cmd, code);
		break;
	case USBBLK_BOT_CSW:
		cmd->csw_got = ep->actual;
		err = usbblk_comp_errno(code);
		if (!err)
			cmd->stage = USBBLK_BOT_DONE;
		bot_end(msc, cmd, err);
		break;
	default:
		break;
	}
}

/* After the command ended or was abandoned: take back any TD still queued. */
static void bot_cancel_busy(struct usbblk_msc *msc)
{
	struct usbblk_hc *hc = msc->udev->hc;
	struct usbblk_ep *eps[] = { msc->out, msc->in };
	unsigned int i;
	bool busy;

	for (i = 0; i < ARRAY_SIZE(eps); i++) {
		spin_lock(&hc->lock);
		busy = eps[i]->busy;
		spin_unlock(&hc->lock);
		if (busy)
			usbblk_ep_cancel(eps[i]);
	}
}

static const char *bot_stage_name(enum usbblk_bot_stage stage)
{
	static const char *const names[] = {
		[USBBLK_BOT_CBW] = "CBW", [USBBLK_BOT_DATA] = "data",
		[USBBLK_BOT_CSW] = "CSW", [USBBLK_BOT_DONE] = "done",
	};

	return stage < ARRAY_SIZE(names) && names[stage] ? names[stage] : "?";
}

/* When the command's wait must end: its bound, or the request's deadline if sooner. */
static ktime_t bot_cmd_deadline(const struct usbblk_bot_cmd *cmd)
{
	ktime_t t = ktime_add_ms(ktime_get(), cmd->timeout_ms);

	return cmd->deadline && ktime_before(cmd->deadline, t) ? cmd->deadline : t;
}

/*
 * USBBLK_IO_POLL: reap the event ring until the command ends (whoever
 * handles its last event, this caller or the IRQ thread), at most until
 * @deadline.  Return: as usbblk_wait_until(); the caller looks at
 * @cmd->ended.
 */
static int bot_poll(struct usbblk_hc *hc, struct usbblk_bot_cmd *cmd, ktime_t deadline)
{
	while (!READ_ONCE(cmd->ended)) {
		unsigned int n = usbblk_event_poll(hc);

		if (READ_ONCE(cmd->ended))
			break;
		if (fatal_signal_pending(current))
			return -EINTR;
		if (ktime_after(ktime_get(), deadline))
			return 0;	/* the caller sees it did not end */
		if (!n) {
			cond_resched();
			cpu_relax();
		}
	}
	return 0;
}

/*
 * Run @cmd from @stage (the CBW, or the CSW again after a cleared STALL)
 * to its end, sleeping once (or polling, @cmd->poll).  Return: 0 when the CSW arrived, else the
 * errno of the stage the command ended in (@cmd->stage): -EPIPE for a
 * STALL, -ETIMEDOUT or -EINTR when the wait ended first (the busy
 * endpoint is stopped then), -ENODEV when the device left.
 */
static int bot_run(struct usbblk_msc *msc, struct usbblk_bot_cmd *cmd,
		   enum usbblk_bot_stage stage)
{
	struct usbblk_seg cbw = { .addr = msc->cbw_dma, .len = US_BULK_CB_WRAP_LEN };
	struct usbblk_udev *udev = msc->udev;
	struct usbblk_hc *hc = udev->hc;
	ktime_t start, t;
	int ret;

	down_read(&udev->io_lock);
	reinit_completion(&cmd->done);
	cmd->ended = false;
	cmd->data_ended = false;
	cmd->xfer_err = 0;
	spin_lock(&hc->lock);
	msc->active = cmd;
	if (stage == USBBLK_BOT_CSW) {
		bot_queue_csw(msc, cmd);
	} else {
		bot_queue(msc, cmd, USBBLK_BOT_CBW, msc->out, &cbw, 1);
		/* a read's data TD right behind the CBW's doorbell (see the top) */
		ret = cmd->ended || !cmd->in || !cmd->len ? 0 :
		      usbblk_bulk_queue(msc->in, cmd->segs, cmd->nsegs);
		if (ret)
			bot_end(msc, cmd, ret);
	}
	spin_unlock(&hc->lock);

	/* to the microsecond: a deadline of 2 ms must not wait for a 4 ms tick */
	start = ktime_get();
	t = bot_cmd_deadline(cmd);
	if (cmd->poll)
		ret = bot_poll(hc, cmd, t);
	else
		ret = usbblk_wait_until(&cmd->done, t);
	spin_lock(&hc->lock);
	if (!cmd->ended) {
		/* abandoned: the event thread queues nothing more for it */
		msc->active = NULL;
		cmd->ended = true;
		cmd->xfer_err = ret == -EINTR ? -EINTR : -ETIMEDOUT;
		trace_usbblk_bot_stage(udev->slot_id, cmd->tag, cmd->stage, cmd->xfer_err);
		if (!cmd->deadline || ktime_before(t, cmd->deadline))
			dev_info_ratelimited(hc->dev, "slot %u: tag %u: %s stage %s after %lld ms\n",
					     udev->slot_id, cmd->tag, bot_stage_name(cmd->stage),
					     ret == -EINTR ? "interrupted" : "timed out",
					     ktime_ms_delta(ktime_get(), start));
	}
	ret = cmd->xfer_err;
	spin_unlock(&hc->lock);
	if (ret)
		bot_cancel_busy(msc);
	up_read(&udev->io_lock);
	if (ret && usbblk_udev_gone(udev))
		return -ENODEV;
	return ret;
}

/*
 * Leave the reset recovery to the device's work: the caller, whose
 * request has a deadline, returns now.  Until the work is done the device
 * is RECOVERING (usbblk_bot_wait_ready()).  Caller holds msc->lock.
 */
static void bot_recover_later(struct usbblk_msc *msc)
{
	lockdep_assert_held(&msc->lock);
	if (msc->state == USBBLK_LUN_RECOVERING)
		return;
	WRITE_ONCE(msc->state, USBBLK_LUN_RECOVERING);
	kref_get(&msc->ref);
	if (!queue_work(system_highpri_wq, &msc->recover_work))
		usbblk_msc_put(msc);
}

static void bot_recover_work(struct work_struct *work)
{
	struct usbblk_msc *msc = container_of(work, struct usbblk_msc, recover_work);
	int ret = 0;

	usbblk_edf_lock_uninterruptible(&msc->lock);
	/* a command may have run the recovery itself meanwhile */
	if (msc->state == USBBLK_LUN_RECOVERING) {
		ret = msc->gone || usbblk_udev_gone(msc->udev) ? -ENODEV : bot_reset_recovery(msc);
		WRITE_ONCE(msc->state, ret && ret != -ENODEV ? USBBLK_LUN_FAILED :
				       USBBLK_LUN_READY);
	}
	usbblk_edf_unlock(&msc->lock);
	wake_up_all(&msc->state_wq);	/* callers waiting for the recovery */
	dev_dbg(msc->udev->hc->dev, "slot %u: recovery off the caller's path: %d\n",
		msc->udev->slot_id, ret);
	usbblk_msc_put(msc);
}

static bool bot_recovering(struct usbblk_msc *msc)
{
	return READ_ONCE(msc->state) == USBBLK_LUN_RECOVERING;
}

/**
 * usbblk_bot_wait_ready() - wait while the device recovers
 * @msc:	the device
 * @deadline:	0 (wait as long as the recovery takes), or the caller's
 *		deadline, ktime_get() time
 * @nowait:	do not wait at all
 *
 * Return: 0 (not recovering), -EAGAIN (@nowait, recovering), -ETIMEDOUT
 * (the deadline passed first), -EINTR (fatal signal).
 */
int usbblk_bot_wait_ready(struct usbblk_msc *msc, ktime_t deadline, bool nowait)
{
	long ret;

	might_sleep();
	if (!bot_recovering(msc))
		return 0;
	if (nowait)
		return -EAGAIN;
	if (!deadline)
		return wait_event_killable(msc->state_wq, !bot_recovering(msc)) ? -EINTR : 0;
	ret = wait_event_hrtimeout(msc->state_wq, !bot_recovering(msc),
				   ktime_sub(deadline, ktime_get()));
	return ret ? -ETIMEDOUT : 0;
}

/**
 * usbblk_bot_command() - run one SCSI command through Bulk-Only Transport
 * @msc:	the device; the caller holds @msc->lock
 * @cmd:	the command: @cmd->cdb, cdb_len, lun, in, segs, nsegs, len and
 *		timeout_ms filled in; residue, tag, stage and status set here
 *
 * When this returns, the controller no longer touches the data buffer.
 *
 * Return: USBBLK_CSW_GOOD, USBBLK_CSW_FAILED (ask REQUEST SENSE), or a
 * negative errno after whatever recovery it took: -ETIMEDOUT, -EINTR
 * (fatal signal), -ENODEV (device gone), -EIO (the transport failed).
 * The same value is left in @cmd->status.
 */
int usbblk_bot_command(struct usbblk_msc *msc, struct usbblk_bot_cmd *cmd)
{
	struct usbblk_ep *data_ep = cmd->in ? msc->in : msc->out;
	int ret;

	lockdep_assert_held(&msc->lock);
	init_completion(&cmd->done);
	cmd->tag = ++msc->tag;
	cmd->residue = cmd->len;
	cmd->stage = USBBLK_BOT_CBW;
	cmd->comp_code = COMP_INVALID;
	if (msc->gone || usbblk_udev_gone(msc->udev)) {
		ret = -ENODEV;
		goto out;
	}
	if (cmd->deadline && ktime_after(ktime_get(), cmd->deadline)) {
		ret = -ETIMEDOUT;	/* nothing sent: nothing to recover */
		goto out;
	}
	/* a recovery that failed, or one a deadline request left: run it first */
	if (msc->state != USBBLK_LUN_READY) {
		if (cancel_work(&msc->recover_work))
			usbblk_msc_put(msc);	/* the work's reference; the caller has one */
		ret = bot_reset_recovery(msc);
		WRITE_ONCE(msc->state, ret ? USBBLK_LUN_FAILED : USBBLK_LUN_READY);
		wake_up_all(&msc->state_wq);
		if (ret == -ENODEV)
			goto out;
	}
	usbblk_cbw_fill(msc->cbw, cmd->tag, cmd->len, cmd->in, cmd->lun, cmd->cdb, cmd->cdb_len);
	ret = bot_run(msc, cmd, USBBLK_BOT_CBW);
	if (ret == -EPIPE && cmd->stage == USBBLK_BOT_DATA) {
		/* the device ends the data stage: clear the halt, then the CSW */
		ret = usbblk_ep_clear_halt(data_ep);
		if (!ret)
			ret = bot_run(msc, cmd, USBBLK_BOT_CSW);
	}
	if (ret == -EPIPE && cmd->stage == USBBLK_BOT_CSW) {
		/* a STALL on the CSW: clear it, read the CSW once more */
		ret = usbblk_ep_clear_halt(msc->in);
		if (!ret)
			ret = bot_run(msc, cmd, USBBLK_BOT_CSW);
	}
	if (ret)
		goto recover;
	ret = usbblk_csw_check(msc->csw, cmd->csw_got, cmd->tag, cmd->len, &cmd->residue);
	if (ret >= 0) {
		if (msc->state == USBBLK_LUN_FAILED)	/* the device answers again */
			WRITE_ONCE(msc->state, USBBLK_LUN_READY);
		goto out;
	}
	dev_dbg(msc->udev->hc->dev, "slot %u: CSW not valid or phase error\n",
		msc->udev->slot_id);
	ret = -EIO;
recover:
	if (ret != -ENODEV && !usbblk_udev_gone(msc->udev)) {
		if (cmd->deadline)
			bot_recover_later(msc);
		else
			bot_reset_recovery(msc);
	}
	/* what callers can act on; anything else the transport said is EIO */
	if (ret != -ETIMEDOUT && ret != -EINTR && ret != -ENODEV && ret != -ENOMEM)
		ret = -EIO;
out:
	cmd->status = ret;
	return ret;
}

/**
 * usbblk_bot_max_lun() - GET MAX LUN (3.2)
 * @msc: the device
 *
 * Return: the highest LUN number; 0 when the device STALLs the request
 * (it has one LUN) or answers something out of range.
 */
u8 usbblk_bot_max_lun(struct usbblk_msc *msc)
{
	struct usbblk_udev *udev = msc->udev;
	u8 max = 0;
	int ret;

	ret = usbblk_control(udev, USB_DIR_IN | USB_TYPE_CLASS | USB_RECIP_INTERFACE,
			     US_BULK_GET_MAX_LUN, 0, udev->cfg.if_number, &max, 1,
			     USBBLK_CTRL_TIMEOUT_MS);
	if (ret != 1 || max >= USBBLK_MAX_LUNS)
		return 0;
	return max;
}

static void msc_free_bufs(struct usbblk_msc *msc)
{
	struct device *dev = msc->udev->hc->dev;

	if (msc->cbw)
		dma_free_coherent(dev, USBBLK_WRAP_BUF, msc->cbw, msc->cbw_dma);
	if (msc->buf)
		dma_free_coherent(dev, USBBLK_MSC_BUF, msc->buf, msc->buf_dma);
	msc->cbw = NULL;
	msc->csw = NULL;
	msc->buf = NULL;
}

/**
 * usbblk_msc_create() - the Bulk-Only transport of a configured device
 * @udev:	the device; hc->enum_lock held
 * @in:		its bulk IN endpoint
 * @out:	its bulk OUT endpoint
 *
 * Return: the transport (one reference, which holds one on @udev), or
 * ERR_PTR(-ENOMEM).
 */
struct usbblk_msc *usbblk_msc_create(struct usbblk_udev *udev, struct usbblk_ep *in,
				     struct usbblk_ep *out)
{
	struct device *dev = udev->hc->dev;
	struct usbblk_msc *msc;

	lockdep_assert_held(&udev->hc->enum_lock);
	msc = kzalloc(sizeof(*msc), GFP_KERNEL);
	if (!msc)
		return ERR_PTR(-ENOMEM);
	kref_init(&msc->ref);
	usbblk_edf_lock_init(&msc->lock);
	init_waitqueue_head(&msc->state_wq);
	INIT_WORK(&msc->recover_work, bot_recover_work);
	kref_get(&udev->ref);
	msc->udev = udev;
	msc->in = in;
	msc->out = out;
	msc->csw_sync = udev->info.vendor_id == USBBLK_QEMU_VENDOR_ID ||
			csw_sync_all;
	in->context = msc;
	out->context = msc;
	in->complete = bot_td_done;
	out->complete = bot_td_done;
	/* CBW and CSW share one small buffer: 31 bytes at 0, 13 at 32 */
	msc->cbw = dma_alloc_coherent(dev, USBBLK_WRAP_BUF, &msc->cbw_dma, GFP_KERNEL);
	msc->buf = dma_alloc_coherent(dev, USBBLK_MSC_BUF, &msc->buf_dma, GFP_KERNEL);
	if (!msc->cbw || !msc->buf) {
		msc_free_bufs(msc);
		usbblk_msc_put(msc);
		return ERR_PTR(-ENOMEM);
	}
	msc->csw = (void *)msc->cbw + USBBLK_CSW_OFFSET;
	msc->csw_dma = msc->cbw_dma + USBBLK_CSW_OFFSET;
	return msc;
}

/**
 * usbblk_msc_shutdown() - no more commands; free the DMA buffers
 * @msc: the transport, its device gone and its transfers failed
 *
 * A command still running sees the device gone and ends quickly; this
 * waits for it.
 */
void usbblk_msc_shutdown(struct usbblk_msc *msc)
{
	struct usbblk_hc *hc = msc->udev->hc;

	usbblk_edf_lock_uninterruptible(&msc->lock);
	msc->gone = true;
	spin_lock(&hc->lock);
	msc->in->complete = NULL;
	msc->out->complete = NULL;
	spin_unlock(&hc->lock);
	msc_free_bufs(msc);
	usbblk_edf_unlock(&msc->lock);
	/* a recovery left behind sees the device gone; callers waiting for it wake */
	flush_work(&msc->recover_work);
	wake_up_all(&msc->state_wq);
}
