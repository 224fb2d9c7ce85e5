// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of tools/fakedev/model.c: the stick fakedev plays,
 * driven request by request without QEMU (descriptors, Bulk-Only, SCSI
 * on an image file, the scenarios' faults, the timing model, the switch
 * block).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "kselftest_harness.h"

#define BLOCKS 2048

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static uint32_t rd_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

FIXTURE(stick) {
	char img[64];
	struct fd_dev d;
	struct fd_reply r;
	uint8_t cbw[31];
	uint32_t tag;
};

static void setup_spec(struct __test_metadata *_metadata, FIXTURE_DATA(stick) *self,
		       const char *extra)
{
	struct fd_opts o;
	char spec[256], err[128];
	uint8_t blk[512];
	int fd, i;

	snprintf(self->img, sizeof(self->img), "/tmp/fakedev-unit-XXXXXX");
	fd = mkstemp(self->img);
	ASSERT_LE(0, fd);
	for (i = 0; i < BLOCKS; i++) {
		memset(blk, i & 0xff, sizeof(blk));
		ASSERT_EQ(512, write(fd, blk, 512));
	}
	close(fd);
	snprintf(spec, sizeof(spec), "%s,image=%s", extra, self->img);
	ASSERT_EQ(0, fd_opts_parse(&o, spec, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, fd_dev_init(&self->d, &o, err, sizeof(err))) TH_LOG("%s", err);
	fd_dev_set_config(&self->d, 1);
}

FIXTURE_SETUP(stick)
{
	setup_spec(_metadata, self, "good");
}

FIXTURE_TEARDOWN(stick)
{
	fd_dev_free(&self->d);
	unlink(self->img);
}

/* Send a CBW; return the model's status for it. */
static enum fd_status send_cbw(FIXTURE_DATA(stick) *self, uint32_t dlen, int in,
			       const uint8_t *cdb, int cdblen)
{
	memset(self->cbw, 0, sizeof(self->cbw));
	le32(self->cbw, 0x43425355);
	le32(self->cbw + 4, ++self->tag);
	le32(self->cbw + 8, dlen);
	self->cbw[12] = in ? 0x80 : 0;
	self->cbw[14] = cdblen;
	memcpy(self->cbw + 15, cdb, cdblen);
	fd_bulk_out(&self->d, self->cbw, 31, &self->r);
	return self->r.status;
}

static void read10(uint8_t *cdb, uint32_t lba, uint16_t n)
{
	memset(cdb, 0, 10);
	cdb[0] = 0x28;
	cdb[2] = lba >> 24; cdb[3] = lba >> 16; cdb[4] = lba >> 8; cdb[5] = lba;
	cdb[7] = n >> 8; cdb[8] = n;
}

/* Read the CSW; its status byte, or -1 when it is not a valid 13-byte CSW. */
static int csw(FIXTURE_DATA(stick) *self, uint32_t *residue)
{
	fd_bulk_in(&self->d, 13, &self->r);
	if (self->r.status != FD_OK || self->r.len != 13 ||
	    rd_le32(self->r.data) != 0x53425355 || rd_le32(self->r.data + 4) != self->tag)
		return -1;
	if (residue)
		*residue = rd_le32(self->r.data + 8);
	return self->r.data[12];
}

TEST_F(stick, descriptors_superspeed)
{
	struct fd_setup s = { .type = 0x80, .request = 6, .value = 0x0100, .length = 18 };

	fd_control(&self->d, &s, NULL, &self->r);
	ASSERT_EQ(FD_OK, self->r.status);
	ASSERT_EQ(18, self->r.len);
	EXPECT_EQ(0x20, self->r.data[2]);
	EXPECT_EQ(0x03, self->r.data[3]);
	EXPECT_EQ(9, self->r.data[7]);
	s.value = 0x0200;
	s.length = 9;
	fd_control(&self->d, &s, NULL, &self->r);
	ASSERT_EQ(9, self->r.len);	/* wLength honoured */
	EXPECT_EQ(44, self->r.data[2]);	/* with the SuperSpeed companions */
	s.length = 255;
	fd_control(&self->d, &s, NULL, &self->r);
	ASSERT_EQ(44, self->r.len);
	EXPECT_EQ(0x08, self->r.data[9 + 5]);
	EXPECT_EQ(0x50, self->r.data[9 + 7]);
	EXPECT_EQ(0x30, self->r.data[18 + 8]);	/* companion after the first endpoint */
	s.value = 0x0f00;
	fd_control(&self->d, &s, NULL, &self->r);
	EXPECT_EQ(22, self->r.len);
	s.value = 0x0600;		/* no device qualifier at SuperSpeed */
	fd_control(&self->d, &s, NULL, &self->r);
	EXPECT_EQ(FD_STALL, self->r.status);
	s.value = 0x0303;
	fd_control(&self->d, &s, NULL, &self->r);
	EXPECT_EQ(2 + 2 * strlen("FAKEDEV0001"), self->r.len);
}

TEST_F(stick, read_write_through_bot)
{
	uint8_t cdb[16], data[1024];
	uint32_t res = 99;
	size_t i;

	read10(cdb, 7, 2);
	ASSERT_EQ(FD_OK, send_cbw(self, 1024, 1, cdb, 10));
	fd_bulk_in(&self->d, 1024, &self->r);
	ASSERT_EQ(FD_OK, self->r.status);
	ASSERT_EQ(1024, self->r.len);
	EXPECT_EQ(7, self->r.data[0]);
	EXPECT_EQ(8, self->r.data[512]);
	ASSERT_EQ(0, csw(self, &res));
	EXPECT_EQ(0, res);

	/* WRITE(10) of 2 blocks at 100, read back from the file */
	cdb[0] = 0x2a;
	cdb[5] = 100;
	for (i = 0; i < sizeof(data); i++)
		data[i] = i * 3;
	ASSERT_EQ(FD_OK, send_cbw(self, 1024, 0, cdb, 10));
	fd_bulk_out(&self->d, data, sizeof(data), &self->r);
	ASSERT_EQ(FD_OK, self->r.status);
	EXPECT_EQ(1024, self->r.len);
	ASSERT_EQ(0, csw(self, NULL));
	cdb[0] = 0x28;
	ASSERT_EQ(FD_OK, send_cbw(self, 1024, 1, cdb, 10));
	fd_bulk_in(&self->d, 1024, &self->r);
	EXPECT_EQ(0, memcmp(self->r.data, data, sizeof(data)));
	ASSERT_EQ(0, csw(self, NULL));
}

TEST_F(stick, out_of_range_stalls_and_sense_says_why)
{
	uint8_t cdb[16];
	uint32_t res;
	struct fd_setup clear = { .type = 0x02, .request = 1, .index = FD_EP_IN };

	read10(cdb, BLOCKS, 1);
	ASSERT_EQ(FD_OK, send_cbw(self, 512, 1, cdb, 10));
	fd_bulk_in(&self->d, 512, &self->r);
	ASSERT_EQ(FD_STALL, self->r.status);	/* no data: the data stage stalls */
	fd_bulk_in(&self->d, 13, &self->r);
	ASSERT_EQ(FD_STALL, self->r.status);	/* halted until cleared */
	fd_control(&self->d, &clear, NULL, &self->r);
	ASSERT_EQ(FD_OK, self->r.status);
	ASSERT_EQ(1, csw(self, &res));
	EXPECT_EQ(512, res);
	memset(cdb, 0, sizeof(cdb));
	cdb[0] = 0x03;
	cdb[4] = 18;
	ASSERT_EQ(FD_OK, send_cbw(self, 18, 1, cdb, 6));
	fd_bulk_in(&self->d, 18, &self->r);
	ASSERT_EQ(18, self->r.len);
	EXPECT_EQ(0x70, self->r.data[0]);
	EXPECT_EQ(0x05, self->r.data[2]);
	EXPECT_EQ(0x21, self->r.data[12]);
	ASSERT_EQ(0, csw(self, NULL));
}

TEST_F(stick, short_inquiry_has_a_residue)
{
	uint8_t cdb[16] = { 0x12, 0, 0, 0, 96 };
	uint32_t res;

	ASSERT_EQ(FD_OK, send_cbw(self, 96, 1, cdb, 6));
	fd_bulk_in(&self->d, 96, &self->r);
	ASSERT_EQ(36, self->r.len);		/* a short packet */
	EXPECT_EQ(0, memcmp(self->r.data + 8, "usbblk  ", 8));
	ASSERT_EQ(0, csw(self, &res));
	EXPECT_EQ(60, res);
}

TEST_F(stick, max_lun_and_reset)
{
	struct fd_setup s = { .type = 0xa1, .request = 0xfe, .length = 1 };
	struct fd_setup rst = { .type = 0x21, .request = 0xff };
	uint8_t cdb[16];

	fd_control(&self->d, &s, NULL, &self->r);
	ASSERT_EQ(1, self->r.len);
	EXPECT_EQ(0, self->r.data[0]);
	/* a reset in the middle of a command: back to "expect a CBW" */
	read10(cdb, 0, 1);
	ASSERT_EQ(FD_OK, send_cbw(self, 512, 1, cdb, 10));
	fd_control(&self->d, &rst, NULL, &self->r);
	ASSERT_EQ(FD_OK, self->r.status);
	ASSERT_EQ(FD_OK, send_cbw(self, 512, 1, cdb, 10));
	fd_bulk_in(&self->d, 512, &self->r);
	EXPECT_EQ(512, self->r.len);
	ASSERT_EQ(0, csw(self, NULL));
}

TEST_F(stick, invalid_cbw_stalls_both)
{
	uint8_t junk[31] = { 0 };

	fd_bulk_out(&self->d, junk, 31, &self->r);
	EXPECT_EQ(FD_STALL, self->r.status);
	EXPECT_TRUE(self->d.halt_in && self->d.halt_out);
}

/* One scenario: re-open the stick with SPEC. */
#define SCENARIO(spec) do { \
	fd_dev_free(&self->d); \
	unlink(self->img); \
	setup_spec(_metadata, self, spec); \
} while (0)

TEST_F(stick, faults_fire_at_the_trigger_once)
{
	uint8_t cdb[16];
	uint32_t res;

	SCENARIO("csw-signature,trigger=10");
	read10(cdb, 9, 1);		/* not the trigger */
	ASSERT_EQ(FD_OK, send_cbw(self, 512, 1, cdb, 10));
	fd_bulk_in(&self->d, 512, &self->r);
	ASSERT_EQ(0, csw(self, NULL));
	read10(cdb, 9, 2);		/* covers it */
	ASSERT_EQ(FD_OK, send_cbw(self, 1024, 1, cdb, 10));
	fd_bulk_in(&self->d, 1024, &self->r);
	ASSERT_EQ(-1, csw(self, NULL));
	EXPECT_EQ(0x55555555, rd_le32(self->r.data));
	ASSERT_EQ(FD_OK, send_cbw(self, 1024, 1, cdb, 10));
	fd_bulk_in(&self->d, 1024, &self->r);
	ASSERT_EQ(0, csw(self, &res));	/* times=1: once only */

	SCENARIO("csw-phase");
	read10(cdb, 1000, 1);
	send_cbw(self, 512, 1, cdb, 10);
	fd_bulk_in(&self->d, 512, &self->r);
	EXPECT_EQ(2, csw(self, NULL));
}

TEST_F(stick, stall_csw_then_answer)
{
	uint8_t cdb[16];
	struct fd_setup clear = { .type = 0x02, .request = 1, .index = FD_EP_IN };

	SCENARIO("stall-csw");
	read10(cdb, 1000, 1);
	send_cbw(self, 512, 1, cdb, 10);
	fd_bulk_in(&self->d, 512, &self->r);
	ASSERT_EQ(512, self->r.len);
	fd_bulk_in(&self->d, 13, &self->r);
	ASSERT_EQ(FD_STALL, self->r.status);
	fd_control(&self->d, &clear, NULL, &self->r);
	EXPECT_EQ(0, csw(self, NULL));
}

TEST_F(stick, hold_babble_short_data)
{
	uint8_t cdb[16];
	uint32_t res;

	SCENARIO("nak-data");
	read10(cdb, 1000, 1);
	send_cbw(self, 512, 1, cdb, 10);
	fd_bulk_in(&self->d, 512, &self->r);
	EXPECT_EQ(FD_HOLD, self->r.status);

	SCENARIO("babble");
	send_cbw(self, 512, 1, cdb, 10);
	fd_bulk_in(&self->d, 512, &self->r);
	EXPECT_EQ(FD_BABBLE, self->r.status);
	EXPECT_LT(512, self->r.len);

	SCENARIO("short-data");
	read10(cdb, 1000, 4);
	send_cbw(self, 2048, 1, cdb, 10);
	fd_bulk_in(&self->d, 2048, &self->r);
	EXPECT_EQ(1024, self->r.len);
	ASSERT_EQ(0, csw(self, &res));
	EXPECT_EQ(1024, res);

	SCENARIO("csw-14");
	read10(cdb, 1000, 1);
	send_cbw(self, 512, 1, cdb, 10);
	fd_bulk_in(&self->d, 512, &self->r);
	fd_bulk_in(&self->d, 13, &self->r);
	EXPECT_EQ(FD_BABBLE, self->r.status);
	EXPECT_EQ(14, self->r.len);
}

TEST_F(stick, probe_faults)
{
	uint8_t cdb[16] = { 0x25 };
	struct fd_setup s = { .type = 0xa1, .request = 0xfe, .length = 1 };

	SCENARIO("bs3");
	send_cbw(self, 8, 1, cdb, 10);
	fd_bulk_in(&self->d, 8, &self->r);
	ASSERT_EQ(8, self->r.len);
	EXPECT_EQ(3, self->r.data[7]);
	SCENARIO("maxlun-lie");
	fd_control(&self->d, &s, NULL, &self->r);
	EXPECT_EQ(15, self->r.data[0]);
	memset(cdb, 0, sizeof(cdb));
	cdb[0] = 0x12;
	cdb[4] = 36;
	send_cbw(self, 36, 1, cdb, 6);
	self->cbw[13] = 3;		/* LUN 3: nobody there */
	self->d.state = BOT_CBW;
	fd_bulk_out(&self->d, self->cbw, 31, &self->r);
	fd_bulk_in(&self->d, 36, &self->r);
	EXPECT_EQ(0x7f, self->r.data[0]);
}

TEST_F(stick, medium_gone_and_back)
{
	uint8_t cdb[16], tur[16] = { 0 };
	int i, st;

	SCENARIO("medium-gone");
	read10(cdb, 1000, 1);
	send_cbw(self, 512, 1, cdb, 10);
	fd_bulk_in(&self->d, 512, &self->r);
	EXPECT_EQ(FD_STALL, self->r.status);
	self->d.halt_in = false;
	EXPECT_EQ(1, csw(self, NULL));
	EXPECT_EQ(0x3a, self->d.lun[0].sense[1]);
	for (i = 0; i < 4; i++) {
		send_cbw(self, 0, 0, tur, 6);
		EXPECT_EQ(1, csw(self, NULL));
	}
	send_cbw(self, 0, 0, tur, 6);	/* back, with a UNIT ATTENTION */
	st = csw(self, NULL);
	EXPECT_EQ(1, st);
	EXPECT_EQ(0x06, self->d.lun[0].sense[0]);
	send_cbw(self, 0, 0, tur, 6);
	EXPECT_EQ(0, csw(self, NULL));
}

TEST_F(stick, switch_block)
{
	uint8_t cdb[16], blk[512];

	memset(blk, 0, sizeof(blk));
	strcpy((char *)blk, FD_SWITCH_MAGIC "stall-csw");
	read10(cdb, BLOCKS - FD_SWITCH_BACK, 1);
	cdb[0] = 0x2a;
	send_cbw(self, 512, 0, cdb, 10);
	fd_bulk_out(&self->d, blk, 512, &self->r);
	ASSERT_EQ(0, csw(self, NULL));
	ASSERT_NE(NULL, self->d.switch_to);
	EXPECT_STREQ("stall-csw", self->d.switch_to->name);
	/* the block did not reach the image */
	cdb[0] = 0x28;
	send_cbw(self, 512, 1, cdb, 10);
	fd_bulk_in(&self->d, 512, &self->r);
	EXPECT_EQ((BLOCKS - FD_SWITCH_BACK) & 0xff, self->r.data[0]);
	fd_dev_switch(&self->d, self->d.switch_to);
	EXPECT_STREQ("stall-csw", self->d.o.scn->name);
}

TEST_F(stick, descriptor_faults)
{
	struct fd_setup cfg = { .type = 0x80, .request = 6, .value = 0x0200, .length = 255 };
	struct fd_setup hub = { .type = 0xa0, .request = 6, .value = 0x2a00, .length = 64 };
	struct fd_setup str = { .type = 0x80, .request = 6, .value = 0x0303, .length = 255 };

	SCENARIO("desc-maxp-0");
	fd_control(&self->d, &cfg, NULL, &self->r);
	ASSERT_EQ(44, self->r.len);
	EXPECT_EQ(0, self->r.data[22] | self->r.data[23]);
	EXPECT_EQ(0, self->r.data[35] | self->r.data[36]);
	SCENARIO("desc-cfg-trunc");
	fd_control(&self->d, &cfg, NULL, &self->r);
	EXPECT_EQ(20, self->r.len);
	EXPECT_EQ(44, self->r.data[2]);
	SCENARIO("desc-no-companion");
	fd_control(&self->d, &cfg, NULL, &self->r);
	EXPECT_EQ(32, self->r.len);
	SCENARIO("desc-str-odd");
	fd_control(&self->d, &str, NULL, &self->r);
	EXPECT_EQ(7, self->r.len);
	EXPECT_EQ(7, self->r.data[0]);
	SCENARIO("hub-255-ports");
	EXPECT_TRUE(fd_dev_is_hub(&self->d));
	fd_control(&self->d, &hub, NULL, &self->r);
	ASSERT_EQ(FD_OK, self->r.status);
	EXPECT_EQ(255, self->r.data[2]);
	fd_control(&self->d, &cfg, NULL, &self->r);
	EXPECT_EQ(0x09, self->r.data[14]);	/* interface class hub */
	EXPECT_EQ(3, self->r.data[21]);		/* interrupt endpoint */
}

TEST_F(stick, fuzzed_configurations)
{
	struct fd_setup cfg = { .type = 0x80, .request = 6, .value = 0x0200, .length = 4096 };
	struct fd_setup dev = { .type = 0x80, .request = 6, .value = 0x0100, .length = 18 };
	uint8_t seed[40] = { 0x1b, 0 };
	int i, differ = 0;

	SCENARIO("desc-fuzz,seed=3");
	memcpy(seed + 2, "\x09\x02\x26\x00\x01\x01\x00\x80\x32", 9);
	fd_fuzz_add_seed(&self->d, seed, sizeof(seed));
	for (i = 0; i < 200; i++) {
		fd_fuzz_next(&self->d);
		ASSERT_GE(sizeof(self->d.fuzz_cfg), self->d.fuzz_len);
		fd_control(&self->d, &cfg, NULL, &self->r);
		ASSERT_EQ(self->d.fuzz_len, self->r.len);
		differ += self->r.len != 44 || self->r.data[4] != 1;
		fd_control(&self->d, &dev, NULL, &self->r);
		EXPECT_EQ(0xf000 | (i + 1), self->r.data[10] | self->r.data[11] << 8);
	}
	EXPECT_LT(50, differ);
}

/* bad=LBA: every read touching it fails with MEDIUM ERROR; writes and other reads work. */
TEST_F(stick, bad_sector)
{
	uint8_t cdb[10], rs[6] = { 0x03, 0, 0, 0, 18, 0 };

	SCENARIO("good,bad=100");
	read10(cdb, 98, 4);
	ASSERT_EQ(FD_OK, send_cbw(self, 2048, 1, cdb, 10));
	fd_bulk_in(&self->d, 2048, &self->r);
	EXPECT_EQ(FD_STALL, self->r.status);	/* no data: the data stage ends */
	fd_control(&self->d, &(struct fd_setup){ .type = 0x02, .request = 1, .index = 0x81 },
		   NULL, &self->r);
	EXPECT_EQ(1, csw(self, NULL));		/* FAILED */
	ASSERT_EQ(FD_OK, send_cbw(self, 18, 1, rs, 6));
	fd_bulk_in(&self->d, 18, &self->r);
	ASSERT_EQ(18, self->r.len);
	EXPECT_EQ(0x03, self->r.data[2]);
	EXPECT_EQ(0x11, self->r.data[12]);
	EXPECT_EQ(0, csw(self, NULL));
	read10(cdb, 101, 4);
	ASSERT_EQ(FD_OK, send_cbw(self, 2048, 1, cdb, 10));
	fd_bulk_in(&self->d, 2048, &self->r);
	EXPECT_EQ(FD_OK, self->r.status);
	EXPECT_EQ(2048, self->r.len);
	EXPECT_EQ(101, self->r.data[0]);
	EXPECT_EQ(0, csw(self, NULL));
}

/* FAULT_DISCONNECT_ENUM: the device leaves at its stage, once, and nowhere else. */
TEST(enum_disconnect_stages)
{
	static const struct { const char *name; struct fd_setup s; } ctl[] = {
		{ "unplug-enum-dev8", { 0x80, 6, 0x0100, 0, 8 } },
		{ "unplug-enum-dev18", { 0x80, 6, 0x0100, 0, 18 } },
		{ "unplug-enum-cfg9", { 0x80, 6, 0x0200, 0, 9 } },
		{ "unplug-enum-cfg", { 0x80, 6, 0x0200, 0, 44 } },
		{ "unplug-enum-langid", { 0x80, 6, 0x0300, 0, 255 } },
		{ "unplug-enum-string", { 0x80, 6, 0x0302, 0x409, 255 } },
		{ "unplug-enum-maxlun", { 0xa1, 0xfe, 0, 0, 1 } },
	};
	struct fd_opts o;
	struct fd_dev d;
	struct fd_reply r;
	char err[128];
	size_t i, j;

	for (i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++) {
		ASSERT_EQ(0, fd_opts_parse(&o, ctl[i].name, err, sizeof(err))) TH_LOG("%s", err);
		ASSERT_EQ(0, fd_dev_init(&d, &o, err, sizeof(err)));
		/* every other stage is answered ... */
		for (j = 0; j < sizeof(ctl) / sizeof(ctl[0]); j++) {
			if (j == i)
				continue;
			fd_control(&d, &ctl[j].s, NULL, &r);
			EXPECT_NE(FD_DISCONNECT, r.status) TH_LOG("%s at %zu", ctl[i].name, j);
		}
		/* ... its own is not, and only the first time */
		fd_control(&d, &ctl[i].s, NULL, &r);
		EXPECT_EQ(FD_DISCONNECT, r.status) TH_LOG("%s", ctl[i].name);
		fd_control(&d, &ctl[i].s, NULL, &r);
		EXPECT_EQ(FD_OK, r.status) TH_LOG("%s again", ctl[i].name);
		EXPECT_FALSE(fd_enum_leave(&d, ENUM_AT_SET_CONFIG));
		fd_dev_free(&d);
	}
	ASSERT_EQ(0, fd_opts_parse(&o, "unplug-enum-setconfig", err, sizeof(err)));
	ASSERT_EQ(0, fd_dev_init(&d, &o, err, sizeof(err)));
	EXPECT_FALSE(fd_enum_leave(&d, ENUM_AT_DEV8));
	EXPECT_TRUE(fd_enum_leave(&d, ENUM_AT_SET_CONFIG));
	EXPECT_FALSE(fd_enum_leave(&d, ENUM_AT_SET_CONFIG));
	fd_dev_free(&d);
}

/* The SCSI stages: INQUIRY's CBW, TEST UNIT READY's CSW, READ CAPACITY's data. */
TEST_F(stick, enum_disconnect_scsi)
{
	uint8_t inq[6] = { 0x12, 0, 0, 0, 36, 0 }, tur[6] = { 0 }, cap[10] = { 0x25 };

	SCENARIO("unplug-enum-inquiry");
	EXPECT_EQ(FD_OK, send_cbw(self, 0, 0, tur, 6));
	EXPECT_EQ(0, csw(self, NULL));
	EXPECT_EQ(FD_DISCONNECT, send_cbw(self, 36, 1, inq, 6));

	SCENARIO("unplug-enum-tur");
	ASSERT_EQ(FD_OK, send_cbw(self, 0, 0, tur, 6));
	fd_bulk_in(&self->d, 13, &self->r);
	EXPECT_EQ(FD_DISCONNECT, self->r.status);

	SCENARIO("unplug-enum-readcap");
	ASSERT_EQ(FD_OK, send_cbw(self, 8, 1, cap, 10));
	fd_bulk_in(&self->d, 8, &self->r);
	EXPECT_EQ(FD_DISCONNECT, self->r.status);

	/* GET MAX LUN says 15; LUN 0 answers, the first CBW to LUN 1 is not taken */
	SCENARIO("unplug-enum-lun1");
	fd_control(&self->d, &(struct fd_setup){ 0xa1, 0xfe, 0, 0, 1 }, NULL, &self->r);
	ASSERT_EQ(FD_OK, self->r.status);
	EXPECT_EQ(15, self->r.data[0]);
	ASSERT_EQ(FD_OK, send_cbw(self, 36, 1, inq, 6));
	fd_bulk_in(&self->d, 36, &self->r);
	EXPECT_EQ(0, csw(self, NULL));
	memset(self->cbw, 0, sizeof(self->cbw));
	le32(self->cbw, 0x43425355);
	le32(self->cbw + 4, ++self->tag);
	le32(self->cbw + 8, 36);
	self->cbw[12] = 0x80;
	self->cbw[13] = 1;
	self->cbw[14] = 6;
	memcpy(self->cbw + 15, inq, 6);
	fd_bulk_out(&self->d, self->cbw, 31, &self->r);
	EXPECT_EQ(FD_DISCONNECT, self->r.status);
}

TEST(timing_model)
{
	struct fd_opts o;
	struct fd_dev d;
	char err[128];
	uint64_t sum = 0, us, pauses = 0;
	int i;

	ASSERT_EQ(0, fd_opts_parse(&o, "good", err, sizeof(err)));
	ASSERT_EQ(0, fd_dev_init(&d, &o, err, sizeof(err)));
	EXPECT_EQ(0, fd_timing_delay_us(&d));	/* off by default */
	fd_dev_free(&d);
	ASSERT_EQ(0, fd_opts_parse(&o, "good,latency=1000,pause=100,pause_every=50,seed=7",
				   err, sizeof(err)));
	ASSERT_EQ(0, fd_dev_init(&d, &o, err, sizeof(err)));
	for (i = 0; i < 20000; i++) {
		us = fd_timing_delay_us(&d);
		if (us >= 100000) {
			pauses++;
			us -= 100000;
		}
		sum += us;
	}
	/* mean around the latency, about 1 in 50 with the pause */
	EXPECT_LT(900, sum / 20000);
	EXPECT_GT(1100, sum / 20000);
	EXPECT_LT(250, pauses);
	EXPECT_GT(550, pauses);
	fd_dev_free(&d);
}

TEST(options)
{
	struct fd_opts o;
	char err[128];

	EXPECT_EQ(-1, fd_opts_parse(&o, "no-such-scenario", err, sizeof(err)));
	EXPECT_EQ(-1, fd_opts_parse(&o, "good,bs=1000", err, sizeof(err)));
	EXPECT_EQ(-1, fd_opts_parse(&o, "good,speed=warp", err, sizeof(err)));
	EXPECT_EQ(-1, fd_opts_parse(&o, "good,bogus=1", err, sizeof(err)));
	ASSERT_EQ(0, fd_opts_parse(&o, "good,speed=high,bs=4096,luns=3,timing=stick", err,
				   sizeof(err)));
	EXPECT_EQ(FD_SPEED_HIGH, o.speed);
	EXPECT_EQ(4096, o.block_size);
	EXPECT_EQ(3, o.luns);
	EXPECT_NE(0, o.latency_us);
	EXPECT_NE(NULL, fd_scenario_find("unplug-csw"));
}

TEST_HARNESS_MAIN
