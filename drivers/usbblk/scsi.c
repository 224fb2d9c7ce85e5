// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI for USB sticks (SPC-4, SBC-3): the commands usbblk needs, built and
 * parsed without touching hardware.  Every answer a device gives is
 * length-checked before use; nothing here trusts a device.
 *
 * Sense -> errno (what READ/WRITE_SECTOR and SYNC return):
 *
 *   NO SENSE, with a failed status   EIO
 *   RECOVERED ERROR                  0 (the command succeeded)
 *   NOT READY                        ENOMEDIUM (medium not present, 3A/xx,
 *                                    or not ready for another reason)
 *   MEDIUM ERROR, HARDWARE ERROR     EIO
 *   ILLEGAL REQUEST                  ERANGE for LBA out of range (21/xx),
 *                                    EOPNOTSUPP for an invalid opcode
 *                                    (20/xx), else EINVAL
 *   UNIT ATTENTION                   EAGAIN (medium changed or reset: the
 *                                    caller may retry once)
 *   DATA PROTECT                     EROFS
 *   VOLUME OVERFLOW                  ENOSPC
 *   ABORTED COMMAND, anything else   EIO
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include <scsi/scsi_proto.h>

#include "scsi.h"

/**
 * usbblk_cdb_inquiry() - INQUIRY, standard data
 * @cdb:	 16-byte buffer, filled
 * @alloc_len:	 bytes the device may return
 *
 * Return: the CDB length.
 */
unsigned int usbblk_cdb_inquiry(u8 *cdb, u8 alloc_len)
{
	memset(cdb, 0, USBBLK_CDB_MAX);
	cdb[0] = INQUIRY;
	cdb[4] = alloc_len;
	return 6;
}

/**
 * usbblk_cdb_test_unit_ready() - TEST UNIT READY
 * @cdb: 16-byte buffer, filled
 *
 * Return: the CDB length.
 */
unsigned int usbblk_cdb_test_unit_ready(u8 *cdb)
{
	memset(cdb, 0, USBBLK_CDB_MAX);
	cdb[0] = TEST_UNIT_READY;
	return 6;
}

/**
 * usbblk_cdb_request_sense() - REQUEST SENSE (fixed format asked for)
 * @cdb:	16-byte buffer, filled
 * @alloc_len:	bytes the device may return
 *
 * Return: the CDB length.
 */
unsigned int usbblk_cdb_request_sense(u8 *cdb, u8 alloc_len)
{
	memset(cdb, 0, USBBLK_CDB_MAX);
	cdb[0] = REQUEST_SENSE;
	cdb[4] = alloc_len;
	return 6;
}

/**
 * usbblk_cdb_read_capacity10() - READ CAPACITY(10)
 * @cdb: 16-byte buffer, filled
 *
 * Return: the CDB length.
 */
unsigned int usbblk_cdb_read_capacity10(u8 *cdb)
{
	memset(cdb, 0, USBBLK_CDB_MAX);
	cdb[0] = READ_CAPACITY;
	return 10;
}

/**
 * usbblk_cdb_read_capacity16() - READ CAPACITY(16) (SERVICE ACTION IN(16))
 * @cdb:	16-byte buffer, filled
 * @alloc_len:	bytes the device may return
 *
 * Return: the CDB length.
 */
unsigned int usbblk_cdb_read_capacity16(u8 *cdb, u8 alloc_len)
{
	memset(cdb, 0, USBBLK_CDB_MAX);
	cdb[0] = SERVICE_ACTION_IN_16;
	cdb[1] = SAI_READ_CAPACITY_16;
	put_unaligned_be32(alloc_len, &cdb[10]);
	return 16;
}

/**
 * usbblk_cdb_mode_sense6() - MODE SENSE(6), block descriptors disabled
 * @cdb:	16-byte buffer, filled
 * @page:	page code (0x3f = all pages)
 * @alloc_len:	bytes the device may return
 *
 * Return: the CDB length.
 */
unsigned int usbblk_cdb_mode_sense6(u8 *cdb, u8 page, u8 alloc_len)
{
	memset(cdb, 0, USBBLK_CDB_MAX);
	cdb[0] = MODE_SENSE;
	cdb[1] = 0x08;		/* DBD */
	cdb[2] = page & 0x3f;
	cdb[4] = alloc_len;
	return 6;
}

/**
 * usbblk_cdb_sync_cache10() - SYNCHRONIZE CACHE(10) of the whole medium
 * @cdb: 16-byte buffer, filled
 *
 * Return: the CDB length.
 */
unsigned int usbblk_cdb_sync_cache10(u8 *cdb)
{
	memset(cdb, 0, USBBLK_CDB_MAX);
	cdb[0] = SYNCHRONIZE_CACHE;
	return 10;
}

/**
 * usbblk_cdb_rw() - READ or WRITE, (10) when it fits, else (16)
 * @cdb:	16-byte buffer, filled
 * @write:	WRITE rather than READ
 * @lba:	first logical block
 * @blocks:	logical blocks, at least 1
 * @fua:	Force Unit Access
 *
 * The 10-byte form carries a 32-bit LBA and a 16-bit count; anything
 * beyond (an LBA past 2^32 - 1, e.g. beyond 2 TiB of 512-byte blocks)
 * takes the 16-byte form.
 *
 * Return: the CDB length.
 */
unsigned int usbblk_cdb_rw(u8 *cdb, bool write, u64 lba, u32 blocks, bool fua)
{
	memset(cdb, 0, USBBLK_CDB_MAX);
	/* written so that no sum can wrap, whatever the arguments */
	if (lba <= 0xffffffffULL && blocks <= 0xffff && blocks <= 0x100000000ULL - lba) {
		cdb[0] = write ? WRITE_10 : READ_10;
		cdb[1] = fua ? 0x08 : 0;
		put_unaligned_be32(lba, &cdb[2]);
		put_unaligned_be16(blocks, &cdb[7]);
		return 10;
	}
	cdb[0] = write ? WRITE_16 : READ_16;
	cdb[1] = fua ? 0x08 : 0;
	put_unaligned_be64(lba, &cdb[2]);
	put_unaligned_be32(blocks, &cdb[10]);
	return 16;
}

/* Copy a fixed-width ASCII field, drop trailing blanks, NUL-terminate. */
static void ascii_field(char *out, const u8 *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = in[i] >= 0x20 && in[i] < 0x7f ? in[i] : ' ';
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = 0;
}

/**
 * usbblk_parse_inquiry() - parse standard INQUIRY data
 * @buf:	what the device returned
 * @len:	bytes it returned
 * @out:	filled in
 *
 * Return: 0, or -EMSGSIZE when shorter than the 36 bytes that carry the
 * identification strings.
 */
int usbblk_parse_inquiry(const u8 *buf, size_t len, struct usbblk_inquiry *out)
{
	memset(out, 0, sizeof(*out));
	if (len < USBBLK_INQUIRY_LEN)
		return -EMSGSIZE;
	out->type = buf[0] & 0x1f;
	out->qualifier = buf[0] >> 5;
	out->removable = buf[1] & 0x80;
	ascii_field(out->vendor, &buf[8], 8);
	ascii_field(out->product, &buf[16], 16);
	ascii_field(out->revision, &buf[32], 4);
	return 0;
}

static bool block_size_valid(u32 bs)
{
	/* 512 B to 64 KiB, a power of two: what usbblk can split and map */
	return bs >= 512 && bs <= 65536 && !(bs & (bs - 1));
}

/**
 * usbblk_parse_capacity10() - parse READ CAPACITY(10) data
 * @buf:	 what the device returned
 * @len:	 bytes it returned
 * @blocks:	 logical blocks (last LBA + 1)
 * @block_size:	 bytes a block
 *
 * Return: 0; 1 when the device says 0xFFFFFFFF (ask READ CAPACITY(16));
 * -EMSGSIZE when short; -EPROTO for a block size usbblk cannot use.
 */
int usbblk_parse_capacity10(const u8 *buf, size_t len, u64 *blocks, u32 *block_size)
{
	u32 last;

	if (len < 8)
		return -EMSGSIZE;
	last = get_unaligned_be32(&buf[0]);
	*block_size = get_unaligned_be32(&buf[4]);
	if (last == 0xffffffff)
		return 1;
	if (!block_size_valid(*block_size))
		return -EPROTO;
	*blocks = (u64)last + 1;
	return 0;
}

/**
 * usbblk_parse_capacity16() - parse READ CAPACITY(16) data
 * @buf:	 what the device returned
 * @len:	 bytes it returned
 * @blocks:	 logical blocks (last LBA + 1)
 * @block_size:	 bytes a block
 *
 * Return: 0, -EMSGSIZE when short, -EPROTO for an unusable block size or
 * a last LBA of 2^64 - 1.
 */
int usbblk_parse_capacity16(const u8 *buf, size_t len, u64 *blocks, u32 *block_size)
{
	u64 last;

	if (len < 12)
		return -EMSGSIZE;
	last = get_unaligned_be64(&buf[0]);
	*block_size = get_unaligned_be32(&buf[8]);
	if (!block_size_valid(*block_size) || last == ~0ULL)
		return -EPROTO;
	*blocks = last + 1;
	return 0;
}

/**
 * usbblk_parse_mode_sense6_wp() - the write-protect bit of MODE SENSE(6) data
 * @buf:	what the device returned
 * @len:	bytes it returned
 * @wp:		WP of the device-specific parameter
 *
 * Return: 0, or -EMSGSIZE without the 4-byte header.
 */
int usbblk_parse_mode_sense6_wp(const u8 *buf, size_t len, bool *wp)
{
	if (len < 4)
		return -EMSGSIZE;
	*wp = buf[2] & 0x80;
	return 0;
}

/**
 * usbblk_parse_sense() - decode fixed or descriptor format sense data
 * @buf:	what REQUEST SENSE returned
 * @len:	bytes it returned
 * @out:	key, asc, ascq, response, info; @out->raw and @out->len too
 *		(zeroed first: the caller fills in opcode and error)
 *
 * Return: 0, -EMSGSIZE when too short for its format, -EPROTO for an
 * unknown response code.
 */
int usbblk_parse_sense(const u8 *buf, size_t len, struct usbblk_sense *out)
{
	size_t i, add;

	memset(out, 0, sizeof(*out));
	out->len = min(len, sizeof(out->raw));
	memcpy(out->raw, buf, out->len);
	if (len < 1)
		return -EMSGSIZE;
	out->response = buf[0] & 0x7f;
	switch (out->response) {
	case 0x70:
	case 0x71:
		if (len < 3)
			return -EMSGSIZE;
		out->key = buf[2] & 0x0f;
		if (len >= 14) {
			out->asc = buf[12];
			out->ascq = buf[13];
		}
		if ((buf[0] & 0x80) && len >= 7) {
			out->info = get_unaligned_be32(&buf[3]);
			out->info_valid = 1;
		}
		return 0;
	case 0x72:
	case 0x73:
		if (len < 8)
			return -EMSGSIZE;
		out->key = buf[1] & 0x0f;
		out->asc = buf[2];
		out->ascq = buf[3];
		/* descriptors: the information descriptor (type 0) has the LBA */
		add = min_t(size_t, buf[7], len - 8);
		for (i = 8; i + 2 <= 8 + add;) {
			u8 type = buf[i], dlen = buf[i + 1];

			if (i + 2 + dlen > 8 + add)
				break;
			if (type == 0x00 && dlen >= 0x0a) {
				out->info = get_unaligned_be64(&buf[i + 4]);
				out->info_valid = !!(buf[i + 2] & 0x80);
			}
			i += 2 + dlen;
		}
		return 0;
	default:
		return -EPROTO;
	}
}

/**
 * usbblk_sense_errno() - the errno a failed command returns (table above)
 * @s: its decoded sense
 *
 * Return: 0 for RECOVERED ERROR, else a negative errno.
 */
int usbblk_sense_errno(const struct usbblk_sense *s)
{
	switch (s->key) {
	case RECOVERED_ERROR:
		return 0;
	case NOT_READY:
		return -ENOMEDIUM;
	case ILLEGAL_REQUEST:
		if (s->asc == 0x21)
			return -ERANGE;
		if (s->asc == 0x20)
			return -EOPNOTSUPP;
		return -EINVAL;
	case UNIT_ATTENTION:
		return -EAGAIN;
	case DATA_PROTECT:
		return -EROFS;
	case VOLUME_OVERFLOW:
		return -ENOSPC;
	default:
		return -EIO;
	}
}
