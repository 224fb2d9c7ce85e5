// SPDX-License-Identifier: GPL-2.0
/*
 * Load and unload usbblk repeatedly (the guest helpers usbblk-load and
 * usbblk-unload of tools/vm/run); after each load the controller node must
 * answer ENUMERATE, after each unload it must be gone.  The runner checks
 * dmesg afterwards.  USBBLK_CYCLES sets the count (default 20).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libusbblk.h"
#include "usbblk-test.h"
#include "kselftest_harness.h"

static const char *dev = "/dev/usbblk-hc0";

static int enumerate_once(struct usbblk_enumerate *e)
{
	int fd = open(dev, O_RDONLY);
	int ret;

	if (fd < 0)
		return -errno;
	ret = usbblk_hc_enumerate(fd, 0, e, NULL, 0);
	close(fd);
	return ret;
}

/*
 * A fixture only for its timeout: 20 cycles take 10-20 s on Debian's
 * kernel under TCG, more than the harness's default 30 s on the debug
 * kernel with other guests on the host (and a test killed between unload
 * and load leaves the next without its module).
 */
FIXTURE(mod) {
	int unused;
};

FIXTURE_SETUP(mod)
{
}

FIXTURE_TEARDOWN(mod)
{
}

TEST_F_TIMEOUT(mod, load_unload_cycles, 900)
{
	const char *s = getenv("USBBLK_CYCLES");
	int cycles = s ? atoi(s) : 20;
	struct usbblk_enumerate first, e;
	int i;

	ASSERT_EQ(0, enumerate_once(&first)) TH_LOG("usbblk must be loaded at start");
	for (i = 0; i < cycles; i++) {
		ASSERT_EQ(0, system("usbblk-unload")) TH_LOG("cycle %d: unload", i);
		ASSERT_NE(0, access(dev, F_OK)) TH_LOG("cycle %d: %s still there", i, dev);
		ASSERT_EQ(0, system("usbblk-load")) TH_LOG("cycle %d: load", i);
		ASSERT_EQ(0, enumerate_once(&e)) TH_LOG("cycle %d: ENUMERATE", i);
		EXPECT_EQ(first.hc.hci_version, e.hc.hci_version);
		EXPECT_EQ(first.nports, e.nports);
		EXPECT_EQ(0, memcmp(first.ports, e.ports, sizeof(e.ports)))
			TH_LOG("cycle %d: ports differ after reload", i);
	}
	ksft_print_msg("%d load/unload cycles\n", cycles);
}

/* Write VAL to usbblk's driver file FILE (bind, unbind) on BUS. */
static int drv_write(const char *bus, const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/%s/drivers/usbblk/%s", bus, file);
	return sysfs_write(path, val);
}

/* An open file gets ENODEV, never a crash, after the controller goes away. */
TEST(open_file_survives_unbind)
{
	struct usbblk_enumerate e;
	const char *bus;
	char name[sizeof(e.hc.name)];
	int fd;

	fd = open(dev, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, usbblk_hc_enumerate(fd, 0, &e, NULL, 0));
	memcpy(name, e.hc.name, sizeof(name));
	bus = e.hc.flags & USBBLK_HC_PCI ? "pci" : "platform";

	ASSERT_EQ(0, drv_write(bus, "unbind", name));
	EXPECT_NE(0, access(dev, F_OK));
	EXPECT_EQ(-ENODEV, usbblk_hc_enumerate(fd, 0, &e, NULL, 0));
	close(fd);

	ASSERT_EQ(0, drv_write(bus, "bind", name));
	ASSERT_EQ(0, enumerate_once(&e)) TH_LOG("ENUMERATE after rebind");
}

TEST_HARNESS_MAIN
