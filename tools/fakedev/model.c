// SPDX-License-Identifier: GPL-2.0
/*
 * fakedev's device model: descriptors, control requests, Bulk-Only
 * Transport, SCSI on image files, the scenario's faults, the timing
 * model.  No I/O besides the image files; see model.h.
 */
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"

#define CBW_SIG		0x43425355u
#define CSW_SIG		0x53425355u
#define CBW_LEN		31
#define CSW_LEN		13
#define FD_VID		0x1209
#define FD_PID		0xfa4e

static const struct fd_scenario scenarios[] = {
#define S(n, f, p, op, e, t, path) { n, f, p, op, e, t, path },
	FD_SCENARIOS
#undef S
};

/**
 * fd_scenario_find() - a scenario of the table by name
 * @name: its name
 *
 * Return: the entry, or NULL.
 */
const struct fd_scenario *fd_scenario_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	return NULL;
}

static void logf_(struct fd_dev *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void logf_(struct fd_dev *d, const char *fmt, ...)
{
	va_list ap;

	(void)d;
	va_start(ap, fmt);
	fprintf(stderr, "fakedev: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void put_le16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put_le32(uint8_t *p, uint32_t v) { put_le16(p, v); put_le16(p + 2, v >> 16); }
static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}
static void put_be64(uint8_t *p, uint64_t v) { put_be32(p, v >> 32); put_be32(p + 4, v); }
static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}
static uint64_t get_be64(const uint8_t *p) { return (uint64_t)get_be32(p) << 32 | get_be32(p + 4); }

static uint64_t rnd(struct fd_dev *d)
{
	/* xorshift64*: reproducible from the seed option */
	d->rng ^= d->rng >> 12;
	d->rng ^= d->rng << 25;
	d->rng ^= d->rng >> 27;
	return d->rng * 0x2545f4914f6cdd1dULL;
}

/* ------------------------------------------------------------ options */

int fd_opts_parse(struct fd_opts *o, const char *spec, char *err, size_t errlen)
{
	char buf[1024], *save = NULL, *kv;
	int first = 1;

	memset(o, 0, sizeof(*o));
	o->speed = FD_SPEED_SUPER;
	o->block_size = 512;
	o->serial = "FAKEDEV0001";
	o->times = 1;
	o->trigger_lba = 1000;
	o->seed = 1;
	o->fuzz = 20;
	o->bad_lba = ~0ULL;
	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf)) {
		snprintf(err, errlen, "options too long");
		return -1;
	}
	for (kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save), first = 0) {
		char *v = strchr(kv, '=');

		if (first && !v) {
			o->scn = fd_scenario_find(kv);
			if (!o->scn) {
				snprintf(err, errlen, "unknown scenario \"%s\"", kv);
				return -1;
			}
			continue;
		}
		if (!v) {
			snprintf(err, errlen, "option \"%s\" is not key=value", kv);
			return -1;
		}
		*v++ = 0;
		if (!strcmp(kv, "image")) {
			if (o->nimages == FD_MAX_LUNS) {
				snprintf(err, errlen, "at most %d images", FD_MAX_LUNS);
				return -1;
			}
			o->images[o->nimages++] = strdup(v);
		} else if (!strcmp(kv, "luns")) {
			o->luns = strtoul(v, NULL, 0);
		} else if (!strcmp(kv, "speed")) {
			if (!strcmp(v, "super"))
				o->speed = FD_SPEED_SUPER;
			else if (!strcmp(v, "high"))
				o->speed = FD_SPEED_HIGH;
			else {
				snprintf(err, errlen, "speed=super|high, not %s", v);
				return -1;
			}
		} else if (!strcmp(kv, "bs")) {
			o->block_size = strtoul(v, NULL, 0);
		} else if (!strcmp(kv, "serial")) {
			o->serial = strdup(v);
		} else if (!strcmp(kv, "times")) {
			o->times = strtoul(v, NULL, 0);
		} else if (!strcmp(kv, "trigger")) {
			o->trigger_lba = strtoull(v, NULL, 0);
		} else if (!strcmp(kv, "seed")) {
			o->seed = strtoull(v, NULL, 0);
		} else if (!strcmp(kv, "latency")) {
			o->latency_us = strtoull(v, NULL, 0);
		} else if (!strcmp(kv, "pause")) {
			o->pause_ms = strtoull(v, NULL, 0);
		} else if (!strcmp(kv, "pause_every")) {
			o->pause_every = strtoul(v, NULL, 0);
		} else if (!strcmp(kv, "timing")) {
			if (strcmp(v, "stick")) {
				snprintf(err, errlen, "timing=stick is the only preset");
				return -1;
			}
			/* a cheap stick: ~0.5 ms a command, 80 ms of flash housekeeping 1 in 200 */
			o->latency_us = 500;
			o->pause_ms = 80;
			o->pause_every = 200;
		} else if (!strcmp(kv, "bad")) {
			o->bad_lba = strtoull(v, NULL, 0);
		} else if (!strcmp(kv, "corpus")) {
			o->corpus = strdup(v);
		} else if (!strcmp(kv, "fuzz_idle")) {
			o->fuzz_idle_ms = strtoul(v, NULL, 0);
		} else if (!strcmp(kv, "fuzz")) {
			o->fuzz = strtoul(v, NULL, 0);
		} else if (!strcmp(kv, "verbose")) {
			o->verbose = strtoul(v, NULL, 0);
		} else {
			snprintf(err, errlen, "unknown option \"%s\"", kv);
			return -1;
		}
	}
	if (!o->scn) {
		snprintf(err, errlen, "no scenario given (first word, e.g. \"good\")");
		return -1;
	}
	if (o->block_size < 512 || o->block_size > 65536 || (o->block_size & (o->block_size - 1))) {
		snprintf(err, errlen, "bs=%u: a power of two, 512..65536", o->block_size);
		return -1;
	}
	if (o->luns > FD_MAX_LUNS) {
		snprintf(err, errlen, "luns=%u: at most %d", o->luns, FD_MAX_LUNS);
		return -1;
	}
	return 0;
}

int fd_dev_init(struct fd_dev *d, const struct fd_opts *o, char *err, size_t errlen)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->o = *o;
	d->rng = o->seed ? o->seed : 1;
	for (i = 0; i < FD_MAX_LUNS; i++)
		d->lun[i].fd = -1;
	for (i = 0; i < o->nimages; i++) {
		struct stat st;
		int fd = open(o->images[i], O_RDWR);

		if (fd < 0 || fstat(fd, &st)) {
			snprintf(err, errlen, "%s: cannot open", o->images[i]);
			if (fd >= 0)
				close(fd);
			fd_dev_free(d);
			return -1;
		}
		d->lun[i].fd = fd;
		d->lun[i].blocks = st.st_size / o->block_size;
		d->lun[i].ready = true;
	}
	d->nluns = o->nimages;
	if (!d->o.luns)
		d->o.luns = d->nluns ? d->nluns : 1;
	d->buf_cap = 1 << 20;
	d->buf = malloc(d->buf_cap);
	if (!d->buf) {
		snprintf(err, errlen, "out of memory");
		fd_dev_free(d);
		return -1;
	}
	d->state = BOT_CBW;
	return 0;
}

void fd_dev_free(struct fd_dev *d)
{
	unsigned int i;

	for (i = 0; i < FD_MAX_LUNS; i++)
		if (d->lun[i].fd >= 0)
			close(d->lun[i].fd);
	free(d->buf);
	d->buf = NULL;
	for (i = 0; i < d->nseeds; i++)
		free(d->seeds[i]);
	d->nseeds = 0;
}

static void bot_idle(struct fd_dev *d)
{
	d->state = BOT_CBW;
	d->armed = false;
	d->buf_len = 0;
	d->done = 0;
	d->csw_stalled = false;
	d->pending_delay_us = 0;
	d->leave_data = d->leave_csw = false;
}

void fd_dev_reset(struct fd_dev *d)
{
	bot_idle(d);
	d->halt_in = d->halt_out = false;
	d->config = 0;
	d->resets++;
}

void fd_dev_set_config(struct fd_dev *d, uint8_t value)
{
	d->config = value;
	d->halt_in = d->halt_out = false;
	bot_idle(d);
}

uint16_t fd_ep0_max_packet(const struct fd_dev *d)
{
	return d->o.speed == FD_SPEED_SUPER ? 512 : 64;
}

uint16_t fd_bulk_max_packet(const struct fd_dev *d)
{
	return d->o.speed == FD_SPEED_SUPER ? 1024 : 512;
}

/* ------------------------------------------------------------ timing */

uint64_t fd_timing_delay_us(struct fd_dev *d)
{
	double u;
	uint64_t us;

	if (!d->o.latency_us)
		return 0;
	/* exponential latency around the mean, plus the rare long pause */
	u = ((rnd(d) >> 11) + 1) * (1.0 / 9007199254740993.0);
	us = (uint64_t)(-log(u) * (double)d->o.latency_us);
	if (d->o.pause_every && rnd(d) % d->o.pause_every == 0)
		us += d->o.pause_ms * 1000;
	return us;
}

/* ------------------------------------------------------------ descriptors */

static size_t desc_device(struct fd_dev *d, uint8_t *p)
{
	bool ss = d->o.speed == FD_SPEED_SUPER;

	memset(p, 0, 18);
	p[0] = 18;
	p[1] = 1;
	put_le16(p + 2, ss ? 0x0320 : 0x0210);
	p[7] = ss ? 9 : 64;
	put_le16(p + 8, FD_VID);
	/* desc-fuzz: the plug-in's number in idProduct (0xfnnn), for the test */
	put_le16(p + 10, d->o.scn->fault == FAULT_DESC_FUZZ ? 0xf000 | (d->fuzz_count & 0xfff)
							    : FD_PID);
	put_le16(p + 12, 0x0100);
	p[14] = 1;
	p[15] = 2;
	p[16] = 3;
	p[17] = 1;
	return 18;
}

static unsigned int desc_fault(const struct fd_dev *d)
{
	return d->o.scn->fault == FAULT_DESC ? d->o.scn->param : 0;
}

bool fd_dev_is_hub(const struct fd_dev *d)
{
	return desc_fault(d) == DESC_HUB255;
}

static size_t desc_endpoint(struct fd_dev *d, uint8_t *p, uint8_t addr)
{
	bool ss = d->o.speed == FD_SPEED_SUPER && desc_fault(d) != DESC_NO_COMPANION;

	p[0] = 7;
	p[1] = 5;
	p[2] = addr;
	p[3] = 2;
	put_le16(p + 4, fd_bulk_max_packet(d));
	p[6] = 0;
	if (!ss)
		return 7;
	/* SuperSpeed endpoint companion: no burst, no streams */
	p[7] = 6;
	p[8] = 0x30;
	p[9] = 0;
	p[10] = 0;
	put_le16(p + 11, 0);
	return 13;
}

/* A hub: one interface, one interrupt IN endpoint (the status change). */
static size_t desc_config_hub(struct fd_dev *d, uint8_t *p)
{
	bool ss = d->o.speed == FD_SPEED_SUPER;
	size_t n = ss ? 31 : 25;

	memset(p, 0, n);
	p[0] = 9;
	p[1] = 2;
	put_le16(p + 2, n);
	p[4] = 1;
	p[5] = 1;
	p[7] = 0xe0;
	p[9] = 9;
	p[10] = 4;
	p[13] = 1;
	p[14] = 0x09;
	p[18] = 7;
	p[19] = 5;
	p[20] = FD_EP_IN;
	p[21] = 3;
	put_le16(p + 22, 2);
	p[24] = ss ? 8 : 12;
	if (ss) {
		p[25] = 6;
		p[26] = 0x30;
		put_le16(p + 29, 2);
	}
	return n;
}

static size_t desc_config(struct fd_dev *d, uint8_t *p)
{
	size_t n = 9;

	if (fd_dev_is_hub(d))
		return desc_config_hub(d, p);

	memset(p, 0, 9);
	p[0] = 9;
	p[1] = 2;
	p[4] = 1;
	p[5] = 1;
	p[7] = 0x80;
	p[8] = d->o.speed == FD_SPEED_SUPER ? 112 / 8 : 100 / 2;
	/* the interface: mass storage, SCSI transparent, Bulk-Only */
	memset(p + n, 0, 9);
	p[n] = 9;
	p[n + 1] = 4;
	p[n + 4] = 2;
	p[n + 5] = 0x08;
	p[n + 6] = 0x06;
	p[n + 7] = 0x50;
	n += 9;
	n += desc_endpoint(d, p + n, FD_EP_IN);
	n += desc_endpoint(d, p + n, FD_EP_OUT);
	put_le16(p + 2, n);
	return n;
}

static size_t desc_bos(struct fd_dev *d, uint8_t *p)
{
	memset(p, 0, 22);
	p[0] = 5;
	p[1] = 0x0f;
	put_le16(p + 2, 22);
	p[4] = 2;
	/* USB 2.0 extension: LPM */
	p[5] = 7;
	p[6] = 0x10;
	p[7] = 2;
	put_le32(p + 8, 2);
	/* SuperSpeed USB device capability: FS, HS, SS; functional from FS */
	p[12] = 10;
	p[13] = 0x10;
	p[14] = 3;
	put_le16(p + 16, d->o.speed == FD_SPEED_SUPER ? 0x0e : 0x06);
	p[18] = 1;
	p[19] = 10;
	put_le16(p + 20, 32);
	return 22;
}

static size_t desc_string(struct fd_dev *d, uint8_t *p, unsigned int index)
{
	const char *s;
	size_t i, n;

	if (index == 0) {
		p[0] = 4;
		p[1] = 3;
		put_le16(p + 2, 0x0409);
		return 4;
	}
	char fuzz_serial[16];

	snprintf(fuzz_serial, sizeof(fuzz_serial), "FUZZ%04u", d->fuzz_count);
	s = index == 1 ? "usbblk" : index == 2 ? "fakedev stick" :
	    index == 3 ? (d->o.scn->fault == FAULT_DESC_FUZZ ? fuzz_serial :
			  /* the stick that vanishes: told apart from the good one after it */
			  d->o.scn->fault == FAULT_DISCONNECT_ENUM ? "VANISHING" : d->o.serial) :
	    NULL;
	if (!s)
		return 0;
	n = strlen(s);
	if (n > 126)
		n = 126;
	p[0] = 2 + 2 * n;
	p[1] = 3;
	for (i = 0; i < n; i++)
		put_le16(p + 2 + 2 * i, (uint8_t)s[i]);
	return 2 + 2 * n;
}

static void desc_device_fault(struct fd_dev *d, uint8_t *p, size_t *n)
{
	switch (desc_fault(d)) {
	case DESC_DEV_SHORT:
		*n = 8;
		break;
	case DESC_DEV_BLEN:
		p[0] = 255;
		break;
	case DESC_DEV_NOCONFIG:
		p[17] = 0;
		break;
	case DESC_DEV_MAXP0:
		p[7] = 0;
		break;
	case DESC_HUB255:
		p[4] = 9;
		p[6] = d->o.speed == FD_SPEED_SUPER ? 3 : 1;
		break;
	}
}

static void desc_config_fault(struct fd_dev *d, uint8_t *p, size_t *n)
{
	bool ss = d->o.speed == FD_SPEED_SUPER;
	size_t ep2 = ss ? 31 : 25;

	switch (desc_fault(d)) {
	case DESC_CFG_TRUNC:
		*n = 20;
		break;
	case DESC_CFG_TOTAL_HUGE:
		put_le16(p + 2, 0xffff);
		break;
	case DESC_CFG_TOTAL_SMALL:
		put_le16(p + 2, 12);
		break;
	case DESC_NUMIF_0:
		p[4] = 0;
		break;
	case DESC_NUMIF_255:
		p[4] = 255;
		break;
	case DESC_NUMEP_0:
		p[13] = 0;
		*n = 18;
		put_le16(p + 2, 18);
		break;
	case DESC_NUMEP_30:
		p[13] = 30;
		break;
	case DESC_MAXP_0:
	case DESC_MAXP_HUGE:
		put_le16(p + 22, desc_fault(d) == DESC_MAXP_0 ? 0 : 0xffff);
		put_le16(p + ep2 + 4, desc_fault(d) == DESC_MAXP_0 ? 0 : 0xffff);
		break;
	case DESC_BAD_COMPANION:
		if (ss)
			p[25] = 2;
		break;
	case DESC_ZERO_LENGTH:
		p[ss ? 25 : ep2] = 0;
		break;
	case DESC_BLEN_OVER:
		p[9] = 200;
		break;
	}
}

static void desc_string_fault(struct fd_dev *d, uint8_t *p, unsigned int index, size_t *n)
{
	static const uint16_t bad[] = { 'A', 0xd800, 'B', 0xdc00, 0x0000, 0xffff, 'C' };
	size_t i;

	switch (desc_fault(d)) {
	case DESC_STR_ODD:
		if (index == 3) {
			p[0] = 7;
			*n = 7;
		}
		break;
	case DESC_STR_UTF16:
		if (index == 3) {
			p[0] = 2 + sizeof(bad);
			for (i = 0; i < sizeof(bad) / 2; i++)
				put_le16(p + 2 + 2 * i, bad[i]);
			*n = p[0];
		}
		break;
	case DESC_STR_BLEN_HUGE:
		if (index == 2) {
			p[0] = 255;
			*n = 6;
		}
		break;
	}
}

/* The hub descriptor of DESC_HUB255: 255 ports, with no room for them. */
static size_t desc_hub(struct fd_dev *d, uint8_t *p)
{
	if (d->o.speed == FD_SPEED_SUPER) {
		memset(p, 0, 12);
		p[0] = 12;
		p[1] = 0x2a;
		p[2] = 255;
		p[5] = 10;
		return 12;
	}
	memset(p, 0, 9);
	p[0] = 9;
	p[1] = 0x29;
	p[2] = 255;
	p[5] = 10;
	return 9;
}

/* ------------------------------------------------------------ fuzzing */

void fd_fuzz_add_seed(struct fd_dev *d, const uint8_t *buf, size_t len)
{
	if (d->nseeds == sizeof(d->seeds) / sizeof(d->seeds[0]) || !len || len > 500)
		return;
	d->seeds[d->nseeds] = malloc(len);
	if (!d->seeds[d->nseeds])
		return;
	memcpy(d->seeds[d->nseeds], buf, len);
	d->seed_len[d->nseeds++] = len;
}

/*
 * The configuration of the next fuzzed plug-in: a seed (our own valid
 * configuration, or one of the libFuzzer corpus of desc.c with its two
 * leading control bytes dropped), 1 to 8 mutations (bit flips, boundary
 * bytes, truncation, extension), and half of the time wTotalLength made
 * right so that the walk goes deep.
 */
void fd_fuzz_next(struct fd_dev *d)
{
	static const uint8_t boundary[] = { 0, 1, 2, 7, 9, 0x7f, 0x80, 0xfe, 0xff };
	uint8_t *p = d->fuzz_cfg;
	unsigned int i, muts;
	size_t n;

	if (d->nseeds && rnd(d) % 2) {
		i = rnd(d) % d->nseeds;
		n = d->seed_len[i] > 2 ? d->seed_len[i] - 2 : 0;
		memcpy(p, d->seeds[i] + 2, n);
		if (n < 9) {
			n = desc_config(d, p);
		} else {
			p[1] = 2;
		}
	} else {
		n = desc_config(d, p);
	}
	muts = 1 + rnd(d) % 8;
	for (i = 0; i < muts; i++) {
		size_t at = n ? rnd(d) % n : 0;

		switch (rnd(d) % 5) {
		case 0:
			p[at] ^= 1u << (rnd(d) % 8);
			break;
		case 1:
		case 2:
			p[at] = boundary[rnd(d) % sizeof(boundary)];
			break;
		case 3:
			if (n > 4)
				n = 4 + rnd(d) % (n - 4);
			break;
		case 4:
			if (n + 16 <= sizeof(d->fuzz_cfg)) {
				size_t k;

				for (k = 0; k < 16; k++)
					p[n + k] = rnd(d);
				n += 16;
			}
			break;
		}
	}
	if (n >= 4 && rnd(d) % 2)
		put_le16(p + 2, n);
	d->fuzz_len = n;
	d->fuzz_count++;
}

/* ------------------------------------------------------------ control */

static void reply(struct fd_reply *r, enum fd_status st, const uint8_t *data, size_t len)
{
	r->status = st;
	r->data = data;
	r->len = len;
	r->delay_us = 0;
}

static bool fault_is(const struct fd_dev *d, enum fd_fault f)
{
	return d->o.scn->fault == f;
}

/**
 * fd_enum_leave() - does the device vanish at this enumeration stage?
 * @d: the device
 * @stage: the request being answered
 *
 * FAULT_DISCONNECT_ENUM fires once, at the stage its param names.
 *
 * Return: true when the request must go unanswered and the device leave.
 */
bool fd_enum_leave(struct fd_dev *d, enum fd_enum_stage stage)
{
	if (!fault_is(d, FAULT_DISCONNECT_ENUM) || d->o.scn->param != stage || d->fired)
		return false;
	d->fired++;
	logf_(d, "fault %s fires: the device leaves at enumeration stage %u", d->o.scn->name,
	      stage);
	return true;
}

/* The enumeration stage a control request is (0: none of them). */
static enum fd_enum_stage control_stage(struct fd_dev *d, const struct fd_setup *s)
{
	if (s->type == 0x80 && s->request == 6) {
		switch (s->value >> 8) {
		case 1:
			return s->length <= 8 ? ENUM_AT_DEV8 : ENUM_AT_DEV18;
		case 2:
			return s->length <= 9 ? ENUM_AT_CFG9 : ENUM_AT_CFG;
		case 3:
			return s->value & 0xff ? ENUM_AT_STRING : ENUM_AT_LANGID;
		}
	}
	if (s->type == 0xa1 && s->request == 0xfe)
		return ENUM_AT_MAXLUN;
	(void)d;
	return 0;
}

void fd_control(struct fd_dev *d, const struct fd_setup *s, const uint8_t *data,
		struct fd_reply *r)
{
	uint8_t *p = d->out;
	size_t n = 0;

	(void)data;
	if (fd_enum_leave(d, control_stage(d, s))) {
		reply(r, FD_DISCONNECT, NULL, 0);
		return;
	}
	switch (s->type << 8 | s->request) {
	case 0x8006:		/* GET_DESCRIPTOR */
		switch (s->value >> 8) {
		case 1:
			n = desc_device(d, p);
			desc_device_fault(d, p, &n);
			break;
		case 2:
			if ((s->value & 0xff) != 0)
				goto stall;
			if (d->o.scn->fault == FAULT_DESC_FUZZ && d->fuzz_len) {
				memcpy(p, d->fuzz_cfg, d->fuzz_len);
				n = d->fuzz_len;
				break;
			}
			n = desc_config(d, p);
			desc_config_fault(d, p, &n);
			break;
		case 3:
			if ((s->value & 0xff) == 0 && desc_fault(d) == DESC_NO_LANGID)
				goto stall;
			n = desc_string(d, p, s->value & 0xff);
			if (!n)
				goto stall;
			desc_string_fault(d, p, s->value & 0xff, &n);
			break;
		case 6:		/* DEVICE_QUALIFIER: high speed only */
			if (d->o.speed != FD_SPEED_HIGH)
				goto stall;
			memset(p, 0, 10);
			p[0] = 10;
			p[1] = 6;
			put_le16(p + 2, 0x0200);
			p[6] = 64;
			p[8] = 1;
			n = 10;
			break;
		case 0x0f:
			n = desc_bos(d, p);
			break;
		default:
			goto stall;
		}
		break;
	case 0x8000:		/* GET_STATUS device */
	case 0x8100:		/* ... interface */
		memset(p, 0, 2);
		n = 2;
		break;
	case 0x8200:		/* ... endpoint: the halt bit */
		memset(p, 0, 2);
		p[0] = ((s->index & 0xff) == FD_EP_IN && d->halt_in) ||
		       ((s->index & 0xff) == FD_EP_OUT && d->halt_out);
		n = 2;
		break;
	case 0x8008:		/* GET_CONFIGURATION */
		p[0] = d->config;
		n = 1;
		break;
	case 0x0009:		/* SET_CONFIGURATION */
		fd_dev_set_config(d, s->value);
		break;
	case 0x010b:		/* SET_INTERFACE: alt 0 only */
		if (s->value)
			goto stall;
		break;
	case 0x0001:		/* CLEAR_FEATURE / SET_FEATURE device (U1, U2, wakeup) */
	case 0x0003:
	case 0x0030:		/* SET_SEL */
	case 0x0031:		/* SET_ISOCH_DELAY */
		break;
	case 0x0201:		/* CLEAR_FEATURE(ENDPOINT_HALT) */
	case 0x0203:		/* SET_FEATURE(ENDPOINT_HALT) */
		if (s->value != 0)
			goto stall;
		if ((s->index & 0xff) == FD_EP_IN)
			d->halt_in = s->request == 3;
		else if ((s->index & 0xff) == FD_EP_OUT)
			d->halt_out = s->request == 3;
		else if ((s->index & 0xff) != 0)
			goto stall;
		if (s->request == 1)
			d->clear_halts++;
		break;
	case 0xa006:		/* hub class: GET_DESCRIPTOR (hub) */
		if (!fd_dev_is_hub(d))
			goto stall;
		n = desc_hub(d, p);
		break;
	case 0xa000:		/* hub class: GET_STATUS hub, port */
	case 0xa300:
		if (!fd_dev_is_hub(d))
			goto stall;
		memset(p, 0, 4);
		n = 4;
		break;
	case 0x2001:		/* hub class: features, SET_HUB_DEPTH */
	case 0x2003:
	case 0x200c:
	case 0x2301:
	case 0x2303:
		if (!fd_dev_is_hub(d))
			goto stall;
		break;
	case 0xa1fe:		/* GET MAX LUN */
		p[0] = fault_is(d, FAULT_MAXLUN_LIE) || fault_is(d, FAULT_MAXLUN_SILENT) ||
		       (fault_is(d, FAULT_DISCONNECT_ENUM) && d->o.scn->param == ENUM_AT_LUN1) ?
		       15 : d->o.luns - 1;
		n = 1;
		break;
	case 0x21ff:		/* Bulk-Only Mass Storage Reset */
		if (fault_is(d, FAULT_RESET_VANISH) && d->fired) {
			logf_(d, "fault %s: Mass Storage Reset held, leaving in 1 s", d->o.scn->name);
			d->vanish_ms = 1000;
			reply(r, FD_HOLD, NULL, 0);
			return;
		}
		if (fault_is(d, FAULT_RESET_FAIL) && d->fired) {
			logf_(d, "fault %s: Mass Storage Reset STALLed", d->o.scn->name);
			goto stall;
		}
		/* back to "expect a CBW"; the halts stay until CLEAR_FEATURE */
		bot_idle(d);
		d->resets++;
		break;
	default:
		goto stall;
	}
	if (n > s->length)
		n = s->length;
	reply(r, FD_OK, p, (s->type & 0x80) ? n : 0);
	return;
stall:
	reply(r, FD_STALL, NULL, 0);
}

/* ------------------------------------------------------------ SCSI */

static void check_condition(struct fd_dev *d, uint8_t key, uint8_t asc, uint8_t ascq)
{
	struct fd_lun *l = &d->lun[d->cdb_lun];

	l->sense[0] = key;
	l->sense[1] = asc;
	l->sense[2] = ascq;
	d->csw_status = 1;
	d->buf_len = 0;
}

static bool data_fits(struct fd_dev *d, size_t len)
{
	uint8_t *nb;

	if (len <= d->buf_cap)
		return true;
	if (len > FD_MAX_XFER)
		return false;
	nb = realloc(d->buf, len);
	if (!nb)
		return false;
	d->buf = nb;
	d->buf_cap = len;
	return true;
}

/* Decide whether this command carries the scenario's fault. */
static void arm(struct fd_dev *d, bool rw, bool write, uint64_t lba, uint32_t count)
{
	enum fd_fault f = d->o.scn->fault;

	d->armed = false;
	if (f == FAULT_NONE || !rw || d->o.trigger_lba < lba || d->o.trigger_lba >= lba + count)
		return;
	if (f == FAULT_WP_MIDWAY && !write)
		return;
	if (d->o.times && d->fired >= d->o.times)
		return;
	d->armed = true;
	d->fired++;
	logf_(d, "fault %s fires (%u) on %s of LBA %llu+%u, tag %#x", d->o.scn->name, d->fired,
	      write ? "WRITE" : "READ", (unsigned long long)lba, count, d->tag);
}

static void scsi_rw(struct fd_dev *d, bool write, uint64_t lba, uint32_t count, bool fua)
{
	struct fd_lun *l = &d->lun[d->cdb_lun];
	uint64_t bytes = (uint64_t)count * d->o.block_size;

	if (lba > l->blocks || count > l->blocks - lba) {
		check_condition(d, 0x05, 0x21, 0x00);
		return;
	}
	if (bytes > d->dlen || write == d->dir_in || !data_fits(d, bytes)) {
		d->csw_status = 2;	/* the host asked for less (or the other way) */
		d->buf_len = 0;
		return;
	}
	if (write) {
		/* the switch block (model.h) is not data: write protection spares it */
		if (l->wp && !(d->cdb_lun == 0 && count == 1 && lba + FD_SWITCH_BACK == l->blocks)) {
			check_condition(d, 0x07, 0x27, 0x00);
			return;
		}
		d->wr_lba = lba;
		d->wr_fua = fua;
		d->buf_len = bytes;
		return;
	}
	/* a sector that cannot be read (option bad=): every read of it */
	if ((d->o.bad_lba >= lba && d->o.bad_lba - lba < count) ||
	    pread(l->fd, d->buf, bytes, lba * d->o.block_size) != (ssize_t)bytes) {
		check_condition(d, 0x03, 0x11, 0x00);
		return;
	}
	d->buf_len = bytes;
}

static void scsi_inquiry(struct fd_dev *d, uint8_t alloc)
{
	uint8_t *p = d->buf;
	size_t i;

	if (d->cdb[1] & 1) {		/* EVPD: no pages */
		check_condition(d, 0x05, 0x24, 0x00);
		return;
	}
	memset(p, 0, 36);
	if (d->cdb_lun >= d->nluns) {
		p[0] = 0x7f;		/* no logical unit here */
	} else if (fault_is(d, FAULT_INQUIRY_GARBAGE)) {
		for (i = 0; i < 36; i++)
			p[i] = rnd(d);
		p[0] = 0;		/* still a direct-access device */
	} else {
		p[1] = 0x80;		/* removable */
		p[2] = 0x06;		/* SPC-4 */
		p[3] = 0x02;
		p[4] = 31;
		memcpy(p + 8, "usbblk  ", 8);
		memcpy(p + 16, "fakedev stick   ", 16);
		memcpy(p + 32, "0.1 ", 4);
	}
	d->buf_len = fault_is(d, FAULT_INQUIRY_SHORT) ? 5 : 36;
	if (fault_is(d, FAULT_INQUIRY_SHORT))
		d->revert = d->switched;
	if (d->buf_len > alloc)
		d->buf_len = alloc;
}

static void scsi_request_sense(struct fd_dev *d, uint8_t alloc)
{
	struct fd_lun *l = &d->lun[d->cdb_lun];
	uint8_t *p = d->buf;
	size_t i;

	memset(p, 0, 18);
	p[0] = 0x70;
	p[2] = l->sense[0];
	p[7] = 10;
	p[12] = l->sense[1];
	p[13] = l->sense[2];
	d->buf_len = 18;
	if (d->sense_mode == 1) {		/* garbage: no valid response code */
		for (i = 0; i < 18; i++)
			p[i] = rnd(d);
		p[0] = 0x05;
	} else if (d->sense_mode == 2) {	/* truncated */
		d->buf_len = 2;
	}
	d->sense_mode = 0;
	memset(l->sense, 0, sizeof(l->sense));
	if (d->buf_len > alloc)
		d->buf_len = alloc;
}

static void scsi_capacity(struct fd_dev *d, bool sixteen)
{
	struct fd_lun *l = &d->lun[d->cdb_lun];
	uint64_t last = l->blocks ? l->blocks - 1 : 0;
	uint32_t bs = d->o.block_size;
	uint8_t *p = d->buf;

	if (fault_is(d, FAULT_BLOCK_SIZE))
		bs = d->o.scn->param;
	if (fault_is(d, FAULT_CAPACITY0))
		last = ~0ULL;
	if (fault_is(d, FAULT_BLOCK_SIZE) || fault_is(d, FAULT_CAPACITY0))
		d->revert = d->switched;
	if (!sixteen) {
		put_be32(p, last > 0xffffffffULL ? 0xffffffffu : (uint32_t)last);
		put_be32(p + 4, bs);
		d->buf_len = 8;
		return;
	}
	memset(p, 0, 32);
	put_be64(p, last);
	put_be32(p + 8, bs);
	d->buf_len = get_be32(d->cdb + 10) < 32 ? get_be32(d->cdb + 10) : 32;
}

/* A sense storm (UNIT ATTENTION, NOT READY) answers every command first. */
static bool storm(struct fd_dev *d)
{
	struct fd_lun *l = &d->lun[d->cdb_lun];
	uint8_t op = d->cdb[0];

	if (op == 0x03 || op == 0x12)	/* REQUEST SENSE and INQUIRY pass */
		return false;
	if (d->storm) {
		d->storm--;
		if (fault_is(d, FAULT_MEDIUM_GONE)) {
			check_condition(d, 0x02, 0x3a, 0x00);
			if (!d->storm) {
				l->ready = true;
				d->ua_pending = true;	/* the medium came back */
			}
		} else {
			check_condition(d, 0x06, 0x29, 0x00);
		}
		return true;
	}
	if (d->ua_pending) {
		d->ua_pending = false;
		check_condition(d, 0x06, 0x28, 0x00);
		return true;
	}
	return false;
}

static void scsi_command(struct fd_dev *d)
{
	struct fd_lun *l = &d->lun[d->cdb_lun];
	const uint8_t *c = d->cdb;
	uint64_t lba = 0;
	uint32_t count = 0;
	bool rw = false, write = false;

	d->csw_status = 0;
	d->buf_len = 0;
	switch (c[0]) {
	case 0x28: case 0x2a:
		lba = get_be32(c + 2);
		count = c[7] << 8 | c[8];
		rw = true;
		write = c[0] == 0x2a;
		break;
	case 0x88: case 0x8a:
		lba = get_be64(c + 2);
		count = get_be32(c + 10);
		rw = true;
		write = c[0] == 0x8a;
		break;
	}
	arm(d, rw, write, lba, count);
	if (d->armed) {
		switch (d->o.scn->fault) {
		case FAULT_UA_STORM:
		case FAULT_MEDIUM_GONE:
			d->storm = d->o.scn->param;
			if (fault_is(d, FAULT_MEDIUM_GONE))
				l->ready = false;
			break;
		case FAULT_WP_MIDWAY:
			l->wp = true;
			break;
		case FAULT_SENSE_GARBAGE:
		case FAULT_SENSE_SHORT:
			d->sense_mode = fault_is(d, FAULT_SENSE_GARBAGE) ? 1 : 2;
			check_condition(d, 0x03, 0x11, 0x00);
			return;
		default:
			break;
		}
	}
	if (d->cdb_lun >= d->nluns && c[0] != 0x12 && c[0] != 0x03) {
		check_condition(d, 0x05, 0x25, 0x00);	/* LOGICAL UNIT NOT SUPPORTED */
		return;
	}
	if (storm(d))
		return;
	switch (c[0]) {
	case 0x00:		/* TEST UNIT READY */
		if (!l->ready)
			check_condition(d, 0x02, 0x3a, 0x00);
		break;
	case 0x03:
		scsi_request_sense(d, c[4]);
		break;
	case 0x12:
		scsi_inquiry(d, c[4]);
		break;
	case 0x25:
		scsi_capacity(d, false);
		break;
	case 0x9e:
		if ((c[1] & 0x1f) != 0x10) {
			check_condition(d, 0x05, 0x24, 0x00);
			break;
		}
		scsi_capacity(d, true);
		break;
	case 0x1a:		/* MODE SENSE(6): the header, WP in byte 2 */
		memset(d->buf, 0, 4);
		d->buf[0] = 3;
		d->buf[2] = l->wp ? 0x80 : 0;
		d->buf_len = c[4] < 4 ? c[4] : 4;
		break;
	case 0x1b:		/* START STOP UNIT */
	case 0x1e:		/* PREVENT ALLOW MEDIUM REMOVAL */
		break;
	case 0x35:		/* SYNCHRONIZE CACHE (10), (16) */
	case 0x91:
		if (!l->ready)
			check_condition(d, 0x02, 0x3a, 0x00);
		else if (fdatasync(l->fd))
			check_condition(d, 0x03, 0x0c, 0x00);
		break;
	case 0x28: case 0x2a: case 0x88: case 0x8a:
		if (!l->ready) {
			check_condition(d, 0x02, 0x3a, 0x00);
			break;
		}
		scsi_rw(d, write, lba, count, c[1] & 0x08);
		break;
	default:
		check_condition(d, 0x05, 0x20, 0x00);	/* INVALID COMMAND OPERATION CODE */
	}
}

/* ------------------------------------------------------------ Bulk-Only */

static void start_command(struct fd_dev *d, const uint8_t *cbw)
{
	d->tag = get_le32(cbw + 4);
	d->dlen = get_le32(cbw + 8);
	d->dir_in = cbw[12] & 0x80;
	d->cdb_lun = cbw[13] & 0x0f;
	memset(d->cdb, 0, sizeof(d->cdb));
	memcpy(d->cdb, cbw + 15, (cbw[14] & 0x1f) > 16 ? 16 : cbw[14] & 0x1f);
	d->done = 0;
	d->csw_stalled = false;
	d->cmds++;
	scsi_command(d);
	if (d->buf_len > d->dlen)
		d->buf_len = d->dlen;
	if (!d->dlen)
		d->state = BOT_CSW;
	else
		d->state = d->dir_in ? BOT_DATA_IN : BOT_DATA_OUT;
	d->pending_delay_us = (d->cdb[0] == 0x28 || d->cdb[0] == 0x2a || d->cdb[0] == 0x88 ||
			       d->cdb[0] == 0x8a) ? fd_timing_delay_us(d) : 0;
	if (d->o.verbose)
		fprintf(stderr, "fakedev: CBW tag %#x lun %u op %#04x len %u %s -> status %u data %zu\n",
			d->tag, d->cdb_lun, d->cdb[0], d->dlen, d->dir_in ? "in" : "out",
			d->csw_status, d->buf_len);
}

static uint32_t residue(const struct fd_dev *d)
{
	return d->dlen - d->done;
}

/* The data stage ends early (STALL): the CSW tells what happened. */
static void data_stall(struct fd_dev *d, bool in, uint8_t key, uint8_t asc)
{
	if (in)
		d->halt_in = true;
	else
		d->halt_out = true;
	if (key)
		check_condition(d, key, asc, 0);
	d->state = BOT_CSW;
}

static bool armed(const struct fd_dev *d, enum fd_fault f)
{
	return d->armed && d->o.scn->fault == f;
}

void fd_dev_switch(struct fd_dev *d, const struct fd_scenario *scn)
{
	unsigned int i;

	d->o.scn = scn;
	d->fired = 0;
	d->storm = 0;
	d->ua_pending = false;
	d->sense_mode = 0;
	d->revert = false;
	d->switch_to = NULL;
	for (i = 0; i < d->nluns; i++) {
		d->lun[i].ready = true;
		d->lun[i].wp = false;
		memset(d->lun[i].sense, 0, sizeof(d->lun[i].sense));
	}
	fd_dev_reset(d);
}

/* The switch block: "FAKEDEV SCENARIO name" at capacity - 8 of LUN 0. */
static bool switch_block(struct fd_dev *d)
{
	const struct fd_scenario *scn;
	char name[64];
	size_t i, n = strlen(FD_SWITCH_MAGIC);

	if (d->cdb_lun || d->wr_lba + FD_SWITCH_BACK != d->lun[0].blocks || d->done < 512 ||
	    memcmp(d->buf, FD_SWITCH_MAGIC, n))
		return false;
	for (i = 0; i + 1 < sizeof(name) && d->buf[n + i] > ' ' && d->buf[n + i] < 0x7f; i++)
		name[i] = d->buf[n + i];
	name[i] = 0;
	scn = fd_scenario_find(name);
	if (!scn) {
		logf_(d, "switch to unknown scenario \"%s\"", name);
		check_condition(d, 0x05, 0x24, 0x00);
		return true;
	}
	logf_(d, "switch: scenario %s -> %s", d->o.scn->name, scn->name);
	d->switch_to = scn;
	d->switched = true;
	return true;
}

static void finish_write(struct fd_dev *d)
{
	struct fd_lun *l = &d->lun[d->cdb_lun];
	size_t n = d->done;

	if (d->csw_status || !d->buf_len)
		return;
	if (switch_block(d))
		return;
	if (pwrite(l->fd, d->buf, n, d->wr_lba * d->o.block_size) != (ssize_t)n ||
	    (d->wr_fua && fdatasync(l->fd)))
		check_condition(d, 0x03, 0x0c, 0x00);
}

/*
 * FAULT_DISCONNECT_ENUM at the first INQUIRY, or at the first command to
 * a LUN beyond 0: the CBW is never taken.
 */
static bool cbw_leaves(struct fd_dev *d, const uint8_t *cbw)
{
	return (cbw[15] == 0x12 && fd_enum_leave(d, ENUM_AT_INQUIRY)) ||
	       ((cbw[13] & 0x0f) && fd_enum_leave(d, ENUM_AT_LUN1));
}

void fd_bulk_out(struct fd_dev *d, const uint8_t *data, size_t len, struct fd_reply *r)
{
	size_t n;

	if (d->halt_out) {
		reply(r, FD_STALL, NULL, 0);
		return;
	}
	switch (d->state) {
	case BOT_CBW:
		if (len != CBW_LEN || get_le32(data) != CBW_SIG) {
			/* not a valid CBW: both pipes stall until reset recovery */
			logf_(d, "invalid CBW (%zu bytes)", len);
			d->halt_in = d->halt_out = true;
			reply(r, FD_STALL, NULL, 0);
			return;
		}
		if (cbw_leaves(d, data)) {
			reply(r, FD_DISCONNECT, NULL, 0);
			return;
		}
		if (fault_is(d, FAULT_MAXLUN_SILENT) && (data[13] & 0x0f)) {
			reply(r, FD_HOLD, NULL, 0);	/* a LUN that is not there: silence */
			return;
		}
		start_command(d, data);
		if (d->state == BOT_DATA_IN && d->cdb[0] == 0x25)
			d->leave_data = fd_enum_leave(d, ENUM_AT_READCAP);
		else if (d->state == BOT_CSW && d->cdb[0] == 0x00)
			d->leave_csw = fd_enum_leave(d, ENUM_AT_TUR);
		if (armed(d, FAULT_HOLD_CBW) || armed(d, FAULT_DISCONNECT_CBW)) {
			/* as if the CBW never arrived */
			d->state = BOT_CBW;
			reply(r, armed(d, FAULT_HOLD_CBW) ? FD_HOLD : FD_DISCONNECT, NULL, 0);
			return;
		}
		reply(r, FD_OK, NULL, len);
		return;
	case BOT_DATA_OUT:
		if (armed(d, FAULT_HOLD_DATA) || armed(d, FAULT_DISCONNECT_DATA)) {
			reply(r, armed(d, FAULT_HOLD_DATA) ? FD_HOLD : FD_DISCONNECT, NULL, 0);
			return;
		}
		if (armed(d, FAULT_STALL_DATA) || (!d->buf_len && d->csw_status)) {
			data_stall(d, false, armed(d, FAULT_STALL_DATA) ? 0x03 : 0,
				   armed(d, FAULT_STALL_DATA) ? 0x0c : 0);
			reply(r, FD_STALL, NULL, 0);
			return;
		}
		n = len;
		if (n > d->dlen - d->done)
			n = d->dlen - d->done;
		/* bytes beyond what the command moves are taken and dropped */
		if (d->done < d->buf_len)
			memcpy(d->buf + d->done, data,
			       d->done + n > d->buf_len ? d->buf_len - d->done : n);
		d->done += n;
		if (d->done >= d->dlen || n < len) {
			if (d->done > d->buf_len)
				d->done = d->buf_len;
			finish_write(d);
			d->state = BOT_CSW;
		}
		reply(r, FD_OK, NULL, n);
		r->delay_us = d->pending_delay_us;
		d->pending_delay_us = 0;
		return;
	default:
		/* an OUT packet where an IN one belongs */
		d->halt_out = true;
		reply(r, FD_STALL, NULL, 0);
	}
}

static void bulk_in_data(struct fd_dev *d, size_t len, struct fd_reply *r)
{
	size_t n;

	if (armed(d, FAULT_HOLD_DATA) || armed(d, FAULT_RESET_VANISH) ||
	    armed(d, FAULT_DISCONNECT_DATA) || d->leave_data) {
		reply(r, armed(d, FAULT_DISCONNECT_DATA) || d->leave_data ? FD_DISCONNECT : FD_HOLD,
		      NULL, 0);
		return;
	}
	if (armed(d, FAULT_STALL_DATA)) {
		data_stall(d, true, 0x03, 0x11);
		reply(r, FD_STALL, NULL, 0);
		return;
	}
	if (!d->buf_len) {
		/* nothing to send (a failed command): end the data stage */
		data_stall(d, true, 0, 0);
		reply(r, FD_STALL, NULL, 0);
		return;
	}
	n = d->buf_len - d->done;
	if (n > len)
		n = len;
	if (armed(d, FAULT_SHORT_DATA)) {
		n = (d->buf_len / 2) & ~(size_t)(d->o.block_size - 1);
		if (n > len)
			n = len;
		d->done += n;
		d->state = BOT_CSW;
		reply(r, FD_OK, d->buf, n);
	} else if (armed(d, FAULT_BABBLE)) {
		/* the whole of it and then some: more than the host asked for */
		size_t more = len + 512;

		if (!data_fits(d, more)) {
			reply(r, FD_STALL, NULL, 0);
			return;
		}
		memset(d->buf + d->buf_len, 0xbb, more - d->buf_len);
		d->done = d->buf_len;
		d->state = BOT_CSW;
		reply(r, FD_BABBLE, d->buf, more);
	} else {
		reply(r, FD_OK, d->buf + d->done, n);
		d->done += n;
		if (d->done >= d->buf_len || n < len)
			d->state = BOT_CSW;
	}
	r->delay_us = d->pending_delay_us;
	d->pending_delay_us = 0;
}

static void bulk_in_csw(struct fd_dev *d, size_t len, struct fd_reply *r)
{
	uint8_t *p = d->csw;
	size_t n = CSW_LEN;
	enum fd_status st = FD_OK;
	uint64_t delay;

	if (armed(d, FAULT_STALL_CSW) && !d->csw_stalled) {
		d->csw_stalled = true;
		d->halt_in = true;
		reply(r, FD_STALL, NULL, 0);
		return;
	}
	if (armed(d, FAULT_HOLD_CSW) || armed(d, FAULT_DISCONNECT_CSW) || d->leave_csw) {
		reply(r, armed(d, FAULT_HOLD_CSW) ? FD_HOLD : FD_DISCONNECT, NULL, 0);
		return;
	}
	memset(p, 0, sizeof(d->csw));
	put_le32(p, CSW_SIG);
	put_le32(p + 4, d->tag);
	put_le32(p + 8, residue(d));
	p[12] = d->csw_status;
	if (armed(d, FAULT_CSW_SIGNATURE))
		put_le32(p, 0x55555555);
	else if (armed(d, FAULT_CSW_TAG))
		put_le32(p + 4, d->tag ^ 0x00ff00ff);
	else if (armed(d, FAULT_CSW_RESIDUE))
		put_le32(p + 8, d->dlen + 4096);
	else if (armed(d, FAULT_CSW_PHASE) || armed(d, FAULT_RESET_FAIL))
		p[12] = 2;
	else if (armed(d, FAULT_CSW_12))
		n = 12;
	else if (armed(d, FAULT_CSW_14))
		n = 14;
	if (n > len)
		st = FD_BABBLE;
	delay = d->pending_delay_us;
	bot_idle(d);
	reply(r, st, p, n);
	r->delay_us = delay;
}

void fd_bulk_in(struct fd_dev *d, size_t len, struct fd_reply *r)
{
	if (d->halt_in) {
		reply(r, FD_STALL, NULL, 0);
		return;
	}
	switch (d->state) {
	case BOT_DATA_IN:
		bulk_in_data(d, len, r);
		return;
	case BOT_CSW:
		bulk_in_csw(d, len, r);
		return;
	default:
		/* an IN packet where a CBW belongs */
		d->halt_in = true;
		reply(r, FD_STALL, NULL, 0);
	}
}
