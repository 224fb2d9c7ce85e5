// SPDX-License-Identifier: GPL-2.0
/*
 * Timeouts and fatal signals on a slow stick (tools/vm/run --disk
 * throttle:BPS:IMG): a transfer that outlasts its timeout, or whose caller
 * is killed, must end with the endpoint stopped, the device reset (BOT
 * reset recovery), no page left pinned, and the device usable.
 *
 *   USBBLK_LUN       LUN node (default /dev/usbblk0)
 *   USBBLK_SLOW_BPS  the stick's speed in bytes per second
 * The image holds the host pattern of io_test.c (tools/check-image).
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libusbblk.h"
#include "usbblk-test.h"
#include "kselftest_harness.h"

/* handle, lba, buffer, count, timeout */
#define rd(h, lba, buf, n, t) usbblk_read(h, lba, buf, n, 0, t)
#define wr(h, lba, buf, n, t) usbblk_write(h, lba, buf, n, 0, t)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The device answers correctly: LBA 0..2 hold the host pattern. */
static int usable(struct usbblk *h)
{
	uint8_t *buf;
	uint32_t i;
	int ret;

	if (posix_memalign((void **)&buf, 4096, 3 * 512))
		return -ENOMEM;
	ret = rd(h, 0, buf, 3, 0);
	for (i = 0; !ret && i < 3 * 512; i++)
		if (buf[i] != usbblk_pattern(i / 512, i % 512, 0x11))
			ret = -EILSEQ;
	free(buf);
	return ret;
}

FIXTURE(slow) {
	struct usbblk *h;
	uint8_t *buf;
	long bps;
};

FIXTURE_SETUP(slow)
{
	const char *bps = getenv("USBBLK_SLOW_BPS");

	ASSERT_NE(NULL, bps);
	self->bps = atol(bps);
	ASSERT_EQ(0, usbblk_open(env_or("USBBLK_LUN", "/dev/usbblk0"), O_RDWR, &self->h));
	ASSERT_EQ(0, posix_memalign((void **)&self->buf, 4096, 4 << 20));
}

FIXTURE_TEARDOWN(slow)
{
	free(self->buf);
	usbblk_close(self->h);
}

/*
 * QEMU's throttle lets a request through when its bucket has room and
 * makes the next one wait for the bucket to drain: 120 KiB at 64 KiB/s
 * keep the stick busy for about 2 s, so the read after it outlasts 300 ms.
 */
static void fill_bucket(struct usbblk *h, uint8_t *buf)
{
	rd(h, 3000, buf, 240, 0);
}

TEST_F(slow, read_timeout_then_usable)
{
	uint32_t blocks = 240;
	double t0, t;
	int i;

	ASSERT_LT(self->bps * 3 / 10, blocks * 512) TH_LOG("the stick is too fast");
	for (i = 0; i < 2; i++) {
		fill_bucket(self->h, self->buf);
		t0 = now();
		EXPECT_EQ(-ETIMEDOUT, rd(self->h, 1000, self->buf,
					  blocks, 300));
		t = now() - t0;
		ksft_print_msg("read of %u blocks with a 300 ms bound: ETIMEDOUT after %.2f s (recovery included)\n",
			       blocks, t);
		EXPECT_EQ(0, usbblk_pins_outstanding());
		EXPECT_EQ(0, usable(self->h));
	}
}

TEST_F(slow, write_timeout_then_usable)
{
	fill_bucket(self->h, self->buf);
	EXPECT_EQ(-ETIMEDOUT, wr(self->h, 2000, self->buf, 240, 300));
	EXPECT_EQ(0, usbblk_pins_outstanding());
	EXPECT_EQ(0, usable(self->h));
}

TEST_F(slow, fatal_signal_then_usable)
{
	double t0, t;
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* 4 MiB: a minute at this speed */
		rd(self->h, 4096, self->buf, 8192, 60000);
		_exit(0);
	}
	usleep(500 * 1000);
	t0 = now();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	t = now() - t0;
	EXPECT_TRUE(WIFSIGNALED(status));
	ksft_print_msg("SIGKILL during a 4 MiB read: the caller was gone after %.2f s\n", t);
	EXPECT_EQ(0, usbblk_pins_outstanding());
	EXPECT_EQ(0, usable(self->h));
}

/* A polled caller is bounded the same way: ETIMEDOUT, then usable. */
TEST_F(slow, polled_read_timeout_then_usable)
{
	double t0, t;

	fill_bucket(self->h, self->buf);
	t0 = now();
	EXPECT_EQ(-ETIMEDOUT, usbblk_read(self->h, 1000, self->buf, 240, USBBLK_IO_POLL, 300));
	t = now() - t0;
	ksft_print_msg("polled read of 240 blocks with a 300 ms bound: ETIMEDOUT after %.2f s (recovery included)\n",
		       t);
	EXPECT_EQ(0, usbblk_pins_outstanding());
	EXPECT_EQ(0, usable(self->h));
	/* the next polled request works */
	EXPECT_EQ(0, usbblk_read(self->h, 0, self->buf, 3, USBBLK_IO_POLL, 0));
	EXPECT_EQ(-1, usbblk_check(self->buf, 0, 3, 512, 0x11));
}

struct fixed_read {
	struct usbblk *h;
	uint32_t index;
	int ret;
};

static void *fixed_read_main(void *arg)
{
	struct fixed_read *f = arg;

	f->ret = usbblk_read_fixed(f->h, 1000, f->index, 0, 240, 0, 2000);
	return NULL;
}

/* A registered buffer in use cannot be unregistered (EBUSY); after, it can. */
TEST_F(slow, unregister_while_in_use_ebusy)
{
	struct fixed_read f = { .h = self->h };
	pthread_t th;

	ASSERT_EQ(0, usbblk_register_buffer(self->h, self->buf, 240 * 512, &f.index));
	fill_bucket(self->h, self->buf + (1 << 20));
	ASSERT_EQ(0, pthread_create(&th, NULL, fixed_read_main, &f));
	usleep(500 * 1000);
	EXPECT_EQ(-EBUSY, usbblk_unregister_buffer(self->h, f.index));
	pthread_join(th, NULL);
	ksft_print_msg("registered-buffer read with a 2 s bound on the slow stick: %s\n",
		       strerror(-f.ret));
	EXPECT_TRUE(f.ret == -ETIMEDOUT || f.ret == 0);
	EXPECT_EQ(0, usbblk_unregister_buffer(self->h, f.index));
	EXPECT_EQ(0, usbblk_pins_outstanding());
	EXPECT_EQ(0, usable(self->h));
}

/* A fatal signal ends a polled wait as it ends a sleeping one. */
TEST_F(slow, polled_fatal_signal_then_usable)
{
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		usbblk_read(self->h, 4096, self->buf, 8192, USBBLK_IO_POLL, 60000);
		_exit(0);
	}
	usleep(500 * 1000);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(0, usbblk_pins_outstanding());
	EXPECT_EQ(0, usable(self->h));
}

TEST_HARNESS_MAIN
