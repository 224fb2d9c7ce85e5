// SPDX-License-Identifier: GPL-2.0
/*
 * Bulk-Only Transport: the Command Block Wrapper and the checks a Command
 * Status Wrapper must pass (BOT 6.3) before its status means anything.
 */
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "cbw.h"

/**
 * usbblk_cbw_fill() - build a CBW
 * @cbw:	filled in (US_BULK_CB_WRAP_LEN bytes go on the wire)
 * @tag:	unique per command; the CSW must echo it
 * @len:	bytes of the data stage
 * @in:		data stage is device-to-host
 * @lun:	target LUN (0..15)
 * @cdb:	the SCSI command
 * @cdb_len:	its length, 1..16
 */
void usbblk_cbw_fill(struct bulk_cb_wrap *cbw, u32 tag, u32 len, bool in, u8 lun,
		     const u8 *cdb, u8 cdb_len)
{
	memset(cbw, 0, sizeof(*cbw));
	cbw->Signature = cpu_to_le32(US_BULK_CB_SIGN);
	cbw->Tag = tag;		/* opaque to the device, echoed as sent */
	cbw->DataTransferLength = cpu_to_le32(len);
	cbw->Flags = in ? US_BULK_FLAG_IN : US_BULK_FLAG_OUT;
	cbw->Lun = lun & 0x0f;
	cbw->Length = cdb_len;
	memcpy(cbw->CDB, cdb, cdb_len > 16 ? 16 : cdb_len);
}

/**
 * usbblk_csw_check() - is this CSW valid and meaningful (BOT 6.3)?
 * @csw:	what the device sent
 * @got:	bytes it sent
 * @tag:	the tag of our CBW
 * @expected:	dCBWDataTransferLength of our CBW
 * @residue:	the device's residue, when valid
 *
 * A CSW is valid when it is 13 bytes with the right signature and our
 * tag; it is meaningful when its status is Passed or Failed and its
 * residue does not exceed what we asked for.  A Phase Error, or a CSW
 * that is not valid or not meaningful, calls for reset recovery.
 *
 * Return: USBBLK_CSW_GOOD or USBBLK_CSW_FAILED, or -EPROTO (reset
 * recovery needed).
 */
int usbblk_csw_check(const struct bulk_cs_wrap *csw, unsigned int got, u32 tag,
		     u32 expected, u32 *residue)
{
	if (got != US_BULK_CS_WRAP_LEN)
		return -EPROTO;
	if (le32_to_cpu(csw->Signature) != US_BULK_CS_SIGN || csw->Tag != tag)
		return -EPROTO;
	*residue = le32_to_cpu(csw->Residue);
	if (*residue > expected)
		return -EPROTO;
	switch (csw->Status) {
	case US_BULK_STAT_OK:
		return USBBLK_CSW_GOOD;
	case US_BULK_STAT_FAIL:
		return USBBLK_CSW_FAILED;
	default:		/* Phase Error, or a reserved value */
		return -EPROTO;
	}
}
