// SPDX-License-Identifier: GPL-2.0
/*
 * usbblk-demo - the main job of "make run", inside the guest:
 * enumerate, GET_INFO, write a pattern, read it back and verify, then a
 * short latency and throughput summary.
 *
 *   usbblk-demo [DEV]            (default /dev/usbblk0)
 *
 * Figures are measured in an emulated guest: they show the path works and
 * how it is shaped, not what a board does (see make bench, later).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/usbblk.h>
#include "usbblk-names.h"
#include "usbblk-test.h"

#define READS	1000

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int io(int fd, unsigned long req, uint64_t lba, void *buf, uint32_t count,
	      uint32_t flags)
{
	int ret = usbblk_io(fd, req, lba, buf, count, flags, 0);

	if (ret)
		fprintf(stderr, "usbblk-demo: %s at %" PRIu64 ": %s\n",
			req == USBBLK_IOC_READ_SECTOR ? "read" : "write", lba, strerror(-ret));
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/usbblk0";
	struct usbblk_device_info devs[8];
	struct usbblk_enumerate e;
	struct usbblk_info info;
	static uint64_t lat[READS];
	uint8_t *buf, *chk;
	uint64_t t0, t, lba;
	uint32_t n, i;
	int fd;

	fd = open(dev, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "usbblk-demo: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	memset(&e, 0, sizeof(e));
	e.devices = (uintptr_t)devs;
	e.max_devices = 8;
	t0 = now_ns();
	if (ioctl(fd, USBBLK_IOC_ENUMERATE, &e)) {
		perror("ENUMERATE");
		return 1;
	}
	t = now_ns() - t0;
	printf("ENUMERATE (synchronous rescan): %.3f ms; controller %s, xHCI %x.%02x, %u devices\n",
	       t / 1e6, e.hc.name, e.hc.hci_version >> 8, e.hc.hci_version & 0xff, e.ndevices);
	for (i = 0; i < e.ndevices && i < 8; i++)
		printf("  port %u: %04x:%04x %s \"%s\" serial \"%s\", enumerated in %.3f ms\n",
		       devs[i].root_port, devs[i].vendor_id, devs[i].product_id,
		       usbblk_speed_name(devs[i].speed), devs[i].product, devs[i].serial,
		       devs[i].enum_ns / 1e6);
	if (ioctl(fd, USBBLK_IOC_GET_INFO, &info)) {
		perror("GET_INFO");
		return 1;
	}
	printf("%s: \"%s %s %s\", %" PRIu64 " blocks of %u bytes, %u blocks a command, %s\n",
	       dev, info.vendor, info.product, info.revision, (uint64_t)info.capacity,
	       info.block_size, info.max_sectors,
	       info.flags & USBBLK_INFO_ZERO_COPY ? "zero-copy" : "not zero-copy");

	n = (1u << 20) / info.block_size;
	lba = info.capacity / 2;
	if (posix_memalign((void **)&buf, 4096, 1u << 20) ||
	    posix_memalign((void **)&chk, 4096, 1u << 20))
		return 1;
	for (i = 0; i < (1u << 20); i++)
		buf[i] = (uint8_t)(i * 7 + 0x5a);
	t0 = now_ns();
	if (io(fd, USBBLK_IOC_WRITE_SECTOR, lba, buf, n, USBBLK_IO_FUA))
		return 1;
	t = now_ns() - t0;
	printf("write 1 MiB at LBA %" PRIu64 " (FUA): %.2f ms, %.1f MiB/s\n", lba, t / 1e6,
	       1e9 / t);
	memset(chk, 0, 1u << 20);
	t0 = now_ns();
	if (io(fd, USBBLK_IOC_READ_SECTOR, lba, chk, n, 0))
		return 1;
	t = now_ns() - t0;
	printf("read 1 MiB back: %.2f ms, %.1f MiB/s; verify: %s\n", t / 1e6, 1e9 / t,
	       memcmp(buf, chk, 1u << 20) ? "MISMATCH" : "ok");
	if (memcmp(buf, chk, 1u << 20))
		return 1;

	for (i = 0; i < READS; i++) {
		t0 = now_ns();
		if (io(fd, USBBLK_IOC_READ_SECTOR, lba + (i % n), chk, 1, 0))
			return 1;
		lat[i] = now_ns() - t0;
	}
	qsort(lat, READS, sizeof(lat[0]), cmp_u64);
	printf("single-block read latency over %u reads: min %.1f us, p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us\n",
	       READS, lat[0] / 1e3, lat[READS / 2] / 1e3, lat[READS * 99 / 100] / 1e3,
	       lat[READS * 999 / 1000] / 1e3, lat[READS - 1] / 1e3);
	printf("(an emulated controller under TCG: compare stacks with make bench, not these absolutes)\n");
	close(fd);
	return 0;
}
