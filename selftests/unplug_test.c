// SPDX-License-Identifier: GPL-2.0
/*
 * Unplug under I/O: the stick (slow: tools/vm/run --hotplug --disk
 * throttle:BPS:IMG) is pulled through the QEMU monitor while a large read
 * is in flight.  The read must end (ENODEV or EIO, never a hang), no page
 * may stay pinned, the node must go, and the open file must answer ENODEV.
 *
 *   USBBLK_LUN          LUN node (default /dev/usbblk0)
 *   USBBLK_HOTPLUG_ID   QEMU device id of the stick (default stick0)
 *
 * A second file holds two registered buffers (one read into during the
 * unplug): the LUN's departure releases them, the file still open.
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
	struct usbblk_buf_reg reg = { 0 };
	struct usbblk_info info;
	struct usbblk_io r;
	int *result, fd, fd2, status;
	uint32_t idx[2];
	char cmd[128];
	void *buf, *fbuf;
	pid_t pid, pid2;

	fd = open(node, O_RDWR);
	ASSERT_LE(0, fd);
	/* a second file with two registered buffers: one read into below */
	fd2 = open(node, O_RDWR);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, posix_memalign(&fbuf, 4096, 2 << 20));
	reg.addr = (uintptr_t)fbuf;
	reg.len = 1 << 20;
	ASSERT_EQ(0, ioctl(fd2, USBBLK_IOC_REGISTER_BUF, &reg));
	idx[0] = reg.index;
	reg.addr += 1 << 20;
	reg.index = 0;
	ASSERT_EQ(0, ioctl(fd2, USBBLK_IOC_REGISTER_BUF, &reg));
	idx[1] = reg.index;
	EXPECT_LE(512, usbblk_pins_outstanding());
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
	pid2 = fork();
	ASSERT_LE(0, pid2);
	if (!pid2) {
		/* the registered buffer, as long: it waits for the first, or runs */
		memset(&r, 0, sizeof(r));
		r.count = (1 << 20) / 512;
		r.timeout_ms = 60000;
		r.flags = USBBLK_IO_FIXED;
		r.reserved[0] = idx[0];
		result[1] = ioctl(fd2, USBBLK_IOC_READ_SECTOR, &r) ? errno : 0;
		_exit(0);
	}
	usleep(700 * 1000);
	snprintf(cmd, sizeof(cmd), "vm-monitor device_del %s >/dev/null", id);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(pid2, waitpid(pid2, &status, 0));
	ksft_print_msg("read in flight during unplug ended with: %s\n", strerror(*result));
	ksft_print_msg("registered-buffer read during unplug ended with: %s\n",
		       strerror(result[1]));
	EXPECT_TRUE(*result == ENODEV || *result == EIO) TH_LOG("errno %d", *result);
	EXPECT_TRUE(result[1] == ENODEV || result[1] == EIO) TH_LOG("errno %d", result[1]);
	/* the registered buffers went with the LUN, their file still open */
	EXPECT_EQ(0, usbblk_pins_outstanding());
	reg.index = 0;
	EXPECT_EQ(-1, ioctl(fd2, USBBLK_IOC_REGISTER_BUF, &reg));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(fd2, USBBLK_IOC_UNREGISTER_BUF, &idx[1]));
	EXPECT_EQ(EINVAL, errno);
	close(fd2);
	free(fbuf);
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
