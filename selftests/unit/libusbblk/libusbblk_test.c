// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of libusbblk: the enumerate tree, built through the
 * library's system seam (struct usbblk_sys) from ENUMERATE and GET_INFO
 * answers prepared here - the fake system answers the ABI as the driver
 * does (fills min(ndevices, max_devices) entries, reports ndevices), and
 * the library does the rest; names, sense decoding and usbblk_strerror();
 * buffers; usbblk_open() on nodes that are not usbblk LUNs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/usb/ch9.h>

#include "internal.h"
#include "usb_stack.h"
#include "kselftest_harness.h"

/* ---------------------------------------------------------------- the fake system */

#define MAX_NODES 16
#define MAX_FDS 8
#define FAKE_FD0 100

struct fake_hc {
	unsigned int index;
	int open_err;				/* open() fails with this */
	int enum_err;				/* ENUMERATE fails with this */
	unsigned int grow;			/* devices added by each ENUMERATE */
	struct usbblk_hc_info hc;
	unsigned int nports;
	struct usbblk_port ports[8];
	unsigned int ndevs;
	struct usbblk_device_info devs[256];
};

struct fake_lun {
	unsigned int index;
	int open_err;
	int info_err;
	struct usbblk_info info;
};

struct fake {
	const char *names[MAX_NODES];
	unsigned int nnames;
	struct fake_hc hcs[2];
	unsigned int nhcs;
	struct fake_lun luns[8];
	unsigned int nluns;
	int list_err;
	/* what the library did */
	char fd_path[MAX_FDS][32];
	int fd_used[MAX_FDS];
	unsigned int opens, closes, enumerates;
	unsigned int enum_flags[16];
	unsigned int enum_max[16];
};

static int fake_list(void *ctx, char ***names, unsigned int *n)
{
	struct fake *f = ctx;
	unsigned int i;

	if (f->list_err)
		return f->list_err;
	*names = calloc(f->nnames + 1, sizeof(char *));
	for (i = 0; i < f->nnames; i++)
		(*names)[i] = strdup(f->names[i]);
	*n = f->nnames;
	return 0;
}

static struct fake_hc *fake_hc_of(struct fake *f, const char *path)
{
	unsigned int i;
	char want[32];

	for (i = 0; i < f->nhcs; i++) {
		snprintf(want, sizeof(want), "/dev/usbblk-hc%u", f->hcs[i].index);
		if (!strcmp(path, want))
			return &f->hcs[i];
	}
	return NULL;
}

static struct fake_lun *fake_lun_of(struct fake *f, const char *path)
{
	unsigned int i;
	char want[32];

	for (i = 0; i < f->nluns; i++) {
		snprintf(want, sizeof(want), "/dev/usbblk%u", f->luns[i].index);
		if (!strcmp(path, want))
			return &f->luns[i];
	}
	return NULL;
}

static int fake_open(void *ctx, const char *path, int flags)
{
	struct fake *f = ctx;
	struct fake_hc *hc = fake_hc_of(f, path);
	struct fake_lun *lun = fake_lun_of(f, path);
	int i;

	if (flags != O_RDONLY)
		return -EINVAL;
	if (!hc && !lun)
		return -ENOENT;
	if (hc && hc->open_err)
		return hc->open_err;
	if (lun && lun->open_err)
		return lun->open_err;
	for (i = 0; i < MAX_FDS; i++)
		if (!f->fd_used[i]) {
			f->fd_used[i] = 1;
			snprintf(f->fd_path[i], sizeof(f->fd_path[i]), "%s", path);
			f->opens++;
			return FAKE_FD0 + i;
		}
	return -EMFILE;
}

/* ENUMERATE as the driver answers it */
static int fake_enumerate(struct fake *f, struct fake_hc *hc, struct usbblk_enumerate *e)
{
	struct usbblk_device_info *out = (void *)(uintptr_t)e->devices;
	unsigned int i;

	if (f->enumerates < 16) {
		f->enum_flags[f->enumerates] = e->flags;
		f->enum_max[f->enumerates] = e->max_devices;
	}
	f->enumerates++;
	if (e->flags & ~USBBLK_ENUM_FLAGS || e->reserved[0] || e->reserved[1] ||
	    e->reserved[2] || e->reserved[3])
		return -EINVAL;
	if (hc->enum_err)
		return hc->enum_err;
	for (i = 0; i < hc->grow && hc->ndevs < 256; i++) {
		struct usbblk_device_info *d = &hc->devs[hc->ndevs];

		d->root_port = d->path[0] = 1 + hc->ndevs % 8;
		d->state = USBBLK_DEV_ADDRESSED;
		hc->ndevs++;
	}
	e->hc = hc->hc;
	e->nports = hc->nports;
	memcpy(e->ports, hc->ports, sizeof(hc->ports[0]) * hc->nports);
	e->ndevices = hc->ndevs;
	for (i = 0; i < hc->ndevs && i < e->max_devices; i++)
		out[i] = hc->devs[i];
	return 0;
}

static int fake_ioctl(void *ctx, int fd, unsigned long req, void *arg)
{
	struct fake *f = ctx;
	struct fake_hc *hc;
	struct fake_lun *lun;

	if (fd < FAKE_FD0 || fd >= FAKE_FD0 + MAX_FDS || !f->fd_used[fd - FAKE_FD0])
		return -EBADF;
	hc = fake_hc_of(f, f->fd_path[fd - FAKE_FD0]);
	lun = fake_lun_of(f, f->fd_path[fd - FAKE_FD0]);
	if (req == USBBLK_IOC_ENUMERATE && hc)
		return fake_enumerate(f, hc, arg);
	if (req == USBBLK_IOC_GET_INFO && lun) {
		if (lun->info_err)
			return lun->info_err;
		memcpy(arg, &lun->info, sizeof(lun->info));
		return 0;
	}
	return -ENOTTY;
}

static void fake_close(void *ctx, int fd)
{
	struct fake *f = ctx;

	if (fd >= FAKE_FD0 && fd < FAKE_FD0 + MAX_FDS && f->fd_used[fd - FAKE_FD0]) {
		f->fd_used[fd - FAKE_FD0] = 0;
		f->closes++;
	}
}

static const struct usbblk_sys fake_sys = {
	.list = fake_list,
	.open = fake_open,
	.ioctl = fake_ioctl,
	.close = fake_close,
};

/* ---------------------------------------------------------------- building the fakes */

static struct fake_hc *add_hc(struct fake *f, unsigned int index, const char *name,
			      unsigned int nports)
{
	struct fake_hc *hc = &f->hcs[f->nhcs++];
	unsigned int i;

	hc->index = index;
	snprintf(hc->hc.name, sizeof(hc->hc.name), "%s", name);
	hc->hc.max_ports = nports;
	hc->nports = nports;
	for (i = 0; i < nports; i++) {
		hc->ports[i].port = i + 1;
		hc->ports[i].flags = USBBLK_PORT_POWERED;
	}
	return hc;
}

/* A device at PATH ("5", "1.3"): a hub, or a mass-storage stick */
static struct usbblk_device_info *add_dev(struct fake_hc *hc, const char *path, int hub,
					  const char *serial)
{
	struct usbblk_device_info *d = &hc->devs[hc->ndevs++];
	const char *p = path;
	char *end;

	memset(d, 0, sizeof(*d));
	for (;;) {
		d->path[d->depth] = strtoul(p, &end, 10);
		if (*end != '.')
			break;
		d->depth++;
		p = end + 1;
	}
	d->root_port = d->path[0];
	d->state = USBBLK_DEV_CONFIGURED;
	d->speed = hub ? USB_SPEED_FULL : USB_SPEED_SUPER;
	if (hub) {
		d->flags = USBBLK_DEV_HUB;
		d->dev_class = 0x09;
		d->if_class = 0x09;
	} else {
		d->flags = USBBLK_DEV_MASS_STORAGE;
		d->if_class = 0x08;
		d->if_subclass = 0x06;
		d->if_protocol = 0x50;
	}
	snprintf(d->serial, sizeof(d->serial), "%s", serial);
	if (!d->depth) {
		hc->ports[d->root_port - 1].flags |= USBBLK_PORT_CONNECTED | USBBLK_PORT_ENABLED;
		hc->ports[d->root_port - 1].speed = d->speed;
	}
	return d;
}

/* LUN node /dev/usbblkINDEX: LUN of the device at DEV on controller HC */
static struct fake_lun *add_lun(struct fake *f, unsigned int index, const struct fake_hc *hc,
				const struct usbblk_device_info *dev, unsigned int lun)
{
	struct fake_lun *l = &f->luns[f->nluns++];

	l->index = index;
	l->info.hc = hc->index;
	l->info.depth = dev->depth;
	memcpy(l->info.path, dev->path, sizeof(l->info.path));
	l->info.lun = lun;
	l->info.block_size = 512;
	l->info.capacity = 131072 + index;
	l->info.dma_alignment = 512;
	snprintf(l->info.serial, sizeof(l->info.serial), "%s", dev->serial);
	return l;
}

static int no_fd_open(const struct fake *f)
{
	return f->opens == f->closes;
}

/* ---------------------------------------------------------------- the tree */

FIXTURE(tree) {
	struct fake f;
	struct usbblk_tree *t;
};

FIXTURE_SETUP(tree)
{
	memset(&self->f, 0, sizeof(self->f));
	self->t = NULL;
}

FIXTURE_TEARDOWN(tree)
{
	usbblk_tree_free(self->t);
	EXPECT_TRUE(no_fd_open(&self->f));
}

TEST_F(tree, no_nodes_is_an_empty_tree)
{
	self->f.names[self->f.nnames++] = "null";
	self->f.names[self->f.nnames++] = "usbblk";		/* the udev link directory */
	ASSERT_EQ(0, usbblk__enumerate_sys(&fake_sys, &self->f, 0, &self->t));
	ASSERT_NE(NULL, self->t);
	EXPECT_EQ(0, self->t->ncontrollers);
	EXPECT_EQ(0, self->t->nunmatched);
	EXPECT_EQ(0, self->f.opens);
}

TEST_F(tree, no_dev_directory_is_an_empty_tree)
{
	self->f.list_err = -ENOENT;
	ASSERT_EQ(0, usbblk__enumerate_sys(&fake_sys, &self->f, 0, &self->t));
	EXPECT_EQ(0, self->t->ncontrollers);
}

TEST_F(tree, unknown_flags_rejected)
{
	EXPECT_EQ(-EINVAL, usbblk__enumerate_sys(&fake_sys, &self->f, 1u << 5, &self->t));
	EXPECT_EQ(NULL, self->t);
	EXPECT_EQ(-EINVAL, usbblk__enumerate_sys(&fake_sys, &self->f, 0, NULL));
}

/*
 * Root port 1: a hub with sticks on its ports 3 (attached first) and 1;
 * root port 5: a stick with two LUNs; root port 2: a keyboard left alone.
 * The LUN nodes are listed out of order, one of them with a two-digit N.
 */
TEST_F(tree, hub_devices_and_luns_linked)
{
	struct usbblk_device *hub, *a, *b, *c, *kbd, *found[8];
	struct usbblk_device_info *d;
	struct fake *f = &self->f;
	struct usbblk_controller *hc;
	struct fake_hc *fh;

	fh = add_hc(f, 0, "0000:00:02.0", 8);
	add_dev(fh, "1", 1, "");
	add_dev(fh, "1.3", 0, "STICK-A");
	d = add_dev(fh, "2", 0, "");
	d->state = USBBLK_DEV_ADDRESSED;
	d->flags = 0;
	d->if_class = 0x03;
	d->if_subclass = 0x01;
	add_dev(fh, "5", 0, "STICK-C");
	add_dev(fh, "1.1", 0, "STICK-B");
	add_lun(f, 10, fh, &fh->devs[4], 0);	/* 1.1 */
	add_lun(f, 2, fh, &fh->devs[3], 1);	/* 5, LUN 1 */
	add_lun(f, 0, fh, &fh->devs[1], 0);	/* 1.3 */
	add_lun(f, 1, fh, &fh->devs[3], 0);	/* 5, LUN 0 */
	f->names[f->nnames++] = "usbblk10";
	f->names[f->nnames++] = "usbblk-hc0";
	f->names[f->nnames++] = "usbblk2";
	f->names[f->nnames++] = "usbblk0";
	f->names[f->nnames++] = "usbblk1";

	ASSERT_EQ(0, usbblk__enumerate_sys(&fake_sys, f, 0, &self->t));
	ASSERT_EQ(1, self->t->ncontrollers);
	EXPECT_EQ(0, self->t->nunmatched);
	hc = &self->t->controllers[0];
	EXPECT_STREQ("/dev/usbblk-hc0", hc->node);
	EXPECT_STREQ("0000:00:02.0", hc->hc.name);
	ASSERT_EQ(8, hc->nports);
	ASSERT_EQ(5, hc->ndevices);
	hub = &hc->devices[0];
	a = &hc->devices[1];
	kbd = &hc->devices[2];
	c = &hc->devices[3];
	b = &hc->devices[4];
	for (int i = 0; i < 5; i++)
		EXPECT_EQ(hc, hc->devices[i].controller);

	/* root ports: 1 the hub, 2 the keyboard, 5 the stick, the rest empty */
	EXPECT_EQ(hub, hc->ports[0].device);
	EXPECT_EQ(kbd, hc->ports[1].device);
	EXPECT_EQ(c, hc->ports[4].device);
	EXPECT_EQ(NULL, hc->ports[2].device);
	EXPECT_EQ(5, hc->ports[4].port.port);
	EXPECT_TRUE(hc->ports[4].port.flags & USBBLK_PORT_CONNECTED);

	/* the hub's children in port order (1.1 before 1.3), each linked back */
	EXPECT_EQ(NULL, hub->parent);
	EXPECT_EQ(b, hub->child);
	EXPECT_EQ(a, b->sibling);
	EXPECT_EQ(NULL, a->sibling);
	EXPECT_EQ(hub, a->parent);
	EXPECT_EQ(hub, b->parent);
	EXPECT_EQ(NULL, c->parent);
	EXPECT_EQ(NULL, c->child);

	/* LUN nodes under their devices, by LUN */
	EXPECT_EQ(0, hub->nluns);
	EXPECT_EQ(0, kbd->nluns);
	ASSERT_EQ(1, a->nluns);
	EXPECT_STREQ("/dev/usbblk0", a->luns[0].node);
	EXPECT_STREQ("STICK-A", a->luns[0].info.serial);
	ASSERT_EQ(1, b->nluns);
	EXPECT_STREQ("/dev/usbblk10", b->luns[0].node);
	EXPECT_EQ(10, b->luns[0].index);
	ASSERT_EQ(2, c->nluns);
	EXPECT_STREQ("/dev/usbblk1", c->luns[0].node);
	EXPECT_EQ(0, c->luns[0].info.lun);
	EXPECT_STREQ("/dev/usbblk2", c->luns[1].node);
	EXPECT_EQ(1, c->luns[1].info.lun);
	EXPECT_EQ(c, c->luns[1].device);

	/* by class: sticks in attach order, the hub, everything */
	EXPECT_EQ(3, usbblk_find_by_class(self->t, 0x08, 0x06, found, 8));
	EXPECT_EQ(a, found[0]);
	EXPECT_EQ(c, found[1]);
	EXPECT_EQ(b, found[2]);
	EXPECT_EQ(3, usbblk_find_by_class(self->t, 0x08, 0x06, found, 1));
	EXPECT_EQ(1, usbblk_find_by_class(self->t, 0x09, USBBLK_ANY, found, 8));
	EXPECT_EQ(hub, found[0]);
	EXPECT_EQ(1, usbblk_find_by_class(self->t, 0x03, 0x01, found, 8));
	EXPECT_EQ(kbd, found[0]);
	EXPECT_EQ(0, usbblk_find_by_class(self->t, 0x08, 0x05, found, 8));
	EXPECT_EQ(5, usbblk_find_by_class(self->t, USBBLK_ANY, USBBLK_ANY, NULL, 0));
	EXPECT_EQ(-EINVAL, usbblk_find_by_class(self->t, 0x100, 0, found, 8));
	EXPECT_EQ(-EINVAL, usbblk_find_by_class(self->t, 8, 6, NULL, 8));
	EXPECT_EQ(-EINVAL, usbblk_find_by_class(NULL, 8, 6, found, 8));

	/* one ENUMERATE with a rescan (flags 0), one open per node */
	EXPECT_EQ(1, f->enumerates);
	EXPECT_EQ(0, f->enum_flags[0]);
	EXPECT_EQ(5, f->opens);
}

/* A LUN is matched by controller and path: same path on two controllers. */
TEST_F(tree, luns_matched_by_controller_and_path)
{
	struct fake *f = &self->f;
	struct fake_hc *h0, *h1;
	struct usbblk_controller *c0, *c1;

	h0 = add_hc(f, 0, "fe200000.usb", 8);
	h1 = add_hc(f, 1, "0000:00:03.0", 4);
	add_dev(h0, "5", 0, "ON-HC0");
	add_dev(h1, "5", 0, "ON-HC1");
	add_lun(f, 0, h1, &h1->devs[0], 0);
	add_lun(f, 1, h0, &h0->devs[0], 0);
	/* a LUN whose device ENUMERATE did not report (it attached after) */
	f->luns[f->nluns] = f->luns[0];
	f->luns[f->nluns].index = 2;
	f->luns[f->nluns].info.path[0] = 3;
	f->nluns++;
	f->names[f->nnames++] = "usbblk-hc1";
	f->names[f->nnames++] = "usbblk-hc0";
	f->names[f->nnames++] = "usbblk0";
	f->names[f->nnames++] = "usbblk1";
	f->names[f->nnames++] = "usbblk2";

	ASSERT_EQ(0, usbblk__enumerate_sys(&fake_sys, f, USBBLK_ENUM_NO_RESCAN, &self->t));
	ASSERT_EQ(2, self->t->ncontrollers);
	c0 = &self->t->controllers[0];
	c1 = &self->t->controllers[1];
	EXPECT_EQ(0, c0->index);
	EXPECT_EQ(1, c1->index);
	EXPECT_STREQ("/dev/usbblk-hc1", c1->node);
	ASSERT_EQ(1, c0->devices[0].nluns);
	EXPECT_STREQ("/dev/usbblk1", c0->devices[0].luns[0].node);
	ASSERT_EQ(1, c1->devices[0].nluns);
	EXPECT_STREQ("/dev/usbblk0", c1->devices[0].luns[0].node);
	ASSERT_EQ(1, self->t->nunmatched);
	EXPECT_STREQ("/dev/usbblk2", self->t->unmatched[0].node);
	EXPECT_EQ(NULL, self->t->unmatched[0].device);
	EXPECT_EQ(USBBLK_ENUM_NO_RESCAN, f->enum_flags[0]);
}

/* More devices than the first array holds: asked again, without a rescan. */
TEST_F(tree, device_array_grows)
{
	struct fake *f = &self->f;
	struct fake_hc *h;
	unsigned int i;

	h = add_hc(f, 0, "many", 8);
	for (i = 0; i < 40; i++) {
		char serial[16];

		snprintf(serial, sizeof(serial), "S%u", i);
		add_dev(h, "1.1", 0, serial);
	}
	f->names[f->nnames++] = "usbblk-hc0";
	ASSERT_EQ(0, usbblk__enumerate_sys(&fake_sys, f, 0, &self->t));
	ASSERT_EQ(40, self->t->controllers[0].ndevices);
	EXPECT_STREQ("S39", self->t->controllers[0].devices[39].info.serial);
	ASSERT_EQ(2, f->enumerates);
	EXPECT_EQ(0, f->enum_flags[0]);
	EXPECT_EQ(USBBLK_ENUM_NO_RESCAN, f->enum_flags[1]);
	EXPECT_LE(40, f->enum_max[1]);
}

/* Devices that keep arriving faster than the array grows: -EAGAIN, no leak. */
TEST_F(tree, endless_growth_gives_up)
{
	struct fake *f = &self->f;
	struct fake_hc *h = add_hc(f, 0, "storm", 8);

	h->grow = 20;
	f->names[f->nnames++] = "usbblk-hc0";
	EXPECT_EQ(-EAGAIN, usbblk__enumerate_sys(&fake_sys, f, 0, &self->t));
	EXPECT_EQ(NULL, self->t);
	EXPECT_EQ(9, f->enumerates);
}

/* Nodes that vanish while we look are left out; other errors are returned. */
TEST_F(tree, vanishing_nodes_left_out)
{
	struct fake *f = &self->f;
	struct fake_hc *h0, *h1;

	h0 = add_hc(f, 0, "gone", 8);
	h0->open_err = -ENOENT;
	h1 = add_hc(f, 1, "here", 8);
	add_dev(h1, "2", 0, "X");
	add_lun(f, 0, h1, &h1->devs[0], 0)->info_err = -ENODEV;
	add_lun(f, 1, h1, &h1->devs[0], 1);
	f->names[f->nnames++] = "usbblk-hc0";
	f->names[f->nnames++] = "usbblk-hc1";
	f->names[f->nnames++] = "usbblk-hc7";		/* listed, not openable: ENOENT */
	f->names[f->nnames++] = "usbblk0";
	f->names[f->nnames++] = "usbblk1";
	ASSERT_EQ(0, usbblk__enumerate_sys(&fake_sys, f, 0, &self->t));
	ASSERT_EQ(1, self->t->ncontrollers);
	EXPECT_STREQ("here", self->t->controllers[0].hc.name);
	ASSERT_EQ(1, self->t->controllers[0].devices[0].nluns);
	EXPECT_EQ(1, self->t->controllers[0].devices[0].luns[0].info.lun);
}

TEST_F(tree, permission_error_returned)
{
	struct fake *f = &self->f;
	struct fake_hc *h = add_hc(f, 0, "hc", 8);

	add_dev(h, "2", 0, "X");
	add_lun(f, 0, h, &h->devs[0], 0)->open_err = -EACCES;
	f->names[f->nnames++] = "usbblk-hc0";
	f->names[f->nnames++] = "usbblk0";
	EXPECT_EQ(-EACCES, usbblk__enumerate_sys(&fake_sys, f, 0, &self->t));
	EXPECT_EQ(NULL, self->t);
}

TEST_F(tree, enumerate_error_returned)
{
	struct fake *f = &self->f;

	add_hc(f, 0, "hc", 8)->enum_err = -EINTR;
	f->names[f->nnames++] = "usbblk-hc0";
	EXPECT_EQ(-EINTR, usbblk__enumerate_sys(&fake_sys, f, 0, &self->t));
}

/* Only usbblk-hcN and usbblkN with decimal N are nodes. */
TEST_F(tree, other_names_ignored)
{
	struct fake *f = &self->f;
	static const char *const names[] = {
		"usbblk-hc", "usbblk-hc0p1", "usbblkx1", "usbblk-1", "usbblk0a",
		"usbblk12345678901", "usbblk-hc-0",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		f->names[f->nnames++] = names[i];
	ASSERT_EQ(0, usbblk__enumerate_sys(&fake_sys, f, 0, &self->t));
	EXPECT_EQ(0, self->t->ncontrollers);
	EXPECT_EQ(0, f->opens);
}

/* The seed's names on the same tree. */
TEST(usb_stack_names)
{
	/* no /dev/usbblk-hc* on the build host: enumerates to nothing */
	if (!access("/dev/usbblk-hc0", F_OK))
		SKIP(return, "this host has usbblk controllers");
	EXPECT_EQ(0, usb_enumerate());
	EXPECT_EQ(NULL, usb_get_device_by_class(0x08, 0x06));
	usb_stack_release();
}

/* ---------------------------------------------------------------- names */

TEST(errno_names)
{
	EXPECT_STREQ("EIO", usbblk_errno_name(EIO));
	EXPECT_STREQ("EIO", usbblk_errno_name(-EIO));
	EXPECT_STREQ("ENOMEDIUM", usbblk_errno_name(-ENOMEDIUM));
	EXPECT_STREQ("ETIMEDOUT", usbblk_errno_name(ETIMEDOUT));
	EXPECT_STREQ("ERANGE", usbblk_errno_name(-ERANGE));
	EXPECT_STREQ("EROFS", usbblk_errno_name(-EROFS));
	EXPECT_STREQ("ENOTTY", usbblk_errno_name(-ENOTTY));
	EXPECT_EQ(NULL, usbblk_errno_name(0));
	EXPECT_EQ(NULL, usbblk_errno_name(9999));
}

TEST(sense_keys_and_codes)
{
	EXPECT_STREQ("NO SENSE", usbblk_sense_key_name(0));
	EXPECT_STREQ("MEDIUM ERROR", usbblk_sense_key_name(3));
	EXPECT_STREQ("ILLEGAL REQUEST", usbblk_sense_key_name(5));
	EXPECT_STREQ("DATA PROTECT", usbblk_sense_key_name(7));
	EXPECT_STREQ("RESERVED", usbblk_sense_key_name(0xc));
	EXPECT_STREQ("RESERVED", usbblk_sense_key_name(0x10));
	EXPECT_STREQ("unrecovered read error", usbblk_asc_name(0x11, 0x00));
	EXPECT_STREQ("read retries exhausted", usbblk_asc_name(0x11, 0x01));
	EXPECT_STREQ("unrecovered read error", usbblk_asc_name(0x11, 0x7f));
	EXPECT_STREQ("medium not present", usbblk_asc_name(0x3a, 0x00));
	EXPECT_STREQ("medium not present, tray open", usbblk_asc_name(0x3a, 0x02));
	EXPECT_STREQ("logical block address out of range", usbblk_asc_name(0x21, 0x00));
	EXPECT_STREQ("write protected", usbblk_asc_name(0x27, 0x00));
	EXPECT_STREQ("logical unit not ready", usbblk_asc_name(0x04, 0x99));
	EXPECT_STREQ("invalid field in CDB", usbblk_asc_name(0x24, 0x00));
	EXPECT_EQ(NULL, usbblk_asc_name(0x21, 0x01));
	EXPECT_EQ(NULL, usbblk_asc_name(0x80, 0x00));
}

static struct usbblk_sense medium_error(void)
{
	struct usbblk_sense s;

	memset(&s, 0, sizeof(s));
	s.key = 0x3;
	s.asc = 0x11;
	s.response = 0x70;
	s.error = EIO;
	s.info = 1000;
	s.info_valid = 1;
	s.opcode = 0x28;
	return s;
}

TEST(strerror_with_sense)
{
	struct usbblk_sense s = medium_error();
	char buf[160];

	EXPECT_STREQ("EIO (Input/output error): sense MEDIUM ERROR (3/11/00: unrecovered read error), LBA 1000, READ(10)",
		     usbblk_strerror(-EIO, &s, buf, sizeof(buf)));
	s.info_valid = 0;
	s.opcode = 0xc1;
	s.key = 0x9;
	s.asc = 0x80;
	s.ascq = 0x01;
	EXPECT_STREQ("EIO (Input/output error): sense VENDOR SPECIFIC (9/80/01), opcode 0xc1",
		     usbblk_strerror(EIO, &s, buf, sizeof(buf)));
}

TEST(strerror_without_sense)
{
	struct usbblk_sense s = medium_error();
	char buf[160];

	EXPECT_STREQ("ETIMEDOUT (Connection timed out)",
		     usbblk_strerror(-ETIMEDOUT, NULL, buf, sizeof(buf)));
	/* a sense record of another error is not this error's */
	EXPECT_STREQ("ERANGE (Numerical result out of range)",
		     usbblk_strerror(-ERANGE, &s, buf, sizeof(buf)));
	/* EIO without a sense key: a transport error */
	s.key = 0;
	s.asc = 0;
	EXPECT_STREQ("EIO (Input/output error)", usbblk_strerror(-EIO, &s, buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp("errno 9999 (", usbblk_strerror(-9999, NULL, buf, sizeof(buf)), 12));
}

TEST(strerror_truncates)
{
	struct usbblk_sense s = medium_error();
	char buf[64];
	size_t n;

	for (n = 1; n < sizeof(buf); n++) {
		memset(buf, 'x', sizeof(buf));
		usbblk_strerror(-EIO, &s, buf, n);
		EXPECT_EQ(n - 1, strlen(buf)) TH_LOG("size %zu", n);
		EXPECT_EQ('x', buf[n]);
	}
	EXPECT_EQ(NULL, usbblk_strerror(-EIO, &s, NULL, 0));
}

TEST(speed_names)
{
	static const unsigned int all[] = {
		USB_SPEED_LOW, USB_SPEED_FULL, USB_SPEED_HIGH, USB_SPEED_WIRELESS,
		USB_SPEED_SUPER, USB_SPEED_SUPER_PLUS,
	};
	unsigned int i;

	EXPECT_STREQ("super-speed", usbblk_speed_name(USB_SPEED_SUPER));
	EXPECT_STREQ("high-speed", usbblk_speed_name(USB_SPEED_HIGH));
	EXPECT_STREQ("unknown", usbblk_speed_name(USB_SPEED_UNKNOWN));
	EXPECT_STREQ("unknown", usbblk_speed_name(77));
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		EXPECT_EQ(all[i], usbblk_speed_from_name(usbblk_speed_name(all[i])));
	EXPECT_EQ(USB_SPEED_SUPER, usbblk_speed_from_name("super"));
	EXPECT_EQ(USB_SPEED_SUPER_PLUS, usbblk_speed_from_name("super-plus"));
	EXPECT_EQ(USB_SPEED_FULL, usbblk_speed_from_name("full"));
	EXPECT_EQ(USB_SPEED_LOW, usbblk_speed_from_name("low"));
	EXPECT_EQ(USB_SPEED_UNKNOWN, usbblk_speed_from_name("supe"));
	EXPECT_EQ(USB_SPEED_UNKNOWN, usbblk_speed_from_name("super-"));
	EXPECT_EQ(USB_SPEED_UNKNOWN, usbblk_speed_from_name(""));
	EXPECT_EQ(USB_SPEED_UNKNOWN, usbblk_speed_from_name(NULL));
}

TEST(state_and_path_names)
{
	uint8_t path[USBBLK_MAX_TIERS + 1] = { 5, 2, 14, 1, 3, 4 };
	char buf[32];

	EXPECT_STREQ("configured", usbblk_state_name(USBBLK_DEV_CONFIGURED));
	EXPECT_STREQ("addressed", usbblk_state_name(USBBLK_DEV_ADDRESSED));
	EXPECT_STREQ("failed", usbblk_state_name(USBBLK_DEV_FAILED));
	EXPECT_STREQ("5", usbblk_path_name(path, 0, buf, sizeof(buf)));
	EXPECT_STREQ("5.2.14", usbblk_path_name(path, 2, buf, sizeof(buf)));
	EXPECT_STREQ("5.2.14.1.3.4", usbblk_path_name(path, 9, buf, sizeof(buf)));
	EXPECT_STREQ("5.2", usbblk_path_name(path, 2, buf, 4));
}

/* ---------------------------------------------------------------- buffers and handles */

TEST(buffers_aligned_and_zeroed)
{
	size_t pg = sysconf(_SC_PAGESIZE), aligns[] = { 1, 512, pg, 4 * pg, 64 * pg };
	unsigned int i;
	void *b;

	for (i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		size_t want = aligns[i] > pg ? aligns[i] : pg, j;

		ASSERT_EQ(0, usbblk__buf_alloc_aligned(aligns[i], 3 * pg + 1, 0, &b));
		EXPECT_EQ(0, (uintptr_t)b % want) TH_LOG("alignment %zu: %p", aligns[i], b);
		for (j = 0; j < 3 * pg + 1; j++)
			ASSERT_EQ(0, ((uint8_t *)b)[j]);
		memset(b, 0xa5, 4 * pg);	/* the whole last page is ours */
		usbblk_buf_free(b, 3 * pg + 1);
	}
	ASSERT_EQ(0, usbblk_buf_alloc(NULL, 100, 0, &b));
	EXPECT_EQ(0, (uintptr_t)b % pg);
	usbblk_buf_free(b, 100);
	usbblk_buf_free(NULL, 0);
	EXPECT_EQ(-EINVAL, usbblk_buf_alloc(NULL, 0, 0, &b));
	EXPECT_EQ(-EINVAL, usbblk_buf_alloc(NULL, 100, 0x80, &b));
	EXPECT_EQ(-EINVAL, usbblk__buf_alloc_aligned(3 * 512, 100, 0, &b));
	EXPECT_EQ(-ENOMEM, usbblk_buf_alloc(NULL, SIZE_MAX - 10, 0, &b));
}

/*
 * A locked buffer is resident (mincore) before anything touched it.
 * AddressSanitizer makes mlock() a no-op, so this runs in the build
 * without sanitizers (make check runs both).
 */
TEST(buffers_locked)
{
	size_t pg = sysconf(_SC_PAGESIZE), i;
	unsigned char vec[8];
	void *b;
	int ret;

#if defined(__SANITIZE_ADDRESS__)
	SKIP(return, "mlock is a no-op under AddressSanitizer: see the plain build");
#endif
	ret = usbblk_buf_alloc(NULL, 8 * pg, USBBLK_BUF_MLOCK, &b);

	if (ret == -EPERM || ret == -EAGAIN || ret == -ENOMEM)
		SKIP(return, "mlock refused here (%s): RLIMIT_MEMLOCK", usbblk_errno_name(ret));
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, mincore(b, 8 * pg, vec));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(1, vec[i] & 1) TH_LOG("page %zu not resident", i);
	usbblk_buf_free(b, 8 * pg);
}

TEST(open_refuses_what_is_not_a_lun)
{
	struct usbblk *h = (void *)1;

	EXPECT_EQ(-ENOTTY, usbblk_open("/dev/null", O_RDONLY, &h));
	EXPECT_EQ(NULL, h);
	EXPECT_EQ(-ENOENT, usbblk_open("/nonexistent/usbblk0", O_RDONLY, &h));
	EXPECT_EQ(-EINVAL, usbblk_open("/dev/null", O_WRONLY, &h));
	EXPECT_EQ(-EINVAL, usbblk_open(NULL, O_RDONLY, &h));
	usbblk_close(NULL);
}

TEST(hc_enumerate_on_a_non_usbblk_fd)
{
	struct usbblk_enumerate e;
	int fd = open("/dev/null", O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOTTY, usbblk_hc_enumerate(fd, 0, &e, NULL, 0));
	EXPECT_EQ(-EBADF, usbblk_hc_enumerate(-1, 0, &e, NULL, 0));
	EXPECT_EQ(-EINVAL, usbblk_hc_enumerate(fd, 0, NULL, NULL, 0));
	close(fd);
}

TEST_HARNESS_MAIN
