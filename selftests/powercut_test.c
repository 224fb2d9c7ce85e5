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

#include "libusbblk.h"
#include "usbblk-test.h"
#include "kselftest_harness.h"

TEST(acknowledged_writes_survive_sigkill)
{
	struct usbblk_info info;
	struct usbblk *h;
	uint8_t *buf;

	ASSERT_EQ(0, usbblk_open(env_or("USBBLK_LUN", "/dev/usbblk0"), O_RDWR, &h));
	ASSERT_EQ(0, usbblk_info(h, &info));
	ASSERT_EQ(0, usbblk_buf_alloc(h, 8 * info.block_size, 0, (void **)&buf));

	usbblk_fill(buf, 4242, 8, info.block_size, 0x33);
	ASSERT_EQ(0, usbblk_write(h, 4242, buf, 8, USBBLK_IO_FUA, 0));
	usbblk_fill(buf, 5252, 8, info.block_size, 0x44);
	ASSERT_EQ(0, usbblk_write(h, 5252, buf, 8, 0, 0));
	ASSERT_EQ(0, usbblk_sync(h));

	ksft_print_msg("both writes acknowledged; cutting the power\n");
	fflush(stdout);
	/* QEMU dies here; nothing after this line runs */
	ASSERT_EQ(0, system("vm-monitor sigkill"));
	sleep(30);
	ASSERT_TRUE(0) TH_LOG("still alive after sigkill");
}

TEST_HARNESS_MAIN
