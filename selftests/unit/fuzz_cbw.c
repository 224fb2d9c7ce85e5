// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: whatever a device sends in the status stage,
 * usbblk_csw_check() of drivers/usbblk/cbw.c must read no byte it was not
 * given, say GOOD or FAILED only when every condition of BOT 6.3 holds
 * (13 bytes, signature, our tag, status Passed or Failed, residue at most
 * what we asked for), and report the residue exactly when the CSW is valid
 * (13 bytes, signature, tag: its kernel-doc), leaving it alone otherwise.
 * usbblk_cbw_fill() must put exactly what it was given on the wire.
 *
 * Input: tag (4 bytes), expected length (4), flags (1), then the CSW, 0 to
 * 32 bytes.  Flag bit 0 forces a good signature, bit 1 our tag, bit 2 a
 * length of exactly 13, so that the deeper checks are reached often; the
 * flags also pick the direction, LUN and CDB length of a CBW built from
 * the same bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <asm/unaligned.h>
#include <linux/usb/storage.h>
#include "cbw.h"

#define CHECK(x)	do { if (!(x)) __builtin_trap(); } while (0)

#define RESIDUE_UNTOUCHED	0xa5a5a5a5

static void fuzz_csw(const u8 *b, size_t got, u32 tag, u32 expected)
{
	const struct bulk_cs_wrap *csw;
	u32 residue = RESIDUE_UNTOUCHED, sig = 0, res = 0, wtag = 0;
	int valid, meaningful, ret;
	u8 *p, status = 0;

	/*
	 * Exactly @got bytes, in a buffer no larger: the wrapper is 16 bytes
	 * in memory, but usbblk_csw_check() may only look at the 13 it got.
	 */
	p = malloc(got ? got : 1);
	CHECK(p);
	memcpy(p, b, got);
	csw = (const struct bulk_cs_wrap *)p;
	ret = usbblk_csw_check(csw, got, tag, expected, &residue);
	if (got >= US_BULK_CS_WRAP_LEN) {
		sig = get_unaligned_le32(b);
		memcpy(&wtag, b + 4, 4);
		res = get_unaligned_le32(b + 8);
		status = b[12];
	}
	free(p);

	valid = got == US_BULK_CS_WRAP_LEN && sig == US_BULK_CS_SIGN && wtag == tag;
	meaningful = valid && res <= expected &&
		     (status == US_BULK_STAT_OK || status == US_BULK_STAT_FAIL);
	CHECK(ret == USBBLK_CSW_GOOD || ret == USBBLK_CSW_FAILED || ret == -EPROTO);
	if (meaningful)
		CHECK(ret == (status == US_BULK_STAT_OK ? USBBLK_CSW_GOOD : USBBLK_CSW_FAILED));
	else
		CHECK(ret == -EPROTO);
	if (valid)
		CHECK(residue == res);
	else
		CHECK(residue == RESIDUE_UNTOUCHED);
}

static void fuzz_cbw(u32 tag, u32 len, u8 flags, const u8 *src, size_t n)
{
	u8 cdb_len = 1 + (flags >> 4), lun = flags, i;
	bool in = flags & 8;
	struct bulk_cb_wrap cbw;
	const u8 *w = (const u8 *)&cbw;
	u8 *cdb;
	u32 t;

	cdb = malloc(cdb_len);	/* exact size: ASan sees any read past the CDB */
	CHECK(cdb);
	for (i = 0; i < cdb_len; i++)
		cdb[i] = i < n ? src[i] : 0x5a;
	memset(&cbw, 0xee, sizeof(cbw));
	usbblk_cbw_fill(&cbw, tag, len, in, lun, cdb, cdb_len);
	CHECK(get_unaligned_le32(w) == US_BULK_CB_SIGN);
	memcpy(&t, w + 4, 4);
	CHECK(t == tag);
	CHECK(get_unaligned_le32(w + 8) == len);
	CHECK(w[12] == (in ? US_BULK_FLAG_IN : US_BULK_FLAG_OUT));
	CHECK(w[13] == (lun & 0x0f));
	CHECK(w[14] == cdb_len);
	CHECK(!memcmp(w + 15, cdb, cdb_len));
	for (i = 15 + cdb_len; i < US_BULK_CB_WRAP_LEN; i++)
		CHECK(!w[i]);
	free(cdb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 b[32];
	u32 tag, expected;
	size_t n;
	u8 flags;

	if (size < 9)
		return 0;
	memcpy(&tag, data, 4);
	expected = get_unaligned_le32(data + 4);
	flags = data[8];
	n = size - 9 < sizeof(b) ? size - 9 : sizeof(b);
	memset(b, 0, sizeof(b));
	memcpy(b, data + 9, n);

	fuzz_csw(b, n, tag, expected);
	if (flags & 7) {
		if (flags & 1)
			put_unaligned_le32(US_BULK_CS_SIGN, b);
		if (flags & 2)
			memcpy(b + 4, &tag, 4);
		if (flags & 4)
			n = US_BULK_CS_WRAP_LEN;
		fuzz_csw(b, n, tag, expected);
	}
	fuzz_cbw(tag, expected, flags, data + 9, size - 9);
	return 0;
}
