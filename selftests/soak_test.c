// SPDX-License-Identifier: GPL-2.0
/*
 * Soak: mixed reads and writes from several threads on every stick named
 * in USBBLK_SOAK_SERIALS, for USBBLK_SOAK_SECONDS, while one stick is
 * unplugged and plugged back every USBBLK_SOAK_UNPLUG_EVERY seconds and
 * another may carry injected media errors (tools/soak sets it all up).
 *
 * Every write goes to whole chunks (CHUNK_BLOCKS blocks) with one seed of
 * the test pattern (usbblk_pattern()), so the state of a stick is one code
 * per chunk: the seed of its last acknowledged write, "never written"
 * (zeros, as the host created the image), or "unknown" (its last write
 * failed, so the device may hold anything).  Reads of known chunks are
 * checked against the pattern as they happen; at the end the map is
 * printed ("SOAK-MAP SERIAL BLOCK_SIZE CHUNK_BLOCKS CODES") and the host
 * checks every known chunk in the image file (tools/check-image
 * verify-soak).
 *
 *   USBBLK_SOAK_SERIALS	comma-separated stick serials (default SOAK0)
 *   USBBLK_SOAK_SECONDS	how long (default 60)
 *   USBBLK_SOAK_THREADS	I/O threads per stick (default 3)
 *   USBBLK_SOAK_CHUNKS	chunks per stick used (default: the whole stick)
 *   USBBLK_SOAK_UNPLUG	"SERIAL|QEMU-ID|DEVICE_ADD-ARGS": the stick to pull
 *   USBBLK_SOAK_UNPLUG_EVERY	seconds between pulls (default 10)
 *
 * Errors: EIO (media errors), ENODEV (the stick left), ETIMEDOUT, EINTR,
 * ENOMEDIUM are counted by errno; anything else, a wrong byte read, a
 * pinned page left over or a stick that does not come back fails the
 * test.  Operations, errors by errno, memory and pin counters at start
 * and end are printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libusbblk.h"
#include "usbblk-test.h"

#define CHUNK_BLOCKS	64
#define MAX_STICKS	4
#define MAX_THREADS	8
#define MAX_OP_CHUNKS	4	/* a write spans 1..4 chunks */
#define CODE_ZERO	0x100	/* never written: zeros */
#define CODE_UNKNOWN	0x200	/* last write failed */
#define NERR		140
#define MAX_OLD		1024

struct stick {
	char serial[64];
	pthread_mutex_t lock;	/* h, gen, old */
	struct usbblk *h;
	unsigned int gen;	/* bumped whenever h is replaced */
	/*
	 * Handles of a stick that left: another thread may still be inside a
	 * call on one (and get ENODEV), so they are closed only at the end.
	 */
	struct usbblk *old[MAX_OLD];
	unsigned int nold;
	uint32_t bs;
	uint32_t nchunks;
	_Atomic uint16_t *code;	/* per chunk */
	_Atomic unsigned long reads, writes, verified;
};

static struct stick sticks[MAX_STICKS];
static unsigned int nsticks;
static _Atomic int stop;
static _Atomic int failed;
static _Atomic unsigned long errs[NERR];
static _Atomic unsigned long unplugs;

static __attribute__((format(printf, 1, 2))) void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	atomic_store(&failed, 1);
	atomic_store(&stop, 1);
}

static const char *ename(int err)
{
	const char *n = usbblk_errno_name(err);

	return n ? n : "E?";
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Find the LUN node of a serial and open it; 0 or -errno (-ENOENT: not there). */
static int stick_open(struct stick *s, struct usbblk **hp)
{
	struct usbblk_tree *tree;
	unsigned int c, d, l;
	int ret = usbblk_enumerate(0, &tree);

	if (ret)
		return ret;
	ret = -ENOENT;
	for (c = 0; c < tree->ncontrollers && ret == -ENOENT; c++) {
		struct usbblk_controller *hc = &tree->controllers[c];

		for (d = 0; d < hc->ndevices && ret == -ENOENT; d++)
			for (l = 0; l < hc->devices[d].nluns && ret == -ENOENT; l++)
				if (!strcmp(hc->devices[d].info.serial, s->serial))
					ret = usbblk_open(hc->devices[d].luns[l].node, O_RDWR, hp);
	}
	usbblk_tree_free(tree);
	return ret;
}

/* Wait (bounded) until the stick is back; 0 or -errno. */
static int stick_reopen(struct stick *s, unsigned int seen_gen)
{
	struct usbblk *h = NULL;
	double until = now_s() + 60;
	int ret = 0;

	pthread_mutex_lock(&s->lock);
	if (s->gen != seen_gen)
		goto out;	/* another thread did it */
	if (s->h && s->nold < MAX_OLD)
		s->old[s->nold++] = s->h;
	else
		usbblk_close(s->h);
	s->h = NULL;
	while (!atomic_load(&stop) && now_s() < until) {
		ret = stick_open(s, &h);
		if (!ret)
			break;
		usleep(100 * 1000);
	}
	if (!h && !atomic_load(&stop)) {
		pthread_mutex_unlock(&s->lock);
		fail("stick %s did not come back within 60 s", s->serial);
		return -ENODEV;
	}
	s->h = h;
	s->gen++;
out:
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static void count_err(int err)
{
	if (err > 0 && err < NERR)
		atomic_fetch_add(&errs[err], 1);
	if (err != EIO && err != ENODEV && err != ETIMEDOUT && err != EINTR &&
	    err != ENOMEDIUM)
		fail("undocumented errno %s (%d)", ename(err), err);
}

/* Expected content of one chunk under CODE into BUF; false if unknown. */
static int expect(const struct stick *s, uint32_t chunk, uint16_t code, uint8_t *buf)
{
	uint64_t lba = (uint64_t)chunk * CHUNK_BLOCKS;

	if (code == CODE_UNKNOWN)
		return 0;
	if (code == CODE_ZERO)
		memset(buf, 0, (size_t)CHUNK_BLOCKS * s->bs);
	else
		usbblk_fill(buf, lba, CHUNK_BLOCKS, s->bs, (uint8_t)code);
	return 1;
}

struct worker {
	struct stick *s;
	unsigned int first, count;	/* its own chunks: no two threads share one */
	unsigned int seed;
};

static void *io_thread(void *arg)
{
	struct worker *w = arg;
	struct stick *s = w->s;
	size_t span = (size_t)MAX_OP_CHUNKS * CHUNK_BLOCKS * s->bs;
	uint8_t *buf, *want;
	uint8_t gen_seed = (uint8_t)(w->seed * 37 + 1);

	if (usbblk_buf_alloc(NULL, span, 0, (void **)&buf) ||
	    usbblk_buf_alloc(NULL, (size_t)CHUNK_BLOCKS * s->bs, 0, (void **)&want)) {
		fail("no buffer for %s", s->serial);
		return NULL;
	}
	while (!atomic_load(&stop)) {
		unsigned int r = rand_r(&w->seed);
		unsigned int n = 1 + r % MAX_OP_CHUNKS;
		uint32_t chunk = w->first + (r >> 8) % w->count;
		struct usbblk *h;
		unsigned int gen, i;
		int write = (r >> 4) % 5 < 2, ret;

		if (chunk + n > w->first + w->count)
			n = w->first + w->count - chunk;
		pthread_mutex_lock(&s->lock);
		h = s->h;
		gen = s->gen;
		pthread_mutex_unlock(&s->lock);
		if (!h) {
			stick_reopen(s, gen);
			continue;
		}
		if (write) {
			uint8_t seed = gen_seed++;

			for (i = 0; i < n; i++)
				usbblk_fill(buf + (size_t)i * CHUNK_BLOCKS * s->bs,
					    (uint64_t)(chunk + i) * CHUNK_BLOCKS, CHUNK_BLOCKS,
					    s->bs, seed);
			for (i = 0; i < n; i++)
				atomic_store(&s->code[chunk + i], CODE_UNKNOWN);
			ret = usbblk_write(h, (uint64_t)chunk * CHUNK_BLOCKS, buf,
					   n * CHUNK_BLOCKS, 0, 0);
			if (!ret)
				for (i = 0; i < n; i++)
					atomic_store(&s->code[chunk + i], seed);
			atomic_fetch_add(&s->writes, 1);
		} else {
			/* reads of any length inside the chunks, checked if known */
			uint32_t blocks = n * CHUNK_BLOCKS - (r >> 20) % CHUNK_BLOCKS;

			ret = usbblk_read(h, (uint64_t)chunk * CHUNK_BLOCKS, buf, blocks, 0, 0);
			atomic_fetch_add(&s->reads, 1);
			for (i = 0; !ret && i < n; i++) {
				uint32_t len = CHUNK_BLOCKS * s->bs;
				uint16_t code = atomic_load(&s->code[chunk + i]);

				if ((i + 1) * CHUNK_BLOCKS > blocks)
					len = (blocks - i * CHUNK_BLOCKS) * s->bs;
				if (!expect(s, chunk + i, code, want))
					continue;
				if (memcmp(buf + (size_t)i * CHUNK_BLOCKS * s->bs, want, len))
					fail("%s: chunk %u (code %#x) reads back wrong", s->serial,
					     chunk + i, code);
				else
					atomic_fetch_add(&s->verified, 1);
			}
		}
		if (ret) {
			count_err(-ret);
			if (ret == -ENODEV)
				stick_reopen(s, gen);
		}
	}
	usbblk_buf_free(buf, span);
	usbblk_buf_free(want, (size_t)CHUNK_BLOCKS * s->bs);
	return NULL;
}

/* Pull SERIAL's stick and plug it back, every EVERY seconds. */
static void *unplug_thread(void *arg)
{
	const char *spec = arg;
	char id[64], add[512], cmd[640];
	unsigned int every = atoi(env_or("USBBLK_SOAK_UNPLUG_EVERY", "10"));
	const char *a = strchr(spec, '|'), *b = a ? strchr(a + 1, '|') : NULL;

	if (!b || (size_t)(b - a - 1) >= sizeof(id)) {
		fail("USBBLK_SOAK_UNPLUG: want SERIAL|ID|ARGS, got %s", spec);
		return NULL;
	}
	snprintf(id, sizeof(id), "%.*s", (int)(b - a - 1), a + 1);
	snprintf(add, sizeof(add), "%s", b + 1);
	while (!atomic_load(&stop)) {
		unsigned int i;

		for (i = 0; i < every * 10 && !atomic_load(&stop); i++)
			usleep(100 * 1000);
		if (atomic_load(&stop))
			break;
		snprintf(cmd, sizeof(cmd), "vm-monitor device_del %s >/dev/null", id);
		if (system(cmd)) {
			fail("device_del %s failed", id);
			break;
		}
		usleep(500 * 1000);
		snprintf(cmd, sizeof(cmd), "vm-monitor device_add %s >/dev/null", add);
		if (system(cmd)) {
			fail("device_add %s failed", add);
			break;
		}
		atomic_fetch_add(&unplugs, 1);
	}
	return NULL;
}

static void meminfo(const char *when)
{
	char line[128];
	long v, memfree = -1, slab = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemFree: %ld", &v) == 1)
			memfree = v;
		if (sscanf(line, "Slab: %ld", &v) == 1)
			slab = v;
	}
	if (f)
		fclose(f);
	printf("# soak %s: MemFree %ld kB, Slab %ld kB, pinned pages %ld\n", when, memfree,
	       slab, usbblk_pins_outstanding());
}

static void print_map(const struct stick *s)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t i;

	printf("SOAK-MAP %s %u %u ", s->serial, s->bs, CHUNK_BLOCKS);
	for (i = 0; i < s->nchunks; i++) {
		uint16_t c = atomic_load(&s->code[i]);

		if (c == CODE_ZERO)
			fputs("zz", stdout);
		else if (c == CODE_UNKNOWN)
			fputs("??", stdout);
		else
			printf("%c%c", hex[c >> 4], hex[c & 15]);
	}
	printf("\n");
}

int main(void)
{
	char serials[256], *tok, *save;
	const char *unplug = getenv("USBBLK_SOAK_UNPLUG");
	unsigned int seconds = atoi(env_or("USBBLK_SOAK_SECONDS", "60"));
	unsigned int nthreads = atoi(env_or("USBBLK_SOAK_THREADS", "3"));
	unsigned int want_chunks = atoi(env_or("USBBLK_SOAK_CHUNKS", "0"));
	struct worker workers[MAX_STICKS * MAX_THREADS];
	pthread_t tids[MAX_STICKS * MAX_THREADS], up;
	unsigned int i, t, nw = 0;
	unsigned long ops = 0;
	double t0;
	long pins;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (nthreads < 1 || nthreads > MAX_THREADS)
		nthreads = 3;
	snprintf(serials, sizeof(serials), "%s", env_or("USBBLK_SOAK_SERIALS", "SOAK0"));
	for (tok = strtok_r(serials, ",", &save); tok && nsticks < MAX_STICKS;
	     tok = strtok_r(NULL, ",", &save)) {
		struct stick *s = &sticks[nsticks];
		struct usbblk_info info;
		int ret;

		snprintf(s->serial, sizeof(s->serial), "%s", tok);
		pthread_mutex_init(&s->lock, NULL);
		ret = stick_open(s, &s->h);
		if (ret) {
			printf("# FAIL: stick %s: %s\n", tok, ename(ret));
			return 1;
		}
		usbblk_info(s->h, &info);
		s->bs = info.block_size;
		s->nchunks = info.capacity / CHUNK_BLOCKS;
		if (want_chunks && want_chunks < s->nchunks)
			s->nchunks = want_chunks;
		s->code = calloc(s->nchunks, sizeof(*s->code));
		if (!s->code)
			return 1;
		/* chunk 0 holds what the host put in block 0: never written, never read */
		for (i = 0; i < s->nchunks; i++)
			atomic_store(&s->code[i], i ? CODE_ZERO : CODE_UNKNOWN);
		printf("# stick %s: %llu blocks of %u, %u chunks of %u blocks\n", s->serial,
		       (unsigned long long)info.capacity, s->bs, s->nchunks, CHUNK_BLOCKS);
		nsticks++;
	}
	meminfo("start");
	t0 = now_s();
	for (i = 0; i < nsticks; i++) {
		unsigned int per = (sticks[i].nchunks - 1) / nthreads;

		for (t = 0; t < nthreads; t++, nw++) {
			workers[nw].s = &sticks[i];
			workers[nw].first = 1 + t * per;
			workers[nw].count = per;
			workers[nw].seed = 1000 * i + t + 1;
			pthread_create(&tids[nw], NULL, io_thread, &workers[nw]);
		}
	}
	if (unplug && *unplug)
		pthread_create(&up, NULL, unplug_thread, (void *)unplug);
	while (now_s() - t0 < seconds && !atomic_load(&stop))
		sleep(1);
	atomic_store(&stop, 1);
	if (unplug && *unplug)
		pthread_join(up, NULL);
	for (i = 0; i < nw; i++)
		pthread_join(tids[i], NULL);

	for (i = 0; i < nsticks; i++) {
		struct stick *s = &sticks[i];

		ops += s->reads + s->writes;
		printf("# stick %s: %lu reads (%lu chunks verified), %lu writes\n", s->serial,
		       atomic_load(&s->reads), atomic_load(&s->verified),
		       atomic_load(&s->writes));
		usbblk_close(s->h);
		s->h = NULL;
		while (s->nold)
			usbblk_close(s->old[--s->nold]);
	}
	printf("# soak: %.0f s, %lu operations, %lu unplugs; errors:", now_s() - t0, ops,
	       atomic_load(&unplugs));
	for (i = 1; i < NERR; i++)
		if (atomic_load(&errs[i]))
			printf(" %s %lu", ename(i), atomic_load(&errs[i]));
	printf("\n");
	meminfo("end");
	for (i = 0; i < nsticks; i++)
		print_map(&sticks[i]);
	pins = usbblk_pins_outstanding();
	if (pins) {
		printf("# FAIL: %ld pinned pages left\n", pins);
		return 1;
	}
	if (atomic_load(&failed))
		return 1;
	printf("ok 1 soak\n");
	return 0;
}
