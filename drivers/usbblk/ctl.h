/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The controller's character device, /dev/usbblk-hcN (ctl.c).
 */
#ifndef _USBBLK_CTL_H
#define _USBBLK_CTL_H

struct usbblk_hc;

int usbblk_ctl_register(struct usbblk_hc *hc);
void usbblk_ctl_unregister(struct usbblk_hc *hc);

#endif /* _USBBLK_CTL_H */
