// SPDX-License-Identifier: GPL-2.0
/*
 * Unplug under I/O: the stick (slow: tools/vm/run --hotplug --disk
 * throttle:BPS:IMG) is pulled through the QEMU monitor while a large read
 * is in flight.  The read must end (ENODEV or EIO, never a hang), no page
 * may stay pinned, the node must go, and the open file must answer ENODEV.
 *
 *   USBBLK_LUN          LUN node (default /dev/usbblk0)
 *   USBBLK_HOTPLUG_ID   QEMU device id of the stick (default stick0)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/usbblk.h>
#include "usbblk-test.h"
#include "kselftest_harness.h"

TEST(unplug_during_read)
{
	const char *node = getenv("USBBLK_LUN") ?: "/dev/usbblk0";
	const char *id = getenv("USBBLK_HOTPLUG_ID") ?: "stick0";
	struct usbblk_info info;
	struct usbblk_io r;
	int *result, fd, status;
	char cmd[128];
	void *buf;
	pid_t pid;

	fd = open(node, O_RDWR);
	ASSERT_LE(0, fd);
	result = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, result);
	*result = 1;
	ASSERT_EQ(0, posix_memalign(&buf, 4096, 4 << 20));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		memset(&r, 0, sizeof(r));
		r.buf = (uintptr_t)buf;
		r.count = (4 << 20) / 512;	/* a minute at this speed */
		r.timeout_ms = 60000;
		*result = ioctl(fd, USBBLK_IOC_READ_SECTOR, &r) ? errno : 0;
		_exit(0);
	}
	usleep(700 * 1000);
	snprintf(cmd, sizeof(cmd), "vm-monitor device_del %s >/dev/null", id);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ksft_print_msg("read in flight during unplug ended with: %s\n", strerror(*result));
	EXPECT_TRUE(*result == ENODEV || *result == EIO) TH_LOG("errno %d", *result);
	EXPECT_EQ(0, usbblk_pins_outstanding());
	EXPECT_NE(0, access(node, F_OK)) TH_LOG("%s still there", node);
	/* the open file stays valid and answers ENODEV */
	EXPECT_EQ(-1, ioctl(fd, USBBLK_IOC_GET_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	memset(&r, 0, sizeof(r));
	r.buf = (uintptr_t)buf;
	r.count = 1;
	EXPECT_EQ(-1, ioctl(fd, USBBLK_IOC_READ_SECTOR, &r));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(fd, USBBLK_IOC_SYNC));
	EXPECT_EQ(ENODEV, errno);
	close(fd);
	free(buf);
}

TEST_HARNESS_MAIN
