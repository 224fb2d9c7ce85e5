/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device and input contexts (ctx.c, xHCI 6.2): where each context of a
 * device lives, and the few ways usbblk fills them.
 */
#ifndef _USBBLK_CTX_H
#define _USBBLK_CTX_H

#include <asm/byteorder.h>
#include <linux/types.h>

#include "desc.h"
#include "trb.h"

struct usbblk_udev;
struct usbblk_ep;

__le32 *usbblk_ctx_in_control(struct usbblk_udev *udev);
__le32 *usbblk_ctx_in_slot(struct usbblk_udev *udev);
__le32 *usbblk_ctx_in_ep(struct usbblk_udev *udev, unsigned int dci);
__le32 *usbblk_ctx_out_slot(struct usbblk_udev *udev);
__le32 *usbblk_ctx_out_ep(struct usbblk_udev *udev, unsigned int dci);
void usbblk_ctx_clear_in(struct usbblk_udev *udev);
void usbblk_ctx_ep_setup(struct usbblk_udev *udev, struct usbblk_ep *ep,
			 const struct usbblk_ep_info *info);
__le32 *usbblk_ctx_slot_update(struct usbblk_udev *udev);

/**
 * usbblk_ctx_ep_deq() - the TR Dequeue Pointer an endpoint context holds
 * @c: the endpoint context (input or output)
 *
 * Return: the bus address of the TRB the controller takes next (the
 * Dequeue Cycle State and the reserved bits masked off).
 */
static inline u64 usbblk_ctx_ep_deq(const __le32 *c)
{
	return ((u64)le32_to_cpu(c[3]) << 32 | le32_to_cpu(c[2])) & EP_DEQ_PTR;
}

#endif /* _USBBLK_CTX_H */
