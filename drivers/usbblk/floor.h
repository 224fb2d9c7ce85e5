/* SPDX-License-Identifier: GPL-2.0 */
/* The round trip of an xHCI No Op command, in debugfs (floor.c). */
#ifndef _USBBLK_FLOOR_H
#define _USBBLK_FLOOR_H

struct usbblk_hc;

void usbblk_floor_debugfs_add(struct usbblk_hc *hc);

#endif /* _USBBLK_FLOOR_H */
