// SPDX-License-Identifier: GPL-2.0
/*
 * Hot-unplug and re-plug a stick through the QEMU monitor (tools/vm/run
 * --hotplug, guest helper vm-monitor) and check that usbblk tears it down
 * and enumerates it again, with nothing leaked across cycles.
 *
 *   USBBLK_HOTPLUG_ID      QEMU device id of the stick (default stick0)
 *   USBBLK_HOTPLUG_ADD     the device_add argument that plugs it back
 *   USBBLK_HOTPLUG_SERIAL  its serial number, to find it in ENUMERATE
 *   USBBLK_HOTPLUG_CYCLES  unplug/re-plug cycles (default 50)
 *   USBBLK_HOTPLUG_ASYNC   1: do not let ENUMERATE rescan; wait (bounded)
 *                          for the driver to notice by itself (port status
 *                          change events, the hub poll)
 *
 * Leaks: the controller's DMA pools (/sys/.../pools) must hold exactly
 * as many blocks after every cycle as before; slab and free memory are
 * printed and bounded loosely (they move with everything else the kernel
 * does).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libusbblk.h"
#include "usbblk-test.h"
#include "kselftest_harness.h"

#define MAX_DEVS 16

static unsigned int enum_flags;

/* Devices with this serial, and whether they are configured. */
static int find_serial(int fd, const char *serial, int *configured, char *pools_path,
		       size_t plen)
{
	struct usbblk_device_info d[MAX_DEVS];
	struct usbblk_enumerate e;
	unsigned int i;
	int n = usbblk_hc_enumerate(fd, enum_flags, &e, d, MAX_DEVS);

	if (n)
		return n;
	*configured = 0;
	for (i = 0; i < e.ndevices && i < MAX_DEVS; i++) {
		if (strcmp(d[i].serial, serial))
			continue;
		n++;
		*configured += d[i].state == USBBLK_DEV_CONFIGURED;
	}
	if (pools_path)
		snprintf(pools_path, plen, "/sys/bus/%s/devices/%s/pools",
			 e.hc.flags & USBBLK_HC_PCI ? "pci" : "platform", e.hc.name);
	return n;
}

/* Blocks in use in usbblk's DMA pools. */
static long pool_blocks(const char *path)
{
	char line[256], name[64];
	long in_use, total = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", name, &in_use) == 2 && !strncmp(name, "usbblk-", 7))
			total += in_use;
	fclose(f);
	return total;
}

/* With USBBLK_HOTPLUG_ASYNC, wait up to 5 s for the count to become WANT. */
static int wait_serial(int fd, const char *serial, int want, int *configured)
{
	int i, n = find_serial(fd, serial, configured, NULL, 0);

	for (i = 0; enum_flags && i < 100 && (n != want || *configured != want); i++) {
		usleep(50 * 1000);
		n = find_serial(fd, serial, configured, NULL, 0);
	}
	return n;
}

static int monitor(const char *cmd, const char *arg)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "vm-monitor %s %s >/dev/null", cmd, arg);
	return system(buf);
}

/*
 * A fixture only for its timeout: a cycle takes a few seconds under TCG,
 * and the debug kernel with other guests on the host runs out of the
 * harness's default 30 s well before its 15 cycles end.
 */
FIXTURE(plug) {
	int unused;
};

FIXTURE_SETUP(plug)
{
}

FIXTURE_TEARDOWN(plug)
{
}

TEST_F_TIMEOUT(plug, unplug_replug_cycles, 1800)
{
	const char *id = env_or("USBBLK_HOTPLUG_ID", "stick0");
	const char *add = getenv("USBBLK_HOTPLUG_ADD");
	const char *serial = getenv("USBBLK_HOTPLUG_SERIAL");
	int cycles = atoi(env_or("USBBLK_HOTPLUG_CYCLES", "50"));
	long with, without = -1, slab0 = 0, free0 = 0, slab1, free1;
	char pools[256];
	int fd, i, n, conf;

	ASSERT_NE(NULL, add) TH_LOG("USBBLK_HOTPLUG_ADD is not set");
	ASSERT_NE(NULL, serial) TH_LOG("USBBLK_HOTPLUG_SERIAL is not set");
	if (atoi(env_or("USBBLK_HOTPLUG_ASYNC", "0")))
		enum_flags = USBBLK_ENUM_NO_RESCAN;
	fd = open(env_or("USBBLK_DEV", "/dev/usbblk-hc0"), O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, find_serial(fd, serial, &conf, pools, sizeof(pools)));
	ASSERT_EQ(1, conf);
	with = pool_blocks(pools);
	ASSERT_LT(0, with) TH_LOG("%s unreadable", pools);

	for (i = 0; i < cycles; i++) {
		if (i == 3) {	/* past the first allocations of every cache */
			slab0 = usbblk_meminfo("Slab");
			free0 = usbblk_meminfo("MemFree");
		}
		ASSERT_EQ(0, monitor("device_del", id)) TH_LOG("cycle %d: device_del", i);
		n = wait_serial(fd, serial, 0, &conf);
		ASSERT_EQ(0, n) TH_LOG("cycle %d: still listed after unplug", i);
		if (without < 0)
			without = pool_blocks(pools);
		EXPECT_EQ(without, pool_blocks(pools)) TH_LOG("cycle %d: pool blocks", i);
		EXPECT_LT(without, with);

		ASSERT_EQ(0, monitor("device_add", add)) TH_LOG("cycle %d: device_add", i);
		n = wait_serial(fd, serial, 1, &conf);
		ASSERT_EQ(1, n) TH_LOG("cycle %d: not back after re-plug", i);
		ASSERT_EQ(1, conf) TH_LOG("cycle %d: not configured", i);
		EXPECT_EQ(with, pool_blocks(pools)) TH_LOG("cycle %d: pool blocks", i);
	}
	slab1 = usbblk_meminfo("Slab");
	free1 = usbblk_meminfo("MemFree");
	ksft_print_msg("%d cycles: DMA pool blocks %ld plugged / %ld unplugged every cycle; Slab %+ld kB, MemFree %+ld kB over cycles 3..%d\n",
		       cycles, with, without, slab1 - slab0, free1 - free0, cycles);
	/*
	 * Noise bounds: a leak of one context or ring a cycle would show
	 * (on the debug kernel kmemleak checks instead).
	 */
	if (usbblk_debug_kernel()) {
		ksft_print_msg("debug kernel: Slab and MemFree bounds left to kmemleak\n");
	} else if (cycles > 10) {
		EXPECT_GT(512, slab1 - slab0);
		EXPECT_GT(4096, free0 - free1);
	}
	close(fd);
}

TEST_HARNESS_MAIN
