/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * usb_stack.h - the names of the C stack in usbblk's product story (the
 * seed article's cgo snippet), on top of libusbblk:
 *
 *	// #include "usb_stack.h"
 *	import "C"
 *	C.usb_enumerate()
 *	dev := C.usb_get_device_by_class(0x08, 0x06)
 *	if dev == nil { ... }
 *
 * works as written.  The functions are static inline and keep the last
 * tree in a variable of the including file (in Go, of the Go file whose
 * preamble includes this): not thread-safe; new code uses libusbblk.h
 * directly.
 */
#ifndef _USB_STACK_H
#define _USB_STACK_H

#include "libusbblk.h"

/** typedef usb_device - a device of the seed's stack is a libusbblk device */
typedef struct usbblk_device usb_device;

/* the tree of the last usb_enumerate(), one per including file */
static inline struct usbblk_tree **usb_stack_tree(void)
{
	static struct usbblk_tree *tree;

	return &tree;
}

/**
 * usb_enumerate() - rescan every controller and remember what is there
 *
 * The devices of an earlier call (and pointers to them) are freed.
 *
 * Return: 0 or -errno of usbblk_enumerate() (the earlier tree is then kept).
 */
static inline int usb_enumerate(void)
{
	struct usbblk_tree *tree;
	int ret = usbblk_enumerate(0, &tree);

	if (ret)
		return ret;
	usbblk_tree_free(*usb_stack_tree());
	*usb_stack_tree() = tree;
	return 0;
}

/**
 * usb_get_device_by_class() - the first device of a class, e.g. 0x08, 0x06
 * @cls:	interface (or device) class, e.g. 0x08 mass storage
 * @subclass:	its subclass, e.g. 0x06 SCSI transparent command set
 *
 * Enumerates first if usb_enumerate() was not called.  Its LUN nodes are
 * dev->luns[0 .. dev->nluns - 1].node ("/dev/usbblk0" ...).
 *
 * Return: the device, valid until the next usb_enumerate() or
 * usb_stack_release(), or NULL if there is none.
 */
static inline usb_device *usb_get_device_by_class(int cls, int subclass)
{
	struct usbblk_device *dev;

	if (!*usb_stack_tree() && usb_enumerate())
		return NULL;
	return usbblk_find_by_class(*usb_stack_tree(), cls, subclass, &dev, 1) > 0 ? dev : NULL;
}

/** usb_stack_release() - free what usb_enumerate() remembered */
static inline void usb_stack_release(void)
{
	usbblk_tree_free(*usb_stack_tree());
	*usb_stack_tree() = NULL;
}

#endif /* _USB_STACK_H */
