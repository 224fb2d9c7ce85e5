// SPDX-License-Identifier: GPL-2.0
/*
 * Device and input contexts (xHCI 6.2).
 *
 * A device context is a slot context followed by 31 endpoint contexts; an
 * input context puts an input control context in front.  Each context is
 * 32 or 64 bytes (HCCPARAMS1.CSZ), of which the first 32 are used.
 */
#include <linux/bitfield.h>
#include <linux/usb/ch9.h>

#include "ctx.h"
#include "enum.h"
#include "hc.h"

static __le32 *ctx_at(struct usbblk_udev *udev, void *base, unsigned int i)
{
	return base + i * udev->hc->ctx_size;
}

/**
 * usbblk_ctx_in_control() - the input control context
 * @udev: the device
 *
 * Return: its eight words.
 */
__le32 *usbblk_ctx_in_control(struct usbblk_udev *udev)
{
	return ctx_at(udev, udev->in_ctx, 0);
}

/**
 * usbblk_ctx_in_slot() - the input slot context
 * @udev: the device
 *
 * Return: its words.
 */
__le32 *usbblk_ctx_in_slot(struct usbblk_udev *udev)
{
	return ctx_at(udev, udev->in_ctx, 1);
}

/**
 * usbblk_ctx_in_ep() - an input endpoint context
 * @udev: the device
 * @dci:  device context index, 1..31
 *
 * Return: its words.
 */
__le32 *usbblk_ctx_in_ep(struct usbblk_udev *udev, unsigned int dci)
{
	return ctx_at(udev, udev->in_ctx, 1 + dci);
}

/**
 * usbblk_ctx_out_slot() - the slot context the controller maintains
 * @udev: the device
 *
 * Return: its words (read only).
 */
__le32 *usbblk_ctx_out_slot(struct usbblk_udev *udev)
{
	return ctx_at(udev, udev->out_ctx, 0);
}

/**
 * usbblk_ctx_out_ep() - an endpoint context the controller maintains
 * @udev: the device
 * @dci:  device context index, 1..31
 *
 * Return: its words (read only).
 */
__le32 *usbblk_ctx_out_ep(struct usbblk_udev *udev, unsigned int dci)
{
	return ctx_at(udev, udev->out_ctx, dci);
}

/**
 * usbblk_ctx_clear_in() - zero the input context before building a command
 * @udev: the device
 */
void usbblk_ctx_clear_in(struct usbblk_udev *udev)
{
	memset(udev->in_ctx, 0, USBBLK_IN_CTX_ENTRIES * udev->hc->ctx_size);
}

/**
 * usbblk_ctx_slot_update() - start a change of a configured device's slot
 * context
 * @udev: the device, its input context cleared
 *
 * Copies the slot context the controller keeps into the input context,
 * with word 3 (its state and address, the controller's) zeroed, and sets
 * the slot's Add flag.  The caller changes the fields it means to.
 *
 * Return: the input slot context's words.
 */
__le32 *usbblk_ctx_slot_update(struct usbblk_udev *udev)
{
	__le32 *s = usbblk_ctx_in_slot(udev);

	memcpy(s, usbblk_ctx_out_slot(udev), 4 * sizeof(*s));
	s[3] = 0;
	usbblk_ctx_in_control(udev)[ICC_ADD] |= cpu_to_le32(ICC_SLOT);
	return s;
}

/*
 * 6.2.3.6: Interval is 2^Interval * 125 us.  Full/low-speed interrupt
 * endpoints give bInterval in frames (1 ms); high and SuperSpeed give the
 * exponent + 1.
 */
static u32 ep_interval(unsigned int speed, const struct usbblk_ep_info *info)
{
	unsigned int b = info->interval;

	if (speed >= USB_SPEED_HIGH)
		return clamp(b, 1U, 16U) - 1;
	b = clamp(b, 1U, 255U);
	return clamp_t(u32, fls(b * 8) - 1, 3, 10);
}

/**
 * usbblk_ctx_ep_setup() - describe an endpoint in the input context
 * @udev:	the device
 * @ep:		the endpoint, its ring allocated
 * @info:	what its descriptor said (interval, burst); NULL for EP0
 *
 * Sets the endpoint's Add flag.  Error count 3 (the usual), the dequeue
 * pointer at the ring's enqueue pointer with the ring's cycle state.
 */
void usbblk_ctx_ep_setup(struct usbblk_udev *udev, struct usbblk_ep *ep,
			 const struct usbblk_ep_info *info)
{
	__le32 *c = usbblk_ctx_in_ep(udev, ep->dci);
	unsigned int speed = udev->info.speed;
	u32 avg = ep->type == EP_TYPE_CONTROL ? 8 : ep->maxp;
	u64 deq = usbblk_ring_dma(&ep->ring, ep->ring.enq) | ep->ring.cycle;
	u32 w0 = 0;

	if (info && (ep->type == EP_TYPE_INT_IN || ep->type == EP_TYPE_INT_OUT))
		w0 |= FIELD_PREP(EP_INTERVAL, ep_interval(speed, info));
	c[0] = cpu_to_le32(w0);
	c[1] = cpu_to_le32(FIELD_PREP(EP_CERR, 3) | FIELD_PREP(EP_TYPE, ep->type) |
			   FIELD_PREP(EP_MAX_BURST, info ? info->max_burst : 0) |
			   FIELD_PREP(EP_MAX_PACKET, ep->maxp));
	c[2] = cpu_to_le32(lower_32_bits(deq));
	c[3] = cpu_to_le32(upper_32_bits(deq));
	/* interrupt endpoints: Max ESIT Payload = one packet a service interval */
	c[4] = cpu_to_le32(FIELD_PREP(EP_AVG_TRB_LEN, avg) |
			   (ep->type == EP_TYPE_INT_IN ?
			    FIELD_PREP(EP_MAX_ESIT_LO, ep->maxp) : 0));
	usbblk_ctx_in_control(udev)[ICC_ADD] |= cpu_to_le32(BIT(ep->dci));
}
