// SPDX-License-Identifier: GPL-2.0
/*
 * Per-request deadlines on a slow stick (tools/vm/run --disk
 * throttle:BPS:IMG, so slow that every read takes tens of ms):
 *
 *   - a read with a short deadline answers ETIMEDOUT, DEADLINE_TRIES times
 *     out of DEADLINE_TRIES; how late (return time - deadline) is printed
 *     as p50/p99.9/max, never asserted (a slow host must not fail it);
 *   - the Bulk-Only reset recovery runs after the call returned: GET_INFO
 *     says RECOVERING, a USBBLK_IO_NOWAIT caller gets EAGAIN at once, a
 *     caller with a deadline waits for it at most until its deadline;
 *   - after the recovery the next request succeeds with the right data;
 *   - a deadline below the LUN's floor is refused with ETIME, unstarted;
 *   - callers queued for the LUN are served earliest deadline first,
 *     callers without a deadline last in arrival order, and a caller whose
 *     deadline passes in the queue leaves it with ETIMEDOUT (the LUN is
 *     held meanwhile by a read whose buffer faults in userfaultfd, so the
 *     queue is built whatever the stick's speed);
 *   - no page stays pinned.
 *
 *   USBBLK_LUN         LUN node (default /dev/usbblk0)
 *   DEADLINE_US        the short deadline (default 2000; at least 1.5 times
 *                      the LUN's floor)
 *   DEADLINE_TRIES     how many reads get it (default 100)
 *   DEADLINE_STRICT    1 (default): every one of them must time out (a
 *                      stick that is always slow); 0: one the stick
 *                      answered in time must carry the right data (QEMU's
 *                      throttle lets a request through when its bucket
 *                      has drained)
 * The image holds the host pattern of io_test.c (tools/check-image
 * prepare: LBA 0, 1, 2, 777 and the last; zeros elsewhere).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "libusbblk.h"
#include "usbblk-test.h"
#include "kselftest_harness.h"

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The LUN's state and recovery count, asked again. */
static uint32_t lun_state(struct usbblk *h, uint32_t *recoveries)
{
	uint32_t st = ~0u, n = 0;

	if (usbblk_state(h, &st, &n))
		return ~0u;
	if (recoveries)
		*recoveries = n;
	return st;
}

static uint32_t recoveries(struct usbblk *h)
{
	uint32_t n = 0;

	lun_state(h, &n);
	return n;
}

/* Wait (bounded: 30 s) until the LUN is out of its recovery. */
static uint32_t wait_ready(struct usbblk *h)
{
	uint64_t t0 = now_us();
	uint32_t st;

	while ((st = lun_state(h, NULL)) == USBBLK_LUN_RECOVERING && now_us() - t0 < 30000000)
		usleep(1000);
	return st;
}

/* The first byte of @buf[0..@len) that is not @c, or NULL. */
static const void *memchr_not(const void *buf, int c, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (uint8_t)c)
			return p + i;
	return NULL;
}

/* LBA 0..2 hold the host pattern. */
static int usable(struct usbblk *h, uint8_t *buf)
{
	uint32_t i;
	int ret = usbblk_read(h, 0, buf, 3, 0, 0);

	for (i = 0; !ret && i < 3 * 512; i++)
		if (buf[i] != usbblk_pattern(i / 512, i % 512, 0x11))
			ret = -EILSEQ;
	return ret;
}

FIXTURE(slow) {
	struct usbblk *h;
	uint8_t *buf;
	uint32_t deadline;
	unsigned int tries;
	int strict;
	struct usbblk_info info;
};

/* The row of unplug_during_recovery_enodev runs that test alone. */
#define SKIP_ON_UNPLUG_ROW()							\
	do {									\
		if (getenv("DEADLINE_UNPLUG"))					\
			SKIP(return, "the stick of unplug_during_recovery_enodev leaves"); \
	} while (0)

FIXTURE_SETUP(slow)
{
	SKIP_ON_UNPLUG_ROW();
	ASSERT_EQ(0, usbblk_open(env_or("USBBLK_LUN", "/dev/usbblk0"), O_RDWR, &self->h));
	ASSERT_EQ(0, posix_memalign((void **)&self->buf, 4096, 1 << 20));
	self->deadline = strtoul(env_or("DEADLINE_US", "2000"), NULL, 0);
	self->tries = strtoul(env_or("DEADLINE_TRIES", "100"), NULL, 0);
	self->strict = atoi(env_or("DEADLINE_STRICT", "1"));
	ASSERT_EQ(0, ioctl(usbblk_fd(self->h), USBBLK_IOC_GET_INFO, &self->info));
	/* a slow host's floor may be above DEADLINE_US: stay above it */
	if (self->deadline < self->info.deadline_floor_us * 3 / 2)
		self->deadline = self->info.deadline_floor_us * 3 / 2;
	ASSERT_EQ(USBBLK_LUN_READY, wait_ready(self->h));
}

FIXTURE_TEARDOWN(slow)
{
	if (!self->h)
		return;
	free(self->buf);
	usbblk_close(self->h);
}

TEST_F(slow, floor_and_admission_etime)
{
	SKIP_ON_UNPLUG_ROW();
	uint64_t t0;

	ksft_print_msg("deadline floor of the LUN: %u us; the tests' deadline %u us\n",
		       self->info.deadline_floor_us, self->deadline);
	ASSERT_LT(0, self->info.deadline_floor_us);
	t0 = now_us();
	EXPECT_EQ(-ETIME, usbblk_read_deadline(self->h, 0, self->buf, 1, 0,
					       self->info.deadline_floor_us - 1));
	ksft_print_msg("refused in %llu us\n", (unsigned long long)(now_us() - t0));
	/* refused before it started: no recovery, nothing pinned */
	EXPECT_EQ(USBBLK_LUN_READY, lun_state(self->h, NULL));
	EXPECT_EQ(-EINVAL, usbblk_read_deadline(self->h, 0, self->buf, 1, 0, 0));
	EXPECT_EQ(0, usbblk_pins_outstanding());
}

/* 1000 tries (make deadline-campaign) take minutes on the throttled stick */
TEST_F_TIMEOUT(slow, short_deadline_etimedout_every_time, 3600)
{
	SKIP_ON_UNPLUG_ROW();
	int64_t *late = calloc(self->tries, sizeof(*late));
	int64_t *recov = calloc(self->tries, sizeof(*recov));
	volatile uint32_t rec0 = 0, rec1 = 0;
	unsigned int i, ok = 0, fast = 0;
	uint64_t t0, t;

	ASSERT_NE(NULL, late);
	ASSERT_NE(NULL, recov);
	/* how long the stick needs for one block, without a deadline */
	t0 = now_us();
	ASSERT_EQ(0, usable(self->h, self->buf));
	t = now_us() - t0;
	ksft_print_msg("3 blocks without a deadline: %llu us\n", (unsigned long long)t);
	rec0 = recoveries(self->h);
	for (i = 0; i < self->tries; i++) {
		int ret;

		ASSERT_EQ(USBBLK_LUN_READY, wait_ready(self->h));
		memset(self->buf, 0xa5, 512);
		t0 = now_us();
		ret = usbblk_read_deadline(self->h, 100 + i, self->buf, 1, 0, self->deadline);
		t = now_us() - t0;
		if (ret == -ETIMEDOUT) {
			/* the recovery, off the caller's path: until GET_INFO says READY */
			t0 = now_us();
			wait_ready(self->h);
			recov[ok] = now_us() - t0;
			late[ok++] = (int64_t)t - self->deadline;
			continue;
		}
		/* a throttled stick may let one through in time (its bucket had room) */
		EXPECT_FALSE(self->strict) TH_LOG("try %u: %d after %llu us", i, ret,
						  (unsigned long long)t);
		EXPECT_EQ(0, ret) TH_LOG("try %u: %d after %llu us", i, ret, (unsigned long long)t);
		/* tools/check-image leaves LBA 3..776 as zeros */
		EXPECT_EQ(NULL, memchr_not(self->buf, 0, 512));
		fast++;
	}
	ASSERT_EQ(USBBLK_LUN_READY, wait_ready(self->h));
	rec1 = recoveries(self->h);
	qsort(late, ok, sizeof(*late), cmp_i64);
	qsort(recov, ok, sizeof(*recov), cmp_i64);
	if (ok)
		ksft_print_msg("recovery after the call returned (polled every 1 ms): p50 %lld us, p99.9 %lld us, max %lld us\n",
			       (long long)recov[ok / 2], (long long)recov[ok * 999 / 1000],
			       (long long)recov[ok - 1]);
	if (ok)
		ksft_print_msg("%u of %u reads with a %u us deadline: ETIMEDOUT; overshoot p50 %lld us, p99.9 %lld us, max %lld us; recoveries %u; answered in time %u\n",
			       ok, self->tries, self->deadline, (long long)late[ok / 2],
			       (long long)late[ok * 999 / 1000], (long long)late[ok - 1], rec1 - rec0,
			       fast);
	/*
	 * the timeouts of commands the device had were recovered after the
	 * calls returned (a deadline that passed while waiting for the LUN
	 * sent nothing, so needs no recovery)
	 */
	EXPECT_LT(0, rec1 - rec0);
	EXPECT_GE(self->tries, rec1 - rec0);
	EXPECT_EQ(0, usable(self->h, self->buf));
	EXPECT_EQ(0, usbblk_pins_outstanding());
	free(late);
	free(recov);
}

TEST_F(slow, nowait_during_recovery_eagain)
{
	SKIP_ON_UNPLUG_ROW();
	unsigned int i, eagain = 0, waited = 0;

	for (i = 0; i < 5; i++) {
		uint64_t t0;
		int ret;

		ASSERT_EQ(USBBLK_LUN_READY, wait_ready(self->h));
		ASSERT_EQ(-ETIMEDOUT, usbblk_read_deadline(self->h, 200, self->buf, 1, 0,
							   self->deadline));
		/* the recovery is running now, off the first caller's path */
		t0 = now_us();
		ret = usbblk_read_deadline(self->h, 0, self->buf, 1, USBBLK_IO_NOWAIT,
					   1000000);
		if (ret == -EAGAIN) {
			eagain++;
			ksft_print_msg("NOWAIT during recovery: EAGAIN in %llu us\n",
				       (unsigned long long)(now_us() - t0));
		} else {
			/* only if the recovery was over already */
			EXPECT_EQ(0, ret);
		}
		/* a caller with a deadline during the recovery: bounded by it */
		ASSERT_EQ(USBBLK_LUN_READY, wait_ready(self->h));
		ASSERT_EQ(-ETIMEDOUT, usbblk_read_deadline(self->h, 300, self->buf, 1, 0,
							   self->deadline));
		t0 = now_us();
		ret = usbblk_read_deadline(self->h, 0, self->buf, 1, 0, self->deadline);
		if (lun_state(self->h, NULL) == USBBLK_LUN_RECOVERING || ret == -ETIMEDOUT) {
			EXPECT_EQ(-ETIMEDOUT, ret);
			waited++;
			ksft_print_msg("deadline caller during recovery: ETIMEDOUT after %llu us\n",
				       (unsigned long long)(now_us() - t0));
		}
	}
	/*
	 * QEMU's usb-storage lets go of a throttled request only when it has
	 * run, inside the Stop Endpoint, so the recovery after it is short
	 * and a NOWAIT call may miss it: only the always-slow stick must show it
	 */
	if (self->strict)
		EXPECT_LT(0, eagain) TH_LOG("no NOWAIT call saw the recovery");
	ASSERT_EQ(USBBLK_LUN_READY, wait_ready(self->h));
	EXPECT_EQ(0, usable(self->h, self->buf));
	EXPECT_EQ(0, usbblk_pins_outstanding());
	ksft_print_msg("NOWAIT: %u of 5 EAGAIN; deadline callers bounded: %u\n", eagain, waited);
}

TEST_F(slow, old_callers_unchanged)
{
	SKIP_ON_UNPLUG_ROW();
	/* without the flag, deadline_us must stay zero; timeout_ms still works */
	struct usbblk_io r = {
		.buf = (uintptr_t)self->buf, .count = 1, .deadline_us = 5000,
	};

	EXPECT_EQ(-1, ioctl(usbblk_fd(self->h), USBBLK_IOC_READ_SECTOR, &r));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(USBBLK_LUN_READY, wait_ready(self->h));
	EXPECT_EQ(0, usable(self->h, self->buf));
}

/* A reader thread of the EDF test: one block, its deadline, its turn. */
struct edf_reader {
	struct usbblk *h;		/* opened before the thread starts */
	void *buf;
	uint32_t deadline_us;		/* 0: none */
	int ret;
	int turn;			/* order of return, from 1 */
	pthread_t th;
};

static int edf_turns;

static void *edf_reader_main(void *arg)
{
	struct edf_reader *r = arg;

	r->ret = r->deadline_us ? usbblk_read_deadline(r->h, 1, r->buf, 1, 0, r->deadline_us) :
				  usbblk_read(r->h, 1, r->buf, 1, 0, 0);
	r->turn = __atomic_add_fetch(&edf_turns, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* The LUN's stats/waiting: callers queued for it now. */
static int lun_waiting(const char *node)
{
	char path[128];
	int n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/misc/%s/stats/waiting", strrchr(node, '/') + 1);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

/* Wait (at most 10 s) until @n callers are queued. */
static int wait_waiting(const char *node, int n)
{
	uint64_t t0 = now_us();

	while (lun_waiting(node) != n && now_us() - t0 < 10000000)
		usleep(2000);
	return lun_waiting(node);
}

TEST_F(slow, edf_queue_order)
{
	SKIP_ON_UNPLUG_ROW();
	const char *node = env_or("USBBLK_LUN", "/dev/usbblk0");
	/* arrival order; the expected turns follow from the deadlines */
	static const uint32_t deadlines[] = { 60000000, 30000000, 0, 45000000, 0 };
	static const int expect[] = { 3, 1, 4, 2, 5 };
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_zeropage zero = { .mode = 0 };
	struct edf_reader holder = { .h = self->h }, late = { .h = self->h };
	struct edf_reader r[5];
	long page = sysconf(_SC_PAGESIZE);
	unsigned int i;
	void *fault;
	int uffd;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	fault = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, fault);
	reg.range.start = (uintptr_t)fault;
	reg.range.len = page;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));

	/* the holder pins a page nobody has filled: it sits in the fault, LUN held */
	holder.buf = fault;
	edf_turns = 0;
	ASSERT_EQ(0, pthread_create(&holder.th, NULL, edf_reader_main, &holder));
	usleep(200000);
	for (i = 0; i < 5; i++) {
		r[i] = (struct edf_reader){ .h = self->h, .deadline_us = deadlines[i],
					    .buf = self->buf + 4096 * (i + 1) };
		ASSERT_EQ(0, pthread_create(&r[i].th, NULL, edf_reader_main, &r[i]));
		ASSERT_EQ((int)i + 1, wait_waiting(node, i + 1));
	}
	/* a short deadline in the queue: it leaves with ETIMEDOUT, the others stay */
	late.deadline_us = 300000;
	late.buf = self->buf + 4096 * 7;
	ASSERT_EQ(0, pthread_create(&late.th, NULL, edf_reader_main, &late));
	pthread_join(late.th, NULL);
	EXPECT_EQ(-ETIMEDOUT, late.ret);
	EXPECT_EQ(5, lun_waiting(node));
	EXPECT_EQ(0, holder.turn) TH_LOG("the holder returned before its page was there");

	/* fill the page: the holder's read runs, then the queue in EDF order */
	zero.range.start = (uintptr_t)fault;
	zero.range.len = page;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_ZEROPAGE, &zero));
	pthread_join(holder.th, NULL);
	EXPECT_EQ(0, holder.ret);
	for (i = 0; i < 5; i++) {
		pthread_join(r[i].th, NULL);
		EXPECT_EQ(0, r[i].ret);
		EXPECT_EQ(expect[i] + 2, r[i].turn)
			TH_LOG("reader %u (deadline %u us) came %d-th", i, deadlines[i], r[i].turn);
	}
	ksft_print_msg("EDF: late leaver %d, holder turn %d, readers' turns %d %d %d %d %d\n",
		       late.turn, holder.turn, r[0].turn, r[1].turn, r[2].turn, r[3].turn,
		       r[4].turn);
	EXPECT_EQ(0, lun_waiting(node));
	munmap(fault, page);
	close(uffd);
	EXPECT_EQ(0, usbblk_pins_outstanding());
}

/* A caller without a deadline, waiting for the recovery in a thread. */
static void *plain_reader_main(void *arg)
{
	struct edf_reader *r = arg;

	r->ret = usbblk_read(r->h, 0, r->buf, 1, 0, 0);
	return NULL;
}

/*
 * DEADLINE_UNPLUG=1, on tools/fakedev's reset-vanish stick: the read at
 * the trigger (LBA 1000) is never answered, nor the Mass Storage Reset
 * of the recovery it leaves behind; the stick leaves 1 s into that
 * reset.  Everything waiting for the recovery answers ENODEV.
 */
TEST(unplug_during_recovery_enodev)
{
	const char *node = env_or("USBBLK_LUN", "/dev/usbblk0");
	struct edf_reader plain = { 0 };
	struct usbblk_info info;
	struct usbblk *h;
	uint64_t t0, t;
	uint8_t *buf;
	int ret;

	if (!getenv("DEADLINE_UNPLUG"))
		SKIP(return, "needs tools/fakedev reset-vanish (DEADLINE_UNPLUG=1)");
	ASSERT_EQ(0, usbblk_open(node, O_RDONLY, &h));
	ASSERT_EQ(0, posix_memalign((void **)&buf, 4096, 8192));
	ASSERT_EQ(USBBLK_LUN_READY, wait_ready(h));

	t0 = now_us();
	ASSERT_EQ(-ETIMEDOUT, usbblk_read_deadline(h, 1000, buf, 1, 0, 200000));
	t = now_us() - t0;
	ASSERT_EQ(USBBLK_LUN_RECOVERING, lun_state(h, NULL));
	EXPECT_EQ(-EAGAIN, usbblk_read_deadline(h, 0, buf, 1, USBBLK_IO_NOWAIT, 1000000));
	/* one caller without a deadline, one with a long one: both wait */
	plain.h = h;
	plain.buf = buf + 4096;
	ASSERT_EQ(0, pthread_create(&plain.th, NULL, plain_reader_main, &plain));
	t0 = now_us();
	ret = usbblk_read_deadline(h, 0, buf, 1, 0, 20000000);
	EXPECT_EQ(-ENODEV, ret);
	ksft_print_msg("ETIMEDOUT after %llu us; the caller waiting for the recovery: %d after %llu us\n",
		       (unsigned long long)t, ret, (unsigned long long)(now_us() - t0));
	pthread_join(plain.th, NULL);
	EXPECT_EQ(-ENODEV, plain.ret);
	EXPECT_EQ(-ENODEV, usbblk_read(h, 0, buf, 1, 0, 0));
	EXPECT_EQ(-1, ioctl(usbblk_fd(h), USBBLK_IOC_GET_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(0, usbblk_pins_outstanding());
	usbblk_close(h);
	free(buf);
}

TEST_HARNESS_MAIN
