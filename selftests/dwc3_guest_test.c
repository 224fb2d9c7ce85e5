// SPDX-License-Identifier: GPL-2.0
/*
 * DWC3 core bring-up on a live "usbblk,dwc3" controller (arm64 guest,
 * QEMU's versal DWC3 model), run by tools/vm/run with a stick attached:
 *
 * - ENUMERATE reports the core: USBBLK_HC_DWC3 and GSNPSID;
 * - the debugfs register dump (dwc3-regs) has the same GSNPSID and
 *   GCTL.PRTCAPDIR = host, the core out of soft reset;
 * - unbind/bind through sysfs N times leaves the core sane: after each
 *   bind ENUMERATE works, the stick's port is connected, PRTCAPDIR is host;
 * - system suspend is refused with EBUSY and the controller keeps working.
 *
 * Environment:
 *   USBBLK_DWC3_DEVICE   platform device (default fe200000.usb)
 *   USBBLK_DWC3_SNPSID   expected GSNPSID, e.g. 0x5533330a (default: any
 *                        DWC_usb3/31/32 ID)
 *   USBBLK_DWC3_CYCLES   unbind/bind cycles (default 20)
 *   USBBLK_EXPECT_STICKS sticks on root ports (default 1)
 * The runner checks dmesg afterwards.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "libusbblk.h"
#include "usbblk-test.h"
#include "kselftest_harness.h"

#define DRV "/sys/bus/platform/drivers/usbblk"

static const char *device(void)
{
	return env_or("USBBLK_DWC3_DEVICE", "fe200000.usb");
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ENUMERATE on the node whose controller is @name; -errno on failure. */
static int enumerate_dev(const char *name, struct usbblk_enumerate *e)
{
	glob_t g;
	size_t i;
	int ret = -ENOENT;

	if (glob("/dev/usbblk-hc*", 0, NULL, &g))
		return -ENOENT;
	for (i = 0; i < g.gl_pathc; i++) {
		int fd = open(g.gl_pathv[i], O_RDONLY);

		if (fd < 0)
			continue;
		ret = usbblk_hc_enumerate(fd, 0, e, NULL, 0);
		close(fd);
		if (!ret && !strcmp(e->hc.name, name))
			break;
		ret = -ENOENT;
	}
	globfree(&g);
	return ret;
}

/* One register of the dwc3-regs dump; -1 if the file or line is missing. */
static long long dwc3_reg(const char *name, const char *reg)
{
	char path[256], line[128], want[64];
	long long val = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/usbblk/%s/dwc3-regs", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%s = 0x", reg);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want))) {
			val = strtoll(line + strlen(want), NULL, 16);
			break;
		}
	fclose(f);
	return val;
}

static int is_dwc3_id(unsigned int snpsid)
{
	unsigned int core = snpsid >> 16;

	return core == 0x5533 || core == 0x3331 || core == 0x3332;
}

static unsigned int connected_ports(const struct usbblk_enumerate *e)
{
	unsigned int i, n = 0;

	for (i = 0; i < e->nports; i++)
		if (e->ports[i].flags & USBBLK_PORT_CONNECTED)
			n++;
	return n;
}

TEST(enumerate_reports_snpsid)
{
	const char *want = getenv("USBBLK_DWC3_SNPSID");
	static struct usbblk_enumerate e;

	ASSERT_EQ(0, enumerate_dev(device(), &e)) TH_LOG("no controller %s", device());
	EXPECT_TRUE(e.hc.flags & USBBLK_HC_DWC3) TH_LOG("flags %#x", e.hc.flags);
	EXPECT_TRUE(e.hc.flags & USBBLK_HC_OF);
	EXPECT_TRUE(is_dwc3_id(e.hc.snpsid)) TH_LOG("snpsid %#x", e.hc.snpsid);
	if (want)
		EXPECT_EQ(strtoul(want, NULL, 0), e.hc.snpsid);
	ksft_print_msg("%s: GSNPSID %#010x\n", e.hc.name, e.hc.snpsid);
}

TEST(debugfs_host_mode)
{
	static struct usbblk_enumerate e;
	long long gctl, snpsid;

	ASSERT_EQ(0, enumerate_dev(device(), &e));
	snpsid = dwc3_reg(device(), "GSNPSID");
	gctl = dwc3_reg(device(), "GCTL");
	ASSERT_NE(-1, snpsid) TH_LOG("no dwc3-regs in debugfs for %s", device());
	ASSERT_NE(-1, gctl);
	EXPECT_EQ(e.hc.snpsid, snpsid);
	EXPECT_EQ(1, (gctl >> 12) & 3) TH_LOG("GCTL %#llx: PRTCAPDIR is not host", gctl);
	EXPECT_EQ(0, gctl & (1 << 11)) TH_LOG("GCTL %#llx: core still in soft reset", gctl);
	ksft_print_msg("GCTL %#010llx: PRTCAPDIR %lld (host)\n", gctl, (gctl >> 12) & 3);
}

TEST(unbind_bind_cycles)
{
	int cycles = atoi(env_or("USBBLK_DWC3_CYCLES", "20"));
	unsigned int sticks = atoi(env_or("USBBLK_EXPECT_STICKS", "1"));
	double t, unbind_max = 0, bind_max = 0, unbind_sum = 0, bind_sum = 0;
	static struct usbblk_enumerate first, e;
	char link[256];
	int i;

	ASSERT_EQ(0, enumerate_dev(device(), &first));
	ASSERT_LE(sticks, connected_ports(&first));
	for (i = 0; i < cycles; i++) {
		long long gctl;

		t = now_ms();
		ASSERT_EQ(0, sysfs_write(DRV "/unbind", device())) TH_LOG("cycle %d: unbind", i);
		t = now_ms() - t;
		unbind_sum += t;
		unbind_max = t > unbind_max ? t : unbind_max;
		snprintf(link, sizeof(link), DRV "/%s", device());
		ASSERT_NE(0, access(link, F_OK)) TH_LOG("cycle %d: still bound", i);
		ASSERT_EQ(-ENOENT, enumerate_dev(device(), &e)) TH_LOG("cycle %d: node left", i);

		t = now_ms();
		ASSERT_EQ(0, sysfs_write(DRV "/bind", device())) TH_LOG("cycle %d: bind", i);
		t = now_ms() - t;
		bind_sum += t;
		bind_max = t > bind_max ? t : bind_max;

		ASSERT_EQ(0, enumerate_dev(device(), &e)) TH_LOG("cycle %d: ENUMERATE", i);
		EXPECT_TRUE(e.hc.flags & USBBLK_HC_DWC3);
		EXPECT_EQ(first.hc.snpsid, e.hc.snpsid);
		EXPECT_EQ(first.nports, e.nports);
		EXPECT_EQ(connected_ports(&first), connected_ports(&e))
			TH_LOG("cycle %d: connected ports differ", i);
		gctl = dwc3_reg(device(), "GCTL");
		ASSERT_NE(-1, gctl) TH_LOG("cycle %d: no dwc3-regs", i);
		EXPECT_EQ(1, (gctl >> 12) & 3) TH_LOG("cycle %d: GCTL %#llx", i, gctl);
		EXPECT_EQ(first.hc.snpsid, dwc3_reg(device(), "GSNPSID"));
	}
	if (cycles > 0)
		ksft_print_msg("%d unbind/bind cycles: unbind avg %.1f ms max %.1f ms, bind avg %.1f ms max %.1f ms\n",
			       cycles, unbind_sum / cycles, unbind_max, bind_sum / cycles,
			       bind_max);
}

TEST(system_suspend_refused)
{
	static struct usbblk_enumerate e;
	char states[128] = "";
	ssize_t n;
	int fd;

	fd = open("/sys/power/state", O_RDONLY);
	if (fd >= 0) {
		n = read(fd, states, sizeof(states) - 1);
		states[n > 0 ? n : 0] = 0;
		close(fd);
	}
	if (!strstr(states, "freeze"))
		SKIP(return, "no suspend-to-idle in /sys/power/state (\"%s\")", states);
	EXPECT_EQ(-EBUSY, sysfs_write("/sys/power/state", "freeze"));
	ASSERT_EQ(0, enumerate_dev(device(), &e)) TH_LOG("ENUMERATE after refused suspend");
	EXPECT_LE(atoi(env_or("USBBLK_EXPECT_STICKS", "1")), connected_ports(&e));
}

TEST_HARNESS_MAIN
