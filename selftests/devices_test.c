// SPDX-License-Identifier: GPL-2.0
/*
 * The device list of ENUMERATE, as only the caller can check it: every
 * entry consistent with itself and the ports, padding and reserved fields
 * zero, entries past ndevices untouched, count-only and short arrays,
 * EFAULT for bad arrays, and a rescan giving the same list.  Which devices
 * are there is checked on the host (tools/check compares the JSON of
 * "usbblkctl info /dev/usbblk-hc0 --json" with its table).
 *
 *   USBBLK_DEV           controller node (default /dev/usbblk-hc0)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libusbblk.h"
#include "usbblk-test.h"
#include "kselftest_harness.h"

#define MAX_DEVS 32

static const char *dev_node(void)
{
	return env_or("USBBLK_DEV", "/dev/usbblk-hc0");
}

FIXTURE(devs) {
	int fd;
	struct usbblk_enumerate e;
	struct usbblk_device_info d[MAX_DEVS];
};

FIXTURE_SETUP(devs)
{
	self->fd = open(dev_node(), O_RDONLY);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", dev_node(), strerror(errno));
	memset(self->d, 0xa5, sizeof(self->d));
	ASSERT_EQ(0, usbblk_hc_enumerate(self->fd, 0, &self->e, self->d, MAX_DEVS));
}

FIXTURE_TEARDOWN(devs)
{
	close(self->fd);
}

TEST_F(devs, device_info_consistent)
{
	unsigned int i;

	for (i = 0; i < self->e.ndevices; i++) {
		const struct usbblk_device_info *d = &self->d[i];
		unsigned int j;

		EXPECT_EQ(0, d->__pad0[0] | d->__pad0[1] | d->__pad0[2]);
		for (j = 0; j < 4; j++)
			EXPECT_EQ(0, d->reserved[j]);
		EXPECT_EQ(d->path[0], d->root_port);
		EXPECT_LE(1, d->root_port);
		EXPECT_GE(self->e.nports, d->root_port);
		EXPECT_NE(0, memchr(d->serial, 0, sizeof(d->serial)) != NULL);
		EXPECT_NE(0, memchr(d->product, 0, sizeof(d->product)) != NULL);
		EXPECT_NE(0, memchr(d->manufacturer, 0, sizeof(d->manufacturer)) != NULL);
		if (d->state == USBBLK_DEV_FAILED)
			continue;
		EXPECT_NE(0, d->slot_id);
		EXPECT_LT(0, d->enum_ns);
		EXPECT_EQ(0, d->error);
		if (d->flags & (USBBLK_DEV_MASS_STORAGE | USBBLK_DEV_HUB))
			EXPECT_EQ(USBBLK_DEV_CONFIGURED, d->state);
		if (d->flags & USBBLK_DEV_MASS_STORAGE) {
			EXPECT_EQ(0x08, d->if_class);
			EXPECT_EQ(0x06, d->if_subclass);
			EXPECT_EQ(0x50, d->if_protocol);
		}
		/* a device on a root port: the port is connected at its speed */
		if (!d->depth) {
			const struct usbblk_port *p = &self->e.ports[d->root_port - 1];

			EXPECT_TRUE(p->flags & USBBLK_PORT_CONNECTED);
			EXPECT_EQ(d->speed, p->speed);
		}
	}
	/* entries past ndevices untouched */
	for (i = self->e.ndevices; i < MAX_DEVS; i++)
		EXPECT_EQ(0xa5, ((unsigned char *)&self->d[i])[0]);
}

TEST_F(devs, count_only_and_short_array)
{
	struct usbblk_enumerate e;
	struct usbblk_device_info one[1];

	ASSERT_EQ(0, usbblk_hc_enumerate(self->fd, USBBLK_ENUM_NO_RESCAN, &e, NULL, 0));
	EXPECT_EQ(self->e.ndevices, e.ndevices);
	memset(one, 0x5a, sizeof(one));
	ASSERT_EQ(0, usbblk_hc_enumerate(self->fd, USBBLK_ENUM_NO_RESCAN, &e, one, 1));
	EXPECT_EQ(self->e.ndevices, e.ndevices);
	EXPECT_EQ(1, e.max_devices);
	if (e.ndevices)
		EXPECT_EQ(0, memcmp(&one[0], &self->d[0], sizeof(one[0])));
}

TEST_F(devs, bad_device_array_efault)
{
	struct usbblk_enumerate e;
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, ro);
	if (!self->e.ndevices)
		SKIP(return, "no devices");
	EXPECT_EQ(-EFAULT, usbblk_hc_enumerate(self->fd, 0, &e, (void *)16, MAX_DEVS));
	EXPECT_EQ(-EFAULT, usbblk_hc_enumerate(self->fd, 0, &e, ro,
					       4096 / sizeof(struct usbblk_device_info)));
	munmap(ro, 4096);
}

TEST_F(devs, rescan_is_stable)
{
	struct usbblk_device_info d[MAX_DEVS];
	struct usbblk_enumerate e;
	unsigned int i;

	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, usbblk_hc_enumerate(self->fd, 0, &e, d, MAX_DEVS));
		ASSERT_EQ(self->e.ndevices, e.ndevices);
		EXPECT_EQ(0, memcmp(d, self->d, e.ndevices * sizeof(d[0])));
	}
}

TEST_HARNESS_MAIN
