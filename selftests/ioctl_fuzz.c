// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl fuzzer: random and boundary arguments for every ioctl on
 * every usbblk node, from several threads, while another thread unplugs
 * and re-plugs the stick (tools/vm/run --hotplug).
 *
 *   FUZZ_IOCTL_CALLS     calls in all (default 5000)
 *   FUZZ_IOCTL_THREADS   fuzzing threads (default 8)
 *   FUZZ_IOCTL_SEED      seed (default: from the clock); printed, so a
 *                        run can be repeated: thread T's call K depends on
 *                        the seed, T and K only
 *   FUZZ_IOCTL_SLAB_KB   allowed growth of SUnreclaim (default 4096: only
 *                        a gross leak fails; on the debug kernel kmemleak
 *                        checks instead, see usbblk_debug_kernel())
 *   USBBLK_HOTPLUG_ID    QEMU id of the stick (default stick0)
 *   USBBLK_HOTPLUG_ADD   device_add argument that plugs it back; without
 *                        it (or without --hotplug) nothing is unplugged
 *
 * A call passes when it answers 0 or an errno the uapi header documents
 * for that ioctl (allowed[] below), and fails when it answers 0 to
 * arguments the ABI says are wrong (must_fail()).  At the end, with the
 * stick plugged in again, a well-behaved read, write and sync must work,
 * no page may stay pinned, and SUnreclaim must not have grown grossly;
 * the errnos seen per ioctl are printed.  The runner's kernel log scan
 * fails the run on an oops, WARN or hung task.  regressions[] holds
 * fixed cases that must keep passing, run before the random calls.
 * REGISTER_BUF pins parts of each thread's arena (and sometimes what is
 * not its memory), UNREGISTER_BUF gives indexes back, and READ/WRITE
 * mix in USBBLK_IO_FIXED (an index and an offset, right or wrong) and
 * USBBLK_IO_POLL; the files' buffers go when the nodes are reopened,
 * and the unplugs take them away under the callers.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
#include "kselftest_harness.h"

#define MAX_NODES	16
#define ARENA		(1u << 20)	/* each thread's I/O buffer */
#define PAGE		4096u
#define NERRNO		140
#define REOPEN_EVERY	200

/* What a call was; the rows of the statistics and of allowed[]. */
enum kind { K_ENUMERATE, K_READ, K_WRITE, K_INFO, K_SYNC, K_SENSE, K_REGISTER, K_UNREGISTER,
	    K_UNKNOWN, NKINDS };

static const char *const kind_name[NKINDS] = {
	"ENUMERATE", "READ_SECTOR", "WRITE_SECTOR", "GET_INFO", "SYNC", "GET_SENSE",
	"REGISTER_BUF", "UNREGISTER_BUF", "unknown command",
};

static const unsigned long kind_cmd[NKINDS] = {
	USBBLK_IOC_ENUMERATE, USBBLK_IOC_READ_SECTOR, USBBLK_IOC_WRITE_SECTOR,
	USBBLK_IOC_GET_INFO, USBBLK_IOC_SYNC, USBBLK_IOC_GET_SENSE, USBBLK_IOC_REGISTER_BUF,
	USBBLK_IOC_UNREGISTER_BUF, 0,
};

/*
 * The errnos the uapi header documents, per ioctl on a LUN node (0
 * ends a list).  ENODEV ("device gone") and EINTR apply to all; EFAULT to
 * all with a pointer.  On a controller node only ENUMERATE exists; every
 * other command answers ENOTTY there, as unknown commands do everywhere.
 */
static const int allowed[NKINDS][12] = {
	[K_ENUMERATE] = { EINVAL, EFAULT, ENODEV, EINTR },
	[K_READ] = { EINVAL, ERANGE, EFAULT, EIO, ENOMEDIUM, ETIMEDOUT, EINTR, ENODEV, ETIME,
		     EAGAIN },
	[K_WRITE] = { EINVAL, ERANGE, EFAULT, EIO, ENOMEDIUM, ETIMEDOUT, EINTR, ENODEV,
		      EBADF, EROFS, ETIME, EAGAIN },
	[K_INFO] = { EFAULT, ENODEV, EINTR },
	/* SYNCHRONIZE CACHE fails like a write does */
	[K_SYNC] = { EBADF, EIO, ENOMEDIUM, ETIMEDOUT, EROFS, EINTR, ENODEV },
	[K_SENSE] = { EFAULT, EINTR, ENODEV },
	[K_REGISTER] = { EINVAL, EFAULT, ENOMEM, EBUSY, ENOBUFS, ENODEV, EINTR },
	[K_UNREGISTER] = { EINVAL, EBUSY, EFAULT, ENODEV },
	[K_UNKNOWN] = { ENOTTY },
};

struct node {
	int fd;
	int lun;	/* a /dev/usbblkN (else /dev/usbblk-hcN) */
	int rdonly;
	char name[32];
};

/* The LUN's facts, from GET_INFO at the start (the same image comes back). */
static uint64_t capacity;
static uint32_t block_size = 512, max_sectors = 240, dma_align = 512;

static unsigned long stats[NKINDS][NERRNO + 1];	/* [errno] calls; [NERRNO] others */
static unsigned long bad_calls, calls_done, hotplug_cycles;
static int hotplug_failed;
static volatile int fuzz_done;
static uint64_t seed;
static long calls_per_thread;

static unsigned long long rnd(uint64_t *s)	/* splitmix64 */
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned int pick(uint64_t *s, unsigned int n)
{
	return rnd(s) % n;
}

/* Memory of one thread: an arena between guard pages, and a read-only page. */
struct mem {
	uint8_t *arena;		/* ARENA bytes, read-write */
	uint8_t *guard;		/* PROT_NONE, right after the arena */
	uint8_t *ro;		/* PAGE bytes, read-only */
};

static int mem_init(struct mem *m)
{
	size_t len = PAGE + ARENA + PAGE + PAGE + PAGE;
	uint8_t *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	m->arena = p + PAGE;
	m->guard = m->arena + ARENA;
	m->ro = m->guard + PAGE;
	if (mprotect(m->arena, ARENA, PROT_READ | PROT_WRITE) ||
	    mprotect(m->ro, PAGE, PROT_READ | PROT_WRITE))
		return -1;
	memset(m->arena, 0x5a, ARENA);
	memset(m->ro, 0, PAGE);
	return mprotect(m->ro, PAGE, PROT_READ);
}

/* Kinds of pointer; the first two point at memory the call may use. */
enum ptr { P_OK, P_ODD, P_RO, P_NULL, P_LOW, P_GUARD, P_STRADDLE, P_KERNEL, P_NONCANON,
	   P_TAGGED, P_MINUS1, NPTRS };

static const char *const ptr_name[NPTRS] = {
	"ok", "odd", "read-only", "NULL", "low", "guard", "straddle", "kernel",
	"non-canonical", "tagged", "-1",
};

#if defined(__aarch64__)
#define KERNEL_ADDR	0xffff800008000000ull
#elif defined(__x86_64__)
#define KERNEL_ADDR	0xffffffff81000000ull
#else
#define KERNEL_ADDR	0xc0000000ull
#endif

/* A pointer of kind K for an object of LEN bytes; ALIGN for P_OK. */
static uint64_t make_ptr(uint64_t *s, const struct mem *m, enum ptr k, size_t len,
			 unsigned int align)
{
	uint64_t off;

	switch (k) {
	case P_OK:
		off = len < ARENA ? rnd(s) % (ARENA - len + 1) : 0;
		return (uintptr_t)m->arena + (off & ~(uint64_t)(align - 1));
	case P_ODD:
		return (uintptr_t)m->arena + 1 + pick(s, align > 1 ? align - 1 : 7);
	case P_RO:
		return (uintptr_t)m->ro;
	case P_NULL:
		return 0;
	case P_LOW:
		return 16 + pick(s, 0xf000);
	case P_GUARD:
		return (uintptr_t)m->guard;
	case P_STRADDLE:	/* starts in the arena's last page, ends in the guard */
		return (uintptr_t)m->guard - (len > PAGE ? PAGE : len > 1 ? len / 2 : 1);
	case P_KERNEL:
		return KERNEL_ADDR + (rnd(s) & 0xfff000);
	case P_NONCANON:
		return 0x8000000000000000ull | (rnd(s) & 0xfffff000);
	case P_TAGGED:
		return (uintptr_t)m->arena | 0x5a00000000000000ull;
	default:
		return ~0ull;
	}
}

/* Mostly good pointers, every bad kind now and then. */
static enum ptr pick_ptr(uint64_t *s)
{
	unsigned int r = pick(s, 100);

	return r < 60 ? P_OK : r < 64 ? P_ODD : (enum ptr)(1 + r % (NPTRS - 1));
}

/* An LBA from which COUNT blocks fit (0 if they cannot). */
static uint64_t lba_fitting(uint64_t *s, uint32_t count)
{
	return capacity > count ? rnd(s) % (capacity - count) : 0;
}

static uint64_t pick_lba(uint64_t *s, uint32_t count)
{
	uint64_t c = capacity;

	switch (pick(s, 16)) {
	case 0: return 0;
	case 1: return c - 1;
	case 2: return c;
	case 3: return c + 1;
	case 4: return c - count;
	case 5: return c - count + 1;
	case 6: return 0xffffffffull;
	case 7: return 0x100000000ull;
	case 8: return ~0ull;
	case 9: return ~0ull - count + 1;
	case 10: return rnd(s);
	case 11: return c ? rnd(s) % c : 0;
	default: return lba_fitting(s, count);
	}
}

/*
 * USBBLK_IO_FIXED: buf is an offset in the registered buffer.  An aligned
 * one for a well-formed call; otherwise misaligned or (likely) far past
 * any buffer's end.
 */
static uint64_t pick_fixed_offset(uint64_t *s, int wild)
{
	if (!wild)
		return (uint64_t)dma_align * pick(s, 64);
	if (pick(s, 2))
		return (uint64_t)dma_align * pick(s, 64) + 1;
	return 1ull << pick(s, 64);
}

static uint32_t pick_count(uint64_t *s)
{
	uint32_t arena_blocks = ARENA / block_size;

	switch (pick(s, 16)) {
	case 0: return 0;
	case 1: return max_sectors;
	case 2: return max_sectors + 1;
	case 3: return arena_blocks;
	case 4: return arena_blocks + 1;
	case 5: return 0xffffffffu;
	case 6: return 1u << pick(s, 32);
	default: return 1 + pick(s, 16);
	}
}

/* A call, as made: enough to print it and to judge the answer. */
struct call {
	enum kind kind;
	unsigned long cmd;
	const struct node *node;
	enum ptr argp;		/* the ioctl argument */
	uint64_t arg;
	union {
		struct usbblk_io io;
		struct usbblk_enumerate e;
		struct usbblk_buf_reg reg;
		__u32 index;
	} in;
	enum ptr bufp;		/* io.buf, e.devices or reg.addr */
	uintptr_t node_mem_end;	/* the end of the caller's arena */
	int invalid;		/* a field the ABI says is wrong */
};

/* Does the ABI say this call must fail, whatever the device does? */
static int must_fail(const struct call *c)
{
	int is_io = c->kind == K_READ || c->kind == K_WRITE;
	int reads_arg = c->kind == K_ENUMERATE || is_io || c->kind == K_REGISTER ||
			c->kind == K_UNREGISTER;
	int writes_arg = c->kind == K_ENUMERATE || c->kind == K_INFO || c->kind == K_SENSE ||
			 c->kind == K_REGISTER;

	if (c->kind == K_UNKNOWN)
		return 1;
	if (!c->node->lun && c->kind != K_ENUMERATE)
		return 1;
	if (c->kind == K_SYNC)
		return c->node->rdonly;
	/* a read-only argument is the zeroed page: count 0 for READ/WRITE */
	if (c->argp > P_RO || (c->argp == P_RO && (writes_arg || is_io)))
		return 1;
	/* (through another pointer the kernel reads other fields than ours) */
	if (reads_arg && c->invalid && c->argp <= P_ODD)
		return 1;
	if (c->kind == K_REGISTER)	/* only the arena is the caller's writable memory */
		return c->bufp != P_OK || c->in.reg.addr + c->in.reg.len >
		       (uintptr_t)c->node_mem_end;
	if (is_io && (c->in.io.flags & USBBLK_IO_FIXED)) {
		/* an offset in a registered buffer: only the block range is known */
		if (c->kind == K_WRITE && c->node->rdonly)
			return 1;
		return c->in.io.lba >= capacity || c->in.io.count > capacity - c->in.io.lba;
	}
	if (is_io) {
		uint64_t bytes = (uint64_t)c->in.io.count * block_size;

		if (c->kind == K_WRITE && c->node->rdonly)
			return 1;
		if (c->in.io.lba >= capacity || c->in.io.count > capacity - c->in.io.lba)
			return 1;
		if (c->bufp == P_OK && bytes > (uint64_t)ARENA)
			return 1;	/* runs into the guard page */
		if (c->bufp == P_ODD || c->bufp > P_RO || (c->bufp == P_RO && c->kind == K_READ))
			return 1;
		if (c->bufp == P_RO && bytes > PAGE)
			return 1;
	}
	return 0;
}

static int errno_allowed(const struct call *c, int err)
{
	enum kind k = c->kind;
	unsigned int i;

	if (!c->node->lun && k != K_ENUMERATE)
		k = K_UNKNOWN;
	for (i = 0; i < sizeof(allowed[k]) / sizeof(allowed[k][0]) && allowed[k][i]; i++)
		if (allowed[k][i] == err)
			return 1;
	return 0;
}

static void print_call(const char *why, int tid, long n, const struct call *c, int ret, int err)
{
	printf("# BAD CALL (%s): seed %llu thread %d call %ld: %s cmd %#lx on %s%s, arg %s %#llx",
	       why, (unsigned long long)seed, tid, n, kind_name[c->kind], c->cmd, c->node->name,
	       c->node->rdonly ? " (read-only)" : "", ptr_name[c->argp],
	       (unsigned long long)c->arg);
	if (c->kind == K_READ || c->kind == K_WRITE)
		printf(" {lba %llu count %u flags %#x timeout %u deadline %u reserved %x/%x buf %s %#llx}",
		       (unsigned long long)c->in.io.lba, c->in.io.count, c->in.io.flags,
		       c->in.io.timeout_ms, c->in.io.deadline_us, c->in.io.reserved[0],
		       c->in.io.reserved[1], ptr_name[c->bufp], (unsigned long long)c->in.io.buf);
	if (c->kind == K_REGISTER)
		printf(" {addr %s %#llx len %#llx index %u flags %#x reserved %x/%x/%x/%x}",
		       ptr_name[c->bufp], (unsigned long long)c->in.reg.addr,
		       (unsigned long long)c->in.reg.len, c->in.reg.index, c->in.reg.flags,
		       c->in.reg.reserved[0], c->in.reg.reserved[1], c->in.reg.reserved[2],
		       c->in.reg.reserved[3]);
	if (c->kind == K_UNREGISTER)
		printf(" {index %u}", c->in.index);
	if (c->kind == K_ENUMERATE)
		printf(" {flags %#x devices %s %#llx max %u reserved %x/%x/%x/%x}", c->in.e.flags,
		       ptr_name[c->bufp], (unsigned long long)c->in.e.devices,
		       c->in.e.max_devices, c->in.e.reserved[0], c->in.e.reserved[1],
		       c->in.e.reserved[2], c->in.e.reserved[3]);
	printf(" -> %d (%s)\n", ret, ret ? strerror(err) : "success");
	fflush(stdout);
}

/* An unknown command: near ours in number, size or direction. */
static unsigned long unknown_cmd(uint64_t *s)
{
	static const unsigned int dirs[] = { _IOC_NONE, _IOC_READ, _IOC_WRITE,
					     _IOC_READ | _IOC_WRITE };
	unsigned long cmd;
	unsigned int k;

	do {
		switch (pick(s, 4)) {
		case 0:		/* a known command with another size */
			cmd = kind_cmd[pick(s, K_UNKNOWN)];
			cmd = _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd),
				   (_IOC_SIZE(cmd) + 1 + pick(s, 64)) & _IOC_SIZEMASK);
			break;
		case 1:		/* ... or direction */
			cmd = kind_cmd[pick(s, K_UNKNOWN)];
			cmd = _IOC(dirs[pick(s, 4)], _IOC_TYPE(cmd), _IOC_NR(cmd), _IOC_SIZE(cmd));
			break;
		case 2:		/* our magic, any number */
			cmd = _IOC(dirs[pick(s, 4)], USBBLK_IOC_MAGIC, pick(s, 256),
				   pick(s, _IOC_SIZEMASK + 1));
			break;
		default:	/* the neighbouring magics */
			cmd = _IOC(dirs[pick(s, 4)], USBBLK_IOC_MAGIC - 1 + 2 * pick(s, 2),
				   pick(s, 32), pick(s, 512));
		}
		for (k = 0; k < K_UNKNOWN && cmd != kind_cmd[k]; k++)
			;
	} while (k < K_UNKNOWN);
	return cmd;
}

static void fill_reserved(uint64_t *s, __u32 *r, unsigned int n, int *invalid)
{
	memset(r, 0, n * sizeof(*r));
	if (!pick(s, 12)) {
		r[pick(s, n)] = 1u << pick(s, 32);
		*invalid = 1;
	}
}

/* The fields of a call that may be wild. */
#define W_ARG		(1u << 0)
#define W_BUF		(1u << 1)
#define W_FLAGS		(1u << 2)
#define W_RESERVED	(1u << 3)
#define W_COUNT		(1u << 4)
#define W_LBA		(1u << 5)
#define W_TIMEOUT	(1u << 6)
#define W_FIELDS	7

/* Make call C on node N (arguments in M); returns the ioctl's result. */
static int make_call(uint64_t *s, struct mem *m, const struct node *n, struct call *c)
{
	unsigned int wild;
	size_t len = 0;
	void *argmem;

	memset(c, 0, sizeof(*c));
	c->node = n;
	c->kind = pick(s, 20) ? (enum kind)pick(s, K_UNKNOWN) : K_UNKNOWN;
	c->cmd = c->kind == K_UNKNOWN ? unknown_cmd(s) : kind_cmd[c->kind];
	/*
	 * Half the calls are wild in every field; the others are sane but
	 * for one field (or none), so each check is met on its own and the
	 * data path runs.
	 */
	wild = pick(s, 2) ? ~0u : 1u << pick(s, W_FIELDS + 1);
	c->argp = wild & W_ARG ? pick_ptr(s) : P_OK;
	switch (c->kind) {
	case K_ENUMERATE: {
		static const uint32_t maxes[] = { 0, 1, 2, 16, 0xffffffffu };

		len = sizeof(c->in.e);
		c->in.e.flags = pick(s, 3) ? USBBLK_ENUM_NO_RESCAN : 0;
		if (wild & W_FLAGS && !pick(s, 12)) {
			c->in.e.flags |= 1u << pick(s, 32);
			c->invalid = !!(c->in.e.flags & ~USBBLK_ENUM_FLAGS);
		}
		if (wild & W_RESERVED)
			fill_reserved(s, c->in.e.reserved, 4, &c->invalid);
		c->in.e.max_devices = pick(s, 2) ? 16 : maxes[pick(s, 5)];
		c->bufp = wild & W_BUF && !pick(s, 4) ? pick_ptr(s) : P_OK;
		c->in.e.devices = pick(s, 8) ? make_ptr(s, m, c->bufp, 16 * sizeof(
				  struct usbblk_device_info), 8) : 0;
		/* the output array starts past the argument it would overwrite */
		if (c->bufp == P_OK && c->in.e.devices)
			c->in.e.devices = (uintptr_t)m->arena + ARENA / 2;
		break;
	}
	case K_READ:
	case K_WRITE:
		len = sizeof(c->in.io);
		c->in.io.count = wild & W_COUNT ? pick_count(s) : 1 + pick(s, 32);
		c->in.io.lba = wild & W_LBA ? pick_lba(s, c->in.io.count) :
			       lba_fitting(s, c->in.io.count);
		c->in.io.flags = c->kind == K_WRITE && !pick(s, 4) ? USBBLK_IO_FUA : 0;
		if (!pick(s, 8))
			c->in.io.flags |= USBBLK_IO_POLL;
		if (!pick(s, 5))
			c->in.io.flags |= USBBLK_IO_FIXED;
		if (wild & W_FLAGS && !pick(s, 12))
			c->in.io.flags |= 1u << pick(s, 32);
		/* a deadline from 1 us to 0.2 s, with its flag or (invalid) without */
		if (wild & W_TIMEOUT && !pick(s, 20)) {
			c->in.io.deadline_us = 1 + pick(s, 200000);
			if (pick(s, 8))
				c->in.io.flags |= USBBLK_IO_DEADLINE;
		}
		if ((c->in.io.flags & ~USBBLK_IO_FLAGS) ||
		    (c->kind == K_READ && (c->in.io.flags & USBBLK_IO_FUA)) ||
		    !(c->in.io.flags & USBBLK_IO_DEADLINE) != !c->in.io.deadline_us)
			c->invalid = 1;
		if (wild & W_TIMEOUT && !pick(s, 40))
			c->in.io.timeout_ms = pick(s, 2) ? 1 : pick(s, 20000);
		if (wild & W_RESERVED) {
			int unused = 0;

			fill_reserved(s, c->in.io.reserved, 2, &unused);
		}
		if (!c->in.io.count)
			c->invalid = 1;
		c->bufp = wild & W_BUF ? pick_ptr(s) : P_OK;
		if (c->in.io.flags & USBBLK_IO_FIXED) {
			/* reserved[0] names a buffer of this file, buf an offset in it */
			if (!(wild & W_RESERVED) || pick(s, 2))
				c->in.io.reserved[0] = pick(s, USBBLK_MAX_REGBUFS + 1);
			c->in.io.buf = pick_fixed_offset(s, c->bufp != P_OK);
			if (c->in.io.reserved[0] >= USBBLK_MAX_REGBUFS || c->in.io.reserved[1] ||
			    c->in.io.buf % dma_align)
				c->invalid = 1;
			c->bufp = P_OK;
			break;
		}
		if (c->in.io.reserved[0] || c->in.io.reserved[1])
			c->invalid = 1;
		/* the buffer is the arena's start; the argument its second half */
		c->in.io.buf = c->bufp == P_OK ? (uintptr_t)m->arena :
			       make_ptr(s, m, c->bufp, (size_t)c->in.io.count * block_size,
					dma_align);
		break;
	case K_REGISTER: {
		uint64_t rlen = (uint64_t)dma_align * (1 + pick(s, 512));

		len = sizeof(c->in.reg);
		if (rlen > ARENA)
			rlen = ARENA;
		if (wild & W_COUNT) {
			switch (pick(s, 6)) {
			case 0: rlen = 0; break;
			case 1: rlen += 1 + pick(s, dma_align - 1); break;
			case 2: rlen = USBBLK_REGBUF_MAX_LEN + dma_align; break;
			case 3: rlen = ARENA + PAGE; break;	/* into the guard page */
			case 4: rlen = ~0ull - PAGE + 1; break;
			default: break;
			}
		}
		c->in.reg.len = rlen;
		c->bufp = wild & W_BUF ? pick_ptr(s) : P_OK;
		c->in.reg.addr = c->bufp == P_OK && rlen <= ARENA ?
				 (uintptr_t)m->arena + dma_align * pick(s, (ARENA - rlen) / dma_align + 1) :
				 c->bufp == P_OK ? (uintptr_t)m->arena :
				 make_ptr(s, m, c->bufp, rlen < ARENA ? rlen : ARENA, dma_align);
		c->node_mem_end = (uintptr_t)m->arena + ARENA;
		if (wild & W_FLAGS && !pick(s, 12)) {
			c->in.reg.flags = 1u << pick(s, 32);
			c->invalid = 1;
		}
		if (wild & W_RESERVED) {
			fill_reserved(s, c->in.reg.reserved, 4, &c->invalid);
			if (!pick(s, 12)) {
				c->in.reg.index = 1 + pick(s, 20);
				c->invalid = 1;
			}
		}
		if (!rlen || rlen % dma_align || rlen > USBBLK_REGBUF_MAX_LEN)
			c->invalid = 1;
		break;
	}
	case K_UNREGISTER:
		len = sizeof(c->in.index);
		c->in.index = wild & W_RESERVED && !pick(s, 4) ? 1u << pick(s, 32) :
			      pick(s, USBBLK_MAX_REGBUFS + 2);
		if (c->in.index >= USBBLK_MAX_REGBUFS)
			c->invalid = 1;
		break;
	case K_INFO:
		len = sizeof(struct usbblk_info);
		break;
	case K_SENSE:
		len = sizeof(struct usbblk_sense);
		break;
	default:
		len = _IOC_SIZE(c->cmd);
	}
	if (c->kind == K_SYNC) {
		c->argp = P_NULL;	/* _IO: the argument is not a pointer */
		c->arg = rnd(s);
	} else {
		c->arg = make_ptr(s, m, c->argp, len ? len : 8, 8);
		if (c->argp == P_OK)	/* in the arena's second half, clear of buffers */
			c->arg = (uintptr_t)m->arena + ARENA / 4 * 3 + (c->arg % (ARENA / 8) & ~7ull);
		if (c->argp == P_ODD)
			c->arg = (uintptr_t)m->arena + ARENA / 4 * 3 + 1 + pick(s, 7);
	}
	/* put the input where the kernel will read it, if it is our memory */
	argmem = (void *)(uintptr_t)c->arg;
	if ((c->argp == P_OK || c->argp == P_ODD) && len <= sizeof(c->in))
		memcpy(argmem, &c->in, len);
	else if (c->argp == P_OK || c->argp == P_ODD)
		memset(argmem, 0, len < ARENA / 8 ? len : ARENA / 8);
	return ioctl(n->fd, c->cmd, (unsigned long)c->arg);
}

/* Open every usbblk node read-only, and every LUN read-write too. */
static int open_nodes(struct node *nodes)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir("/dev");

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < MAX_NODES - 1) {
		int lun = !strncmp(de->d_name, "usbblk", 6) && de->d_name[6] >= '0' &&
			  de->d_name[6] <= '9';
		char path[sizeof(nodes[0].name)];
		int mode;

		if (!lun && strncmp(de->d_name, "usbblk-hc", 9))
			continue;
		snprintf(path, sizeof(path), "/dev/%.24s", de->d_name);
		for (mode = 0; mode < 1 + lun && n < MAX_NODES; mode++) {
			nodes[n].fd = open(path, mode ? O_RDWR : O_RDONLY);
			if (nodes[n].fd < 0)
				continue;	/* gone meanwhile */
			nodes[n].lun = lun;
			nodes[n].rdonly = !mode;
			memcpy(nodes[n].name, path, sizeof(path));
			n++;
		}
	}
	closedir(d);
	return n;
}

static void close_nodes(struct node *nodes, int n)
{
	while (n--)
		close(nodes[n].fd);
}

static void *fuzz_thread(void *arg)
{
	int tid = (int)(uintptr_t)arg, nn = 0, reopen = 0, since_open = 0, has_lun = 0;
	int j, waits = 0, ret, err;
	uint64_t s = seed ^ (0x100000001b3ull * (tid + 1));
	struct node nodes[MAX_NODES];
	struct mem m;
	struct call c;
	long i;

	if (mem_init(&m)) {
		perror("mmap");
		__atomic_fetch_add(&bad_calls, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	for (i = 0; i < calls_per_thread; i++) {
		/* no LUN node: the stick is away; look again soon */
		if (reopen || ++since_open >= (has_lun ? REOPEN_EVERY : 8) || !nn) {
			reopen = 0;
			since_open = 0;
			close_nodes(nodes, nn);
			nn = open_nodes(nodes);
			for (has_lun = 0, j = 0; j < nn; j++)
				has_lun |= nodes[j].lun;
			if (!nn) {	/* everything unplugged at this moment */
				usleep(10000);
				i--;
				continue;
			}
		}
		/*
		 * While the stick is away, only every 8th call goes to the
		 * controller; the others wait for the stick (bounded, should
		 * it never come back).
		 */
		if (!has_lun && waits < 2000 && pick(&s, 8)) {
			usleep(50000);
			waits++;
			reopen = 1;
			i--;
			continue;
		}
		/* LUN nodes 4 times in 5 while there are any */
		do
			j = pick(&s, nn);
		while (has_lun && !nodes[j].lun && pick(&s, 5));
		ret = make_call(&s, &m, &nodes[j], &c);
		err = ret ? errno : 0;
		/* the stick went: mostly look for it again, sometimes stay stale */
		if (err == ENODEV && pick(&s, 4))
			reopen = 1;
		__atomic_fetch_add(&stats[c.kind][err >= 0 && err < NERRNO ? err : NERRNO], 1,
				   __ATOMIC_RELAXED);
		__atomic_fetch_add(&calls_done, 1, __ATOMIC_RELAXED);
		if (ret && !errno_allowed(&c, err)) {
			print_call("undocumented errno", tid, i, &c, ret, err);
			__atomic_fetch_add(&bad_calls, 1, __ATOMIC_RELAXED);
		} else if (!ret && must_fail(&c)) {
			print_call("succeeded with wrong arguments", tid, i, &c, ret, err);
			__atomic_fetch_add(&bad_calls, 1, __ATOMIC_RELAXED);
		}
	}
	close_nodes(nodes, nn);
	return NULL;
}

static int monitor(const char *cmd, const char *arg)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "vm-monitor %s %s >/dev/null", cmd, arg);
	return system(buf);
}

/* Unplug and re-plug the stick at random moments until the fuzzing ends. */
static void *hotplug_thread(void *arg)
{
	const char *id = getenv("USBBLK_HOTPLUG_ID") ?: "stick0";
	const char *add = arg;
	uint64_t s = seed ^ 0x486f74706c7567ull;

	while (!fuzz_done) {
		usleep(300000 + pick(&s, 700000));
		if (monitor("device_del", id)) {
			hotplug_failed = 1;
			return NULL;
		}
		usleep(50000 + pick(&s, 250000));
		if (monitor("device_add", add)) {
			hotplug_failed = 1;
			return NULL;
		}
		hotplug_cycles++;
	}
	return NULL;
}

/* ENUMERATE (rescan) until a LUN node is back; its fd (O_RDWR) or -1. */
static int lun_back(void)
{
	struct node nodes[MAX_NODES];
	struct usbblk_enumerate e;
	int i, j, n, fd = open("/dev/usbblk-hc0", O_RDONLY);

	for (i = 0; i < 100; i++) {
		n = open_nodes(nodes);
		for (j = 0; j < n && (!nodes[j].lun || nodes[j].rdonly); j++)
			;
		if (j < n) {
			int lfd = dup(nodes[j].fd);

			ksft_print_msg("the stick is back as %s\n", nodes[j].name);
			close_nodes(nodes, n);
			close(fd);
			return lfd;
		}
		close_nodes(nodes, n);
		memset(&e, 0, sizeof(e));
		if (fd >= 0)
			ioctl(fd, USBBLK_IOC_ENUMERATE, &e);
		usleep(100000);
	}
	close(fd);
	return -1;
}

/* ------------------------------------------------------------ regressions */

/*
 * Fixed cases, each a bug or an edge found once: they must keep passing.
 * Each gets the LUN's fd (O_RDWR), an fd of it opened O_RDONLY and the
 * memory of a thread; 0 means pass.
 */
struct regression {
	const char *name;
	int (*run)(int fd, int rofd, struct mem *m);
};

static int expect_err(const char *what, int ret, int want)
{
	if (ret == -1 && errno == want)
		return 0;
	printf("# %s: %d (%s), want %s\n", what, ret, ret ? strerror(errno) : "success",
	       strerror(want));
	return 1;
}

static int reg_read_into_readonly(int fd, int rofd, struct mem *m)
{
	struct usbblk_io io = { .buf = (uintptr_t)m->ro, .count = 1 };

	return expect_err("READ into a read-only page", ioctl(fd, USBBLK_IOC_READ_SECTOR, &io),
			  EFAULT) || usbblk_pins_outstanding() != 0;
}

static int reg_read_into_guard(int fd, int rofd, struct mem *m)
{
	/* the first block fits, the second is in the guard page */
	struct usbblk_io io = { .buf = (uintptr_t)m->guard - block_size, .count = 2 };

	return expect_err("READ across a guard page", ioctl(fd, USBBLK_IOC_READ_SECTOR, &io),
			  EFAULT) || usbblk_pins_outstanding() != 0;
}

static int reg_write_from_readonly(int fd, int rofd, struct mem *m)
{
	struct usbblk_io io = { .buf = (uintptr_t)m->ro, .count = PAGE / block_size,
				.lba = capacity - PAGE / block_size };

	if (ioctl(fd, USBBLK_IOC_WRITE_SECTOR, &io)) {
		printf("# WRITE from a read-only page: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static int reg_rdonly_fd(int fd, int rofd, struct mem *m)
{
	struct usbblk_io io = { .buf = (uintptr_t)m->arena, .count = 1 };

	return expect_err("WRITE on a read-only fd", ioctl(rofd, USBBLK_IOC_WRITE_SECTOR, &io),
			  EBADF) ||
	       expect_err("SYNC on a read-only fd", ioctl(rofd, USBBLK_IOC_SYNC), EBADF);
}

static int reg_lba_overflow(int fd, int rofd, struct mem *m)
{
	/* lba + count wraps to a small number */
	struct usbblk_io io = { .buf = (uintptr_t)m->arena, .count = 2, .lba = ~0ull };

	return expect_err("READ at LBA 2^64-1, 2 blocks", ioctl(fd, USBBLK_IOC_READ_SECTOR, &io),
			  ERANGE);
}

static int reg_last_block(int fd, int rofd, struct mem *m)
{
	struct usbblk_io io = { .buf = (uintptr_t)m->arena, .count = 1, .lba = capacity - 1 };

	if (ioctl(fd, USBBLK_IOC_READ_SECTOR, &io)) {
		printf("# READ of the last block: %s\n", strerror(errno));
		return 1;
	}
	io.count = 2;
	return expect_err("READ past the last block", ioctl(fd, USBBLK_IOC_READ_SECTOR, &io),
			  ERANGE);
}

static int reg_enumerate_readonly(int fd, int rofd, struct mem *m)
{
	/* the argument is readable but not writable */
	return expect_err("ENUMERATE into a read-only page",
			  ioctl(fd, USBBLK_IOC_ENUMERATE, m->ro), EFAULT);
}

static int reg_info_straddle(int fd, int rofd, struct mem *m)
{
	void *p = m->guard - sizeof(struct usbblk_info) / 2;

	return expect_err("GET_INFO across a guard page", ioctl(fd, USBBLK_IOC_GET_INFO, p),
			  EFAULT);
}

/* REGISTER_BUF of @len bytes at @p on @fd: its answer, 0 or an errno. */
static int reg_at(int fd, void *p, uint64_t len, uint32_t *index)
{
	struct usbblk_buf_reg r = { .addr = (uintptr_t)p, .len = len };

	if (ioctl(fd, USBBLK_IOC_REGISTER_BUF, &r))
		return errno;
	*index = r.index;
	return 0;
}

static int reg_want(const char *what, int got, int want)
{
	if (got == want)
		return 0;
	printf("# REGISTER_BUF %s: %s, want %s\n", what, got ? strerror(got) : "success",
	       want ? strerror(want) : "success");
	return 1;
}

/*
 * Memory is registered at most once (the uapi header, REGISTER_BUF):
 * inside, across the end of, and exactly over a registered buffer, from
 * this file and another, and the same page through a second mapping of
 * a memfd, are EBUSY; a neighbour, two buffers sharing a page without
 * sharing a byte, and the same range once the first is gone are fine;
 * reads through the buffers and a plain read into registered memory
 * work.  Before, the same memory could be registered several times, and
 * on the debug kernel DMA-API debugging could not tell which mapping a
 * request's sync belonged to ("device driver tries to sync DMA memory
 * it has not allocated", Documentation/debug-kernel.rst).
 */
static int reg_register_overlap(int fd, int rofd, struct mem *m)
{
	uint8_t *a = m->arena;
	uint32_t i0, i1, i2 = ~0u, i3 = ~0u, i4 = ~0u, tmp;
	struct usbblk_io io = { .count = 1 };
	int bad = 0, mfd, got;
	uint8_t *m1 = MAP_FAILED, *m2 = MAP_FAILED;

	bad |= reg_want("of 16 pages", reg_at(fd, a, 16 * PAGE, &i0), 0);
	if (bad)
		return 1;
	got = reg_at(fd, a + 4 * PAGE, 4 * PAGE, &tmp);
	bad |= reg_want("inside it", got, EBUSY);
	got = reg_at(rofd, a, 16 * PAGE, &tmp);
	bad |= reg_want("over it, from another file", got, EBUSY);
	got = reg_at(fd, a + 15 * PAGE, 2 * PAGE, &tmp);
	bad |= reg_want("across its end", got, EBUSY);
	got = reg_at(fd, a + 15 * PAGE + PAGE - dma_align, dma_align, &tmp);
	bad |= reg_want("on its last bytes", got, EBUSY);
	bad |= reg_want("right after it", reg_at(fd, a + 16 * PAGE, 4 * PAGE, &i1), 0);
	if (dma_align < PAGE) {	/* one page, two buffers, no byte shared */
		bad |= reg_want("in a page, first half", reg_at(fd, a + 20 * PAGE, PAGE / 2, &i2),
				0);
		bad |= reg_want("in a page, second half",
				reg_at(rofd, a + 20 * PAGE + PAGE / 2, PAGE / 2, &i3), 0);
	}
	/* through each buffer, and plainly into registered memory */
	io.flags = USBBLK_IO_FIXED;
	io.reserved[0] = i0;
	io.buf = 4 * PAGE;
	if (ioctl(fd, USBBLK_IOC_READ_SECTOR, &io)) {
		printf("# read through the first: %s\n", strerror(errno));
		bad = 1;
	}
	io.reserved[0] = i1;
	io.buf = 0;
	if (ioctl(fd, USBBLK_IOC_READ_SECTOR, &io)) {
		printf("# read through the neighbour: %s\n", strerror(errno));
		bad = 1;
	}
	io = (struct usbblk_io){ .count = 1, .buf = (uintptr_t)a + 4 * PAGE };
	if (ioctl(fd, USBBLK_IOC_READ_SECTOR, &io)) {
		printf("# plain read into registered memory: %s\n", strerror(errno));
		bad = 1;
	}
	/* the same pages at another address: a memfd mapped twice */
	mfd = memfd_create("usbblk-overlap", 0);
	if (mfd >= 0 && !ftruncate(mfd, 2 * PAGE)) {
		m1 = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		m2 = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	}
	if (m1 == MAP_FAILED || m2 == MAP_FAILED) {
		printf("# memfd twice: %s\n", strerror(errno));
		bad = 1;
	} else {
		bad |= reg_want("of a memfd", reg_at(fd, m1, 2 * PAGE, &i4), 0);
		got = reg_at(fd, m2 + PAGE, PAGE, &tmp);
		bad |= reg_want("of the memfd's second page, mapped again", got, EBUSY);
	}
	/* gone: the same range registers again, from the other file */
	bad |= ioctl(fd, USBBLK_IOC_UNREGISTER_BUF, &i0) != 0;
	got = reg_at(rofd, a + 4 * PAGE, 4 * PAGE, &tmp);
	bad |= reg_want("inside it, once it is gone", got, 0);
	if (!got)
		bad |= ioctl(rofd, USBBLK_IOC_UNREGISTER_BUF, &tmp) != 0;
	ioctl(fd, USBBLK_IOC_UNREGISTER_BUF, &i1);
	ioctl(fd, USBBLK_IOC_UNREGISTER_BUF, &i2);
	ioctl(rofd, USBBLK_IOC_UNREGISTER_BUF, &i3);
	ioctl(fd, USBBLK_IOC_UNREGISTER_BUF, &i4);
	if (m1 != MAP_FAILED)
		munmap(m1, 2 * PAGE);
	if (m2 != MAP_FAILED)
		munmap(m2, 2 * PAGE);
	if (mfd >= 0)
		close(mfd);
	return bad || usbblk_pins_outstanding() != 0;
}

static const struct regression regressions[] = {
	{ "read into a read-only page", reg_read_into_readonly },
	{ "read across a guard page", reg_read_into_guard },
	{ "write from a read-only page", reg_write_from_readonly },
	{ "write and sync on a read-only fd", reg_rdonly_fd },
	{ "lba + count wrapping", reg_lba_overflow },
	{ "last block and one past", reg_last_block },
	{ "enumerate into a read-only page", reg_enumerate_readonly },
	{ "get_info across a guard page", reg_info_straddle },
	{ "memory registered at most once", reg_register_overlap },
};

/* ------------------------------------------------------------ the tests */

FIXTURE(fuzz) {
	int fd, rofd;
	struct mem m;
};

FIXTURE_SETUP(fuzz)
{
	struct usbblk_info info;

	self->fd = open(getenv("USBBLK_LUN") ?: "/dev/usbblk0", O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("no LUN node: %s", strerror(errno));
	self->rofd = open(getenv("USBBLK_LUN") ?: "/dev/usbblk0", O_RDONLY);
	ASSERT_LE(0, self->rofd);
	ASSERT_EQ(0, ioctl(self->fd, USBBLK_IOC_GET_INFO, &info));
	capacity = info.capacity;
	block_size = info.block_size;
	max_sectors = info.max_sectors;
	dma_align = info.dma_alignment;
	ASSERT_LE(512, dma_align);
	ASSERT_LT(0, block_size);
	ASSERT_EQ(0, mem_init(&self->m));
	ASSERT_EQ(0, usbblk_pins_outstanding());
}

FIXTURE_TEARDOWN(fuzz)
{
	close(self->fd);
	close(self->rofd);
}

TEST_F(fuzz, regressions)
{
	unsigned int i;

	for (i = 0; i < sizeof(regressions) / sizeof(regressions[0]); i++) {
		int bad = regressions[i].run(self->fd, self->rofd, &self->m);

		ksft_print_msg("regression \"%s\": %s\n", regressions[i].name,
			       bad ? "FAIL" : "pass");
		EXPECT_EQ(0, bad) TH_LOG("%s", regressions[i].name);
	}
	EXPECT_EQ(0, usbblk_pins_outstanding());
}

TEST_F_TIMEOUT(fuzz, random_calls, 7200)
{
	long calls = strtol(getenv("FUZZ_IOCTL_CALLS") ?: "5000", NULL, 0);
	int nthreads = atoi(getenv("FUZZ_IOCTL_THREADS") ?: "8");
	const char *add = getenv("USBBLK_HOTPLUG_ADD");
	long slab0, slab1, unrecl0, unrecl1, slab_kb;
	struct usbblk_io io = { .count = 8 };
	pthread_t threads[64], hp;
	struct timespec t0, t1;
	int i, k, lfd, hotplug;
	char buf[64];

	ASSERT_LT(0, nthreads);
	ASSERT_GE(64, nthreads);
	seed = strtoull(getenv("FUZZ_IOCTL_SEED") ?: "0", NULL, 0);
	clock_gettime(CLOCK_REALTIME, &t0);
	if (!seed)
		seed = (uint64_t)t0.tv_sec * 1000003 ^ t0.tv_nsec;
	calls_per_thread = (calls + nthreads - 1) / nthreads;
	slab_kb = atol(getenv("FUZZ_IOCTL_SLAB_KB") ?: "4096");
	hotplug = add && access("/etc/vm/config", F_OK) == 0 && !system(
		  ". /etc/vm/config && test -n \"$VM_HOTPLUG_TTY\"");
	ksft_print_msg("seed %llu (FUZZ_IOCTL_SEED=%llu repeats it): %ld calls from %d threads, %s\n",
		       (unsigned long long)seed, (unsigned long long)seed,
		       calls_per_thread * nthreads, nthreads,
		       hotplug ? "unplugging and re-plugging the stick" : "no hot-plug");
	/* let the first rescan's allocations settle */
	slab0 = usbblk_meminfo("Slab");
	unrecl0 = usbblk_meminfo("SUnreclaim");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (hotplug)
		ASSERT_EQ(0, pthread_create(&hp, NULL, hotplug_thread, (void *)add));
	for (i = 0; i < nthreads; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, fuzz_thread,
					    (void *)(uintptr_t)i));
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	fuzz_done = 1;
	if (hotplug)
		pthread_join(hp, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	ksft_print_msg("%lu calls in %.1f s, %lu unplug/re-plug cycles, %lu bad calls\n",
		       calls_done, t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9,
		       hotplug_cycles, bad_calls);
	for (k = 0; k < NKINDS; k++) {
		char line[1024];
		int n = 0, e;
		unsigned long total = 0;

		for (e = 0; e <= NERRNO; e++) {
			if (!stats[k][e])
				continue;
			total += stats[k][e];
			if (e == 0)
				snprintf(buf, sizeof(buf), "0");
			else if (e == NERRNO)
				snprintf(buf, sizeof(buf), "other");
			else
				snprintf(buf, sizeof(buf), "%s", strerrorname_np(e) ?: "?");
			n += snprintf(line + n, sizeof(line) - n, " %s %lu", buf, stats[k][e]);
		}
		ksft_print_msg("%-16s %6lu calls:%s\n", kind_name[k], total, line);
	}
	EXPECT_EQ(0, bad_calls);
	EXPECT_EQ(0, hotplug_failed);

	/* plugged in again: a well-behaved command works */
	lfd = lun_back();
	ASSERT_LE(0, lfd) TH_LOG("/dev/usbblk0 not back after the last re-plug");
	io.buf = (uintptr_t)self->m.arena;
	EXPECT_EQ(0, ioctl(lfd, USBBLK_IOC_READ_SECTOR, &io)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, ioctl(lfd, USBBLK_IOC_WRITE_SECTOR, &io)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, ioctl(lfd, USBBLK_IOC_SYNC)) TH_LOG("%s", strerror(errno));
	close(lfd);

	EXPECT_EQ(0, usbblk_pins_outstanding());
	slab1 = usbblk_meminfo("Slab");
	unrecl1 = usbblk_meminfo("SUnreclaim");
	ksft_print_msg("pins outstanding %ld; Slab %ld -> %ld kB (%+ld), SUnreclaim %ld -> %ld kB (%+ld)\n",
		       usbblk_pins_outstanding(), slab0, slab1, slab1 - slab0, unrecl0, unrecl1,
		       unrecl1 - unrecl0);
	if (usbblk_debug_kernel()) {	/* kmemleak checks there */
		ksft_print_msg("debug kernel: the SUnreclaim bound left to kmemleak\n");
	} else {
		EXPECT_GT(slab_kb, unrecl1 - unrecl0) TH_LOG("SUnreclaim grew by %ld kB",
							      unrecl1 - unrecl0);
	}
}

TEST_HARNESS_MAIN
