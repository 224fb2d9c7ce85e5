// SPDX-License-Identifier: GPL-2.0
/*
 * The command ring: one command at a time, each bounded by a timeout.
 *
 * A command is queued, the host controller doorbell (slot 0) rung, and
 * the caller sleeps until the event thread sees the Command Completion
 * Event naming that TRB.  If none comes in time, the ring is aborted
 * (CRCR.CA, 4.6.1.2): the controller answers the aborted command with
 * Command Aborted and stops the ring, which restarts at the next doorbell.
 */
#include <linux/bitfield.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/iopoll.h>
#include <linux/ktime.h>

#include "cmd.h"
#include "enum.h"
#include "hc.h"
#include "trace.h"
#include "xhci-regs.h"

#define CRCR_CA		BIT(2)	/* command abort */
#define CRCR_CRR	BIT(3)	/* command ring running */

/* For messages: what the command a TRB type names is called (6.4.3). */
static const char *cmd_name(u32 control)
{
	switch (FIELD_GET(TRB_TYPE, control)) {
	case TRB_TYPE_ENABLE_SLOT:	return "Enable Slot";
	case TRB_TYPE_DISABLE_SLOT:	return "Disable Slot";
	case TRB_TYPE_ADDRESS_DEVICE:	return "Address Device";
	case TRB_TYPE_CONFIG_EP:	return "Configure Endpoint";
	case TRB_TYPE_EVAL_CONTEXT:	return "Evaluate Context";
	case TRB_TYPE_RESET_EP:		return "Reset Endpoint";
	case TRB_TYPE_STOP_EP:		return "Stop Endpoint";
	case TRB_TYPE_SET_DEQ:		return "Set TR Dequeue Pointer";
	case TRB_TYPE_RESET_DEVICE:	return "Reset Device";
	case TRB_TYPE_NOOP_CMD:		return "No Op";
	default:			return "command";
	}
}

/*
 * Abort the command in progress (4.6.1.2).  While the ring runs (CRR), a
 * CRCR write only takes the CA bit; once it has stopped, a write sets the
 * dequeue pointer, so point it (with our cycle state) at the next free
 * TRB: the ring restarts there at the next doorbell.
 */
static void cmd_abort(struct usbblk_hc *hc)
{
	u32 crcr = readl(hc->op + XHCI_OP_CRCR);

	if (crcr & CRCR_CRR) {
		lo_hi_writeq(CRCR_CA, hc->op + XHCI_OP_CRCR);
		if (readl_poll_timeout(hc->op + XHCI_OP_CRCR, crcr, !(crcr & CRCR_CRR), 1000,
				       USBBLK_CMD_TIMEOUT_MS * USEC_PER_MSEC)) {
			dev_err(hc->dev, "command ring did not stop after the abort (CRCR %#x)\n",
				crcr);
			return;
		}
	}
	lo_hi_writeq(usbblk_ring_dma(&hc->cmd.ring, hc->cmd.ring.enq) | hc->cmd.ring.cycle,
		     hc->op + XHCI_OP_CRCR);
}

/**
 * usbblk_cmd_init() - initialise the command ring's state (not its memory)
 * @q: the controller's command ring
 */
void usbblk_cmd_init(struct usbblk_cmdq *q)
{
	mutex_init(&q->mutex);
	init_completion(&q->done);
}

/**
 * usbblk_cmd_complete() - a Command Completion Event (event thread)
 * @hc:		the controller
 * @ptr:	the command TRB the event names
 * @code:	its completion code
 * @slot:	the slot ID the event carries
 *
 * Wakes the waiter of the command in flight when the event names it; a
 * Command Ring Stopped event after an abort, or an event for a command
 * already given up on, is dropped.
 */
void usbblk_cmd_complete(struct usbblk_hc *hc, u64 ptr, u32 code, u8 slot)
{
	struct usbblk_cmdq *q = &hc->cmd;

	if (code == COMP_CMD_RING_STOPPED)
		return;
	spin_lock(&hc->lock);
	if (q->pending && ptr == q->pending) {
		q->code = code;
		q->slot = slot;
		q->pending = 0;
		q->event_ns = ktime_get_ns();
		complete(&q->done);
	} else {
		dev_dbg(hc->dev, "stray command completion %#llx code %u\n", ptr, code);
	}
	spin_unlock(&hc->lock);
}

/*
 * Run one command and wait for it (usbblk_cmd()); with @t, note when the
 * doorbell was rung, when the event thread saw the completion and when
 * the caller ran again.
 */
static int cmd_run(struct usbblk_hc *hc, u64 param, u32 control, u8 *slot_out,
		   struct usbblk_cmd_times *t)
{
	unsigned int idx;
	u32 code;
	int ret;

	might_sleep();
	mutex_lock(&hc->cmd.mutex);
	if (!hc->running || !usbblk_ring_free(&hc->cmd.ring)) {
		mutex_unlock(&hc->cmd.mutex);
		return -ENODEV;
	}
	reinit_completion(&hc->cmd.done);
	spin_lock(&hc->lock);
	idx = usbblk_ring_enqueue(&hc->cmd.ring, param, 0, control, true);
	hc->cmd.pending = usbblk_ring_dma(&hc->cmd.ring, idx);
	hc->cmd.code = COMP_INVALID;
	spin_unlock(&hc->lock);
	usbblk_ring_commit(&hc->cmd.ring, idx);
	trace_usbblk_cmd(&hc->cmd.ring.trbs[idx], FIELD_GET(TRB_TYPE, control));
	if (t)
		t->doorbell_ns = ktime_get_ns();
	usbblk_xhci_ring_db(hc, 0, 0);

	if (!wait_for_completion_timeout(&hc->cmd.done,
					 msecs_to_jiffies(USBBLK_CMD_TIMEOUT_MS))) {
		dev_err(hc->dev, "%s (slot %lu) timed out after %u ms, aborting\n",
			cmd_name(control), FIELD_GET(TRB_SLOT_ID, control), USBBLK_CMD_TIMEOUT_MS);
		cmd_abort(hc);
		/* the Command Aborted completion, if it comes, ends the wait */
		wait_for_completion_timeout(&hc->cmd.done,
					    msecs_to_jiffies(USBBLK_CMD_TIMEOUT_MS));
		spin_lock(&hc->lock);
		hc->cmd.pending = 0;
		code = hc->cmd.code;
		spin_unlock(&hc->lock);
		/* it may have completed after all, just after the wait gave up */
		if (code != COMP_INVALID && code != COMP_CMD_ABORTED) {
			if (slot_out)
				*slot_out = hc->cmd.slot;
			ret = usbblk_comp_errno(code);
		} else {
			ret = -ETIMEDOUT;
		}
	} else {
		if (t) {
			t->caller_ns = ktime_get_ns();
			t->event_ns = hc->cmd.event_ns;
		}
		code = hc->cmd.code;
		if (slot_out)
			*slot_out = hc->cmd.slot;
		ret = usbblk_comp_errno(code);
		trace_usbblk_cmd_done(control, code, hc->cmd.slot);
		if (ret)
			dev_dbg(hc->dev, "%s (slot %lu): completion code %u: %d\n",
				cmd_name(control), FIELD_GET(TRB_SLOT_ID, control), code, ret);
	}
	/* the TRB is consumed whatever the outcome */
	usbblk_ring_set_deq(&hc->cmd.ring, hc->cmd.ring.enq);
	mutex_unlock(&hc->cmd.mutex);
	return ret;
}

/**
 * usbblk_cmd() - run one command and wait for its completion
 * @hc:		the controller
 * @param:	words 0-1 of the command TRB
 * @control:	word 3 without the cycle bit (type, slot, flags)
 * @slot_out:	if not NULL, the slot ID the completion event carried
 *
 * Not killable (commands are short and must finish to keep the
 * controller's state and ours in step), bounded by USBBLK_CMD_TIMEOUT_MS.
 *
 * Context: process context (the port work, an ioctl); sleeps.
 *
 * Return: 0, -ETIMEDOUT (the command was aborted), -ENODEV (controller
 * gone) or the completion code as an errno (usbblk_comp_errno()).
 */
int usbblk_cmd(struct usbblk_hc *hc, u64 param, u32 control, u8 *slot_out)
{
	return cmd_run(hc, param, control, slot_out, NULL);
}

/**
 * usbblk_cmd_timed() - run a command without parameters and time it
 * @hc:		the controller
 * @control:	word 3 without the cycle bit
 * @t:		filled with the doorbell, event and wake-up times on success
 *
 * As usbblk_cmd(); the No Op floor (floor.c) uses it.
 *
 * Return: as usbblk_cmd().
 */
int usbblk_cmd_timed(struct usbblk_hc *hc, u32 control, struct usbblk_cmd_times *t)
{
	return cmd_run(hc, 0, control, NULL, t);
}

/**
 * usbblk_cmd_enable_slot() - Enable Slot: get a device slot
 * @hc:		the controller
 * @slot_id:	the new slot's ID
 *
 * Return: 0, -ENOSPC when the controller has no free slot, or an errno.
 */
int usbblk_cmd_enable_slot(struct usbblk_hc *hc, u8 *slot_id)
{
	int ret = usbblk_cmd(hc, 0, FIELD_PREP(TRB_TYPE, TRB_TYPE_ENABLE_SLOT), slot_id);

	if (!ret && (!*slot_id || *slot_id > hc->caps.max_slots))
		return -EIO;
	return ret;
}

/**
 * usbblk_cmd_disable_slot() - Disable Slot: stop and free a device slot
 * @hc:		the controller
 * @slot_id:	the slot
 *
 * Return: 0 or an errno.
 */
int usbblk_cmd_disable_slot(struct usbblk_hc *hc, u8 slot_id)
{
	return usbblk_cmd(hc, 0, FIELD_PREP(TRB_TYPE, TRB_TYPE_DISABLE_SLOT) |
			  FIELD_PREP(TRB_SLOT_ID, slot_id), NULL);
}

/**
 * usbblk_cmd_address_device() - Address Device with the device's input context
 * @hc:		the controller
 * @udev:	the device, its input context prepared
 * @bsr:	Block Set Address Request: move the slot to Default only,
 *		without sending SET_ADDRESS
 *
 * Return: 0 or an errno.
 */
int usbblk_cmd_address_device(struct usbblk_hc *hc, struct usbblk_udev *udev, bool bsr)
{
	return usbblk_cmd(hc, udev->in_dma, FIELD_PREP(TRB_TYPE, TRB_TYPE_ADDRESS_DEVICE) |
			  FIELD_PREP(TRB_SLOT_ID, udev->slot_id) | (bsr ? TRB_BSR : 0), NULL);
}

/**
 * usbblk_cmd_eval_context() - Evaluate Context with the device's input context
 * @hc:		the controller
 * @udev:	the device
 *
 * Return: 0 or an errno.
 */
int usbblk_cmd_eval_context(struct usbblk_hc *hc, struct usbblk_udev *udev)
{
	return usbblk_cmd(hc, udev->in_dma, FIELD_PREP(TRB_TYPE, TRB_TYPE_EVAL_CONTEXT) |
			  FIELD_PREP(TRB_SLOT_ID, udev->slot_id), NULL);
}

/**
 * usbblk_cmd_config_ep() - Configure Endpoint with the device's input context
 * @hc:		the controller
 * @udev:	the device
 *
 * Return: 0 or an errno.
 */
int usbblk_cmd_config_ep(struct usbblk_hc *hc, struct usbblk_udev *udev)
{
	return usbblk_cmd(hc, udev->in_dma, FIELD_PREP(TRB_TYPE, TRB_TYPE_CONFIG_EP) |
			  FIELD_PREP(TRB_SLOT_ID, udev->slot_id), NULL);
}

/**
 * usbblk_cmd_stop_ep() - Stop Endpoint
 * @hc:	the controller
 * @ep:	the endpoint
 *
 * Return: 0 or an errno (-EINVAL style codes when it was not running).
 */
int usbblk_cmd_stop_ep(struct usbblk_hc *hc, struct usbblk_ep *ep)
{
	return usbblk_cmd(hc, 0, FIELD_PREP(TRB_TYPE, TRB_TYPE_STOP_EP) |
			  FIELD_PREP(TRB_EP_ID, ep->dci) |
			  FIELD_PREP(TRB_SLOT_ID, ep->udev->slot_id), NULL);
}

/**
 * usbblk_cmd_reset_ep() - Reset Endpoint (valid on a Halted endpoint only)
 * @hc:	the controller
 * @ep:	the endpoint
 *
 * Return: 0 or an errno.
 */
int usbblk_cmd_reset_ep(struct usbblk_hc *hc, struct usbblk_ep *ep)
{
	return usbblk_cmd(hc, 0, FIELD_PREP(TRB_TYPE, TRB_TYPE_RESET_EP) |
			  FIELD_PREP(TRB_EP_ID, ep->dci) |
			  FIELD_PREP(TRB_SLOT_ID, ep->udev->slot_id), NULL);
}

/**
 * usbblk_cmd_set_deq() - Set TR Dequeue Pointer to the ring's enqueue pointer
 * @hc:	the controller
 * @ep:	a Stopped or Error endpoint
 *
 * Every TD still on the ring is skipped.
 *
 * Return: 0 or an errno.
 */
int usbblk_cmd_set_deq(struct usbblk_hc *hc, struct usbblk_ep *ep)
{
	u64 deq = usbblk_ring_dma(&ep->ring, ep->ring.enq) | ep->ring.cycle;
	int ret;

	ret = usbblk_cmd(hc, deq, FIELD_PREP(TRB_TYPE, TRB_TYPE_SET_DEQ) |
			 FIELD_PREP(TRB_EP_ID, ep->dci) |
			 FIELD_PREP(TRB_SLOT_ID, ep->udev->slot_id), NULL);
	if (!ret)
		usbblk_ring_set_deq(&ep->ring, ep->ring.enq);
	return ret;
}
