/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the guest selftests (and the demo): the environment
 * and sysfs, I/O on a raw descriptor, the test pattern that
 * tools/check-image shares, and the pinned-page counters.  The ABI's wrappers and names are libusbblk's
 * (tools/lib/usbblk/libusbblk.h).
 */
#ifndef _USBBLK_TEST_H
#define _USBBLK_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libusbblk.h"

/* The variable NAME of the environment, or DEF when unset or empty. */
static inline const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/*
 * Booted on the debug kernel (tools/vm/run --kernel debug)?  There KASAN's
 * quarantine keeps freed objects (up to 1/32 of memory) and kmemleak its
 * metadata, so Slab only grows: a test's slab bounds do not apply, and
 * kmemleak's scan at the end of the run (tools/vm/run fails on its
 * report) is the leak check instead.
 */
static inline int usbblk_debug_kernel(void)
{
	return !strcmp(env_or("USBBLK_KERNEL", ""), "debug");
}

/* The field KEY of /proc/meminfo (e.g. "Slab"), kB; -1 if not there. */
static inline long usbblk_meminfo(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = strtol(line + strlen(key) + 1, NULL, 10);
	fclose(f);
	return v;
}

/* Write VAL to the sysfs file PATH; 0, or -errno (-EIO for a short write). */
static inline int sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : (size_t)n == len ? 0 : -EIO;
}

/*
 * READ_SECTOR or WRITE_SECTOR on a raw descriptor; 0 or -errno.  Callers
 * with a libusbblk handle use usbblk_read()/usbblk_write(); this is for
 * code that drives several stacks through one descriptor (tools/bench).
 */
static inline int usbblk_io(int fd, unsigned long req, uint64_t lba, void *buf,
			    uint32_t count, uint32_t flags, uint32_t timeout_ms)
{
	struct usbblk_io r;

	memset(&r, 0, sizeof(r));
	r.lba = lba;
	r.buf = (uintptr_t)buf;
	r.count = count;
	r.flags = flags;
	r.timeout_ms = timeout_ms;
	return ioctl(fd, req, &r) ? -errno : 0;
}

/* The byte at OFF of block LBA written with SEED (tools/check-image too). */
static inline uint8_t usbblk_pattern(uint64_t lba, uint32_t off, uint8_t seed)
{
	return (uint8_t)(lba * 131 + off * 7 + seed);
}

static inline void usbblk_fill(uint8_t *buf, uint64_t lba, uint32_t count, uint32_t bs,
			       uint8_t seed)
{
	uint32_t b, i;

	for (b = 0; b < count; b++)
		for (i = 0; i < bs; i++)
			buf[(size_t)b * bs + i] = usbblk_pattern(lba + b, i, seed);
}

/* Offset of the first byte that differs from the pattern, or -1. */
static inline long usbblk_check(const uint8_t *buf, uint64_t lba, uint32_t count,
				uint32_t bs, uint8_t seed)
{
	uint32_t b, i;

	for (b = 0; b < count; b++)
		for (i = 0; i < bs; i++)
			if (buf[(size_t)b * bs + i] != usbblk_pattern(lba + b, i, seed))
				return (long)b * bs + i;
	return -1;
}

/*
 * Pages pinned with FOLL_PIN and not yet released, system-wide.  The
 * counters have per-CPU parts: fold them first (vm.stat_refresh).
 */
static inline long usbblk_pins_outstanding(void)
{
	char line[128];
	long acq = 0, rel = 0;
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	FILE *f;

	if (fd >= 0) {
		if (write(fd, "1", 1) < 0)
			perror("stat_refresh");
		close(fd);
	}
	f = fopen("/proc/vmstat", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "nr_foll_pin_acquired %ld", &acq);
		sscanf(line, "nr_foll_pin_released %ld", &rel);
	}
	fclose(f);
	return acq - rel;
}

#endif /* _USBBLK_TEST_H */
