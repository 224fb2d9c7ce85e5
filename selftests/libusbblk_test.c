// SPDX-License-Identifier: GPL-2.0
/*
 * libusbblk in a guest booted by tools/vm/run: the tree, the seed's
 * names, zero-copy I/O on a stick whose image tools/check-image prepared
 * (and checks again after the guest exits), errors and their sense.
 *
 *   USBBLK_EXPECT_SERIAL  the stick's serial (required)
 *   USBBLK_EXPECT_PATH    its port path, e.g. 1.1 behind a hub (optional)
 *   USBBLK_EXPECT_STICKS  mass-storage devices on all controllers (default 1)
 *   USBBLK_BAD_LBA        a sector the image's blkdebug fails (optional)
 *
 * The layout, shared with tools/check-image verify-lib (keep in step):
 * the host wrote seed 0x11 at LBAs 0, 1, 2, 777 and the last LBA; this
 * test writes seed 0x6c: 64 blocks at 3000, 1 block at the last LBA - 1
 * (FUA), 256 blocks at 20000 followed by usbblk_sync().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libusbblk.h"
#include "usb_stack.h"
#include "usbblk-test.h"
#include "kselftest_harness.h"

#define SEED 0x6c

/* The stick with the expected serial, from a fresh tree. */
static struct usbblk_device *the_stick(struct usbblk_tree **tree)
{
	const char *serial = env_or("USBBLK_EXPECT_SERIAL", "");
	struct usbblk_device *devs[16];
	int n, i;

	if (usbblk_enumerate(0, tree))
		return NULL;
	n = usbblk_find_by_class(*tree, 0x08, 0x06, devs, 16);
	for (i = 0; i < n && i < 16; i++)
		if (!strcmp(devs[i]->info.serial, serial))
			return devs[i];
	return NULL;
}

TEST(tree_has_the_stick)
{
	unsigned int sticks = atoi(env_or("USBBLK_EXPECT_STICKS", "1"));
	const char *want_path = getenv("USBBLK_EXPECT_PATH");
	struct usbblk_tree *tree = NULL;
	struct usbblk_device *d, *hub;
	char path[32];

	d = the_stick(&tree);
	ASSERT_NE(NULL, tree);
	ASSERT_NE(NULL, d) TH_LOG("no mass-storage device with serial \"%s\"",
				  env_or("USBBLK_EXPECT_SERIAL", ""));
	EXPECT_EQ(sticks, usbblk_find_by_class(tree, 0x08, 0x06, NULL, 0));
	EXPECT_EQ(USBBLK_DEV_CONFIGURED, d->info.state);
	ASSERT_LE(1, d->nluns);
	EXPECT_EQ(d, d->luns[0].device);
	EXPECT_EQ(0, d->luns[0].info.lun);
	EXPECT_EQ(0, access(d->luns[0].node, R_OK | W_OK));
	EXPECT_EQ(d->controller->index, d->luns[0].info.hc);
	EXPECT_EQ(0, tree->nunmatched);
	usbblk_path_name(d->info.path, d->info.depth, path, sizeof(path));
	ksft_print_msg("%s: %s port %s %s \"%s\" serial \"%s\", %u LUN(s), %s: %llu blocks\n",
		       d->controller->node, d->controller->hc.name, path,
		       usbblk_speed_name(d->info.speed), d->info.product, d->info.serial,
		       d->nluns, d->luns[0].node, (unsigned long long)d->luns[0].info.capacity);
	if (want_path)
		EXPECT_STREQ(want_path, path);
	if (!d->info.depth) {
		EXPECT_EQ(NULL, d->parent);
		EXPECT_EQ(d, d->controller->ports[d->info.root_port - 1].device);
		goto out;
	}
	/* behind a hub: linked both ways, the hub on its root port */
	hub = d->parent;
	ASSERT_NE(NULL, hub);
	EXPECT_TRUE(hub->info.flags & USBBLK_DEV_HUB);
	EXPECT_EQ(0x09, hub->info.dev_class);
	EXPECT_EQ(hub, d->controller->ports[hub->info.root_port - 1].device);
	EXPECT_EQ(d, hub->child);
	EXPECT_EQ(1, usbblk_find_by_class(tree, 0x09, USBBLK_ANY, NULL, 0));
out:
	usbblk_tree_free(tree);
}

/* The seed's cgo snippet, in C. */
TEST(seed_names)
{
	usb_device *dev;

	ASSERT_EQ(0, usb_enumerate());
	dev = usb_get_device_by_class(0x08, 0x06);
	ASSERT_NE(NULL, dev);
	EXPECT_EQ(0x08, dev->info.if_class);
	ASSERT_LE(1, dev->nluns);
	EXPECT_EQ(0, strncmp("/dev/usbblk", dev->luns[0].node, 11));
	EXPECT_EQ(NULL, usb_get_device_by_class(0x08, 0x05));
	usb_stack_release();
}

FIXTURE(lun) {
	struct usbblk_tree *tree;
	struct usbblk_device *dev;
	struct usbblk *h;
	struct usbblk_info info;
	uint8_t *buf;
	size_t buflen;
};

FIXTURE_SETUP(lun)
{
	self->dev = the_stick(&self->tree);
	ASSERT_NE(NULL, self->dev);
	ASSERT_LE(1, self->dev->nluns);
	ASSERT_EQ(0, usbblk_open(self->dev->luns[0].node, O_RDWR, &self->h));
	ASSERT_EQ(0, usbblk_info(self->h, &self->info));
	self->buflen = 256 * self->info.block_size;
	ASSERT_EQ(0, usbblk_buf_alloc(self->h, self->buflen, USBBLK_BUF_MLOCK,
				      (void **)&self->buf));
}

FIXTURE_TEARDOWN(lun)
{
	usbblk_buf_free(self->buf, self->buflen);
	usbblk_close(self->h);
	usbblk_tree_free(self->tree);
	EXPECT_EQ(0, usbblk_pins_outstanding());
}

TEST_F(lun, info_matches_the_tree)
{
	const struct usbblk_info *t = &self->dev->luns[0].info;

	EXPECT_EQ(t->capacity, self->info.capacity);
	EXPECT_EQ(t->block_size, self->info.block_size);
	EXPECT_STREQ(self->dev->info.serial, self->info.serial);
	EXPECT_TRUE(self->info.flags & USBBLK_INFO_ZERO_COPY);
	EXPECT_EQ(0, (uintptr_t)self->buf % self->info.dma_alignment);
	EXPECT_LE(0, usbblk_fd(self->h));
}

TEST_F(lun, write_read_back_sync)
{
	const uint32_t bs = self->info.block_size;
	const uint64_t last = self->info.capacity - 1;
	static const struct { uint64_t lba; uint32_t count; } w[] = { { 3000, 64 }, { 20000, 256 } };
	unsigned int i;

	/* what the host wrote */
	ASSERT_EQ(0, usbblk_read(self->h, 777, self->buf, 1, 0, 0));
	EXPECT_EQ(-1, usbblk_check(self->buf, 777, 1, bs, 0x11));
	for (i = 0; i < 2; i++) {
		usbblk_fill(self->buf, w[i].lba, w[i].count, bs, SEED);
		ASSERT_EQ(0, usbblk_write(self->h, w[i].lba, self->buf, w[i].count, 0, 0));
	}
	usbblk_fill(self->buf, last - 1, 1, bs, SEED);
	ASSERT_EQ(0, usbblk_write(self->h, last - 1, self->buf, 1, USBBLK_IO_FUA, 5000));
	ASSERT_EQ(0, usbblk_sync(self->h));
	for (i = 0; i < 2; i++) {
		memset(self->buf, 0, self->buflen);
		ASSERT_EQ(0, usbblk_read(self->h, w[i].lba, self->buf, w[i].count, 0, 0));
		EXPECT_EQ(-1, usbblk_check(self->buf, w[i].lba, w[i].count, bs, SEED))
			TH_LOG("LBA %llu", (unsigned long long)w[i].lba);
	}
	/* the last two blocks: ours, then the host's */
	ASSERT_EQ(0, usbblk_read(self->h, last - 1, self->buf, 2, 0, 0));
	EXPECT_EQ(-1, usbblk_check(self->buf, last - 1, 1, bs, SEED));
	EXPECT_EQ(-1, usbblk_check(self->buf + bs, last, 1, bs, 0x11));
}

TEST_F(lun, errors_named)
{
	struct usbblk *ro;
	char msg[160];
	int ret;

	ret = usbblk_read(self->h, self->info.capacity, self->buf, 1, 0, 0);
	EXPECT_EQ(-ERANGE, ret);
	usbblk_strerror(ret, NULL, msg, sizeof(msg));
	EXPECT_EQ(0, strncmp("ERANGE (", msg, 8)) TH_LOG("%s", msg);
	EXPECT_EQ(-EINVAL, usbblk_read(self->h, 0, self->buf + 1, 1, 0, 0));
	EXPECT_EQ(-EINVAL, usbblk_read(self->h, 0, self->buf, 0, 0, 0));
	EXPECT_EQ(-EINVAL, usbblk_read(self->h, 0, self->buf, 1, USBBLK_IO_FUA, 0));
	ASSERT_EQ(0, usbblk_open(self->dev->luns[0].node, O_RDONLY, &ro));
	EXPECT_EQ(-EBADF, usbblk_write(ro, 0, self->buf, 1, 0, 0));
	EXPECT_EQ(-EBADF, usbblk_sync(ro));
	EXPECT_EQ(0, usbblk_read(ro, 0, self->buf, 1, 0, 0));
	usbblk_close(ro);
	EXPECT_EQ(-ENOTTY, usbblk_open(self->dev->controller->node, O_RDONLY, &ro));
}

/* A media error: -EIO, the sense decoded, the device usable after. */
TEST_F(lun, sense_after_a_media_error)
{
	const char *bad_s = getenv("USBBLK_BAD_LBA");
	struct usbblk_sense s;
	char msg[200];
	uint64_t bad;
	int ret;

	if (!bad_s)
		SKIP(return, "no injected error (USBBLK_BAD_LBA)");
	bad = strtoull(bad_s, NULL, 0);
	ret = usbblk_read(self->h, bad, self->buf, 1, 0, 0);
	ASSERT_EQ(-EIO, ret);
	ASSERT_EQ(0, usbblk_sense(self->h, &s));
	usbblk_strerror(ret, &s, msg, sizeof(msg));
	ksft_print_msg("read of LBA %llu: %s\n", (unsigned long long)bad, msg);
	EXPECT_EQ(EIO, s.error);
	EXPECT_NE(0, s.key);
	EXPECT_EQ(0x28, s.opcode);
	EXPECT_EQ(0, strncmp("EIO (Input/output error): sense ", msg, 32));
	EXPECT_NE(NULL, strstr(msg, usbblk_sense_key_name(s.key)));
	EXPECT_NE(NULL, strstr(msg, "READ(10)"));
	EXPECT_EQ(0, usbblk_read(self->h, bad + 1, self->buf, 1, 0, 0));
}

TEST_HARNESS_MAIN
