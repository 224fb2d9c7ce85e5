// SPDX-License-Identifier: GPL-2.0
/*
 * usbblk-bench - the guest side of "make bench" (tools/bench/run is the
 * host side).  Measures one stack on one stick: usbblk through its
 * ioctls (/dev/usbblkN) or the kernel's xhci-hcd + usb-storage + SCSI +
 * blk-mq through O_DIRECT on /dev/sdX.  The host script boots the guest,
 * runs the subcommands below for both stacks and collects what they
 * print.
 *
 *   usbblk-bench [opts] lat   STACK DEV   512 B random reads, then writes
 *   usbblk-bench [opts] seq   STACK DEV   sequential 64 KiB, 1 MiB, 4 MiB
 *   usbblk-bench [opts] probe STACK       controller unbind/bind -> first read
 *   usbblk-bench [opts] plug  STACK       device_del/device_add -> first read
 *   usbblk-bench [opts] trace STACK DEV   reads under tracefs, per-stage times
 *   usbblk-bench [opts] stats STACK       the driver's statistics files
 *   usbblk-bench save  STACK DEV FILE     FILE into the stick's results area
 *
 * STACK is "usbblk" or "linux".  DEV is a device node, or "auto": the
 * first /dev/usbblkN (usbblk) or /dev/sdX (linux).
 *
 * Options:
 *   -n N      I/Os of the latency and trace tests (default 10000)
 *   -m MIB    bytes of each sequential test (default 32)
 *   -k N      repetitions of probe/plug (default 5 / 20)
 *   -T TAG    tag of the sample sets (default "idle")
 *   -r        real-time recipe: mlockall, the caller SCHED_FIFO 80 and the
 *             stack's IRQ thread SCHED_FIFO 85, both (and the IRQ) pinned
 *             to the last CPU
 *   -w        latency test: reads only (no writes)
 *   -a ADD    plug: the device_add argument (default
 *             usb-storage,drive=stick0,id=stick0)
 *   -P        latency test: polled completions (USBBLK_IO_POLL), if the
 *             ABI has them
 *   -F        latency test: reads into a registered buffer (REGISTER_BUF,
 *             USBBLK_IO_FIXED: nothing pinned or mapped per request)
 *   -t MS     usbblk: timeout_ms of every request (default 0: the
 *             driver's io_timeout_ms)
 *
 * Output (stdout), one record a line, read by tools/bench/run:
 *   S STACK NAME TAG v1 v2 ...   samples (ns, or what NAME says)
 *   F STACK NAME TAG value       one figure
 *   N text                       a note for the log
 * Every read is checked against the pattern tools/bench/run wrote into
 * the image (usbblk_pattern, seed 0); a mismatch or an I/O error ends the
 * program with status 1.  Nothing here asserts a time.
 *
 * The last RESULTS_MIB of the stick are the results area: never read or
 * written by the tests; "save" writes a header "USBBLK-BENCH <len>\n"
 * padded to 512 bytes and then FILE there, and the host reads it from the
 * image after the guest is gone (the console is too slow and fragile for
 * the raw samples).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/fs.h>
#include <linux/usbblk.h>
#include "usbblk-test.h"

#define RESULTS_MIB	16
#define BS		512u
#define MAX_SEQ		(4u << 20)

static unsigned long opt_n = 10000, opt_mib = 32, opt_k, opt_timeout;
static const char *opt_tag = "idle";
static const char *opt_add = "usb-storage,drive=stick0,id=stick0";
static int opt_rt, opt_reads_only, opt_poll, opt_fixed;
/* -F: the registered buffer's index (stick_io() reads into it) */
static int fixed_index = -1;

/* ------------------------------------------------------------ helpers */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void sleep_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	nanosleep(&ts, NULL);
}

static void die(const char *what)
{
	fprintf(stderr, "usbblk-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int is_usbblk(const char *stack)
{
	return !strcmp(stack, "usbblk");
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return (int)n;
}

/* ------------------------------------------------------------ a stick */

struct stick {
	const char *stack;
	char path[64];
	int fd;
	uint64_t blocks;	/* the tests' area: capacity - results area */
	uint32_t max_sectors;
};

/* The first /dev/usbblkN (usbblk) or /dev/sdX (linux), into PATH; 0 or -ENOENT. */
static int find_node(const char *stack, char *path, size_t len)
{
	struct dirent *d;
	DIR *dir = opendir("/dev");
	int ret = -ENOENT;

	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		const char *n = d->d_name;

		if (is_usbblk(stack) ? !strncmp(n, "usbblk", 6) && n[6] >= '0' && n[6] <= '9'
				     : !strncmp(n, "sd", 2) && n[2] >= 'a' && n[2] <= 'z' && !n[3]) {
			snprintf(path, len, "/dev/%.40s", n);
			ret = 0;
			break;
		}
	}
	closedir(dir);
	return ret;
}

static int stick_open(struct stick *s, const char *stack, const char *dev, int quiet)
{
	uint64_t bytes = 0;

	s->stack = stack;
	if (!strcmp(dev, "auto")) {
		if (find_node(stack, s->path, sizeof(s->path)))
			return -ENOENT;
	} else {
		snprintf(s->path, sizeof(s->path), "%s", dev);
	}
	if (is_usbblk(stack)) {
		struct usbblk_info info;

		s->fd = open(s->path, O_RDWR);
		if (s->fd < 0)
			return -errno;
		if (ioctl(s->fd, USBBLK_IOC_GET_INFO, &info)) {
			close(s->fd);
			return -errno;
		}
		if (info.block_size != BS) {
			if (!quiet)
				fprintf(stderr, "usbblk-bench: block size %u, want %u\n",
					info.block_size, BS);
			close(s->fd);
			return -EINVAL;
		}
		bytes = info.capacity * BS;
		s->max_sectors = info.max_sectors;
	} else {
		s->fd = open(s->path, O_RDWR | O_DIRECT);
		if (s->fd < 0)
			return -errno;
		if (ioctl(s->fd, BLKGETSIZE64, &bytes)) {
			close(s->fd);
			return -errno;
		}
		s->max_sectors = 0;
	}
	if (bytes <= (RESULTS_MIB << 20) * 2ull) {
		if (!quiet)
			fprintf(stderr, "usbblk-bench: stick too small\n");
		close(s->fd);
		return -ENOSPC;
	}
	s->blocks = (bytes - (RESULTS_MIB << 20)) / BS;
	return 0;
}

/* One request of COUNT blocks; 0 or -errno. */
static int stick_io(struct stick *s, int wr, uint64_t lba, void *buf, uint32_t count,
		    uint32_t flags)
{
	ssize_t n;

#ifdef USBBLK_IO_FIXED
	if (is_usbblk(s->stack) && (flags & USBBLK_IO_FIXED)) {
		struct usbblk_io r = { .lba = lba, .count = count, .flags = flags,
				       .timeout_ms = (uint32_t)opt_timeout,
				       .reserved = { (uint32_t)fixed_index } };

		(void)buf;	/* the registered one, at offset 0 */
		return ioctl(s->fd, wr ? USBBLK_IOC_WRITE_SECTOR : USBBLK_IOC_READ_SECTOR, &r) ?
		       -errno : 0;
	}
#endif
	if (is_usbblk(s->stack))
		return usbblk_io(s->fd, wr ? USBBLK_IOC_WRITE_SECTOR : USBBLK_IOC_READ_SECTOR,
				 lba, buf, count, flags, (uint32_t)opt_timeout);
	if (wr)
		n = pwrite(s->fd, buf, (size_t)count * BS, (off_t)(lba * BS));
	else
		n = pread(s->fd, buf, (size_t)count * BS, (off_t)(lba * BS));
	if (n < 0)
		return -errno;
	return n == (ssize_t)count * BS ? 0 : -EIO;
}

static int stick_sync(struct stick *s)
{
	if (is_usbblk(s->stack))
		return ioctl(s->fd, USBBLK_IOC_SYNC) ? -errno : 0;
	return fsync(s->fd) ? -errno : 0;
}

static void *buf_alloc(size_t len)
{
	void *p;

	if (posix_memalign(&p, 4096, len))
		die("posix_memalign");
	memset(p, 0, len);
	return p;
}

static void check_io(int ret, const char *what, uint64_t lba)
{
	if (ret) {
		fprintf(stderr, "usbblk-bench: %s at LBA %llu: %s\n", what,
			(unsigned long long)lba, strerror(-ret));
		exit(1);
	}
}

static void check_data(const uint8_t *buf, uint64_t lba, uint32_t count)
{
	long off = usbblk_check(buf, lba, count, BS, 0);

	if (off >= 0) {
		fprintf(stderr, "usbblk-bench: LBA %llu + %ld bytes: data differs from the image\n",
			(unsigned long long)lba, off);
		exit(1);
	}
}

static void print_samples(const char *stack, const char *name, const uint64_t *v, size_t n)
{
	size_t i;

	printf("S %s %s %s", stack, name, opt_tag);
	for (i = 0; i < n; i++)
		printf(" %llu", (unsigned long long)v[i]);
	printf("\n");
	fflush(stdout);
}

static void print_figure(const char *stack, const char *name, double v)
{
	printf("F %s %s %s %.3f\n", stack, name, opt_tag, v);
	fflush(stdout);
}

/* ------------------------------------------------------ real-time recipe */

/* The Linux IRQ number of the stack's controller (from /proc/interrupts), or -1. */
static int stack_irq(const char *stack)
{
	char line[512];
	FILE *f = fopen("/proc/interrupts", "r");
	int irq = -1;

	if (!f)
		return -1;
	while (irq < 0 && fgets(line, sizeof(line), f)) {
		if (is_usbblk(stack) ? strstr(line, "usbblk") != NULL
				     : strstr(line, "xhci") != NULL)
			irq = atoi(line);
	}
	fclose(f);
	return irq;
}

/* PID of the thread whose comm starts with PREFIX, or -1. */
static int find_thread(const char *prefix)
{
	char path[64], comm[64];
	struct dirent *d;
	DIR *dir = opendir("/proc");
	int pid = -1;

	if (!dir)
		return -1;
	while (pid < 0 && (d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/comm", d->d_name);
		if (read_file(path, comm, sizeof(comm)) > 0 &&
		    !strncmp(comm, prefix, strlen(prefix)))
			pid = atoi(d->d_name);
	}
	closedir(dir);
	return pid;
}

static int irq_thread(const char *stack)
{
	char prefix[32];
	int irq = stack_irq(stack);

	if (irq < 0)
		return -1;
	snprintf(prefix, sizeof(prefix), "irq/%d-", irq);
	return find_thread(prefix);
}

/*
 * The recipe of Documentation/bench.rst: memory locked, the caller at
 * SCHED_FIFO 80, the IRQ thread above it at 85, caller, IRQ thread and
 * the interrupt itself on the last CPU.
 */
static void rt_setup(const char *stack)
{
	struct sched_param sp = { .sched_priority = 80 };
	int cpu = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	int irq = stack_irq(stack), tid = irq_thread(stack);
	char path[64], val[16];
	cpu_set_t set;

	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		die("mlockall");
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		die("sched_setscheduler");
	if (irq >= 0) {
		snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", irq);
		snprintf(val, sizeof(val), "%d", cpu);
		if (sysfs_write(path, val))
			printf("N %s: cannot pin IRQ %d to CPU %d\n", stack, irq, cpu);
	}
	if (tid > 0) {
		sp.sched_priority = 85;
		if (sched_setscheduler(tid, SCHED_FIFO, &sp) ||
		    sched_setaffinity(tid, sizeof(set), &set))
			printf("N %s: cannot set up IRQ thread %d: %s\n", stack, tid,
			       strerror(errno));
	}
	printf("N %s: rt recipe: caller FIFO 80, irq %d thread %d FIFO 85, cpu %d\n",
	       stack, irq, tid, cpu);
}

/* --------------------------------------------------------------- tests */

/* Busy jiffies of all CPUs (user+nice+system+irq+softirq) from /proc/stat. */
static uint64_t busy_ticks(void)
{
	unsigned long long u, ni, sy, id, io, irq, sirq;
	char buf[512];

	if (read_file("/proc/stat", buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu", &u, &ni, &sy, &id, &io, &irq,
		   &sirq) != 7)
		return 0;
	return u + ni + sy + irq + sirq;
}

static double tv_us(const struct timeval *a, const struct timeval *b)
{
	return (b->tv_sec - a->tv_sec) * 1e6 + (b->tv_usec - a->tv_usec);
}

/* N random 512 B I/Os (WR: writes of the pattern); samples + CPU figures. */
/* -F: the registered buffer, which the reads land in */
static uint8_t *fixed_buf;

static void lat_run(struct stick *s, int wr, const char *name, uint32_t flags)
{
	uint64_t *v = calloc(opt_n, sizeof(*v)), t0, t1, b0, b1;
	uint8_t *own = buf_alloc(BS), *buf = fixed_buf ? fixed_buf : own;
	struct rusage r0, r1;
	char fig[64];
	unsigned long i;
	long hz = sysconf(_SC_CLK_TCK);

	if (!v)
		die("calloc");
	getrusage(RUSAGE_SELF, &r0);
	b0 = busy_ticks();
	for (i = 0; i < opt_n; i++) {
		uint64_t lba = rnd() % s->blocks;
		int ret;

		if (wr)
			usbblk_fill(buf, lba, 1, BS, 0);
		t0 = now_ns();
		ret = stick_io(s, wr, lba, buf, 1, flags);
		t1 = now_ns();
		check_io(ret, name, lba);
		if (!wr)
			check_data(buf, lba, 1);
		v[i] = t1 - t0;
	}
	b1 = busy_ticks();
	getrusage(RUSAGE_SELF, &r1);
	print_samples(s->stack, name, v, opt_n);
	snprintf(fig, sizeof(fig), "%s_cpu_us", name);
	print_figure(s->stack, fig, (tv_us(&r0.ru_utime, &r1.ru_utime) +
				     tv_us(&r0.ru_stime, &r1.ru_stime)) / opt_n);
	snprintf(fig, sizeof(fig), "%s_syscpu_us", name);
	print_figure(s->stack, fig, (double)(b1 - b0) * 1e6 / hz / opt_n);
	snprintf(fig, sizeof(fig), "%s_csw", name);
	print_figure(s->stack, fig, (double)(r1.ru_nvcsw - r0.ru_nvcsw +
					     r1.ru_nivcsw - r0.ru_nivcsw) / opt_n);
	free(v);
	free(own);
}

static void cmd_lat(struct stick *s)
{
	uint32_t flags = 0;

	if (opt_fixed) {
#ifdef USBBLK_IO_FIXED
		uint8_t *fbuf = buf_alloc(BS);
		struct usbblk_buf_reg reg = { .addr = (uintptr_t)fbuf, .len = BS };

		if (!is_usbblk(s->stack))
			return;
		if (ioctl(s->fd, USBBLK_IOC_REGISTER_BUF, &reg))
			die("REGISTER_BUF");
		fixed_index = (int)reg.index;
		fixed_buf = fbuf;
		lat_run(s, 0, "fixed_read512", USBBLK_IO_FIXED);
		if (ioctl(s->fd, USBBLK_IOC_UNREGISTER_BUF, &reg.index))
			die("UNREGISTER_BUF");
		fixed_buf = NULL;
		free(fbuf);
		return;
#else
		printf("N usbblk: no USBBLK_IO_FIXED in this ABI\n");
		return;
#endif
	}
	if (opt_poll) {
#ifdef USBBLK_IO_POLL
		if (!is_usbblk(s->stack))
			return;
		flags = USBBLK_IO_POLL;
		lat_run(s, 0, "poll_read512", flags);
		return;
#else
		printf("N usbblk: no USBBLK_IO_POLL in this ABI\n");
		return;
#endif
	}
	lat_run(s, 0, "read512", flags);
	if (!opt_reads_only)
		lat_run(s, 1, "write512", flags);
}

static void cmd_seq(struct stick *s)
{
	static const uint32_t sizes[] = { 64u << 10, 1u << 20, 4u << 20 };
	static const char *const names[] = { "64k", "1m", "4m" };
	uint8_t *buf = buf_alloc(MAX_SEQ);
	uint64_t total = (uint64_t)opt_mib << 20;
	unsigned int i, wr;
	char name[32];

	if (total / BS > s->blocks)
		total = s->blocks * BS;
	for (wr = 0; wr < 2; wr++) {
		for (i = 0; i < 3; i++) {
			uint32_t count = sizes[i] / BS;
			uint64_t lba, t = 0, t0;

			for (lba = 0; lba + count <= total / BS; lba += count) {
				int ret;

				if (wr)
					usbblk_fill(buf, lba, count, BS, 0);
				t0 = now_ns();
				ret = stick_io(s, wr, lba, buf, count, 0);
				if (!ret && wr && lba + 2 * count > total / BS)
					ret = stick_sync(s);
				t += now_ns() - t0;
				check_io(ret, wr ? "sequential write" : "sequential read", lba);
				if (!wr) {	/* the first and the last block */
					check_data(buf, lba, 1);
					check_data(buf + (count - 1) * BS, lba + count - 1, 1);
				}
			}
			snprintf(name, sizeof(name), "seq%s_%s_mbps", wr ? "write" : "read",
				 names[i]);
			print_figure(s->stack, name, (double)(lba * BS) / 1e6 / (t / 1e9));
		}
	}
	free(buf);
}

/* Wait up to TIMEOUT_MS for the stack's node to answer a 512 B read of LBA 0. */
static int wait_first_read(const char *stack, unsigned int timeout_ms, char *node, size_t len)
{
	uint8_t *buf = buf_alloc(BS);
	uint64_t end = now_ns() + timeout_ms * 1000000ull;
	int ret = -ETIMEDOUT;

	while (now_ns() < end) {
		struct stick s;

		if (!find_node(stack, node, len) && !stick_open(&s, stack, node, 1)) {
			ret = stick_io(&s, 0, 0, buf, 1, 0);
			close(s.fd);
			if (!ret) {
				check_data(buf, 0, 1);
				break;
			}
		}
		sleep_us(200);
	}
	free(buf);
	return ret;
}

/* Wait up to TIMEOUT_MS until the stack has no node any more. */
static int wait_gone(const char *stack, unsigned int timeout_ms)
{
	uint64_t end = now_ns() + timeout_ms * 1000000ull;
	char node[64];

	while (find_node(stack, node, sizeof(node)) == 0) {
		if (now_ns() > end)
			return -ETIMEDOUT;
		sleep_us(1000);
	}
	return 0;
}

/* The xHCI controller: its sysfs device directory, bus and name. */
static int find_controller(char *dev, size_t len, const char **bus, char *name, size_t nlen)
{
	char path[300], cls[32];
	struct dirent *d;
	DIR *dir;

	if (!access("/sys/bus/platform/devices/fe200000.usb", F_OK)) {
		snprintf(dev, len, "/sys/bus/platform/devices/fe200000.usb");
		snprintf(name, nlen, "fe200000.usb");
		*bus = "platform";
		return 0;
	}
	dir = opendir("/sys/bus/pci/devices");
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%.60s/class", d->d_name);
		if (read_file(path, cls, sizeof(cls)) > 0 && !strncmp(cls, "0x0c0330", 8)) {
			snprintf(dev, len, "/sys/bus/pci/devices/%.60s", d->d_name);
			snprintf(name, nlen, "%.60s", d->d_name);
			*bus = "pci";
			closedir(dir);
			return 0;
		}
	}
	closedir(dir);
	return -ENOENT;
}

static void cmd_probe(const char *stack)
{
	char dev[300], name[64], drv[300], path[400], node[64];
	unsigned long k, n = opt_k ? opt_k : 5;
	uint64_t *v = calloc(n, sizeof(*v)), t0;
	const char *bus = NULL, *dname;
	ssize_t l;

	if (!v || find_controller(dev, sizeof(dev), &bus, name, sizeof(name)))
		die("no xHCI controller");
	snprintf(path, sizeof(path), "%s/driver", dev);
	l = readlink(path, drv, sizeof(drv) - 1);
	if (l < 0)
		die("controller has no driver");
	drv[l] = 0;
	dname = strrchr(drv, '/') ? strrchr(drv, '/') + 1 : drv;
	for (k = 0; k < n; k++) {
		int ret;

		snprintf(path, sizeof(path), "/sys/bus/%s/drivers/%s/unbind", bus, dname);
		if (sysfs_write(path, name))
			die("unbind");
		if (wait_gone(stack, 10000))
			die("node still there after unbind");
		sleep_us(100000);
		snprintf(path, sizeof(path), "/sys/bus/%s/drivers/%s/bind", bus, dname);
		t0 = now_ns();
		ret = sysfs_write(path, name);
		if (ret) {
			errno = -ret;
			die("bind");
		}
		ret = wait_first_read(stack, 20000, node, sizeof(node));
		check_io(ret, "first read after bind", 0);
		v[k] = now_ns() - t0;
	}
	print_samples(stack, "probe_ready", v, n);
	free(v);
}

/* --------------------------------------------------------- the monitor */

static int mon_fd = -1;

/* HMP command LINE through tools/vm/run --hotplug's serial port; 0 on "ok". */
static int monitor(const char *line)
{
	char cfg[4096], tty[64] = "", reply[512];
	struct pollfd p;
	size_t got = 0;

	if (mon_fd < 0) {
		struct termios t;
		char *v;

		if (read_file("/etc/vm/config", cfg, sizeof(cfg)) < 0)
			die("/etc/vm/config");
		v = strstr(cfg, "VM_HOTPLUG_TTY=");
		if (v)
			sscanf(v + 15, "%63[^\n]", tty);
		if (!tty[0] || tty[0] == '\'') {
			fprintf(stderr, "usbblk-bench: no hot-plug port (tools/vm/run --hotplug)\n");
			exit(1);
		}
		mon_fd = open(tty, O_RDWR | O_NOCTTY);
		if (mon_fd < 0 || tcgetattr(mon_fd, &t))
			die(tty);
		cfmakeraw(&t);
		if (tcsetattr(mon_fd, TCSANOW, &t))
			die("tcsetattr");
	}
	if (dprintf(mon_fd, "%s\n", line) < 0)
		die("monitor write");
	p.fd = mon_fd;
	p.events = POLLIN;
	while (got < sizeof(reply) - 1) {
		ssize_t n;

		if (poll(&p, 1, 30000) <= 0) {
			fprintf(stderr, "usbblk-bench: no monitor reply to %s\n", line);
			return -1;
		}
		n = read(mon_fd, reply + got, 1);
		if (n <= 0)
			return -1;
		if (reply[got] == '\n')
			break;
		if (reply[got] != '\r')
			got++;
	}
	reply[got] = 0;
	if (strcmp(reply, "ok")) {
		fprintf(stderr, "usbblk-bench: monitor: %s: %s\n", line, reply);
		return -1;
	}
	return 0;
}

static void cmd_plug(const char *stack)
{
	unsigned long k, n = opt_k ? opt_k : 20;
	uint64_t *v = calloc(n, sizeof(*v)), t0;
	char add[256], node[64];
	int ret;

	if (!v)
		die("calloc");
	snprintf(add, sizeof(add), "device_add %s", opt_add);
	for (k = 0; k < n; k++) {
		if (monitor("device_del stick0"))
			exit(1);
		if (wait_gone(stack, 10000))
			die("node still there after device_del");
		sleep_us(100000);
		t0 = now_ns();
		if (monitor(add))
			exit(1);
		ret = wait_first_read(stack, 20000, node, sizeof(node));
		check_io(ret, "first read after plug", 0);
		v[k] = now_ns() - t0;
	}
	print_samples(stack, "plug_ready", v, n);
	free(v);
}

/* --------------------------------------------------------------- stats */

/* Print every small file under DIR as "K STACK path value..." lines. */
static void dump_tree(const char *stack, const char *dir, int depth)
{
	char path[512], buf[8192];
	struct dirent *d;
	struct stat st;
	DIR *dh = opendir(dir);

	if (!dh)
		return;
	while ((d = readdir(dh))) {
		char *p;

		if (d->d_name[0] == '.' || !strcmp(d->d_name, "regs") ||
		    !strcmp(d->d_name, "dwc3-regs") || !strcmp(d->d_name, "uevent") ||
		    !strcmp(d->d_name, "subsystem") || !strcmp(d->d_name, "driver") ||
		    !strcmp(d->d_name, "power") || !strcmp(d->d_name, "device"))
			continue;
		snprintf(path, sizeof(path), "%.300s/%.100s", dir, d->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode) && depth < 3) {
			dump_tree(stack, path, depth + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode) || !(st.st_mode & 0444))
			continue;
		if (read_file(path, buf, sizeof(buf)) <= 0)
			continue;
		for (p = buf; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		printf("K %s %s %s %s\n", stack, opt_tag, path, buf);
	}
	closedir(dh);
}

/*
 * The driver's statistics: debugfs/usbblk/ (per controller and LUN:
 * counters, latency histogram, the No Op floor, when the driver has
 * them) and the LUNs' sysfs directories.  The host script picks out
 * what it knows; absent files are simply absent figures.
 */
static void cmd_stats(const char *stack)
{
	struct dirent *d;
	char path[300];
	DIR *dh;

	if (!is_usbblk(stack))
		return;
	dump_tree(stack, "/sys/kernel/debug/usbblk", 0);
	dh = opendir("/sys/class");
	if (!dh)
		return;
	while ((d = readdir(dh))) {
		if (strncmp(d->d_name, "usbblk", 6))
			continue;
		snprintf(path, sizeof(path), "/sys/class/%.100s", d->d_name);
		dump_tree(stack, path, 0);
	}
	closedir(dh);
	/* the LUNs' statistics (drivers/usbblk/lun-sysfs.c) */
	dh = opendir("/sys/class/misc");
	while (dh && (d = readdir(dh))) {
		if (strncmp(d->d_name, "usbblk", 6) || !strncmp(d->d_name, "usbblk-hc", 9))
			continue;
		snprintf(path, sizeof(path), "/sys/class/misc/%.100s/stats", d->d_name);
		dump_tree(stack, path, 0);
	}
	if (dh)
		closedir(dh);
	fflush(stdout);
}

/* ---------------------------------------------------------------- save */

static void cmd_save(struct stick *s, const char *file)
{
	int fd = open(file, O_RDONLY);
	struct stat st;
	uint8_t *buf;
	size_t len, blocks, done;
	uint64_t lba = s->blocks;	/* the results area starts after the tests' */

	if (fd < 0 || fstat(fd, &st))
		die(file);
	len = st.st_size;
	blocks = (len + BS - 1) / BS + 1;
	if (blocks > (RESULTS_MIB << 20) / BS) {
		fprintf(stderr, "usbblk-bench: %s too large for the results area\n", file);
		exit(1);
	}
	buf = buf_alloc(blocks * BS);
	snprintf((char *)buf, BS, "USBBLK-BENCH %zu\n", len);
	for (done = 0; done < len;) {
		ssize_t n = read(fd, buf + BS + done, len - done);

		if (n <= 0)
			die("read");
		done += n;
	}
	close(fd);
	for (done = 0; done < blocks;) {
		uint32_t c = blocks - done > 256 ? 256 : blocks - done;

		check_io(stick_io(s, 1, lba + done, buf + done * BS, c, 0), "save", lba + done);
		done += c;
	}
	check_io(stick_sync(s), "sync", lba);
	free(buf);
}

/* --------------------------------------------------------------- trace */

#include "bench-trace.h"

/* ---------------------------------------------------------------- main */

static void usage(void)
{
	fprintf(stderr, "usage: usbblk-bench [-n N] [-m MIB] [-k N] [-T TAG] [-r] [-w] [-P] [-a ADD] [-t MS]\n"
			"         lat|seq|trace STACK DEV | probe|plug|stats STACK | save STACK DEV FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *cmd, *stack;
	struct stick s;
	int c;

	while ((c = getopt(argc, argv, "n:m:k:T:rwPFa:t:")) != -1) {
		switch (c) {
		case 'n': opt_n = strtoul(optarg, NULL, 0); break;
		case 'm': opt_mib = strtoul(optarg, NULL, 0); break;
		case 'k': opt_k = strtoul(optarg, NULL, 0); break;
		case 'T': opt_tag = optarg; break;
		case 'r': opt_rt = 1; break;
		case 'w': opt_reads_only = 1; break;
		case 'P': opt_poll = 1; break;
		case 'F': opt_fixed = 1; break;
		case 'a': opt_add = optarg; break;
		case 't': opt_timeout = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (argc - optind < 2 || !opt_n)
		usage();
	cmd = argv[optind];
	stack = argv[optind + 1];
	if (strcmp(stack, "usbblk") && strcmp(stack, "linux"))
		usage();
	rng ^= (uint64_t)time(NULL);
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	if (!strcmp(cmd, "probe"))
		cmd_probe(stack);
	else if (!strcmp(cmd, "plug"))
		cmd_plug(stack);
	else if (!strcmp(cmd, "stats"))
		cmd_stats(stack);
	else {
		int ret;

		if (argc - optind < 3)
			usage();
		ret = stick_open(&s, stack, argv[optind + 2], 0);
		if (ret) {
			fprintf(stderr, "usbblk-bench: %s: %s\n", argv[optind + 2], strerror(-ret));
			return 1;
		}
		if (opt_rt)
			rt_setup(stack);
		if (!strcmp(cmd, "lat"))
			cmd_lat(&s);
		else if (!strcmp(cmd, "seq"))
			cmd_seq(&s);
		else if (!strcmp(cmd, "trace"))
			cmd_trace(&s);
		else if (!strcmp(cmd, "save") && argc - optind >= 4)
			cmd_save(&s, argv[optind + 3]);
		else
			usage();
		close(s.fd);
	}
	fflush(stdout);
	return 0;
}
