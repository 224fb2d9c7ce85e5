// SPDX-License-Identifier: GPL-2.0
/*
 * Bulk-Only Transport (USB Mass Storage Class BOT 1.0): a mass-storage
 * device's commands, one at a time, each a CBW on bulk OUT, an optional
 * data stage, and a CSW on bulk IN; and the recoveries:
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
#include <linux/slab.h>
#include <linux/usb/ch9.h>

#include "cbw.h"
#include "enum.h"
#include "hc.h"
#include "msc.h"
#include "xfer.h"

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

/* Read the CSW; a STALL on it is cleared and the read tried once more. */
static int bot_read_csw(struct usbblk_msc *msc, unsigned int timeout_ms, u32 *got)
{
	struct usbblk_seg seg = { .addr = msc->csw_dma, .len = US_BULK_CS_WRAP_LEN };
	int ret;

	ret = usbblk_bulk(msc->in, &seg, 1, timeout_ms, got);
	if (ret == -EPIPE) {
		ret = usbblk_ep_clear_halt(msc->in);
		if (!ret)
			ret = usbblk_bulk(msc->in, &seg, 1, timeout_ms, got);
	}
	return ret;
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
	struct usbblk_seg cbw = { .addr = msc->cbw_dma, .len = US_BULK_CB_WRAP_LEN };
	struct usbblk_ep *data_ep = cmd->in ? msc->in : msc->out;
	unsigned int timeout_ms = cmd->timeout_ms;
	u32 got;
	int ret;

	lockdep_assert_held(&msc->lock);
	cmd->tag = ++msc->tag;
	cmd->residue = cmd->len;
	cmd->stage = USBBLK_BOT_CBW;
	if (msc->gone || usbblk_udev_gone(msc->udev)) {
		ret = -ENODEV;
		goto out;
	}
	usbblk_cbw_fill(msc->cbw, cmd->tag, cmd->len, cmd->in, cmd->lun, cmd->cdb, cmd->cdb_len);
	ret = usbblk_bulk(msc->out, &cbw, 1, timeout_ms, &got);
	if (ret)
		goto recover;

	if (cmd->len) {
		cmd->stage = USBBLK_BOT_DATA;
		ret = usbblk_bulk(data_ep, cmd->segs, cmd->nsegs, timeout_ms, &got);
		if (ret == -EPIPE)	/* the device ends the data stage: clear, then CSW */
			ret = usbblk_ep_clear_halt(data_ep);
		if (ret)
			goto recover;
	}

	cmd->stage = USBBLK_BOT_CSW;
	ret = bot_read_csw(msc, timeout_ms, &got);
	if (ret)
		goto recover;
	cmd->stage = USBBLK_BOT_DONE;
	ret = usbblk_csw_check(msc->csw, got, cmd->tag, cmd->len, &cmd->residue);
	if (ret >= 0)
		goto out;
	dev_dbg(msc->udev->hc->dev, "slot %u: CSW not valid or phase error\n",
		msc->udev->slot_id);
	ret = -EIO;
recover:
	if (ret != -ENODEV && !usbblk_udev_gone(msc->udev))
		bot_reset_recovery(msc);
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
	mutex_init(&msc->lock);
	kref_get(&udev->ref);
	msc->udev = udev;
	msc->in = in;
	msc->out = out;
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
	mutex_lock(&msc->lock);
	msc->gone = true;
	msc_free_bufs(msc);
	mutex_unlock(&msc->lock);
}
