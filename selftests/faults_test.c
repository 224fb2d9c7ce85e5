// SPDX-License-Identifier: GPL-2.0
/*
 * Injected media errors: the stick's image sits behind QEMU's blkdebug
 * (tools/vm/run --disk blkdebug:CONF:IMG), which fails reads of one sector
 * with EIO.  usbblk must return EIO with the sense readable, pin nothing,
 * and keep the device usable.
 *
 *   USBBLK_LUN      LUN node (default /dev/usbblk0)
 *   USBBLK_BAD_LBA  the sector blkdebug fails
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

#define io(fd, req, lba, buf, n) usbblk_io(fd, req, lba, buf, n, 0, 0)

TEST(media_error_eio_with_sense)
{
	const char *node = getenv("USBBLK_LUN") ?: "/dev/usbblk0";
	const char *bad_s = getenv("USBBLK_BAD_LBA");
	struct usbblk_sense s;
	uint64_t bad;
	void *buf;
	int fd, i;

	ASSERT_NE(NULL, bad_s);
	bad = strtoull(bad_s, NULL, 0);
	fd = open(node, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, posix_memalign(&buf, 4096, 64 * 512));

	for (i = 0; i < 3; i++) {
		EXPECT_EQ(-EIO, io(fd, USBBLK_IOC_READ_SECTOR, bad, buf, 1));
		memset(&s, 0, sizeof(s));
		ASSERT_EQ(0, ioctl(fd, USBBLK_IOC_GET_SENSE, &s));
		ksft_print_msg("read of LBA %llu: sense %x/%02x/%02x, opcode %#x, errno %d\n",
			       (unsigned long long)bad, s.key, s.asc, s.ascq, s.opcode, s.error);
		EXPECT_NE(0, s.key);
		EXPECT_EQ(EIO, s.error);
		EXPECT_EQ(0x28, s.opcode);	/* READ(10) */
		EXPECT_LE(8, s.len);
		/* the next read elsewhere works */
		EXPECT_EQ(0, io(fd, USBBLK_IOC_READ_SECTOR, 0, buf, 1));
		/* a read that spans the bad sector fails as a whole */
		EXPECT_EQ(-EIO, io(fd, USBBLK_IOC_READ_SECTOR, bad - 10, buf, 20));
		EXPECT_EQ(0, io(fd, USBBLK_IOC_READ_SECTOR, bad + 1, buf, 64));
	}
	/* and writes elsewhere */
	EXPECT_EQ(0, io(fd, USBBLK_IOC_WRITE_SECTOR, bad + 100, buf, 1));
	EXPECT_EQ(0, usbblk_pins_outstanding());
	free(buf);
	close(fd);
}

TEST_HARNESS_MAIN
