/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device and input contexts (ctx.c, xHCI 6.2): where each context of a
 * device lives, and the few ways usbblk fills them.
 */
#ifndef _USBBLK_CTX_H
#define _USBBLK_CTX_H

#include <linux/types.h>

#include "desc.h"

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

#endif /* _USBBLK_CTX_H */
