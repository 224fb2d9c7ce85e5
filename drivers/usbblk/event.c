// SPDX-License-Identifier: GPL-2.0
/*
 * The event ring of interrupter 0, walked by the threaded IRQ handler.
 *
 * The hard handler (xhci.c) has acknowledged the interrupt.  Here, in the
 * IRQ thread (SCHED_FIFO on PREEMPT_RT), every event whose cycle bit says
 * it is new is dispatched: command completions wake the command waiter,
 * transfer events complete the TD they name, port status changes kick the
 * port work.  ERDP is written once per batch, with EHB to re-arm the
 * interrupter.  A caller polling for its completion (USBBLK_IO_POLL)
 * walks the same ring from process context; hc->ev_lock makes the two
 * take turns, so each event is dispatched once, by whoever took it.
 */
#include <linux/bitfield.h>
#include <linux/io-64-nonatomic-lo-hi.h>

#include "cmd.h"
#include "enum.h"
#include "hc.h"
#include "trace.h"
#include "xfer.h"
#include "xhci-regs.h"

static void event_command(struct usbblk_hc *hc, const struct usbblk_trb *ev)
{
	usbblk_cmd_complete(hc, evt_trb_ptr(ev), evt_comp_code(ev), evt_slot(ev));
}

static void event_transfer(struct usbblk_hc *hc, const struct usbblk_trb *ev)
{
	u64 ptr = evt_trb_ptr(ev);
	unsigned int slot = evt_slot(ev);
	unsigned int dci = evt_ep(ev);
	struct usbblk_udev *udev;
	struct usbblk_ep *ep;
	int idx;

	spin_lock(&hc->lock);
	udev = slot < USBBLK_MAX_SLOTS ? hc->slots[slot] : NULL;
	ep = udev && dci < ARRAY_SIZE(udev->eps) ? udev->eps[dci] : NULL;
	idx = ep ? usbblk_ring_index(&ep->ring, ptr) : -ERANGE;
	if (!ep || !ep->busy || evt_is_event_data(ev) || idx < 0 ||
	    !usbblk_td_contains(&ep->ring, &ep->td, idx)) {
		/* a late event for a TD already completed or abandoned */
		trace_usbblk_stale_event(slot, dci, ptr, evt_comp_code(ev));
		spin_unlock(&hc->lock);
		return;
	}
	usbblk_ep_event(hc, ep, idx, evt_comp_code(ev), evt_len(ev));
	spin_unlock(&hc->lock);
}

static void event_port(struct usbblk_hc *hc, const struct usbblk_trb *ev)
{
	unsigned int port = evt_port(ev);

	if (!port || port > hc->caps.max_ports)
		return;
	if (usbblk_xhci_portsc(hc, port) & XHCI_PORTSC_CSC)
		WRITE_ONCE(hc->port_connect_ns[port], ktime_get_ns());
	set_bit(port, hc->port_changed);
	queue_work(hc->wq, &hc->port_work);
}

/*
 * Walk the ring: dispatch every new event, then ERDP with EHB set (RW1C):
 * events up to here are handled.  Caller holds hc->ev_lock.  Return: the
 * events handled.
 */
static unsigned int event_walk(struct usbblk_hc *hc)
{
	struct usbblk_ring *r = &hc->ev_ring;
	void __iomem *ir = hc->rt + XHCI_RT_IR(0);
	unsigned int n = 0;

	lockdep_assert_held(&hc->ev_lock);
	if (!hc->running)
		return 0;
	while (usbblk_evring_ready(r)) {
		const struct usbblk_trb *ev = &r->trbs[r->deq];
		u32 type;

		/* read the event only after its cycle bit said it is complete */
		dma_rmb();
		type = trb_type(ev);
		trace_usbblk_event(ev, type);
		switch (type) {
		case TRB_TYPE_CMD_COMP_EV:
			event_command(hc, ev);
			break;
		case TRB_TYPE_TRANSFER_EV:
			event_transfer(hc, ev);
			break;
		case TRB_TYPE_PORT_EV:
			event_port(hc, ev);
			break;
		case TRB_TYPE_HC_EV:
			dev_err(hc->dev, "host controller event, code %u\n",
				evt_comp_code(ev));
			break;
		default:
			dev_dbg(hc->dev, "ignoring event type %u\n", type);
			break;
		}
		usbblk_evring_advance(r);
		n++;
	}
	if (n)
		lo_hi_writeq(usbblk_ring_dma(r, r->deq) | XHCI_ERDP_EHB, ir + XHCI_IR_ERDP);
	return n;
}

/**
 * usbblk_event_thread() - threaded interrupt handler: walk the event ring
 * @irq:  the IRQ
 * @data: the controller
 *
 * A polling caller (usbblk_event_poll()) may have taken the events the
 * interrupt announced: then there is nothing left to do but re-arm.
 *
 * Return: IRQ_HANDLED.
 */
irqreturn_t usbblk_event_thread(int irq, void *data)
{
	struct usbblk_hc *hc = data;
	void __iomem *ir = hc->rt + XHCI_RT_IR(0);
	struct usbblk_ring *r = &hc->ev_ring;

	if (!hc->running)
		return IRQ_HANDLED;
	mutex_lock(&hc->ev_lock);
	/* nothing new (a poller was first): clear EHB all the same */
	if (!event_walk(hc) && hc->running)
		lo_hi_writeq(usbblk_ring_dma(r, r->deq) | XHCI_ERDP_EHB, ir + XHCI_IR_ERDP);
	mutex_unlock(&hc->ev_lock);
	return IRQ_HANDLED;
}

/**
 * usbblk_event_poll() - a caller reaps the event ring itself
 * @hc: the controller
 *
 * For USBBLK_IO_POLL (bot.c): instead of sleeping until the IRQ thread
 * completes its command, the caller walks the ring, dispatching every
 * event it finds, its own and others' (they complete whatever they name,
 * as in the IRQ thread).  When the IRQ thread is walking it already, this
 * does not wait for it: the caller looks at its command again.  Process
 * context; the caller keeps the controller's rings alive (it holds its
 * device's io_lock).
 *
 * Return: the events handled.
 */
unsigned int usbblk_event_poll(struct usbblk_hc *hc)
{
	unsigned int n = 0;

	if (mutex_trylock(&hc->ev_lock)) {
		n = event_walk(hc);
		mutex_unlock(&hc->ev_lock);
	}
	return n;
}
