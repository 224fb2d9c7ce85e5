// SPDX-License-Identifier: GPL-2.0
/*
 * usbblk-demo - the main job of "make run", inside the guest, on
 * libusbblk: enumerate, open (GET_INFO), write a pattern, read it back and
 * verify, then a short latency and throughput summary.
 *
 *   usbblk-demo [DEV]            (default /dev/usbblk0)
 *
 * Figures are measured in an emulated guest: they show the path works and
 * how it is shaped, not what a board does (see make bench, later).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libusbblk.h"

#define READS	1000
#define MIB	(1u << 20)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int io(struct usbblk *h, int write, uint64_t lba, void *buf, uint32_t count,
	      uint32_t flags)
{
	int ret = write ? usbblk_write(h, lba, buf, count, flags, 0) :
			  usbblk_read(h, lba, buf, count, flags, 0);
	struct usbblk_sense s;
	char msg[200];

	if (ret)
		fprintf(stderr, "usbblk-demo: %s at %" PRIu64 ": %s\n", write ? "write" : "read", lba,
			usbblk_strerror(ret, usbblk_sense(h, &s) ? NULL : &s, msg, sizeof(msg)));
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The tree a synchronous rescan finds, and how long it took. */
static int show_tree(void)
{
	struct usbblk_tree *tree;
	unsigned int i, j;
	uint64_t t0 = now_ns(), t;
	char msg[160];
	int ret = usbblk_enumerate(0, &tree);

	t = now_ns() - t0;
	if (ret) {
		fprintf(stderr, "usbblk-demo: enumerate: %s\n",
			usbblk_strerror(ret, NULL, msg, sizeof(msg)));
		return ret;
	}
	printf("enumerate (synchronous rescan of %u controller(s)): %.3f ms\n",
	       tree->ncontrollers, t / 1e6);
	for (i = 0; i < tree->ncontrollers; i++) {
		const struct usbblk_controller *c = &tree->controllers[i];

		printf("%s: %s, xHCI %x.%02x, %u devices\n", c->node, c->hc.name,
		       c->hc.hci_version >> 8, c->hc.hci_version & 0xff, c->ndevices);
		for (j = 0; j < c->ndevices; j++) {
			const struct usbblk_device *d = &c->devices[j];
			char path[32];

			printf("  port %s: %04x:%04x %s \"%s\" serial \"%s\", enumerated in %.3f ms%s%s\n",
			       usbblk_path_name(d->info.path, d->info.depth, path, sizeof(path)),
			       d->info.vendor_id, d->info.product_id, usbblk_speed_name(d->info.speed),
			       d->info.product, d->info.serial, d->info.enum_ns / 1e6,
			       d->nluns ? ", " : "", d->nluns ? d->luns[0].node : "");
		}
	}
	usbblk_tree_free(tree);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/usbblk0";
	static uint64_t lat[READS];
	struct usbblk_info info;
	struct usbblk *h;
	uint8_t *buf, *chk;
	uint64_t t0, t, lba;
	char msg[160];
	uint32_t n, i;
	int ret;

	if (show_tree())
		return 1;
	ret = usbblk_open(dev, O_RDWR, &h);
	if (ret) {
		fprintf(stderr, "usbblk-demo: %s: %s\n", dev, usbblk_strerror(ret, NULL, msg, sizeof(msg)));
		return 1;
	}
	usbblk_info(h, &info);
	printf("%s: \"%s %s %s\", %" PRIu64 " blocks of %u bytes, %u blocks a command, %s\n",
	       dev, info.vendor, info.product, info.revision, (uint64_t)info.capacity,
	       info.block_size, info.max_sectors,
	       info.flags & USBBLK_INFO_ZERO_COPY ? "zero-copy" : "not zero-copy");

	n = MIB / info.block_size;
	lba = info.capacity / 2;
	if (usbblk_buf_alloc(h, MIB, USBBLK_BUF_MLOCK, (void **)&buf) ||
	    usbblk_buf_alloc(h, MIB, USBBLK_BUF_MLOCK, (void **)&chk))
		return 1;
	for (i = 0; i < MIB; i++)
		buf[i] = (uint8_t)(i * 7 + 0x5a);
	t0 = now_ns();
	if (io(h, 1, lba, buf, n, USBBLK_IO_FUA))
		return 1;
	t = now_ns() - t0;
	printf("write 1 MiB at LBA %" PRIu64 " (FUA): %.2f ms, %.1f MiB/s\n", lba, t / 1e6,
	       1e9 / t);
	t0 = now_ns();
	if (io(h, 0, lba, chk, n, 0))
		return 1;
	t = now_ns() - t0;
	printf("read 1 MiB back: %.2f ms, %.1f MiB/s; verify: %s\n", t / 1e6, 1e9 / t,
	       memcmp(buf, chk, MIB) ? "MISMATCH" : "ok");
	if (memcmp(buf, chk, MIB))
		return 1;

	for (i = 0; i < READS; i++) {
		t0 = now_ns();
		if (io(h, 0, lba + (i % n), chk, 1, 0))
			return 1;
		lat[i] = now_ns() - t0;
	}
	qsort(lat, READS, sizeof(lat[0]), cmp_u64);
	printf("single-block read latency over %u reads: min %.1f us, p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us\n",
	       READS, lat[0] / 1e3, lat[READS / 2] / 1e3, lat[READS * 99 / 100] / 1e3,
	       lat[READS * 999 / 1000] / 1e3, lat[READS - 1] / 1e3);
	printf("(an emulated controller under TCG: compare stacks with make bench, not these absolutes)\n");
	usbblk_buf_free(buf, MIB);
	usbblk_buf_free(chk, MIB);
	usbblk_close(h);
	return 0;
}
