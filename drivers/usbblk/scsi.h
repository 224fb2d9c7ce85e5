/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCSI commands usbblk sends and the answers it parses: CDB building,
 * INQUIRY / READ CAPACITY / MODE SENSE parsing, sense decoding and the
 * sense -> errno table.  Hardware-free: also built into the host unit
 * tests and fuzzers.
 */
#ifndef _USBBLK_SCSI_H
#define _USBBLK_SCSI_H

#include <linux/types.h>
#include <uapi/linux/usbblk.h>

#define USBBLK_CDB_MAX		16
#define USBBLK_INQUIRY_LEN	36
#define USBBLK_SENSE_LEN	96	/* = sizeof(usbblk_sense.raw) */
#define USBBLK_CAP16_LEN	32
#define USBBLK_MODE6_LEN	192

/**
 * struct usbblk_inquiry - what INQUIRY said
 * @type:	peripheral device type (TYPE_DISK = 0)
 * @qualifier:	peripheral qualifier (0 = LUN present)
 * @removable:	RMB: removable medium
 * @vendor:	T10 vendor identification, trailing blanks removed
 * @product:	product identification, trailing blanks removed
 * @revision:	product revision level, trailing blanks removed
 */
struct usbblk_inquiry {
	u8 type;
	u8 qualifier;
	bool removable;
	char vendor[9];
	char product[17];
	char revision[5];
};

unsigned int usbblk_cdb_inquiry(u8 *cdb, u8 alloc_len);
unsigned int usbblk_cdb_test_unit_ready(u8 *cdb);
unsigned int usbblk_cdb_request_sense(u8 *cdb, u8 alloc_len);
unsigned int usbblk_cdb_read_capacity10(u8 *cdb);
unsigned int usbblk_cdb_read_capacity16(u8 *cdb, u8 alloc_len);
unsigned int usbblk_cdb_mode_sense6(u8 *cdb, u8 page, u8 alloc_len);
unsigned int usbblk_cdb_sync_cache10(u8 *cdb);
unsigned int usbblk_cdb_rw(u8 *cdb, bool write, u64 lba, u32 blocks, bool fua);

int usbblk_parse_inquiry(const u8 *buf, size_t len, struct usbblk_inquiry *out);
int usbblk_parse_capacity10(const u8 *buf, size_t len, u64 *blocks, u32 *block_size);
int usbblk_parse_capacity16(const u8 *buf, size_t len, u64 *blocks, u32 *block_size);
int usbblk_parse_mode_sense6_wp(const u8 *buf, size_t len, bool *wp);
int usbblk_parse_sense(const u8 *buf, size_t len, struct usbblk_sense *out);
int usbblk_sense_errno(const struct usbblk_sense *s);

#endif /* _USBBLK_SCSI_H */
