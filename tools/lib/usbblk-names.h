/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names for the values the usbblk ABI reports, shared by usbblkctl and
 * the selftests.
 */
#ifndef _USBBLK_NAMES_H
#define _USBBLK_NAMES_H

#include <stdio.h>
#include <linux/usb/ch9.h>
#include <linux/usbblk.h>

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

static inline const char *usbblk_state_name(unsigned int state)
{
	switch (state) {
	case USBBLK_DEV_ADDRESSED:	return "addressed";
	case USBBLK_DEV_CONFIGURED:	return "configured";
	default:			return "failed";
	}
}

/* A port path as "5" or "5.2": root port, then the hub ports. */
static inline void usbblk_path_name(const __u8 *path, unsigned int depth, char *buf,
				    size_t size)
{
	unsigned int i;
	int n = snprintf(buf, size, "%u", path[0]);

	for (i = 1; i <= depth && i <= USBBLK_MAX_TIERS && n < (int)size; i++)
		n += snprintf(buf + n, size - n, ".%u", path[i]);
}

#endif
