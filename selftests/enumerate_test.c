// SPDX-License-Identifier: GPL-2.0
/*
 * ENUMERATE on a live controller, in a guest booted by tools/vm/run.
 *
 * What the test expects of the machine comes from the environment, set
 * by the caller that built the VM:
 *   USBBLK_DEV           controller node (default /dev/usbblk-hc0)
 *   USBBLK_EXPECT_PORTS  root ports of QEMU's model (required)
 *   USBBLK_EXPECT_STICKS sticks attached to root ports (default 0)
 *   USBBLK_EXPECT_SPEED  their speed: low|full|high|super|super-plus
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/usb/ch9.h>
#include "libusbblk.h"
#include "usbblk-test.h"
#include "kselftest_harness.h"

FIXTURE(hc) {
	int fd;
	struct usbblk_enumerate e;
};

FIXTURE_SETUP(hc)
{
	const char *dev = env_or("USBBLK_DEV", "/dev/usbblk-hc0");

	self->fd = open(dev, O_RDONLY);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", dev, strerror(errno));
	ASSERT_EQ(0, usbblk_hc_enumerate(self->fd, 0, &self->e, NULL, 0));
}

FIXTURE_TEARDOWN(hc)
{
	close(self->fd);
}

TEST_F(hc, version_and_facts)
{
	const struct usbblk_hc_info *hc = &self->e.hc;

	EXPECT_LE(0x100, hc->hci_version) TH_LOG("HCIVERSION %#x", hc->hci_version);
	EXPECT_LT(0, hc->max_slots);
	EXPECT_LT(0, hc->max_intrs);
	EXPECT_NE(0, hc->page_size);
	EXPECT_EQ(0, hc->page_size & (hc->page_size - 1));
	EXPECT_NE(0, hc->name[0]);
	EXPECT_EQ(hc->max_slots, hc->hcsparams1 & 0xff);
	EXPECT_EQ(hc->max_ports, hc->hcsparams1 >> 24);
	/* a DWC3 reports its ID (core 0x5533 "U3"), other controllers 0 */
	if (hc->flags & USBBLK_HC_DWC3) {
		EXPECT_EQ(0x5533, hc->snpsid >> 16);
	} else {
		EXPECT_EQ(0, hc->snpsid);
	}
	ksft_print_msg("controller %s: xHCI %#x, %u slots, %u ports, %s-bit DMA\n",
		       hc->name, hc->hci_version, hc->max_slots, hc->max_ports,
		       hc->flags & USBBLK_HC_AC64 ? "64" : "32");
}

TEST_F(hc, port_count)
{
	unsigned int want = atoi(env_or("USBBLK_EXPECT_PORTS", "0"));
	unsigned int i;

	ASSERT_NE(0, want) TH_LOG("USBBLK_EXPECT_PORTS is not set");
	EXPECT_EQ(want, self->e.hc.max_ports);
	EXPECT_EQ(want, self->e.nports);
	for (i = 0; i < self->e.nports; i++)
		EXPECT_EQ(i + 1, self->e.ports[i].port);
	/* entries past nports stay zero */
	for (i = self->e.nports; i < USBBLK_MAX_PORTS; i++)
		EXPECT_EQ(0, self->e.ports[i].portsc | self->e.ports[i].port);
}

TEST_F(hc, sticks_connected_at_speed)
{
	unsigned int sticks = atoi(env_or("USBBLK_EXPECT_STICKS", "0"));
	unsigned int speed = usbblk_speed_from_name(env_or("USBBLK_EXPECT_SPEED", "super"));
	unsigned int i, connected = 0;

	for (i = 0; i < self->e.nports; i++) {
		const struct usbblk_port *p = &self->e.ports[i];

		ksft_print_msg("port %u: portsc %08x %s %s\n", p->port, p->portsc,
			       p->flags & USBBLK_PORT_CONNECTED ? "connected" : "empty",
			       usbblk_speed_name(p->speed));
		EXPECT_TRUE(p->flags & USBBLK_PORT_POWERED);
		if (!(p->flags & USBBLK_PORT_CONNECTED)) {
			EXPECT_EQ(USB_SPEED_UNKNOWN, p->speed);
			continue;
		}
		connected++;
		EXPECT_EQ(speed, p->speed) TH_LOG("port %u: %s, want %s", p->port,
						  usbblk_speed_name(p->speed),
						  usbblk_speed_name(speed));
		/* a SuperSpeed device sits on a USB 3 port, others on USB 2 */
		EXPECT_EQ(speed >= USB_SPEED_SUPER, !!(p->flags & USBBLK_PORT_USB3));
	}
	EXPECT_EQ(sticks, connected);
}

TEST_F(hc, nonzero_flags_einval)
{
	struct usbblk_enumerate e;

	memset(&e, 0, sizeof(e));
	e.flags = 1U << 31;
	EXPECT_EQ(-1, ioctl(self->fd, USBBLK_IOC_ENUMERATE, &e));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(hc, nonzero_reserved_einval)
{
	struct usbblk_enumerate e;
	unsigned int i;

	for (i = 0; i < sizeof(e.reserved) / sizeof(e.reserved[0]); i++) {
		memset(&e, 0, sizeof(e));
		e.reserved[i] = 1U << i;
		EXPECT_EQ(-1, ioctl(self->fd, USBBLK_IOC_ENUMERATE, &e));
		EXPECT_EQ(EINVAL, errno);
	}
}

TEST_F(hc, bad_pointers_efault)
{
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_EQ(-1, ioctl(self->fd, USBBLK_IOC_ENUMERATE, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, USBBLK_IOC_ENUMERATE, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	/* readable zeroes, but the answer cannot be written back */
	EXPECT_EQ(-1, ioctl(self->fd, USBBLK_IOC_ENUMERATE, ro));
	EXPECT_EQ(EFAULT, errno);
	munmap(ro, 4096);
}

TEST_F(hc, unknown_ioctl_enotty)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IO(USBBLK_IOC_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(hc, stable_across_calls)
{
	struct usbblk_enumerate e;

	memset(&e, 0, sizeof(e));
	ASSERT_EQ(0, ioctl(self->fd, USBBLK_IOC_ENUMERATE, &e));
	EXPECT_EQ(0, memcmp(&e.hc, &self->e.hc, sizeof(e.hc)));
	EXPECT_EQ(self->e.nports, e.nports);
}

TEST_HARNESS_MAIN
