// SPDX-License-Identifier: GPL-2.0
/*
 * Transfers on an endpoint's ring: control transfers on EP0 and bulk TDs
 * built from DMA segments, their completion from the event thread, and
 * the recovery of a halted or stopped endpoint.
 *
 * One TD is in flight per endpoint at a time: control transfers are
 * serialised per device (ctrl_lock), bulk transfers by their caller (the
 * Bulk-Only Transport is strictly sequential).  The path of one transfer:
 *
 *   queue TRBs (first TRB's cycle held back) -> commit -> doorbell
 *   -> event thread: usbblk_ep_event() -> complete(&ep->done), or the
 *      endpoint's ->complete callback, which may queue the next TD
 *      (usbblk_bulk_queue(), hc->lock held: bot.c's stages)
 *   -> caller wakes, reads comp_code/actual
 *
 * A wait that times out (or is killed) stops the endpoint first, so the
 * controller no longer touches the buffer when the caller returns, then
 * moves the dequeue pointer past the TD.
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/lockdep.h>
#include <linux/sched/signal.h>
#include <linux/usb/ch9.h>

#include "cmd.h"
#include "ctx.h"
#include "enum.h"
#include "hc.h"
#include "trace.h"
#include "xfer.h"

/**
 * usbblk_ep_alloc() - give an endpoint a transfer ring
 * @udev:	its device
 * @ep:		the endpoint to set up
 * @addr:	bEndpointAddress (0 for EP0)
 * @type:	EP_TYPE_*
 * @maxp:	max packet size
 *
 * Return: 0 or -ENOMEM.
 */
int usbblk_ep_alloc(struct usbblk_udev *udev, struct usbblk_ep *ep, u8 addr, u8 type,
		    u16 maxp)
{
	struct usbblk_hc *hc = udev->hc;
	bool bulk = type == EP_TYPE_BULK_IN || type == EP_TYPE_BULK_OUT;
	unsigned int size = bulk ? USBBLK_BULK_RING_TRBS : USBBLK_RING_TRBS;
	struct usbblk_trb *trbs;
	dma_addr_t dma;

	/*
	 * A bulk ring holds a whole 1 MiB TD: 16 KiB, which the DMA API aligns
	 * to 16 KiB, so the segment does not cross a 64 KiB boundary (6.5).
	 */
	if (bulk)
		trbs = dma_alloc_coherent(hc->dev, size * USBBLK_TRB_SIZE, &dma, GFP_KERNEL);
	else
		trbs = dma_pool_alloc(hc->ring_pool, GFP_KERNEL, &dma);
	if (!trbs)
		return -ENOMEM;
	usbblk_ring_init(&ep->ring, trbs, dma, size, true);
	ep->udev = udev;
	ep->addr = addr;
	ep->type = type;
	ep->maxp = maxp;
	/* device context index: 1 for EP0, else 2 * number + (1 for IN) */
	ep->dci = type == EP_TYPE_CONTROL ? 1 :
		  (addr & USB_ENDPOINT_NUMBER_MASK) * 2 + !!(addr & USB_DIR_IN);
	ep->busy = false;
	init_completion(&ep->done);
	spin_lock(&hc->lock);
	udev->eps[ep->dci] = ep;
	spin_unlock(&hc->lock);
	return 0;
}

/**
 * usbblk_ep_free() - free an endpoint's ring; the controller must be done
 * with it (endpoint dropped or slot disabled)
 * @udev: its device
 * @ep:   the endpoint
 */
void usbblk_ep_free(struct usbblk_udev *udev, struct usbblk_ep *ep)
{
	struct usbblk_hc *hc = udev->hc;

	if (!ep->ring.trbs)
		return;
	spin_lock(&hc->lock);
	if (udev->eps[ep->dci] == ep)
		udev->eps[ep->dci] = NULL;
	spin_unlock(&hc->lock);
	if (ep->ring.size == USBBLK_RING_TRBS)
		dma_pool_free(hc->ring_pool, ep->ring.trbs, ep->ring.dma);
	else
		dma_free_coherent(hc->dev, ep->ring.size * USBBLK_TRB_SIZE, ep->ring.trbs,
				  ep->ring.dma);
	ep->ring.trbs = NULL;
}

static u32 ep_state(struct usbblk_ep *ep)
{
	return FIELD_GET(EP_STATE, le32_to_cpu(usbblk_ctx_out_ep(ep->udev, ep->dci)[0]));
}

/* Bring the endpoint to Stopped: Reset Endpoint if Halted, Stop if Running. */
static void ep_quiesce(struct usbblk_ep *ep)
{
	struct usbblk_hc *hc = ep->udev->hc;
	u32 state = ep_state(ep);

	if (state == EP_STATE_HALTED)
		usbblk_cmd_reset_ep(hc, ep);
	else if (state == EP_STATE_RUNNING)
		usbblk_cmd_stop_ep(hc, ep);
}

/*
 * A busy TD after the Stop (or Reset) Endpoint command completed: its
 * transfer event, had there been one, came before the command's on the
 * same event ring.  If the controller's dequeue pointer has nevertheless
 * left the TD, it finished the TD without a word: say so, since that is
 * a lost completion (controller or driver), not a slow device.
 */
static void ep_check_lost(struct usbblk_ep *ep)
{
	__le32 *ctx = usbblk_ctx_out_ep(ep->udev, ep->dci);
	int idx = usbblk_ring_index(&ep->ring, usbblk_ctx_ep_deq(ctx));

	lockdep_assert_held(&ep->udev->hc->lock);
	if (idx >= 0 && !usbblk_td_contains(&ep->ring, &ep->td, idx))
		dev_warn_ratelimited(ep->udev->hc->dev,
				     "slot %u ep %u: TD %u-%u done without an event (controller at TRB %d)\n",
				     ep->udev->slot_id, ep->dci, ep->td.first, ep->td.last, idx);
}

/**
 * usbblk_ep_cancel() - take back a TD the controller may still own
 * @ep: the endpoint; process context, its owner no longer waits for it
 *
 * After the Stop (or Reset) Endpoint command the controller touches
 * nothing of it; a Stopped event may have completed it meanwhile,
 * otherwise it is dropped here; then the dequeue pointer skips it.
 */
void usbblk_ep_cancel(struct usbblk_ep *ep)
{
	struct usbblk_hc *hc = ep->udev->hc;

	/*
	 * Also when the device is gone: its slot may not be disabled yet, and
	 * only a stopped endpoint (or a disabled slot, when these commands
	 * fail) guarantees the controller has let go of the buffer.
	 */
	ep_quiesce(ep);
	spin_lock(&hc->lock);
	if (ep->busy) {
		ep_check_lost(ep);
		ep->busy = false;
		ep->comp_code = COMP_STOPPED;
	}
	spin_unlock(&hc->lock);
	usbblk_cmd_set_deq(hc, ep);
}

/*
 * Wait for the TD in flight.  Returns 0 with ep->comp_code set, or
 * -ETIMEDOUT / -EINTR (fatal signal, @killable only) / -ENODEV (device
 * gone) after the endpoint was stopped.  Control transfers wait without
 * being killable: they are bounded, and a recovery that a dying caller
 * started must still finish, or the device is left half reset.
 */
static int ep_wait(struct usbblk_ep *ep, unsigned int timeout_ms, bool killable)
{
	unsigned long t = msecs_to_jiffies(timeout_ms);
	long left = killable ? wait_for_completion_killable_timeout(&ep->done, t) :
			       (long)wait_for_completion_timeout(&ep->done, t);

	if (left > 0)
		return usbblk_udev_gone(ep->udev) && ep->comp_code == COMP_INVALID ? -ENODEV : 0;
	usbblk_ep_cancel(ep);
	if (usbblk_udev_gone(ep->udev))
		return -ENODEV;
	return left ? -EINTR : -ETIMEDOUT;
}

/*
 * Hand a written TD to the controller, hc->lock held.  "gone" is set under
 * hc->lock before teardown fails the busy TDs (usbblk_ep_abort_all()), so
 * checking it here, under the same lock, means no TD becomes busy after
 * that.
 */
static int ep_start(struct usbblk_ep *ep, unsigned int first)
{
	struct usbblk_hc *hc = ep->udev->hc;

	lockdep_assert_held(&hc->lock);
	if (usbblk_udev_gone(ep->udev))
		return -ENODEV;
	ep->comp_code = COMP_INVALID;
	ep->actual = 0;
	ep->short_seen = false;
	ep->busy = true;
	usbblk_ring_commit(&ep->ring, first);
	usbblk_xhci_ring_db(hc, ep->udev->slot_id, ep->dci);
	return 0;
}

/* ep_start() from process context, for a waiter on ep->done. */
static int ep_submit(struct usbblk_ep *ep, unsigned int first)
{
	struct usbblk_hc *hc = ep->udev->hc;
	int ret;

	lockdep_assert_held_read(&ep->udev->io_lock);
	reinit_completion(&ep->done);
	spin_lock(&hc->lock);
	ret = ep_start(ep, first);
	spin_unlock(&hc->lock);
	return ret;
}

/**
 * usbblk_control() - a control transfer on EP0
 * @udev:	the device
 * @type:	bmRequestType (USB_DIR_IN for device-to-host)
 * @req:	bRequest
 * @value:	wValue
 * @index:	wIndex
 * @data:	data stage buffer (kernel memory, copied through a DMA buffer)
 * @len:	wLength, at most one page
 * @timeout_ms:	bound of the wait
 *
 * Return: bytes transferred in the data stage, or a negative errno:
 * -EPIPE (STALL; the endpoint is reset and usable again), -ETIMEDOUT,
 * -ENODEV, -EPROTO, ...
 */
int usbblk_control(struct usbblk_udev *udev, u8 type, u8 req, u16 value, u16 index,
		   void *data, u16 len, unsigned int timeout_ms)
{
	struct usbblk_ep *ep = &udev->ep0;
	bool in = type & USB_DIR_IN;
	u64 setup;
	int ret;

	might_sleep();
	if (len > PAGE_SIZE)
		return -EINVAL;
	down_read(&udev->io_lock);
	mutex_lock(&udev->ctrl_lock);
	if (usbblk_udev_gone(udev)) {
		ret = -ENODEV;
		goto out;
	}
	if (!in && len)
		memcpy(udev->ctrl_buf, data, len);
	setup = usbblk_setup_packet(type, req, value, index, len);
	ret = usbblk_ring_queue_ctrl_td(&ep->ring, setup, udev->ctrl_dma, &ep->td, &ep->data_idx);
	if (ret) {
		ret = -EBUSY;
		goto out;
	}
	trace_usbblk_control(udev->slot_id, type, req, value, index, len);
	ret = ep_submit(ep, ep->td.first);
	if (ret)
		goto out;

	ret = ep_wait(ep, timeout_ms, false);
	if (!ret) {
		ret = usbblk_comp_errno(ep->comp_code);
		if (!ret) {
			ret = ep->actual;
			if (in && ret)
				memcpy(data, udev->ctrl_buf, ret);
		} else if (ep->comp_code == COMP_STALL ||
			   ep->comp_code == COMP_TRANSACTION_ERROR ||
			   ep->comp_code == COMP_BABBLE) {
			/* EP0 halted: a STALL on it is a protocol answer, recover */
			usbblk_ep_recover(ep);
		}
	}
out:
	mutex_unlock(&udev->ctrl_lock);
	up_read(&udev->io_lock);
	return ret;
}

/**
 * usbblk_bulk_queue() - queue one bulk TD over DMA segments and ring the
 * doorbell; hc->lock held (the event thread queues a command's next stage
 * this way from its ep->complete callback)
 * @ep:		a bulk endpoint of a configured device, not busy, with
 *		->complete set: that is called when the TD ends
 * @segs:	the buffer's DMA segments (already mapped)
 * @nsegs:	how many (0 for a zero-length TD)
 *
 * The caller holds udev->io_lock for reading (from process context) or
 * runs in the event thread on behalf of such a caller, and serialises
 * transfers on @ep.  After a STALL the endpoint is halted until
 * usbblk_ep_recover().
 *
 * Return: 0, -ENODEV (device gone), -EBUSY (a TD is in flight there),
 * -ENOSPC (too many segments for the ring).
 */
int usbblk_bulk_queue(struct usbblk_ep *ep, const struct usbblk_seg *segs,
		      unsigned int nsegs)
{
	struct usbblk_udev *udev = ep->udev;
	int ret;

	lockdep_assert_held(&udev->hc->lock);
	if (usbblk_udev_gone(udev))
		return -ENODEV;
	if (ep->busy)
		return -EBUSY;
	ret = usbblk_ring_queue_td(&ep->ring, segs, nsegs, ep->maxp, &ep->td);
	if (ret)
		return ret;
	trace_usbblk_bulk(udev->slot_id, ep->dci, ep->td.len, ep->td.ntrbs);
	return ep_start(ep, ep->td.first);
}

/**
 * usbblk_intr_submit() - queue one interrupt IN transfer and return
 * @ep:		an interrupt IN endpoint with ->complete set
 * @seg:	the buffer
 *
 * The event thread calls ep->complete when it ends (data, or an error in
 * ep->comp_code).  One at a time: the caller owns the endpoint.
 *
 * Return: 0, -EBUSY (one is queued already), -ENODEV, -ENOSPC.
 */
int usbblk_intr_submit(struct usbblk_ep *ep, const struct usbblk_seg *seg)
{
	struct usbblk_udev *udev = ep->udev;
	int ret;

	down_read(&udev->io_lock);
	ret = usbblk_udev_gone(udev) ? -ENODEV : READ_ONCE(ep->busy) ? -EBUSY : 0;
	if (!ret)
		ret = usbblk_ring_queue_td(&ep->ring, seg, 1, ep->maxp, &ep->td);
	if (!ret)
		ret = ep_submit(ep, ep->td.first);
	up_read(&udev->io_lock);
	return ret;
}

/* ------------------------------------------------------------ completion */

/*
 * A control TD's event (xHCI 4.11.2.2): the data stage's names the bytes
 * moved; a short data stage still runs the status stage, whose event ends
 * the TD.  Return: true when the TD has ended, with *code its result.
 */
static bool process_ctrl_td(struct usbblk_ep *ep, unsigned int idx, u32 *code, u32 residue)
{
	u32 len = trb_len(&ep->ring.trbs[idx]);

	if ((int)idx == ep->data_idx) {
		ep->actual = len - min(residue, len);
		if (*code == COMP_SHORT_PACKET) {
			/* the status stage still runs: wait for its event */
			ep->short_seen = true;
			return false;
		}
	} else if (idx == ep->td.last && !ep->short_seen &&
		   (*code == COMP_SUCCESS || *code == COMP_SHORT_PACKET)) {
		ep->actual = ep->td.len;
	}
	if (idx != ep->td.last && *code == COMP_SUCCESS)
		return false;		/* not the end yet (no IOC there anyway) */
	if (*code == COMP_SHORT_PACKET)
		*code = COMP_SUCCESS;	/* short data stage, status stage done */
	return true;
}

/*
 * A bulk or interrupt TD's event: the last TRB's (the usual case, no walk
 * over the TD), or a short packet's, which ends the TD at the TRB it
 * happened on (ISP).  Return: true when the TD has ended.
 */
static bool process_bulk_intr_td(struct usbblk_ep *ep, unsigned int idx, u32 code,
				 u32 residue)
{
	u32 len = trb_len(&ep->ring.trbs[idx]);

	if (idx == ep->td.last) {
		ep->actual = ep->td.len - min(residue, len);
		return true;
	}
	ep->actual = usbblk_td_bytes_before(&ep->ring, &ep->td, idx) + len - min(residue, len);
	/* a possible second event for the last TRB finds the TD no longer busy: stale */
	return code != COMP_SUCCESS;
}

/**
 * usbblk_ep_event() - a transfer event for the TD in flight (event thread,
 * hc->lock held)
 * @hc:		the controller
 * @ep:		the endpoint, busy
 * @idx:	the TRB the event names, one of the TD's
 * @code:	completion code
 * @residue:	bytes of that TRB not transferred
 */
void usbblk_ep_event(struct usbblk_hc *hc, struct usbblk_ep *ep, unsigned int idx,
		     u32 code, u32 residue)
{
	bool done;

	lockdep_assert_held(&hc->lock);
	trace_usbblk_xfer_event(ep->udev->slot_id, ep->dci, idx, code, residue);
	if (ep->type == EP_TYPE_CONTROL)
		done = process_ctrl_td(ep, idx, &code, residue);
	else
		done = process_bulk_intr_td(ep, idx, code, residue);
	if (!done)
		return;
	ep->comp_code = code;
	ep->busy = false;
	usbblk_ring_retire(&ep->ring, &ep->td);
	if (ep->complete)
		ep->complete(ep);
	else
		complete(&ep->done);
}

/* -------------------------------------------------------------- recovery */

/**
 * usbblk_ep_recover() - make a halted or stopped endpoint usable again
 * @ep: the endpoint
 *
 * Reset Endpoint if the controller has it Halted, then Set TR Dequeue
 * Pointer past everything queued (4.6.8, 4.6.10).  The device side of a
 * halt (CLEAR_FEATURE(ENDPOINT_HALT)) is the caller's business.
 *
 * Return: 0 or an errno.
 */
int usbblk_ep_recover(struct usbblk_ep *ep)
{
	if (usbblk_udev_gone(ep->udev))
		return -ENODEV;
	ep_quiesce(ep);
	return usbblk_cmd_set_deq(ep->udev->hc, ep);
}

/**
 * usbblk_ep_clear_halt() - clear a halt on both sides of a bulk or
 * interrupt endpoint
 * @ep: the endpoint
 *
 * Reset Endpoint / Set TR Dequeue on the controller (usbblk_ep_recover()),
 * then CLEAR_FEATURE(ENDPOINT_HALT) to the device, which also resets its
 * data toggle or sequence number (USB 2.0 9.4.5).
 *
 * Return: 0 or an errno.
 */
int usbblk_ep_clear_halt(struct usbblk_ep *ep)
{
	int ret = usbblk_ep_recover(ep);

	if (ret)
		return ret;
	ret = usbblk_control(ep->udev, USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_ENDPOINT,
			     USB_REQ_CLEAR_FEATURE, USB_ENDPOINT_HALT, ep->addr, NULL, 0,
			     USBBLK_CTRL_TIMEOUT_MS);
	return min(ret, 0);
}

/**
 * usbblk_ep_abort_all() - fail every TD in flight on a device being torn
 * down; its slot must be disabled already, so the controller is done
 * @udev: the device
 *
 * Each ends with COMP_INVALID: its waiter is woken, or its ->complete
 * called (hc->lock held), as the event thread would.
 */
void usbblk_ep_abort_all(struct usbblk_udev *udev)
{
	struct usbblk_hc *hc = udev->hc;
	unsigned int i;

	spin_lock(&hc->lock);
	for (i = 1; i < ARRAY_SIZE(udev->eps); i++) {
		struct usbblk_ep *ep = udev->eps[i];

		if (ep && ep->busy) {
			ep->busy = false;
			ep->comp_code = COMP_INVALID;
			if (ep->complete)
				ep->complete(ep);
			else
				complete(&ep->done);
		}
	}
	spin_unlock(&hc->lock);
}
