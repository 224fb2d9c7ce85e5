/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names for the values the usbblk ABI reports, shared by usbblkctl and
 * the selftests.
 */
#ifndef _USBBLK_NAMES_H
#define _USBBLK_NAMES_H

#include <linux/usb/ch9.h>

static inline const char *usbblk_speed_name(unsigned int speed)
{
	switch (speed) {
	case USB_SPEED_LOW:		return "low-speed";
	case USB_SPEED_FULL:		return "full-speed";
	case USB_SPEED_HIGH:		return "high-speed";
	case USB_SPEED_WIRELESS:	return "wireless";
	case USB_SPEED_SUPER:		return "super-speed";
	case USB_SPEED_SUPER_PLUS:	return "super-speed-plus";
	default:			return "unknown";
	}
}

#endif
