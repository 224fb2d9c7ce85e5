// SPDX-License-Identifier: GPL-2.0
/*
 * Power cut after an acknowledged write: writes one pattern with FUA and
 * another followed by SYNC, then asks the runner to SIGKILL QEMU (guest
 * helper "vm-monitor sigkill", tools/vm/run --hotplug).  The host then
 * checks that both are in the image (tools/check-image verify-powercut).
 *
 *   USBBLK_LUN  LUN node (default /dev/usbblk0)
 * Layout: seed 0x33 at LBA 4242 (8 blocks, FUA), seed 0x44 at LBA 5252
 * (8 blocks, then SYNC); pattern as in io_test.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/usbblk.h>
#include "usbblk-test.h"
#include "kselftest_harness.h"

TEST(acknowledged_writes_survive_sigkill)
{
	const char *node = getenv("USBBLK_LUN") ?: "/dev/usbblk0";
	struct usbblk_info info;
	struct usbblk_io r;
	uint8_t *buf;
	int fd;

	fd = open(node, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, USBBLK_IOC_GET_INFO, &info));
	ASSERT_EQ(0, posix_memalign((void **)&buf, 4096, 8 * info.block_size));

	usbblk_fill(buf, 4242, 8, info.block_size, 0x33);
	memset(&r, 0, sizeof(r));
	r.lba = 4242;
	r.buf = (uintptr_t)buf;
	r.count = 8;
	r.flags = USBBLK_IO_FUA;
	ASSERT_EQ(0, ioctl(fd, USBBLK_IOC_WRITE_SECTOR, &r));

	usbblk_fill(buf, 5252, 8, info.block_size, 0x44);
	r.lba = 5252;
	r.flags = 0;
	ASSERT_EQ(0, ioctl(fd, USBBLK_IOC_WRITE_SECTOR, &r));
	ASSERT_EQ(0, ioctl(fd, USBBLK_IOC_SYNC));

	ksft_print_msg("both writes acknowledged; cutting the power\n");
	fflush(stdout);
	/* QEMU dies here; nothing after this line runs */
	ASSERT_EQ(0, system("vm-monitor sigkill"));
	sleep(30);
	ASSERT_TRUE(0) TH_LOG("still alive after sigkill");
}

TEST_HARNESS_MAIN
