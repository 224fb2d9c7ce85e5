// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: whatever a device answers to REQUEST SENSE, INQUIRY,
 * READ CAPACITY or MODE SENSE, the parsers of drivers/usbblk/scsi.c must
 * neither read nor write out of bounds, and what they report on success
 * must follow from the bytes; the READ/WRITE CDB builder must encode any
 * LBA and count so that they decode back to what was asked, in the
 * smallest form that holds them.
 *
 * Input: the whole input is the device's answer, fed to every parser; its
 * first 13 bytes, when there are that many, also give an LBA (8 bytes), a
 * count (4) and flags (1) for the CDB builders.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <asm/unaligned.h>
#include <scsi/scsi_proto.h>
#include "scsi.h"

#define CHECK(x)	do { if (!(x)) __builtin_trap(); } while (0)

static int bs_valid(u32 bs)
{
	return bs >= 512 && bs <= 65536 && !(bs & (bs - 1));
}

static int printable(u8 c)
{
	return c >= 0x20 && c < 0x7f;
}

/* @s is @field[0..n) sanitised, trailing blanks dropped. */
static void check_ascii(const char *s, const u8 *field, size_t n)
{
	size_t len = strlen(s), i;

	CHECK(len <= n);
	CHECK(!len || s[len - 1] != ' ');
	for (i = 0; i < len; i++)
		CHECK(s[i] == (printable(field[i]) ? (char)field[i] : ' '));
	for (; i < n; i++)
		CHECK(field[i] == ' ' || !printable(field[i]));
}

static void fuzz_inquiry(const u8 *d, size_t n)
{
	static const struct usbblk_inquiry zero;
	struct usbblk_inquiry inq;
	int ret;

	memset(&inq, 0xa5, sizeof(inq));
	ret = usbblk_parse_inquiry(d, n, &inq);
	if (n < USBBLK_INQUIRY_LEN) {
		CHECK(ret == -EMSGSIZE && !memcmp(&inq, &zero, sizeof(inq)));
		return;
	}
	CHECK(ret == 0);
	CHECK(inq.type == (d[0] & 0x1f) && inq.qualifier == d[0] >> 5);
	CHECK(inq.removable == !!(d[1] & 0x80));
	check_ascii(inq.vendor, &d[8], 8);
	check_ascii(inq.product, &d[16], 16);
	check_ascii(inq.revision, &d[32], 4);
}

static void fuzz_capacity(const u8 *d, size_t n)
{
	u64 blocks = 0;
	u32 bs = 0;
	int ret;

	ret = usbblk_parse_capacity10(d, n, &blocks, &bs);
	CHECK(ret == 0 || ret == 1 || ret == -EMSGSIZE || ret == -EPROTO);
	CHECK((ret == -EMSGSIZE) == (n < 8));
	if (n >= 8) {
		CHECK((ret == 1) == (get_unaligned_be32(d) == 0xffffffff));
		CHECK(bs == get_unaligned_be32(d + 4));
	}
	if (ret == 0) {
		CHECK(bs_valid(bs));
		CHECK(blocks >= 1 && blocks <= 0xffffffffULL);
		CHECK(blocks == (u64)get_unaligned_be32(d) + 1);
	}
	if (ret == -EPROTO)
		CHECK(!bs_valid(bs));

	blocks = 0;
	bs = 0;
	ret = usbblk_parse_capacity16(d, n, &blocks, &bs);
	CHECK(ret == 0 || ret == -EMSGSIZE || ret == -EPROTO);
	CHECK((ret == -EMSGSIZE) == (n < 12));
	if (ret == 0) {
		CHECK(bs_valid(bs));
		CHECK(blocks >= 1);
		CHECK(blocks - 1 == get_unaligned_be64(d));
		CHECK(bs == get_unaligned_be32(d + 8));
	}
	if (ret == -EPROTO)
		CHECK(!bs_valid(get_unaligned_be32(d + 8)) || get_unaligned_be64(d) == ~0ULL);
}

static void fuzz_mode_sense(const u8 *d, size_t n)
{
	bool wp = false;
	int ret;

	ret = usbblk_parse_mode_sense6_wp(d, n, &wp);
	CHECK((ret == 0) == (n >= 4) && (ret == 0 || ret == -EMSGSIZE));
	if (!ret)
		CHECK(wp == !!(d[2] & 0x80));
}

/* An independent walk of the descriptors: the information descriptor's field. */
static void ref_desc_info(const u8 *d, size_t n, u64 *info, int *valid)
{
	size_t end = 8 + (d[7] < n - 8 ? d[7] : n - 8), i = 8;

	*info = 0;
	*valid = 0;
	while (end - i >= 2 && end - i - 2 >= d[i + 1]) {
		if (d[i] == 0 && d[i + 1] >= 10) {
			*info = get_unaligned_be64(&d[i + 4]);
			*valid = !!(d[i + 2] & 0x80);
		}
		i += 2 + d[i + 1];
	}
}

static void fuzz_sense(const u8 *d, size_t n)
{
	struct usbblk_sense s;
	size_t i;
	u64 info;
	int ret, err, valid;

	memset(&s, 0xa5, sizeof(s));
	ret = usbblk_parse_sense(d, n, &s);
	CHECK(ret == 0 || ret == -EMSGSIZE || ret == -EPROTO);
	/* always: the raw bytes kept, up to 96, the rest zeroed */
	CHECK(s.len == (n < USBBLK_SENSE_LEN ? n : USBBLK_SENSE_LEN));
	CHECK(!memcmp(s.raw, d, s.len));
	for (i = s.len; i < sizeof(s.raw); i++)
		CHECK(!s.raw[i]);
	CHECK(!s.opcode && !s.error && !s.__pad0[0] && !s.__pad0[1]);
	CHECK(s.info_valid <= 1);
	if (!n) {
		CHECK(ret == -EMSGSIZE);
		return;
	}
	if ((d[0] & 0x7f) < 0x70 || (d[0] & 0x7f) > 0x73) {
		CHECK(ret == -EPROTO);
		return;
	}
	CHECK((ret == -EMSGSIZE) == (n < ((d[0] & 0x7f) <= 0x71 ? 3 : 8)));
	if (ret)
		return;

	CHECK(s.len <= USBBLK_SENSE_LEN && s.key <= 15);
	CHECK(s.response == (d[0] & 0x7f));
	if (s.response <= 0x71) {
		CHECK(s.key == (d[2] & 0x0f));
		CHECK(s.asc == (n >= 14 ? d[12] : 0) && s.ascq == (n >= 14 ? d[13] : 0));
		CHECK(s.info_valid == (n >= 7 && (d[0] & 0x80)));
		CHECK(s.info == (s.info_valid ? get_unaligned_be32(&d[3]) : 0));
	} else {
		CHECK(s.key == (d[1] & 0x0f) && s.asc == d[2] && s.ascq == d[3]);
		ref_desc_info(d, n, &info, &valid);
		CHECK(s.info == info && s.info_valid == valid);
	}

	err = usbblk_sense_errno(&s);
	CHECK(err == 0 || err == -EIO || err == -ENOMEDIUM || err == -ERANGE ||
	      err == -EOPNOTSUPP || err == -EINVAL || err == -EAGAIN || err == -EROFS ||
	      err == -ENOSPC);
	CHECK((err == 0) == (s.key == RECOVERED_ERROR));
	CHECK((err == -ERANGE || err == -EOPNOTSUPP) <= (s.key == ILLEGAL_REQUEST));
}

/* Every byte past the CDB length is zero. */
static void check_tail(const u8 *cdb, unsigned int len)
{
	unsigned int i;

	for (i = len; i < USBBLK_CDB_MAX; i++)
		CHECK(!cdb[i]);
}

static void fuzz_cdbs(u64 lba, u32 blocks, u8 flags)
{
	bool write = flags & 1, fua = flags & 2;
	u8 cdb[USBBLK_CDB_MAX];
	unsigned int len;
	u64 got_lba;
	u32 got_blocks;

	memset(cdb, 0xee, sizeof(cdb));
	len = usbblk_cdb_rw(cdb, write, lba, blocks, fua);
	CHECK(len == 10 || len == 16);
	check_tail(cdb, len);
	CHECK(cdb[1] == (fua ? 0x08 : 0));
	if (len == 10) {
		CHECK(cdb[0] == (write ? WRITE_10 : READ_10));
		CHECK(!cdb[6] && !cdb[9]);
		got_lba = get_unaligned_be32(&cdb[2]);
		got_blocks = get_unaligned_be16(&cdb[7]);
	} else {
		CHECK(cdb[0] == (write ? WRITE_16 : READ_16));
		CHECK(!cdb[14] && !cdb[15]);
		got_lba = get_unaligned_be64(&cdb[2]);
		got_blocks = get_unaligned_be32(&cdb[10]);
	}
	/*
	 * The round trip holds for the LBAs and counts usbblk_cdb_rw() is
	 * given: blocks >= 1 (kernel-doc) and lba + blocks not past 2^64.
	 * TODO: KNOWN BUG, reported: for lba + blocks - 1 >= 2^64 the 64-bit
	 * test "lba + blocks - 1 <= 0xffffffff" wraps and a READ(10) of the
	 * low 32 bits of the LBA comes out (scsi_test.c,
	 * cdb_rw_lba_near_2_64_no_wrap).  Drop the condition once fixed.
	 */
	if (!blocks || lba > ~0ULL - blocks)
		return;
	CHECK(got_lba == lba && got_blocks == blocks);
	/* the 10-byte form exactly when the last block and the count fit it */
	CHECK((len == 10) == (lba + blocks - 1 <= 0xffffffffULL && blocks <= 0xffff));
}

static void fuzz_fixed_cdbs(u8 a, u8 b)
{
	u8 cdb[USBBLK_CDB_MAX];

	memset(cdb, 0xee, sizeof(cdb));
	CHECK(usbblk_cdb_inquiry(cdb, a) == 6 && cdb[0] == INQUIRY && cdb[4] == a);
	CHECK(!cdb[1] && !cdb[2] && !cdb[3]);
	check_tail(cdb, 5);
	memset(cdb, 0xee, sizeof(cdb));
	CHECK(usbblk_cdb_request_sense(cdb, a) == 6 && cdb[0] == REQUEST_SENSE && cdb[4] == a);
	CHECK(!cdb[1] && !cdb[2] && !cdb[3]);
	check_tail(cdb, 5);
	memset(cdb, 0xee, sizeof(cdb));
	CHECK(usbblk_cdb_read_capacity16(cdb, a) == 16);
	CHECK(cdb[0] == SERVICE_ACTION_IN_16 && cdb[1] == SAI_READ_CAPACITY_16);
	CHECK(get_unaligned_be32(&cdb[10]) == a);
	CHECK(!get_unaligned_be64(&cdb[2]) && !cdb[14] && !cdb[15]);
	memset(cdb, 0xee, sizeof(cdb));
	CHECK(usbblk_cdb_mode_sense6(cdb, b, a) == 6 && cdb[0] == MODE_SENSE);
	CHECK(cdb[1] == 0x08 && cdb[2] == (b & 0x3f) && !cdb[3] && cdb[4] == a);
	check_tail(cdb, 5);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *d = malloc(size ? size : 1);	/* exact size: ASan sees any read past it */

	CHECK(d);
	memcpy(d, data, size);
	fuzz_sense(d, size);
	fuzz_inquiry(d, size);
	fuzz_capacity(d, size);
	fuzz_mode_sense(d, size);
	if (size >= 13) {
		fuzz_cdbs(get_unaligned_be64(d), get_unaligned_be32(d + 8), d[12]);
		/* small counts and LBAs near the 32-bit boundary, often */
		fuzz_cdbs(0x100000000ULL - (d[0] | d[1] << 8), d[2] | d[3] << 8, d[4]);
		fuzz_cdbs(get_unaligned_be32(d), d[4] | d[5] << 8 | d[6] << 16, d[7]);
	}
	if (size >= 2)
		fuzz_fixed_cdbs(d[0], d[1]);
	free(d);
	return 0;
}
