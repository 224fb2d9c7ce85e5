/* SPDX-License-Identifier: GPL-2.0 */
/*
 * External hubs (hub.c): a device class driver and a client of
 * enumeration, which it asks to enumerate and disconnect what is on its
 * ports.
 */
#ifndef _USBBLK_HUB_H
#define _USBBLK_HUB_H

#include <linux/workqueue.h>

#include "class.h"

extern const struct usbblk_class_ops usbblk_hub_class;

void usbblk_hub_work(struct work_struct *work);

#endif /* _USBBLK_HUB_H */
