// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile stick: run the scenario tools/fakedev plays (tools/vm/run
 * --fakedev SCENARIO,...) and check what usbblk answers.
 *
 *   USBBLK_FAKEDEV   the runner sets it: SCENARIO[,opts] (trigger=LBA)
 *   USBBLK_FAKEDEV_SCENARIOS  a space-separated list: run each in turn,
 *                    switching fakedev in-band (a WRITE of the switch block,
 *                    see tools/fakedev/model.h; fakedev then unplugs and
 *                    plugs the stick in again), one boot for all of them
 *   USBBLK_LUN       LUN node (default /dev/usbblk0)
 *
 * Each scenario of tools/fakedev/scenario.h says what to do (read or
 * write the trigger LBA, look at the LUN nodes) and which errno usbblk
 * must answer; then the next well-behaved command must work (or the
 * device must be cleanly gone), and no page may be left pinned.  The
 * image is prepared by tools/check-image (seed 0x11 at LBA 0).
 * Output is TAP; the recovery path a scenario drives is printed first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/usbblk.h>
#include "usbblk-test.h"
#include "../tools/fakedev/scenario.h"

static const struct fd_scenario table[] = {
#define S(n, f, p, op, e, t, path) { n, f, p, op, e, t, path },
	FD_SCENARIOS
#undef S
};

static int tests, failures, in_list;
/* the last switch_to(): when it asked (CLOCK_MONOTONIC), its longest ENUMERATE */
static double switch_t0, switch_enum_s;
static uint8_t *buf;
static const char *cur = "";

static void result(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d %s: ", ok ? "" : "not ", ++tests, cur);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	failures += !ok;
}

/* LUN nodes existing now, /dev/usbblk0..15 */
static int count_luns(char *first, size_t size)
{
	char node[32];
	int i, n = 0;

	for (i = 15; i >= 0; i--) {
		snprintf(node, sizeof(node), "/dev/usbblk%d", i);
		if (access(node, F_OK))
			continue;
		n++;
		if (first)
			snprintf(first, size, "%s", node);
	}
	return n;
}

/*
 * USBBLK_LUN, or the lowest LUN node there is: a stick plugged in while
 * a file of the one before is still open gets the next number.
 */
static const char *lun_node(void)
{
	static char node[32];
	const char *v = getenv("USBBLK_LUN");

	if (v && *v)
		return v;
	snprintf(node, sizeof(node), "/dev/usbblk0");
	count_luns(node, sizeof(node));
	return node;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *ename(int e)
{
	static char other[16];

	switch (e) {
	case 0: return "0";
	case EIO: return "EIO";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ENODEV: return "ENODEV";
	case EAGAIN: return "EAGAIN";
	case ENOMEDIUM: return "ENOMEDIUM";
	case EROFS: return "EROFS";
	case ERANGE: return "ERANGE";
	case EINVAL: return "EINVAL";
	case EINTR: return "EINTR";
	case EFAULT: return "EFAULT";
	case ENOENT: return "ENOENT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOSPC: return "ENOSPC";
	case EPROTO: return "EPROTO";
	case EMSGSIZE: return "EMSGSIZE";
	case EPIPE: return "EPIPE";
	case ENOMEM: return "ENOMEM";
	case E2BIG: return "E2BIG";
	case EBADMSG: return "EBADMSG";
	case ENOTTY: return "ENOTTY";
	}
	snprintf(other, sizeof(other), "errno %d", e);
	return other;
}

/* The errnos READ/WRITE_SECTOR document (include/uapi/linux/usbblk.h). */
static int documented(int e)
{
	switch (e) {
	case 0: case EINVAL: case ERANGE: case EFAULT: case EIO: case ENOMEDIUM:
	case ETIMEDOUT: case EINTR: case ENODEV: case EBADF: case EROFS: case EAGAIN:
	case EOPNOTSUPP: case ENOSPC:
		return 1;
	}
	return 0;
}

/* Rescan and list the bus; the number of devices, or -errno. */
static int enumerate(struct usbblk_device_info *devs, unsigned int max)
{
	struct usbblk_enumerate e;
	int fd = open("/dev/usbblk-hc0", O_RDWR), ret;

	if (fd < 0)
		return -errno;
	memset(&e, 0, sizeof(e));
	e.devices = (uintptr_t)devs;
	e.max_devices = max;
	ret = ioctl(fd, USBBLK_IOC_ENUMERATE, &e) ? -errno : (int)e.ndevices;
	close(fd);
	return ret;
}

static int open_lun(double wait_s)
{
	double end = now_s() + wait_s;
	int fd;

	for (;;) {
		fd = open(lun_node(), O_RDWR);
		if (fd >= 0 || now_s() > end)
			return fd;
		usleep(100000);
	}
}

static int rw(int fd, int write, uint64_t lba, uint32_t timeout_ms)
{
	return -usbblk_io(fd, write ? USBBLK_IOC_WRITE_SECTOR : USBBLK_IOC_READ_SECTOR, lba, buf,
			  1, 0, timeout_ms);
}

static void show_sense(int fd)
{
	struct usbblk_sense s;

	if (ioctl(fd, USBBLK_IOC_GET_SENSE, &s) == 0)
		printf("# sense of the last failed command: key %x asc %02x ascq %02x, opcode %#x, "
		       "error %s, %u raw bytes\n", s.key, s.asc, s.ascq, s.opcode, ename(s.error),
		       s.len);
}

/* The well-behaved command after the faulty one: LBA 0 holds the host's pattern. */
static void next_read_ok(int fd, uint32_t bs)
{
	int e = rw(fd, 0, 0, 5000);

	result(!e && usbblk_check(buf, 0, 1, bs, 0x11) < 0,
	       "next command: READ of LBA 0 works and has the host's pattern (%s)", ename(e));
}

static void device_gone(int fd)
{
	struct usbblk_device_info devs[4];
	struct usbblk_info info;
	double end = now_s() + 10;
	int e, n = 0, lun;

	/* the LUN is torn down after the port change: give it a moment */
	do {
		e = ioctl(fd, USBBLK_IOC_GET_INFO, &info) ? errno : 0;
		if (e)
			break;
		usleep(50000);
	} while (now_s() < end);
	result(e == ENODEV, "the open LUN answers ENODEV (%s, after %.2fs)", ename(e),
	       now_s() - end + 10);
	e = rw(fd, 0, 0, 2000);
	result(e == ENODEV, "READ on it answers ENODEV (%s)", ename(e));
	do {
		n = enumerate(devs, 4);
		lun = open(lun_node(), O_RDONLY);
		if (lun >= 0)
			close(lun);
		if (n == 0 && lun < 0)
			break;
		usleep(200000);
	} while (now_s() < end);
	result(n == 0, "ENUMERATE: no device left (%d)", n);
	result(lun < 0 && errno == ENOENT, "%s is gone", lun_node());
}

static const char *state_name(const struct usbblk_device_info *d);
static int enum_errno_ok(int e);

/* fakedev plugs the good stick in again after one that left: it must work. */
static void next_plug_ok(void)
{
	struct usbblk_device_info devs[4];
	struct usbblk_info info;
	int fd, n;

	fd = open_lun(40);
	result(fd >= 0, "the next stick plugged in gets its LUN (%s)", fd < 0 ? ename(errno) : "open");
	if (fd < 0)
		return;
	if (!ioctl(fd, USBBLK_IOC_GET_INFO, &info))
		next_read_ok(fd, info.block_size);
	close(fd);
	n = enumerate(devs, 4);
	result(n == 1, "ENUMERATE lists it alone: nothing left of the stick that went (%d)", n);
}

/*
 * The stick vanished at one stage of its enumeration (fakedev's
 * FAULT_DISCONNECT_ENUM, serial VANISHING once its strings are read) and
 * fakedev plugs the good one (FAKEDEV0001) 3 s later.  Until that one is
 * up, ENUMERATE may show nothing, the vanishing stick on its way
 * (addressed, configured) or FAILED with an errno - never anything else;
 * then the good stick must be the only device (the slot of the other one
 * freed: the arm64 target has only 2) and its LUN must work.
 */
static void enum_gone_outcome(void)
{
	struct usbblk_device_info devs[8];
	double t0 = now_s(), end = t0 + 90;
	int n = 0, i, good = 0, empty = 0, failed = 0, bad = 0, fd;
	char last[256] = "", snap[256];

	while (now_s() < end && !good) {
		int k = 0;

		n = enumerate(devs, 8);
		if (n < 0) {
			result(0, "ENUMERATE answers %s", ename(-n));
			return;
		}
		empty += n == 0;
		k = snprintf(snap, sizeof(snap), "%d device(s)", n);
		for (i = 0; i < n && i < 8; i++) {
			const struct usbblk_device_info *d = &devs[i];

			if (k < (int)sizeof(snap))
				k += snprintf(snap + k, sizeof(snap) - k, "; \"%s\" %s %s", d->serial,
					      state_name(d), ename(d->error));
			if (!strcmp(d->serial, "FAKEDEV0001") && d->state == USBBLK_DEV_CONFIGURED) {
				good = 1;
			} else if (d->state == USBBLK_DEV_FAILED) {
				failed++;
				bad += !enum_errno_ok(d->error);
			} else if (d->state > USBBLK_DEV_CONFIGURED || d->error) {
				bad++;
			}
		}
		if (strcmp(snap, last)) {
			printf("# +%.1fs: %s\n", now_s() - t0, snap);
			snprintf(last, sizeof(last), "%s", snap);
		}
		if (!good)
			usleep(200000);
	}
	result(!bad, "every listing showed the vanished stick gone, on its way, or FAILED with an "
	       "errno (%d not)", bad);
	printf("# the vanished stick: %d empty listings, %d FAILED entries before the next one\n",
	       empty, failed);
	result(good, "the next stick (FAKEDEV0001) is configured after %.1fs", now_s() - t0);
	result(n == 1, "ENUMERATE lists it alone: nothing left of the vanished stick (%d)", n);
	fd = open_lun(20);
	result(fd >= 0, "%s is there (%s)", lun_node(), fd < 0 ? ename(errno) : "open");
	if (fd >= 0) {
		struct usbblk_info info;

		if (!ioctl(fd, USBBLK_IOC_GET_INFO, &info))
			next_read_ok(fd, info.block_size);
		close(fd);
	}
}

static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int more = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
			   (*p & 0xf8) == 0xf0 ? 3 : -1;

		if (more < 0)
			return 0;
		for (p++; more--; p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

/* An errno enumeration may leave in usbblk_device_info.error. */
static int enum_errno_ok(int e)
{
	switch (e) {
	case EPROTO: case EMSGSIZE: case EINVAL: case EIO: case ETIMEDOUT: case ENODEV:
	case ENOSPC: case EOPNOTSUPP: case EPIPE: case ENOMEM: case ERANGE: case E2BIG:
	case EBADMSG:
		return 1;
	}
	return 0;
}

static const char *state_name(const struct usbblk_device_info *d)
{
	return d->state == USBBLK_DEV_CONFIGURED ? "configured" :
	       d->state == USBBLK_DEV_ADDRESSED ? "addressed" : "FAILED";
}

/* Whatever the descriptors said: FAILED with an errno, left alone, or used (and working). */
static void enum_outcome(const struct fd_scenario *sc)
{
	struct usbblk_device_info devs[8];
	int n = enumerate(devs, 8), i, fd;

	result(n >= 1, "ENUMERATE lists the device (%d)", n);
	for (i = 0; i < n && i < 8; i++) {
		const struct usbblk_device_info *d = &devs[i];

		printf("# device %d: %04x:%04x %s, error %s, flags %#x, class %02x/%02x/%02x, "
		       "config %u\n", i, d->vendor_id, d->product_id, state_name(d), ename(d->error),
		       d->flags, d->if_class, d->if_subclass, d->if_protocol, d->config_value);
		if (sc->err)	/* desc.c must refuse it */
			result(d->state == USBBLK_DEV_FAILED && d->error == sc->err,
			       "device %d: FAILED with %s (%s, %s)", i, ename(sc->err),
			       state_name(d), ename(d->error));
		else if (d->state == USBBLK_DEV_FAILED)
			result(enum_errno_ok(d->error), "device %d: FAILED with a meaningful errno (%s)",
			       i, ename(d->error));
		else
			result(d->state <= USBBLK_DEV_CONFIGURED && !d->error,
			       "device %d: %s, no error (%s)", i, state_name(d), ename(d->error));
	}
	fd = open(lun_node(), O_RDWR);
	if (fd >= 0) {
		struct usbblk_info info;

		printf("# it has a LUN: usbblk used the stick\n");
		if (!ioctl(fd, USBBLK_IOC_GET_INFO, &info))
			next_read_ok(fd, info.block_size);
		close(fd);
	}
	n = enumerate(devs, 8);
	result(n >= 0, "ENUMERATE again: the controller still answers (%d)", n);
}

/*
 * desc-fuzz: fakedev plugs in fuzz=N sticks with mutated configurations
 * (idProduct 0xfnnn), then the good one (FAKEDEV0001).  Watch them all.
 */
static void fuzz_outcome(void)
{
	const char *spec = getenv("USBBLK_FAKEDEV"), *t = strstr(spec, ",fuzz=");
	unsigned int fuzz = t ? strtoul(t + 6, NULL, 0) : 20, seen = 0, last = ~0u, i;
	unsigned int states[3] = { 0 }, errs[256] = { 0 }, bad = 0;
	struct usbblk_device_info devs[8];
	double end = now_s() + fuzz * 5 + 60;
	int n, good = 0, fd;

	while (now_s() < end && !good) {
		n = enumerate(devs, 8);
		if (n < 0) {
			bad++;
			break;
		}
		for (i = 0; i < (unsigned int)n && i < 8; i++) {
			const struct usbblk_device_info *d = &devs[i];
			unsigned int k;

			if (!strcmp(d->serial, "FAKEDEV0001") && d->state == USBBLK_DEV_CONFIGURED) {
				good = 1;
				continue;
			}
			/* fakedev numbers the mutated sticks in idProduct: 0xfnnn */
			if (d->vendor_id != 0x1209 || (d->product_id & 0xf000) != 0xf000)
				continue;
			k = d->product_id & 0xfff;
			if (k == last)
				continue;
			/* a new mutated stick, its enumeration done */
			last = k;
			seen++;
			states[d->state < 3 ? d->state : 0]++;
			if (d->state == USBBLK_DEV_FAILED) {
				errs[d->error & 0xff]++;
				if (!enum_errno_ok(d->error))
					bad++;
			}
			if (d->state > USBBLK_DEV_CONFIGURED)
				bad++;
		}
		usleep(250000);
	}
	printf("# desc-fuzz: %u of %u mutated enumerations seen: %u configured, %u addressed, "
	       "%u FAILED\n", seen, fuzz, states[USBBLK_DEV_CONFIGURED],
	       states[USBBLK_DEV_ADDRESSED], states[USBBLK_DEV_FAILED]);
	for (i = 0; i < 256; i++)
		if (errs[i])
			printf("#   FAILED with %s: %u\n", ename(i), errs[i]);
	result(!bad, "every mutated stick FAILED with a meaningful errno or was used (%u not)", bad);
	result(seen >= fuzz / 2, "most enumerations were seen (%u of %u)", seen, fuzz);
	result(good, "the good stick is back afterwards");
	fd = open_lun(10);
	if (fd >= 0) {
		struct usbblk_info info;

		if (!ioctl(fd, USBBLK_IOC_GET_INFO, &info))
			next_read_ok(fd, info.block_size);
		close(fd);
	}
}

static int printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

static const struct fd_scenario *find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

/*
 * Whether the kernel logged a line containing @needle since @since
 * (CLOCK_MONOTONIC seconds, the clock of /dev/kmsg's timestamps).
 */
static int kmsg_has(const char *needle, double since)
{
	char rec[1024];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK), found = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	for (;;) {
		unsigned long long usec;
		char *text;

		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten meanwhile: the next one */
		if (n <= 0)
			break;
		rec[n] = 0;
		text = strchr(rec, ';');
		if (text && sscanf(rec, "%*u,%*u,%llu", &usec) == 1 && usec / 1e6 >= since &&
		    strstr(text, needle)) {
			found = 1;
			break;
		}
	}
	close(fd);
	return found;
}

/* Ask fakedev for scenario NAME and wait for the stick to come back with it. */
static int switch_to(const char *name, int wait_back)
{
	struct usbblk_device_info devs[4];
	struct usbblk_info info;
	double end;
	int fd, e, n = -1;

	fd = open_lun(20);
	if (fd < 0 || ioctl(fd, USBBLK_IOC_GET_INFO, &info)) {
		result(0, "switch to %s: no LUN to write the switch block to (%s)", name,
		       ename(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	memset(buf, 0, info.block_size);
	snprintf((char *)buf, info.block_size, "FAKEDEV SCENARIO %s", name);
	switch_t0 = now_s();
	switch_enum_s = 0;
	e = rw(fd, 1, info.capacity - 8, 5000);
	if (e) {
		result(0, "switch to %s: the switch block answers %s", name, ename(e));
		close(fd);
		return -1;
	}
	/* fakedev unplugs the stick: the LUN goes ... */
	end = now_s() + 15;
	while (!ioctl(fd, USBBLK_IOC_GET_INFO, &info) && now_s() < end)
		usleep(50000);
	close(fd);
	if (!wait_back)
		return 0;
	/* ... and comes back with the new scenario */
	end = now_s() + 20;
	while (now_s() < end) {
		double t0 = now_s();

		n = enumerate(devs, 4);
		/* a synchronous ENUMERATE waits for the attach (all LUN probes) */
		if (now_s() - t0 > switch_enum_s)
			switch_enum_s = now_s() - t0;
		if (now_s() - t0 > 2)
			printf("# ENUMERATE took %.1fs (the stick's attach)\n", now_s() - t0);
		if (n >= 1)
			return 0;
		usleep(200000);
	}
	result(0, "switch to %s: the stick did not come back (%d devices)", name, n);
	return -1;
}

static void run_scenario(const struct fd_scenario *sc, uint64_t trigger)
{
	struct usbblk_device_info devs[4];
	struct usbblk_info info;
	long pins0, pins1;
	double t0;
	int fd = -1, e, n;

	cur = sc->name;
	printf("# scenario %s: %s\n", sc->name, sc->path);
	pins0 = usbblk_pins_outstanding();
	if (sc->op == OP_NO_LUN) {
		n = enumerate(devs, 4);
		result(n == 1 && devs[0].state == USBBLK_DEV_CONFIGURED &&
		       (devs[0].flags & USBBLK_DEV_MASS_STORAGE),
		       "the stick is enumerated and configured (%d devices, state %d, error %d)", n,
		       n > 0 ? devs[0].state : -1, n > 0 ? devs[0].error : 0);
		fd = open(lun_node(), O_RDWR);
		result(fd < 0 && errno == ENOENT, "its LUN is refused: no %s (%s)", lun_node(),
		       fd < 0 ? ename(errno) : "it exists");
		if (fd >= 0 && !ioctl(fd, USBBLK_IOC_GET_INFO, &info))
			printf("# LUN: %llu blocks of %u bytes\n", (unsigned long long)info.capacity,
			       info.block_size);
		n = enumerate(devs, 4);
		result(n == 1, "ENUMERATE again: the controller still answers (%d)", n);
		goto out;
	}

	if (sc->op == OP_ENUM) {
		enum_outcome(sc);
		goto out;
	}
	if (sc->op == OP_FUZZ) {
		fuzz_outcome();
		goto out;
	}
	if (sc->op == OP_ENUM_GONE) {
		enum_gone_outcome();
		goto out;
	}
	if (sc->op == OP_STRINGS) {
		n = enumerate(devs, 4);
		result(n == 1 && devs[0].state == USBBLK_DEV_CONFIGURED, "configured (%d devices, "
		       "state %d, error %s)", n, n > 0 ? devs[0].state : -1,
		       ename(n > 0 ? devs[0].error : 0));
		if (n > 0) {
			printf("# strings: \"%s\" \"%s\" \"%s\"\n", devs[0].manufacturer,
			       devs[0].product, devs[0].serial);
			result(utf8_ok(devs[0].manufacturer) && utf8_ok(devs[0].product) &&
			       utf8_ok(devs[0].serial), "the strings are valid UTF-8");
		}
	}

	fd = open_lun(10);
	result(fd >= 0, "%s is there (%s)", lun_node(), fd < 0 ? ename(errno) : "open");
	if (fd < 0)
		goto out;
	e = ioctl(fd, USBBLK_IOC_GET_INFO, &info) ? errno : 0;
	result(!e && info.block_size >= 512, "GET_INFO (%s): %llu blocks of %u bytes, LUN %u of max %u",
	       ename(e), (unsigned long long)info.capacity, info.block_size, info.lun,
	       info.max_lun);
	if (e)
		goto out;

	switch (sc->op) {
	case OP_STRINGS:
	case OP_NONE:
		next_read_ok(fd, info.block_size);
		break;
	case OP_INQUIRY:
		printf("# INQUIRY strings: \"%s\" \"%s\" \"%s\"\n", info.vendor, info.product,
		       info.revision);
		result(printable(info.vendor) && printable(info.product) && printable(info.revision),
		       "INQUIRY garbage comes out as printable ASCII");
		next_read_ok(fd, info.block_size);
		break;
	case OP_LUN0_ONLY: {
		int nodes = count_luns(NULL, 0);

		result(nodes == 1, "no node for the LUNs that do not answer (%d LUN nodes)", nodes);
		if (sc->fault == FAULT_MAXLUN_SILENT && in_list) {
			/* msc.c: LUN 1 times out, the probe ends there */
			result(switch_enum_s < 15, "the attach is bounded: the longest ENUMERATE "
			       "waiting for it took %.1fs (hung tasks at 30 s)", switch_enum_s);
			result(kmsg_has("lun 1: not used: -110", switch_t0) &&
			       kmsg_has("LUNs 2..15 not probed: -110", switch_t0),
			       "the kernel log names the silent LUNs and their errno (ETIMEDOUT)");
		}
		next_read_ok(fd, info.block_size);
		break;
	}
	case OP_READ:
	case OP_WRITE:
		usbblk_fill(buf, trigger, 1, info.block_size, 0x77);
		t0 = now_s();
		e = rw(fd, sc->op == OP_WRITE, trigger, 2000);
		result(e == sc->err && documented(e), "%s of the trigger LBA %llu answers %s (%s, %.2fs)",
		       sc->op == OP_WRITE ? "WRITE" : "READ", (unsigned long long)trigger,
		       ename(sc->err), ename(e), now_s() - t0);
		if (e)
			show_sense(fd);
		if (sc->then == THEN_GONE) {
			device_gone(fd);
			close(fd);
			fd = -1;
			if (in_list)
				next_plug_ok();
			break;
		}
		next_read_ok(fd, info.block_size);
		if (sc->op == OP_WRITE && sc->err == EROFS) {
			e = rw(fd, 1, 5, 5000);
			result(e == EROFS, "and the next WRITE too answers EROFS (%s)", ename(e));
		} else {
			/* the fault fired once: the same command works now */
			usbblk_fill(buf, trigger, 1, info.block_size, 0x77);
			e = rw(fd, sc->op == OP_WRITE, trigger, 5000);
			if (!e && sc->op == OP_WRITE) {
				memset(buf, 0, info.block_size);
				e = rw(fd, 0, trigger, 5000);
				if (!e && usbblk_check(buf, trigger, 1, info.block_size, 0x77) >= 0)
					e = EILSEQ;
			}
			result(!e, "the same %s again works (%s)",
			       sc->op == OP_WRITE ? "WRITE (read back)" : "READ", ename(e));
		}
		break;
	case OP_RETRY: {
		int first = -1, bad = 0, tries, seen_err = 0;

		for (tries = 0; tries < 80; tries++) {
			e = rw(fd, 0, trigger, 2000);
			if (first < 0)
				first = e;
			if (e == sc->err)
				seen_err++;
			else if (e && e != EAGAIN)
				bad = e;
			if (!e)
				break;
		}
		result(first == sc->err, "the first READ answers %s (%s)", ename(sc->err), ename(first));
		result(!bad, "only %s and EAGAIN until it works (%s)", ename(sc->err), ename(bad));
		result(!e, "READ works again after %d tries (%d x %s)", tries + 1, seen_err,
		       ename(sc->err));
		next_read_ok(fd, info.block_size);
		break;
	}
	default:
		break;
	}
out:
	if (fd >= 0)
		close(fd);
	pins1 = usbblk_pins_outstanding();
	result(pins1 == pins0, "nothing left pinned (%ld before, %ld after)", pins0, pins1);
}

int main(void)
{
	const char *spec = getenv("USBBLK_FAKEDEV"), *list = getenv("USBBLK_FAKEDEV_SCENARIOS");
	const char *t;
	char name[64], words[2048], *save = NULL, *w;
	uint64_t trigger = 1000;

	if (!spec) {
		printf("1..0 # SKIP no USBBLK_FAKEDEV (run with tools/vm/run --fakedev)\n");
		return 4;
	}
	t = strstr(spec, ",trigger=");
	if (t)
		trigger = strtoull(t + 9, NULL, 0);
	buf = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 1;
	printf("TAP version 13\n");
	if (!list || !*list) {
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(spec, ","), spec);
		if (!find(name))
			result(0, "unknown scenario %s", name);
		else
			run_scenario(find(name), trigger);
	} else {
		snprintf(words, sizeof(words), "%s", list);
		for (w = strtok_r(words, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
			cur = w;
			if (!find(w)) {
				result(0, "unknown scenario");
				continue;
			}
			in_list = 1;
			if (switch_to(w, find(w)->op != OP_ENUM_GONE))
				break;
			run_scenario(find(w), trigger);
		}
	}
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
