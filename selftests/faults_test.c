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

#include "libusbblk.h"
#include "usbblk-test.h"
#include "kselftest_harness.h"


TEST(media_error_eio_with_sense)
{
	const char *node = env_or("USBBLK_LUN", "/dev/usbblk0");
	const char *bad_s = getenv("USBBLK_BAD_LBA");
	struct usbblk_sense s;
	struct usbblk *h;
	uint64_t bad;
	void *buf;
	int i;

	ASSERT_NE(NULL, bad_s);
	bad = strtoull(bad_s, NULL, 0);
	ASSERT_EQ(0, usbblk_open(node, O_RDWR, &h));
	ASSERT_EQ(0, usbblk_buf_alloc(h, 64 * 512, 0, &buf));

	for (i = 0; i < 3; i++) {
		EXPECT_EQ(-EIO, usbblk_read(h, bad, buf, 1, 0, 0));
		ASSERT_EQ(0, usbblk_sense(h, &s));
		ksft_print_msg("read of LBA %llu: sense %x/%02x/%02x, opcode %#x, errno %d\n",
			       (unsigned long long)bad, s.key, s.asc, s.ascq, s.opcode, s.error);
		EXPECT_NE(0, s.key);
		EXPECT_EQ(EIO, s.error);
		EXPECT_EQ(0x28, s.opcode);	/* READ(10) */
		EXPECT_LE(8, s.len);
		/* the next read elsewhere works */
		EXPECT_EQ(0, usbblk_read(h, 0, buf, 1, 0, 0));
		/* a read that spans the bad sector fails as a whole */
		EXPECT_EQ(-EIO, usbblk_read(h, bad - 10, buf, 20, 0, 0));
		EXPECT_EQ(0, usbblk_read(h, bad + 1, buf, 64, 0, 0));
	}
	/* and writes elsewhere */
	EXPECT_EQ(0, usbblk_write(h, bad + 100, buf, 1, 0, 0));
	EXPECT_EQ(0, usbblk_pins_outstanding());
	usbblk_buf_free(buf, 64 * 512);
	usbblk_close(h);
}

TEST_HARNESS_MAIN
