// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for drivers/usbblk/cbw.c: the 31 bytes of a CBW on the wire
 * (BOT 5.1), and the validity and meaningfulness checks on a CSW (BOT 5.2,
 * 6.3) with real wrappers as QEMU's usb-storage sends them and every way a
 * device can get one wrong.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <asm/unaligned.h>
#include <linux/usb/storage.h>
#include "cbw.h"
#include "kselftest_harness.h"

#define LE32(v)	((v) & 0xff), (((v) >> 8) & 0xff), (((v) >> 16) & 0xff), (((v) >> 24) & 0xff)

#define RESIDUE_UNTOUCHED	0xa5a5a5a5

/* READ(10) of 8 blocks at LBA 0x1000, FUA. */
static const u8 read10[10] = { 0x28, 0x08, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x08, 0x00 };

/* What goes on the wire for that READ(10) with tag 1, 4096 bytes, LUN 0. */
static const u8 read10_cbw[31] = {
	'U', 'S', 'B', 'C', LE32(1), LE32(4096), 0x80, 0x00, 10,
	0x28, 0x08, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0, 0,
};

/* QEMU usb-storage: tag 1, residue 0, passed. */
static const u8 csw_good[13] = { 'U', 'S', 'B', 'S', LE32(1), LE32(0), US_BULK_STAT_OK };
/* The whole 4096 bytes not moved, failed: REQUEST SENSE next. */
static const u8 csw_failed[13] = { 'U', 'S', 'B', 'S', LE32(1), LE32(4096), US_BULK_STAT_FAIL };
/* A phase error. */
static const u8 csw_phase[13] = { 'U', 'S', 'B', 'S', LE32(1), LE32(0), US_BULK_STAT_PHASE };

/* Check a CSW given as wire bytes; @n bytes are copied to an exact-size buffer. */
static int check(const u8 *bytes, unsigned int n, u32 tag, u32 expected, u32 *residue)
{
	struct bulk_cs_wrap csw;

	memset(&csw, 0xee, sizeof(csw));
	memcpy(&csw, bytes, n < sizeof(csw) ? n : sizeof(csw));
	*residue = RESIDUE_UNTOUCHED;
	return usbblk_csw_check(&csw, n, tag, expected, residue);
}

/* ---- CBW ---- */

TEST(cbw_layout_is_31_bytes)
{
	EXPECT_EQ(0, offsetof(struct bulk_cb_wrap, Signature));
	EXPECT_EQ(4, offsetof(struct bulk_cb_wrap, Tag));
	EXPECT_EQ(8, offsetof(struct bulk_cb_wrap, DataTransferLength));
	EXPECT_EQ(12, offsetof(struct bulk_cb_wrap, Flags));
	EXPECT_EQ(13, offsetof(struct bulk_cb_wrap, Lun));
	EXPECT_EQ(14, offsetof(struct bulk_cb_wrap, Length));
	EXPECT_EQ(15, offsetof(struct bulk_cb_wrap, CDB));
	EXPECT_EQ(US_BULK_CB_WRAP_LEN, offsetof(struct bulk_cb_wrap, CDB) + 16);
	EXPECT_EQ(31, US_BULK_CB_WRAP_LEN);
	EXPECT_EQ(12, offsetof(struct bulk_cs_wrap, Status));
	EXPECT_EQ(13, US_BULK_CS_WRAP_LEN);
}

TEST(cbw_read10_on_the_wire)
{
	struct bulk_cb_wrap cbw;

	memset(&cbw, 0xee, sizeof(cbw));
	/* the tag goes out as the host holds it: bytes 01 00 00 00 on little endian */
	usbblk_cbw_fill(&cbw, 1, 4096, true, 0, read10, sizeof(read10));
	EXPECT_EQ(0, memcmp(&cbw, read10_cbw, US_BULK_CB_WRAP_LEN));
	EXPECT_EQ(US_BULK_CB_SIGN, get_unaligned_le32(&cbw.Signature));
	EXPECT_EQ(4096, get_unaligned_le32(&cbw.DataTransferLength));
}

TEST(cbw_write_and_no_data)
{
	u8 cdb[10] = { 0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	struct bulk_cb_wrap cbw;
	const u8 *w = (const u8 *)&cbw;

	usbblk_cbw_fill(&cbw, 0x12345678, 512, false, 0, cdb, sizeof(cdb));
	EXPECT_EQ(US_BULK_FLAG_OUT, cbw.Flags);
	EXPECT_EQ(0x00, w[12]);
	EXPECT_EQ(512, get_unaligned_le32(&w[8]));
	EXPECT_EQ(0x2a, w[15]);
	/* TEST UNIT READY: no data stage */
	memset(cdb, 0, sizeof(cdb));
	usbblk_cbw_fill(&cbw, 2, 0, false, 0, cdb, 6);
	EXPECT_EQ(0, get_unaligned_le32(&w[8]));
	EXPECT_EQ(0, w[12]);
	EXPECT_EQ(6, w[14]);
}

TEST(cbw_tag_echoed_as_sent)
{
	static const u32 tags[] = { 0, 1, 0x80000000, 0xdeadbeef, 0xffffffff };
	struct bulk_cb_wrap cbw;
	unsigned int i;
	u32 t;

	for (i = 0; i < ARRAY_SIZE(tags); i++) {
		usbblk_cbw_fill(&cbw, tags[i], 0, true, 0, read10, sizeof(read10));
		memcpy(&t, (const u8 *)&cbw + 4, sizeof(t));
		EXPECT_EQ(tags[i], t);
	}
}

TEST(cbw_lun_masked)
{
	static const struct {
		u8 in, out;
	} t[] = {
		{ 0, 0 }, { 1, 1 }, { 7, 7 }, { 15, 15 }, { 16, 0 }, { 0x23, 3 }, { 0xff, 15 },
	};
	struct bulk_cb_wrap cbw;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		usbblk_cbw_fill(&cbw, 1, 0, true, t[i].in, read10, sizeof(read10));
		EXPECT_EQ(t[i].out, ((const u8 *)&cbw)[13]);
	}
}

TEST(cbw_cdb_lengths)
{
	struct bulk_cb_wrap cbw;
	const u8 *w = (const u8 *)&cbw;
	unsigned int n, i;
	u8 *cdb;

	for (n = 1; n <= 16; n++) {
		cdb = malloc(n);	/* exact size: ASan sees any read past the CDB */
		ASSERT_NE(NULL, cdb);
		for (i = 0; i < n; i++)
			cdb[i] = 0x40 + i;
		memset(&cbw, 0xee, sizeof(cbw));
		usbblk_cbw_fill(&cbw, 7, 0x10000, true, 0, cdb, n);
		EXPECT_EQ(n, w[14]);
		EXPECT_EQ(0, memcmp(&w[15], cdb, n));
		for (i = 15 + n; i < US_BULK_CB_WRAP_LEN; i++)
			EXPECT_EQ(0, w[i]);
		/* the header stays intact whatever the CDB length */
		EXPECT_EQ(0, memcmp(w, "USBC", 4));
		EXPECT_EQ(0x10000, get_unaligned_le32(&w[8]));
		EXPECT_EQ(0x80, w[12]);
		free(cdb);
	}
}

TEST(cbw_large_transfer_length)
{
	struct bulk_cb_wrap cbw;
	const u8 *w = (const u8 *)&cbw;

	usbblk_cbw_fill(&cbw, 1, 0xfffffe00, true, 0, read10, sizeof(read10));
	EXPECT_EQ(0x00, w[8]);
	EXPECT_EQ(0xfe, w[9]);
	EXPECT_EQ(0xff, w[10]);
	EXPECT_EQ(0xff, w[11]);
}

/* ---- CSW ---- */

TEST(csw_passed)
{
	u32 residue;

	EXPECT_EQ(USBBLK_CSW_GOOD, check(csw_good, 13, 1, 4096, &residue));
	EXPECT_EQ(0, residue);
	EXPECT_EQ(USBBLK_CSW_GOOD, check(csw_good, 13, 1, 0, &residue));
	EXPECT_EQ(0, residue);
}

TEST(csw_failed_status)
{
	u32 residue;

	EXPECT_EQ(USBBLK_CSW_FAILED, check(csw_failed, 13, 1, 4096, &residue));
	EXPECT_EQ(4096, residue);
}

TEST(csw_phase_error_needs_reset)
{
	u32 residue;

	EXPECT_EQ(-EPROTO, check(csw_phase, 13, 1, 4096, &residue));
}

TEST(csw_reserved_status)
{
	u8 b[13];
	u32 residue;
	unsigned int s;

	memcpy(b, csw_good, sizeof(b));
	for (s = 2; s < 256; s++) {
		b[12] = s;
		EXPECT_EQ(-EPROTO, check(b, 13, 1, 4096, &residue));
	}
}

TEST(csw_residue)
{
	u8 b[13];
	u32 residue;

	memcpy(b, csw_good, sizeof(b));
	put_unaligned_le32(512, &b[8]);		/* a short read */
	EXPECT_EQ(USBBLK_CSW_GOOD, check(b, 13, 1, 4096, &residue));
	EXPECT_EQ(512, residue);
	put_unaligned_le32(4096, &b[8]);	/* nothing moved: still meaningful */
	EXPECT_EQ(USBBLK_CSW_GOOD, check(b, 13, 1, 4096, &residue));
	EXPECT_EQ(4096, residue);
	put_unaligned_le32(4097, &b[8]);	/* more than we asked for */
	EXPECT_EQ(-EPROTO, check(b, 13, 1, 4096, &residue));
	put_unaligned_le32(1, &b[8]);
	EXPECT_EQ(-EPROTO, check(b, 13, 1, 0, &residue));
	b[12] = US_BULK_STAT_FAIL;
	EXPECT_EQ(-EPROTO, check(b, 13, 1, 0, &residue));
	put_unaligned_le32(0xffffffff, &b[8]);
	EXPECT_EQ(USBBLK_CSW_FAILED, check(b, 13, 1, 0xffffffff, &residue));
	EXPECT_EQ(0xffffffff, residue);
	EXPECT_EQ(-EPROTO, check(b, 13, 1, 0xfffffffe, &residue));
	/* the residue is little-endian */
	put_unaligned_be32(512, &b[8]);
	EXPECT_EQ(-EPROTO, check(b, 13, 1, 4096, &residue));
}

TEST(csw_wrong_length)
{
	u8 b[32];
	u32 residue;
	unsigned int n;

	memset(b, 0, sizeof(b));
	memcpy(b, csw_good, sizeof(csw_good));
	for (n = 0; n <= sizeof(b); n++) {
		if (n == US_BULK_CS_WRAP_LEN)
			continue;
		EXPECT_EQ(-EPROTO, check(b, n, 1, 4096, &residue)) {
			TH_LOG("%u bytes", n);
		}
		EXPECT_EQ(RESIDUE_UNTOUCHED, residue);
	}
	EXPECT_EQ(-EPROTO, check(b, 0xffffffff, 1, 4096, &residue));
}

TEST(csw_wrong_signature)
{
	static const char *const sigs[] = { "USBC", "SBSU", "usbs", "\0\0\0\0", "USBT" };
	u8 b[13];
	u32 residue;
	unsigned int i;

	memcpy(b, csw_good, sizeof(b));
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		memcpy(b, sigs[i], 4);
		EXPECT_EQ(-EPROTO, check(b, 13, 1, 4096, &residue));
		EXPECT_EQ(RESIDUE_UNTOUCHED, residue);
	}
}

/* Some sticks answer a stale CSW, or a CBW echoed back: wrong tag. */
TEST(csw_wrong_tag)
{
	static const u32 tags[] = { 0, 2, 0x01000000, 0x80000001, 0xffffffff };
	u32 residue;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tags); i++) {
		EXPECT_EQ(-EPROTO, check(csw_good, 13, tags[i], 4096, &residue));
		EXPECT_EQ(RESIDUE_UNTOUCHED, residue);
		EXPECT_EQ(-EPROTO, check(csw_failed, 13, tags[i], 4096, &residue));
	}
	/* the CBW itself read back as if it were the CSW */
	EXPECT_EQ(-EPROTO, check(read10_cbw, 13, 1, 4096, &residue));
	EXPECT_EQ(-EPROTO, check(read10_cbw, 31, 1, 4096, &residue));
}

/* A tag round trip through a CBW: what we sent is what must come back. */
TEST(csw_tag_from_cbw)
{
	static const u32 tags[] = { 0, 1, 0x12345678, 0xdeadbeef, 0xffffffff };
	struct bulk_cb_wrap cbw;
	u8 b[13];
	u32 residue;
	unsigned int i;

	memcpy(b, csw_good, sizeof(b));
	for (i = 0; i < ARRAY_SIZE(tags); i++) {
		usbblk_cbw_fill(&cbw, tags[i], 4096, true, 0, read10, sizeof(read10));
		memcpy(&b[4], (const u8 *)&cbw + 4, 4);	/* the device echoes the bytes */
		EXPECT_EQ(USBBLK_CSW_GOOD, check(b, 13, tags[i], 4096, &residue));
		b[5] ^= 0x40;
		EXPECT_EQ(-EPROTO, check(b, 13, tags[i], 4096, &residue));
	}
}

/*
 * The kernel-doc promises the residue "when valid": 13 bytes, signature,
 * tag.  It is reported then even if the CSW is not meaningful (phase
 * error, residue too large), and left alone otherwise.
 */
TEST(csw_residue_written_when_valid)
{
	u8 b[13];
	u32 residue;

	memcpy(b, csw_phase, sizeof(b));
	put_unaligned_le32(100, &b[8]);
	EXPECT_EQ(-EPROTO, check(b, 13, 1, 4096, &residue));
	EXPECT_EQ(100, residue);
	put_unaligned_le32(8192, &b[8]);
	b[12] = US_BULK_STAT_OK;
	EXPECT_EQ(-EPROTO, check(b, 13, 1, 4096, &residue));
	EXPECT_EQ(8192, residue);
	EXPECT_EQ(-EPROTO, check(b, 12, 1, 4096, &residue));
	EXPECT_EQ(RESIDUE_UNTOUCHED, residue);
	EXPECT_EQ(-EPROTO, check(b, 13, 2, 4096, &residue));
	EXPECT_EQ(RESIDUE_UNTOUCHED, residue);
}

TEST_HARNESS_MAIN
