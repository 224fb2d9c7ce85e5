/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transfers on an endpoint's ring (xfer.c): control transfers on EP0, bulk
 * and interrupt TDs over DMA segments, their completion from the event
 * thread, and the recovery of a halted or stopped endpoint.
 */
#ifndef _USBBLK_XFER_H
#define _USBBLK_XFER_H

#include <linux/completion.h>
#include <linux/types.h>

#include "ring.h"

struct usbblk_hc;
struct usbblk_udev;

/* Every control transfer is bounded (5 s is what slow sticks need). */
#define USBBLK_CTRL_TIMEOUT_MS	5000

/**
 * struct usbblk_ep - one endpoint and its transfer ring
 * @udev:	its device
 * @dci:	device context index (1 = EP0, 2 * number + direction)
 * @addr:	bEndpointAddress
 * @type:	EP_TYPE_* of the endpoint context
 * @maxp:	max packet size
 * @ring:	its transfer ring
 * @td:		the TD in flight
 * @busy:	a TD is queued and not yet completed (under hc->lock)
 * @data_idx:	control: index of the data stage TRB, -1 if none
 * @short_seen:	control: the data stage ended short
 * @comp_code:	completion code of the finished TD
 * @actual:	bytes the finished TD transferred
 * @done:	completed by the event handler (or by teardown)
 * @complete:	for a transfer nobody waits for on @done (usbblk_intr_submit(),
 *		usbblk_bulk_queue()): called when a TD ends, by the event
 *		thread or by teardown (usbblk_ep_abort_all(), @comp_code
 *		COMP_INVALID), hc->lock held, instead of completing @done;
 *		must not sleep
 * @context:	@complete's owner (e.g. the mass-storage device)
 */
struct usbblk_ep {
	struct usbblk_udev *udev;
	u8 dci;
	u8 addr;
	u8 type;
	u16 maxp;
	struct usbblk_ring ring;
	struct usbblk_td td;
	bool busy;
	int data_idx;
	bool short_seen;
	u32 comp_code;
	u32 actual;
	struct completion done;
	void (*complete)(struct usbblk_ep *ep);
	void *context;
};

int usbblk_ep_alloc(struct usbblk_udev *udev, struct usbblk_ep *ep, u8 addr, u8 type,
		    u16 maxp);
void usbblk_ep_free(struct usbblk_udev *udev, struct usbblk_ep *ep);
int usbblk_control(struct usbblk_udev *udev, u8 type, u8 req, u16 value, u16 index,
		   void *data, u16 len, unsigned int timeout_ms);
int usbblk_bulk_queue(struct usbblk_ep *ep, const struct usbblk_seg *segs,
		      unsigned int nsegs);
void usbblk_ep_cancel(struct usbblk_ep *ep);
int usbblk_intr_submit(struct usbblk_ep *ep, const struct usbblk_seg *seg);
int usbblk_ep_recover(struct usbblk_ep *ep);
int usbblk_ep_clear_halt(struct usbblk_ep *ep);
void usbblk_ep_event(struct usbblk_hc *hc, struct usbblk_ep *ep, unsigned int idx,
		     u32 code, u32 residue);
void usbblk_ep_abort_all(struct usbblk_udev *udev);

#endif /* _USBBLK_XFER_H */
