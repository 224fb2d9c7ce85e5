// SPDX-License-Identifier: GPL-2.0
/*
 * The data path, in a guest booted by tools/vm/run, on a stick whose image
 * tools/check-image prepared (and checks again after the guest exits).
 *
 *   USBBLK_LUN          LUN node (default /dev/usbblk0)
 *   USBBLK_EXPECT_BS    its block size
 *   USBBLK_EXPECT_BLOCKS its capacity in blocks
 *   USBBLK_EXPECT_VENDOR INQUIRY vendor (default QEMU; tools/fakedev: usbblk)
 *   USBBLK_EXPECT_VID   idVendor (default 0x46f4, QEMU's)
 *
 * The layout, shared with tools/check-image (keep the two in step):
 *   usbblk_pattern(lba, off, seed) = (lba * 131 + off * 7 + seed) & 0xff
 *   host wrote seed 0x11 at LBAs 0, 1, 2, 777 and the last LBA
 *   this test writes seed 0x5a: 3 blocks at 5; 4 MiB at capacity / 4;
 *   the last LBA (FUA); 1 block at 100 followed by SYNC
 *   8 threads write seed 0x80 + t: thread t writes min(capacity / 64,
 *   1 MiB) from capacity / 2 + t * capacity / 32, in 16 pieces
 *   polled writes (USBBLK_IO_POLL) seed 0x3c: 2 MiB at capacity / 8
 *   registered-buffer writes (USBBLK_IO_FIXED) seed 0x3d: 2 MiB right
 *   after those
 *
 *   USBBLK_LUN2         another LUN with the host's pattern (another
 *                       stick: its own event ring users), for polled
 *                       callers alongside IRQ-driven ones; default
 *                       USBBLK_LUN
 *   USBBLK_MIXED_READS  reads of each of those callers (default 300)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <unistd.h>

#include "libusbblk.h"
#include "usbblk-test.h"
#include "kselftest_harness.h"

/* handle, lba, buffer, count, flags; the default timeout */
#define rd(h, lba, buf, n, flags) usbblk_read(h, lba, buf, n, flags, 0)
#define wr(h, lba, buf, n, flags) usbblk_write(h, lba, buf, n, flags, 0)

static const char *lun_node(void)
{
	return env_or("USBBLK_LUN", "/dev/usbblk0");
}

FIXTURE(lun) {
	struct usbblk *h;
	int fd;
	struct usbblk_info info;
	uint32_t bs;
	uint64_t cap;
	uint8_t *buf;
	size_t buflen;
};

FIXTURE_SETUP(lun)
{
	ASSERT_EQ(0, usbblk_open(lun_node(), O_RDWR, &self->h)) TH_LOG("open %s", lun_node());
	self->fd = usbblk_fd(self->h);
	/* GET_INFO fills every byte: ask again, over a poisoned copy */
	memset(&self->info, 0xa5, sizeof(self->info));
	ASSERT_EQ(0, ioctl(self->fd, USBBLK_IOC_GET_INFO, &self->info));
	self->bs = self->info.block_size;
	self->cap = self->info.capacity;
	self->buflen = 8u << 20;
	self->buf = mmap(NULL, self->buflen, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
}

FIXTURE_TEARDOWN(lun)
{
	munmap(self->buf, self->buflen);
	usbblk_close(self->h);
}

TEST_F(lun, geometry)
{
	const char *bs = getenv("USBBLK_EXPECT_BS");
	const char *blocks = getenv("USBBLK_EXPECT_BLOCKS");
	unsigned int i;

	ASSERT_NE(NULL, bs);
	ASSERT_NE(NULL, blocks);
	EXPECT_EQ(strtoul(bs, NULL, 0), self->bs);
	EXPECT_EQ(strtoull(blocks, NULL, 0), self->cap);
	EXPECT_TRUE(self->info.flags & USBBLK_INFO_ZERO_COPY);
	EXPECT_FALSE(self->info.flags & USBBLK_INFO_BOUNCE);
	EXPECT_LE(512, self->info.dma_alignment);
	EXPECT_EQ(0, self->info.dma_alignment & (self->info.dma_alignment - 1));
	EXPECT_LE(1, self->info.max_sectors);
	EXPECT_EQ(0, self->info.scsi_type);
	EXPECT_STREQ(getenv("USBBLK_EXPECT_VENDOR") ?: "QEMU", self->info.vendor);
	EXPECT_EQ(strtoul(getenv("USBBLK_EXPECT_VID") ?: "0x46f4", NULL, 0), self->info.vendor_id);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(0, self->info.reserved[i]);
	EXPECT_EQ(0, self->info.__pad0[0] | self->info.__pad0[1] | self->info.__pad0[2]);
	ksft_print_msg("%s: %llu blocks of %u bytes, %u blocks a command, \"%s %s %s\" serial \"%s\"\n",
		       lun_node(), (unsigned long long)self->cap, self->bs,
		       self->info.max_sectors, self->info.vendor, self->info.product,
		       self->info.revision, self->info.serial);
}

TEST_F(lun, host_pattern_reads_back)
{
	uint64_t lbas[] = { 0, 1, 2, 777, self->cap - 1 };
	unsigned int i;

	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, rd(self->h, lbas[i], self->buf, 1, 0));
		EXPECT_EQ(-1, usbblk_check(self->buf, lbas[i], 1, self->bs, 0x11))
			TH_LOG("lba %llu", (unsigned long long)lbas[i]);
	}
	/* three at once */
	ASSERT_EQ(0, rd(self->h, 0, self->buf, 3, 0));
	EXPECT_EQ(-1, usbblk_check(self->buf, 0, 3, self->bs, 0x11));
}

TEST_F(lun, guest_writes_read_back)
{
	uint32_t big = (4u << 20) / self->bs;
	uint64_t quarter = self->cap / 4;

	ASSERT_LT(self->info.max_sectors, big) TH_LOG("4 MiB must cross the split size");
	usbblk_fill(self->buf, 5, 3, self->bs, 0x5a);
	ASSERT_EQ(0, wr(self->h, 5, self->buf, 3, 0));
	usbblk_fill(self->buf, quarter, big, self->bs, 0x5a);
	ASSERT_EQ(0, wr(self->h, quarter, self->buf, big, 0));
	usbblk_fill(self->buf, self->cap - 1, 1, self->bs, 0x5a);
	ASSERT_EQ(0, wr(self->h, self->cap - 1, self->buf, 1,
			USBBLK_IO_FUA));
	usbblk_fill(self->buf, 100, 1, self->bs, 0x5a);
	ASSERT_EQ(0, wr(self->h, 100, self->buf, 1, 0));
	ASSERT_EQ(0, usbblk_sync(self->h));

	memset(self->buf, 0, self->buflen);
	ASSERT_EQ(0, rd(self->h, 5, self->buf, 3, 0));
	EXPECT_EQ(-1, usbblk_check(self->buf, 5, 3, self->bs, 0x5a));
	memset(self->buf, 0, self->buflen);
	ASSERT_EQ(0, rd(self->h, quarter, self->buf, big, 0));
	EXPECT_EQ(-1, usbblk_check(self->buf, quarter, big, self->bs, 0x5a));
	ASSERT_EQ(0, rd(self->h, self->cap - 1, self->buf, 1, 0));
	EXPECT_EQ(-1, usbblk_check(self->buf, self->cap - 1, 1, self->bs, 0x5a));
	/* the neighbours of the odd write are untouched (host zeroes) */
	ASSERT_EQ(0, rd(self->h, 8, self->buf, 1, 0));
	EXPECT_EQ(0, self->buf[0] | self->buf[self->bs - 1]);
}

TEST_F(lun, unaligned_offsets_in_pages)
{
	/* buffers at every allowed alignment inside a page, crossing pages */
	uint32_t a = self->info.dma_alignment, off;

	for (off = 0; off < 4096; off += a) {
		uint8_t *p = self->buf + 4096 + off;

		memset(self->buf, 0, 3 * 4096 + self->bs * 3);
		ASSERT_EQ(0, rd(self->h, 0, p, 3, 0));
		EXPECT_EQ(-1, usbblk_check(p, 0, 3, self->bs, 0x11)) TH_LOG("offset %u", off);
		EXPECT_EQ(0, self->buf[4096 + off - 1]);	/* nothing before */
		EXPECT_EQ(0, p[3 * self->bs]);			/* nothing after */
	}
}

TEST_F(lun, out_of_range_erange)
{
	EXPECT_EQ(-ERANGE, rd(self->h, self->cap, self->buf, 1, 0));
	EXPECT_EQ(-ERANGE, rd(self->h, self->cap - 1, self->buf, 2, 0));
	EXPECT_EQ(-ERANGE, wr(self->h, ~0ULL, self->buf, 1, 0));
	EXPECT_EQ(-ERANGE, rd(self->h, self->cap - 10, self->buf, 11, 0));
	if (self->cap < 0xffffffffULL)
		EXPECT_EQ(-ERANGE, rd(self->h, 1, self->buf, 0xffffffff, 0));
	/* the device is still fine */
	EXPECT_EQ(0, rd(self->h, 0, self->buf, 1, 0));
}

/* Open the file NAME of the LUN's stats/ directory in sysfs. */
static FILE *lun_stat_open(const char *name)
{
	char real[PATH_MAX], path[PATH_MAX + 64];
	const char *node;

	if (!realpath(lun_node(), real))
		return NULL;
	node = strrchr(real, '/');
	snprintf(path, sizeof(path), "/sys/class/misc/%s/stats/%s", node + 1, name);
	return fopen(path, "r");
}

/* A counter of the LUN's stats/ directory, or -1. */
static long long lun_stat(const char *name)
{
	char val[64];
	long long v = -1;
	FILE *f = lun_stat_open(name);

	if (!f)
		return -1;
	if (fgets(val, sizeof(val), f))
		v = strtoll(val, NULL, 10);
	fclose(f);
	return v;
}

/* Sum of the latency histogram's counts, or -1. */
static long long lun_lat_total(void)
{
	char line[1024], *p, *end;
	long long sum = 0;
	int n = 0;
	FILE *f = lun_stat_open("latency_us");

	if (!f || !fgets(line, sizeof(line), f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	for (p = line; ; p = end, n++) {
		long long v = strtoll(p, &end, 10);

		if (end == p)
			break;
		sum += v;
	}
	return n == 24 ? sum : -1;
}

TEST_F(lun, stats_count_requests)
{
	long long r0 = lun_stat("reads"), b0 = lun_stat("read_bytes");
	long long w0 = lun_stat("writes"), wb0 = lun_stat("write_bytes");
	long long e0 = lun_stat("errors"), t0 = lun_stat("timeouts"), l0 = lun_lat_total();
	unsigned int i;

	ASSERT_LE(0, r0);
	ASSERT_LE(0, b0);
	ASSERT_LE(0, e0);
	ASSERT_LE(0, l0);
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, rd(self->h, i * 3, self->buf, 3, 0));
	EXPECT_EQ(-ERANGE, rd(self->h, self->cap, self->buf, 1, 0));
	EXPECT_EQ(r0 + 5, lun_stat("reads"));
	EXPECT_EQ(b0 + 5 * 3 * (long long)self->bs, lun_stat("read_bytes"));
	EXPECT_EQ(e0 + 1, lun_stat("errors"));
	EXPECT_EQ(t0, lun_stat("timeouts"));
	EXPECT_EQ(w0, lun_stat("writes"));
	EXPECT_EQ(wb0, lun_stat("write_bytes"));
	/* every read and write request, failed or not, is in the histogram */
	EXPECT_EQ(l0 + 6, lun_lat_total());
	EXPECT_LE(0, lun_stat("resets"));
	ksft_print_msg("stats: reads %lld read_bytes %lld errors %lld resets %lld\n",
		       lun_stat("reads"), lun_stat("read_bytes"), lun_stat("errors"),
		       lun_stat("resets"));
}

TEST_F(lun, bad_arguments_einval)
{
	struct usbblk_io r;
	unsigned int i;

	EXPECT_EQ(-EINVAL, rd(self->h, 0, self->buf, 0, 0));
	EXPECT_EQ(-EINVAL, rd(self->h, 0, self->buf, 1, 1u << 7));
	EXPECT_EQ(-EINVAL, rd(self->h, 0, self->buf, 1, USBBLK_IO_FUA));
	EXPECT_EQ(-EINVAL, rd(self->h, 0, self->buf + 1, 1, 0));
	EXPECT_EQ(-EINVAL, rd(self->h, 0,
			      self->buf + self->info.dma_alignment / 2, 1, 0));
	for (i = 0; i < 2; i++) {
		memset(&r, 0, sizeof(r));
		r.buf = (uintptr_t)self->buf;
		r.count = 1;
		r.reserved[i] = 1;
		EXPECT_EQ(-1, ioctl(self->fd, USBBLK_IOC_READ_SECTOR, &r));
		EXPECT_EQ(EINVAL, errno);
	}
	/* a deadline without its flag, and the flag without a deadline */
	memset(&r, 0, sizeof(r));
	r.buf = (uintptr_t)self->buf;
	r.count = 1;
	r.deadline_us = 1000000;
	EXPECT_EQ(-1, ioctl(self->fd, USBBLK_IOC_READ_SECTOR, &r));
	EXPECT_EQ(EINVAL, errno);
	r.deadline_us = 0;
	r.flags = USBBLK_IO_DEADLINE;
	EXPECT_EQ(-1, ioctl(self->fd, USBBLK_IOC_READ_SECTOR, &r));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IO(USBBLK_IOC_MAGIC, 0x7e)));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(lun, bad_pointers_efault_nothing_pinned)
{
	long before = usbblk_pins_outstanding();
	uint8_t *gone, *ro;

	gone = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, gone);
	munmap(gone, 1 << 20);
	ro = mmap(NULL, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);

	EXPECT_EQ(-EFAULT, rd(self->h, 0, NULL, 1, 0));
	EXPECT_EQ(-EFAULT, rd(self->h, 0, gone, 8, 0));
	/* the device may not write read-only memory */
	EXPECT_EQ(-EFAULT, rd(self->h, 0, ro, 8, 0));
	/* a buffer whose tail is unmapped: the head's pins are released */
	EXPECT_EQ(0, munmap(self->buf + self->buflen - 4096, 4096));
	EXPECT_EQ(-EFAULT, rd(self->h, 0,
			      self->buf + self->buflen - 8192, 16 * 512 / self->bs ?: 1, 0));
	/* a kernel address */
	EXPECT_EQ(-EFAULT, rd(self->h, 0,
			      (void *)(uintptr_t)0xffff800000000000ULL, 1, 0));
	/* writing from read-only memory is fine */
	EXPECT_EQ(0, rd(self->h, 0, self->buf, 1, 0));
	EXPECT_EQ(0, wr(self->h, 9, ro, 1, 0));
	munmap(ro, 1 << 20);
	EXPECT_EQ(before, usbblk_pins_outstanding()) TH_LOG("pinned pages leaked");
	EXPECT_EQ(0, usbblk_pins_outstanding());
	ksft_print_msg("pins outstanding after the EFAULT cases: %ld\n", usbblk_pins_outstanding());
}

TEST_F(lun, readonly_fd_ebadf)
{
	struct usbblk *ro;

	ASSERT_EQ(0, usbblk_open(lun_node(), O_RDONLY, &ro));
	EXPECT_EQ(-EBADF, wr(ro, 9, self->buf, 1, 0));
	EXPECT_EQ(-EBADF, usbblk_sync(ro));
	EXPECT_EQ(0, rd(ro, 0, self->buf, 1, 0));
	usbblk_close(ro);
}

TEST_F(lun, enumerate_and_sense_on_lun_node)
{
	struct usbblk_enumerate e;
	struct usbblk_sense s;

	ASSERT_EQ(0, usbblk_hc_enumerate(self->fd, 0, &e, NULL, 0));
	EXPECT_LE(1, e.ndevices);
	memset(&s, 0xa5, sizeof(s));
	ASSERT_EQ(0, ioctl(self->fd, USBBLK_IOC_GET_SENSE, &s));
	EXPECT_GE(sizeof(s.raw), s.len);
}

struct writer {
	struct usbblk *h;
	uint64_t lba;
	uint32_t blocks, piece, bs;
	uint8_t seed;
	int err;
	uint8_t *buf;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	uint32_t done;

	for (done = 0; done < w->blocks && !w->err; done += w->piece) {
		usbblk_fill(w->buf, w->lba + done, w->piece, w->bs, w->seed);
		w->err = wr(w->h, w->lba + done, w->buf, w->piece, 0);
	}
	return NULL;
}

static uint32_t thread_blocks(uint64_t cap, uint32_t bs)
{
	uint64_t n = cap / 64, mib = (1u << 20) / bs;

	return n < mib ? n : mib;
}

TEST_F(lun, eight_threads_disjoint_writes)
{
	struct writer w[8];
	pthread_t th[8];
	unsigned int t;

	for (t = 0; t < 8; t++) {
		w[t].h = self->h;
		w[t].lba = self->cap / 2 + t * (self->cap / 32);
		w[t].blocks = thread_blocks(self->cap, self->bs);
		w[t].piece = w[t].blocks / 16;
		w[t].bs = self->bs;
		w[t].seed = 0x80 + t;
		w[t].err = 0;
		ASSERT_EQ(0, posix_memalign((void **)&w[t].buf, 4096,
					    (size_t)w[t].piece * self->bs));
		ASSERT_EQ(0, pthread_create(&th[t], NULL, writer_main, &w[t]));
	}
	for (t = 0; t < 8; t++) {
		pthread_join(th[t], NULL);
		EXPECT_EQ(0, w[t].err) TH_LOG("thread %u", t);
		free(w[t].buf);
	}
	for (t = 0; t < 8; t++) {
		uint64_t lba = self->cap / 2 + t * (self->cap / 32);
		uint32_t n = thread_blocks(self->cap, self->bs);

		ASSERT_GE(self->buflen, (size_t)n * self->bs);
		ASSERT_EQ(0, rd(self->h, lba, self->buf, n, 0));
		EXPECT_EQ(-1, usbblk_check(self->buf, lba, n, self->bs, 0x80 + t)) TH_LOG("thread %u", t);
	}
}

#define POLL	USBBLK_IO_POLL

/* Polled completions: the host's pattern reads back, polled writes land. */
TEST_F(lun, polled_reads_and_writes)
{
	/* the last LBA is guest_writes_read_back's by now */
	uint64_t lbas[] = { 0, 1, 2, 777 };
	uint32_t big = (2u << 20) / self->bs;
	uint64_t at = self->cap / 8;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		memset(self->buf, 0, self->bs);
		ASSERT_EQ(0, rd(self->h, lbas[i], self->buf, 1, POLL));
		EXPECT_EQ(-1, usbblk_check(self->buf, lbas[i], 1, self->bs, 0x11))
			TH_LOG("polled read of lba %llu", (unsigned long long)lbas[i]);
	}
	ASSERT_EQ(0, rd(self->h, 0, self->buf, 3, POLL));
	EXPECT_EQ(-1, usbblk_check(self->buf, 0, 3, self->bs, 0x11));
	/* more than one command (the split size), polled both ways */
	ASSERT_LT(self->info.max_sectors, big);
	usbblk_fill(self->buf, at, big, self->bs, 0x3c);
	ASSERT_EQ(0, wr(self->h, at, self->buf, big, POLL));
	memset(self->buf, 0, (size_t)big * self->bs);
	ASSERT_EQ(0, rd(self->h, at, self->buf, big, POLL));
	EXPECT_EQ(-1, usbblk_check(self->buf, at, big, self->bs, 0x3c));
	/* with FUA and a deadline too (a generous one) */
	ASSERT_EQ(0, usbblk_write(self->h, at, self->buf, 1, POLL | USBBLK_IO_FUA, 0));
	ASSERT_EQ(0, usbblk_read_deadline(self->h, at, self->buf, 1, POLL, 2000000));
	EXPECT_EQ(-1, usbblk_check(self->buf, at, 1, self->bs, 0x3c));
	/* bad arguments are refused as without the flag */
	EXPECT_EQ(-EINVAL, rd(self->h, 0, self->buf + 1, 1, POLL));
	EXPECT_EQ(-ERANGE, rd(self->h, self->cap, self->buf, 1, POLL));
	EXPECT_EQ(-EINVAL, rd(self->h, 0, self->buf, 1, POLL | (USBBLK_IO_POLL << 1)));
	EXPECT_EQ(0, usbblk_pins_outstanding());
}

struct reader {
	const char *node;
	uint32_t flags, bs, n;
	int err, bad;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct usbblk *h;
	uint8_t *buf = NULL;
	uint32_t i;

	r->err = usbblk_open(r->node, O_RDONLY, &h);
	if (r->err)
		return NULL;
	r->err = posix_memalign((void **)&buf, 4096, 3 * r->bs) ? -ENOMEM : 0;
	for (i = 0; i < r->n && !r->err; i++) {
		/* the host's pattern: LBA 0..2 at once, 777, 1 */
		uint64_t lba = i % 3 == 0 ? 0 : i % 3 == 1 ? 777 : 1;
		uint32_t cnt = lba ? 1 : 3;

		memset(buf, 0, 3 * r->bs);
		r->err = usbblk_read(h, lba, buf, cnt, r->flags, 0);
		if (!r->err && usbblk_check(buf, lba, cnt, r->bs, 0x11) != -1)
			r->bad++;
	}
	free(buf);
	usbblk_close(h);
	return NULL;
}

/*
 * Polled callers reap the shared event ring while IRQ-driven ones sleep:
 * on this LUN and on USBBLK_LUN2 (another stick on the same controller),
 * two of each, USBBLK_MIXED_READS reads each (default 300, 0 skips),
 * every one checked.
 */
TEST_F(lun, polled_alongside_irq_driven)
{
	const char *other = env_or("USBBLK_LUN2", lun_node());
	uint32_t reads = strtoul(env_or("USBBLK_MIXED_READS", "300"), NULL, 0);
	struct usbblk_info oi;
	struct usbblk *o;
	struct reader r[4];
	pthread_t th[4];
	unsigned int t;

	if (!reads)
		SKIP(return, "USBBLK_MIXED_READS=0");

	ASSERT_EQ(0, usbblk_open(other, O_RDONLY, &o));
	ASSERT_EQ(0, usbblk_info(o, &oi));
	usbblk_close(o);
	for (t = 0; t < 4; t++) {
		r[t] = (struct reader){ .node = t < 2 ? lun_node() : other,
					.flags = t % 2 ? 0 : POLL, .n = reads };
		r[t].bs = t < 2 ? self->bs : oi.block_size;
		ASSERT_EQ(0, pthread_create(&th[t], NULL, reader_main, &r[t]));
	}
	for (t = 0; t < 4; t++) {
		pthread_join(th[t], NULL);
		EXPECT_EQ(0, r[t].err) TH_LOG("%s reader on %s", r[t].flags ? "polled" : "irq",
					      r[t].node);
		EXPECT_EQ(0, r[t].bad) TH_LOG("%s reader on %s", r[t].flags ? "polled" : "irq",
					      r[t].node);
	}
	ksft_print_msg("4 x %u reads, polled and IRQ-driven, on %s and %s: all checked\n",
		       reads, lun_node(), other);
	EXPECT_EQ(0, usbblk_pins_outstanding());
}

static int reg_buf(int fd, void *addr, uint64_t len, uint32_t *index)
{
	struct usbblk_buf_reg reg = { .addr = (uintptr_t)addr, .len = len };
	int ret = ioctl(fd, USBBLK_IOC_REGISTER_BUF, &reg) ? -errno : 0;

	if (!ret && index)
		*index = reg.index;
	return ret;
}

static int io_fixed(int fd, unsigned long req, uint64_t lba, uint32_t idx, uint64_t off,
		    uint32_t count, uint32_t flags, uint32_t res1)
{
	struct usbblk_io r = { .lba = lba, .buf = off, .count = count,
			       .flags = flags | USBBLK_IO_FIXED, .reserved = { idx, res1 } };

	return ioctl(fd, req, &r) ? -errno : 0;
}

/* Registered buffers: the host's pattern into them, writes from them land. */
TEST_F(lun, fixed_buffers_read_write)
{
	uint32_t big = (2u << 20) / self->bs, a = self->info.dma_alignment, idx;
	uint64_t at = self->cap / 8 + big;
	long pins = usbblk_pins_outstanding();

	ASSERT_EQ(0, usbblk_register_buffer(self->h, self->buf, 4u << 20, &idx));
	EXPECT_GT(USBBLK_MAX_REGBUFS, idx);
	EXPECT_LE(pins + 1024, usbblk_pins_outstanding()) TH_LOG("4 MiB pinned");
	memset(self->buf, 0, 3 * self->bs);
	ASSERT_EQ(0, usbblk_read_fixed(self->h, 0, idx, 0, 3, 0, 0));
	EXPECT_EQ(-1, usbblk_check(self->buf, 0, 3, self->bs, 0x11));
	/* at an aligned offset, polled */
	memset(self->buf + 5 * a, 0, self->bs);
	ASSERT_EQ(0, usbblk_read_fixed(self->h, 777, idx, 5 * a, 1, USBBLK_IO_POLL, 0));
	EXPECT_EQ(-1, usbblk_check(self->buf + 5 * a, 777, 1, self->bs, 0x11));
	/* more than one command, from the second MiB of the buffer */
	usbblk_fill(self->buf + (1u << 20), at, big, self->bs, 0x3d);
	ASSERT_EQ(0, usbblk_write_fixed(self->h, at, idx, 1u << 20, big, 0, 0));
	memset(self->buf + (1u << 20), 0, (size_t)big * self->bs);
	ASSERT_EQ(0, usbblk_read_fixed(self->h, at, idx, 1u << 20, big, 0, 0));
	EXPECT_EQ(-1, usbblk_check(self->buf + (1u << 20), at, big, self->bs, 0x3d));
	/* and through the plain path, into another buffer */
	ASSERT_EQ(0, rd(self->h, at, self->buf + (4u << 20), big, 0));
	EXPECT_EQ(-1, usbblk_check(self->buf + (4u << 20), at, big, self->bs, 0x3d));
	ASSERT_EQ(0, usbblk_write_fixed(self->h, at, idx, 1u << 20, 1, USBBLK_IO_FUA | USBBLK_IO_POLL, 0));
	ASSERT_EQ(0, usbblk_unregister_buffer(self->h, idx));
	EXPECT_EQ(pins, usbblk_pins_outstanding()) TH_LOG("unregister unpins");
}

TEST_F(lun, fixed_buffers_bad_arguments)
{
	uint32_t a = self->info.dma_alignment, idx, i, n[USBBLK_MAX_REGBUFS];
	struct usbblk_buf_reg r = { .addr = (uintptr_t)self->buf, .len = 4096 };
	struct usbblk_io io = { .buf = (uintptr_t)self->buf, .count = 1 };
	int fd = self->fd;
	struct usbblk *o;
	uint32_t j;
	void *ro;

	/* REGISTER_BUF's checks */
	EXPECT_EQ(-EINVAL, reg_buf(fd, self->buf, 0, NULL));
	EXPECT_EQ(-EINVAL, reg_buf(fd, self->buf + 1, 4096, NULL));
	EXPECT_EQ(-EINVAL, reg_buf(fd, self->buf, a + 1, NULL));
	EXPECT_EQ(-EINVAL, reg_buf(fd, self->buf, USBBLK_REGBUF_MAX_LEN + 4096, NULL));
	r.flags = 1;
	EXPECT_EQ(-1, ioctl(fd, USBBLK_IOC_REGISTER_BUF, &r));
	EXPECT_EQ(EINVAL, errno);
	r.flags = 0;
	r.index = 3;
	EXPECT_EQ(-1, ioctl(fd, USBBLK_IOC_REGISTER_BUF, &r));
	EXPECT_EQ(EINVAL, errno);
	r.index = 0;
	r.reserved[3] = 1;
	EXPECT_EQ(-1, ioctl(fd, USBBLK_IOC_REGISTER_BUF, &r));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, USBBLK_IOC_REGISTER_BUF, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-EFAULT, reg_buf(fd, (void *)(uintptr_t)4096, 4096, NULL));
	ro = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_EQ(-EFAULT, reg_buf(fd, ro, 8192, NULL)) TH_LOG("read-only memory");
	munmap(ro, 8192);
	EXPECT_EQ(0, usbblk_pins_outstanding());

	/* FIXED I/O's checks */
	ASSERT_EQ(0, reg_buf(fd, self->buf, 64 * 1024, &idx));
	/* memory is registered at most once */
	EXPECT_EQ(-EBUSY, reg_buf(fd, self->buf + 4096, 4096, NULL));
	EXPECT_EQ(-EBUSY, reg_buf(fd, self->buf + 60 * 1024, 8192, NULL));
	EXPECT_EQ(0, io_fixed(fd, USBBLK_IOC_READ_SECTOR, 0, idx, 0, 1, 0, 0));
	EXPECT_EQ(-EINVAL, io_fixed(fd, USBBLK_IOC_READ_SECTOR, 0, idx + 1, 0, 1, 0, 0));
	EXPECT_EQ(-EINVAL, io_fixed(fd, USBBLK_IOC_READ_SECTOR, 0, USBBLK_MAX_REGBUFS, 0, 1, 0, 0));
	EXPECT_EQ(-EINVAL, io_fixed(fd, USBBLK_IOC_READ_SECTOR, 0, ~0u, 0, 1, 0, 0));
	EXPECT_EQ(-EINVAL, io_fixed(fd, USBBLK_IOC_READ_SECTOR, 0, idx, 1, 1, 0, 0));
	EXPECT_EQ(-EINVAL, io_fixed(fd, USBBLK_IOC_READ_SECTOR, 0, idx, 64 * 1024, 1, 0, 0));
	EXPECT_EQ(-EINVAL, io_fixed(fd, USBBLK_IOC_READ_SECTOR, 0, idx, 64 * 1024 - a,
				    2 * a / self->bs + 1, 0, 0));
	EXPECT_EQ(-EINVAL, io_fixed(fd, USBBLK_IOC_READ_SECTOR, 0, idx, ~0ull & ~(uint64_t)(a - 1),
				    1, 0, 0));
	EXPECT_EQ(-EINVAL, io_fixed(fd, USBBLK_IOC_READ_SECTOR, 0, idx, 0, 1, 0, 1));
	EXPECT_EQ(-ERANGE, io_fixed(fd, USBBLK_IOC_READ_SECTOR, self->cap, idx, 0, 1, 0, 0));
	/* without FIXED, reserved[0] still must be zero */
	io.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(fd, USBBLK_IOC_READ_SECTOR, &io));
	EXPECT_EQ(EINVAL, errno);
	/* another file does not see this one's buffers */
	ASSERT_EQ(0, usbblk_open(lun_node(), O_RDWR, &o));
	EXPECT_EQ(-EINVAL, usbblk_read_fixed(o, 0, idx, 0, 1, 0, 0));
	EXPECT_EQ(-EINVAL, usbblk_unregister_buffer(o, idx));
	EXPECT_EQ(-EBUSY, usbblk_register_buffer(o, self->buf, 4096, &j)) TH_LOG("another file");
	usbblk_close(o);
	/* a read-only file: FIXED writes are EBADF like the others */
	ASSERT_EQ(0, usbblk_open(lun_node(), O_RDONLY, &o));
	ASSERT_EQ(0, usbblk_register_buffer(o, self->buf + (1u << 20), 4096, &j));
	EXPECT_EQ(-EBADF, usbblk_write_fixed(o, 9, j, 0, 1, 0, 0));
	EXPECT_EQ(0, usbblk_read_fixed(o, 0, j, 0, 1, 0, 0));
	usbblk_close(o);	/* with its buffer registered */
	/* too many: ENOBUFS */
	for (i = 0; i < USBBLK_MAX_REGBUFS - 1; i++) {
		ASSERT_EQ(0, reg_buf(fd, self->buf + (2u << 20) + i * 8192, 4096, &n[i]));
	}
	EXPECT_EQ(-ENOBUFS, reg_buf(fd, self->buf + (4u << 20), 4096, NULL));
	for (i = 0; i < USBBLK_MAX_REGBUFS - 1; i++) {
		EXPECT_EQ(0, usbblk_unregister_buffer(self->h, n[i]));
	}
	EXPECT_EQ(0, usbblk_unregister_buffer(self->h, idx));
	EXPECT_EQ(-EINVAL, usbblk_unregister_buffer(self->h, idx));
	EXPECT_EQ(-EINVAL, usbblk_unregister_buffer(self->h, USBBLK_MAX_REGBUFS));
	EXPECT_EQ(-EFAULT, ioctl(fd, USBBLK_IOC_UNREGISTER_BUF, (void *)16) ? -errno : 0);
	EXPECT_EQ(0, usbblk_pins_outstanding());
}

/* Drop CAP_IPC_LOCK (which lifts RLIMIT_MEMLOCK) from this process. */
static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &hdr, d))
		return -errno;
	d[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	d[CAP_IPC_LOCK / 32].permitted &= ~(1u << (CAP_IPC_LOCK % 32));
	return syscall(SYS_capset, &hdr, d) ? -errno : 0;
}

/* RLIMIT_MEMLOCK bounds what a process registers; closing the file unpins. */
TEST_F(lun, fixed_buffers_memlock_and_close)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct rlimit rl = { 256 * 1024, 256 * 1024 };
		struct usbblk *o;
		uint32_t i1, i2;
		int code = 1;

		if (drop_ipc_lock() || setrlimit(RLIMIT_MEMLOCK, &rl) ||
		    usbblk_open(lun_node(), O_RDWR, &o))
			_exit(10);
		if (usbblk_register_buffer(o, self->buf, 1u << 20, &i1) != -ENOMEM)
			_exit(11);
		if (usbblk_register_buffer(o, self->buf, 128 * 1024, &i1))
			_exit(12);
		/* 128 + 192 KiB > 256 KiB */
		if (usbblk_register_buffer(o, self->buf + (1u << 20), 192 * 1024, &i2) != -ENOMEM)
			_exit(13);
		if (usbblk_register_buffer(o, self->buf + (1u << 20), 64 * 1024, &i2))
			_exit(14);
		if (usbblk_read_fixed(o, 777, i2, 0, 1, 0, 0) ||
		    usbblk_check(self->buf + (1u << 20), 777, 1, self->bs, 0x11) != -1)
			_exit(15);
		if (usbblk_pins_outstanding() < 48)
			_exit(16);
		/* unregistering gives the limit back */
		if (usbblk_unregister_buffer(o, i1) ||
		    usbblk_register_buffer(o, self->buf + (2u << 20), 192 * 1024, &i1))
			_exit(17);
		usbblk_close(o);	/* with both registered */
		code = usbblk_pins_outstanding() ? 18 : 0;
		_exit(code);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("step %d failed", WEXITSTATUS(status));
	EXPECT_EQ(0, usbblk_pins_outstanding());
}

TEST_HARNESS_MAIN
