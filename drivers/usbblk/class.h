/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What enumeration asks of a device class driver (mass storage, hub).
 *
 * Enumeration addresses a device and reads its descriptors, then offers
 * it to each class in usbblk_classes[] (core.c) in turn:
 *
 *   probe   "is this configuration yours?"  0 claims it and lists the
 *           endpoints the class needs (usbblk_class_want()); -ENODEV
 *           passes.  No transfer may be made yet.
 *   -       enumeration gives those endpoints rings, adds them with one
 *           Configure Endpoint, sends SET_CONFIGURATION
 *   attach  the device is configured with exactly the endpoints asked
 *           for (in that order); bring the class up.  An error marks the
 *           device failed (ENUMERATE shows it); detach still runs.
 *   rescan  (optional) every port work pass: a hub scans its ports
 *   unplug  (optional) the device is leaving, its slot still enabled, its
 *           transfers still possible: a hub disconnects its children
 *   detach  the device is gone (udev->gone set, its slot disabled, its
 *           transfers failed): the controller touches none of the
 *           class's memory any more; free it
 *
 * All of them run in the port work with hc->enum_lock held and may sleep.
 * A class calls down into enumeration (usbblk_udev_enumerate(), ...),
 * transfers and contexts; enumeration never calls a class by name.
 */
#ifndef _USBBLK_CLASS_H
#define _USBBLK_CLASS_H

#include <linux/errno.h>
#include <linux/types.h>

#include "desc.h"

struct usbblk_udev;
struct usbblk_ep;

#define USBBLK_CLASS_MAX_EPS	4

/**
 * struct usbblk_class_eps - the endpoints a class asked for, and got
 * @n:		how many
 * @info:	what the descriptor said of each
 * @type:	EP_TYPE_* of each
 * @ep:		each endpoint, its ring allocated (filled by enumeration)
 */
struct usbblk_class_eps {
	unsigned int n;
	const struct usbblk_ep_info *info[USBBLK_CLASS_MAX_EPS];
	u8 type[USBBLK_CLASS_MAX_EPS];
	struct usbblk_ep *ep[USBBLK_CLASS_MAX_EPS];
};

/**
 * struct usbblk_class_ops - a device class driver
 * @name:	for messages
 * @info_flag:	USBBLK_DEV_* flag ENUMERATE reports for a claimed device
 * @probe:	claim the device's configuration (udev->cfg) and list the
 *		endpoints wanted: 0, or -ENODEV when not this class's
 * @attach:	the device is configured: bring the class up; 0 or an errno
 * @rescan:	optional: a port work pass
 * @unplug:	optional: the device is leaving, its slot still enabled
 * @detach:	the device is gone and the controller done with it: free
 */
struct usbblk_class_ops {
	const char *name;
	u32 info_flag;
	int (*probe)(struct usbblk_udev *udev, struct usbblk_class_eps *eps);
	int (*attach)(struct usbblk_udev *udev, const struct usbblk_class_eps *eps);
	void (*rescan)(struct usbblk_udev *udev);
	void (*unplug)(struct usbblk_udev *udev);
	void (*detach)(struct usbblk_udev *udev);
};

/* The classes usbblk drives, in the order they are offered a device (core.c). */
extern const struct usbblk_class_ops *const usbblk_classes[];

/**
 * usbblk_class_want() - a probe asks for an endpoint
 * @eps:	the list being filled
 * @info:	the endpoint's descriptor data (must have an address)
 * @type:	EP_TYPE_*
 *
 * Return: 0, or -E2BIG when the list is full.
 */
static inline int usbblk_class_want(struct usbblk_class_eps *eps,
				    const struct usbblk_ep_info *info, u8 type)
{
	if (eps->n >= USBBLK_CLASS_MAX_EPS)
		return -E2BIG;
	eps->info[eps->n] = info;
	eps->type[eps->n] = type;
	eps->n++;
	return 0;
}

#endif /* _USBBLK_CLASS_H */
