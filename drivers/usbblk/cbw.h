/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bulk-Only Transport wrappers (USB Mass Storage Class Bulk-Only
 * Transport 1.0, sections 5.1-5.3, 6.3): building a CBW, validating a
 * CSW.  Hardware-free: also built into the host unit tests and fuzzers.
 */
#ifndef _USBBLK_CBW_H
#define _USBBLK_CBW_H

#include <linux/types.h>
#include <linux/usb/storage.h>

/* What a CSW says, once checked (usbblk_csw_check()). */
enum usbblk_csw_result {
	USBBLK_CSW_GOOD = 0,	/* command passed */
	USBBLK_CSW_FAILED = 1,	/* command failed: ask REQUEST SENSE */
};

void usbblk_cbw_fill(struct bulk_cb_wrap *cbw, u32 tag, u32 len, bool in, u8 lun,
		     const u8 *cdb, u8 cdb_len);
int usbblk_csw_check(const struct bulk_cs_wrap *csw, unsigned int got, u32 tag,
		     u32 expected, u32 *residue);

#endif /* _USBBLK_CBW_H */
