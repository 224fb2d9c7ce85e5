/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for the kernel's <linux/usb/storage.h>, which is not a
 * uapi header: only the class codes the pure code uses.  Values from the USB
 * Mass Storage Class Specification Overview, as in the kernel header.
 */
#ifndef _USBBLK_SHIM_USB_STORAGE_H
#define _USBBLK_SHIM_USB_STORAGE_H
#define USB_SC_SCSI	0x06		/* Transparent */
#define USB_PR_BULK	0x50		/* bulk only */
#endif
