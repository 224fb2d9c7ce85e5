/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for the kernel's <linux/usb/storage.h>, which is not a
 * uapi header: the class codes and the Bulk-Only Transport wrappers the pure
 * code uses.  Values and layouts from the USB Mass Storage Class Bulk-Only
 * Transport specification, as in the kernel header.
 */
#ifndef _USBBLK_SHIM_USB_STORAGE_H
#define _USBBLK_SHIM_USB_STORAGE_H
#include <linux/types.h>

#define USB_SC_SCSI	0x06		/* Transparent */
#define USB_PR_BULK	0x50		/* bulk only */

struct bulk_cb_wrap {
	__le32	Signature;
	__u32	Tag;
	__le32	DataTransferLength;
	__u8	Flags;
	__u8	Lun;
	__u8	Length;
	__u8	CDB[16];
};

#define US_BULK_CB_WRAP_LEN	31
#define US_BULK_CB_SIGN		0x43425355
#define US_BULK_FLAG_IN		(1 << 7)
#define US_BULK_FLAG_OUT	0

struct bulk_cs_wrap {
	__le32	Signature;
	__u32	Tag;
	__le32	Residue;
	__u8	Status;
};

#define US_BULK_CS_WRAP_LEN	13
#define US_BULK_CS_SIGN		0x53425355
#define US_BULK_STAT_OK		0
#define US_BULK_STAT_FAIL	1
#define US_BULK_STAT_PHASE	2
#define US_BULK_RESET_REQUEST	0xff
#define US_BULK_GET_MAX_LUN	0xfe
#endif
