/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device fakedev plays, without any transport: a USB mass-storage
 * stick (Bulk-Only Transport, SCSI block commands) backed by image files,
 * its descriptors and control requests, the faults of the scenario it was
 * given, and a timing model.  fakedev.c connects it to QEMU's usb-redir;
 * selftests/unit/fakedev_model_test.c drives it directly.
 *
 * Every request the host makes goes in as one call and comes out as one
 * struct fd_reply: a status (success, STALL, babble, or "hold": a NAK
 * that lasts until the host cancels the request) and the bytes to return.
 */
#ifndef FAKEDEV_MODEL_H
#define FAKEDEV_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

#define FD_MAX_LUNS	16
#define FD_EP_IN	0x81	/* bulk IN endpoint address */
#define FD_EP_OUT	0x02	/* bulk OUT endpoint address */
#define FD_MAX_XFER	(16u << 20)	/* largest data stage accepted */

enum fd_status {
	FD_OK,
	FD_STALL,
	FD_BABBLE,	/* more data than the host asked for */
	FD_HOLD,	/* never answered (NAK forever) until cancelled */
	FD_DISCONNECT,	/* the device leaves instead of answering */
};

enum fd_speed { FD_SPEED_HIGH, FD_SPEED_SUPER };

/* One answer: @data (owned by the model, valid until its next call). */
struct fd_reply {
	enum fd_status status;
	const uint8_t *data;
	size_t len;
	uint64_t delay_us;	/* timing model: answer this much later */
};

/* The host's SETUP packet, in host byte order. */
struct fd_setup {
	uint8_t type;
	uint8_t request;
	uint16_t value;
	uint16_t index;
	uint16_t length;
};

struct fd_lun {
	int fd;			/* image file, -1 for none */
	uint64_t blocks;
	bool ready;		/* medium present */
	bool wp;		/* write protected */
	uint8_t sense[3];	/* key, asc, ascq of the pending sense */
};

enum fd_bot_state { BOT_CBW, BOT_DATA_IN, BOT_DATA_OUT, BOT_CSW };

/* The options of one fakedev: fd_opts_parse() fills it from "k=v,...". */
struct fd_opts {
	const struct fd_scenario *scn;
	const char *images[FD_MAX_LUNS];
	unsigned int nimages;
	unsigned int luns;		/* LUNs GET MAX LUN reports (+1) */
	enum fd_speed speed;
	uint32_t block_size;
	const char *serial;
	unsigned int times;		/* a fault fires this often (0: always) */
	uint64_t trigger_lba;
	uint64_t seed;
	/* timing model (latency_us 0: off) */
	uint64_t latency_us;		/* mean per-command latency */
	uint64_t pause_ms;		/* an occasional long pause ... */
	unsigned int pause_every;	/* ... on 1 command in this many */
	uint64_t bad_lba;		/* reads of it: MEDIUM ERROR (~0: none) */
	unsigned int fuzz;		/* desc-fuzz: plug-ins before "good" again */
	const char *corpus;		/* desc-fuzz: directory of seeds */
	unsigned int fuzz_idle_ms;	/* desc-fuzz: unplug once the host is this idle */
	bool verbose;
};

struct fd_dev {
	struct fd_opts o;
	struct fd_lun lun[FD_MAX_LUNS];
	unsigned int nluns;		/* LUNs with an image */
	uint8_t config;			/* bConfigurationValue set, 0 none */
	bool halt_in, halt_out;
	/* the command in progress */
	enum fd_bot_state state;
	uint32_t tag, dlen, done;
	bool dir_in;
	uint8_t cdb_lun, cdb[16];
	uint8_t csw_status;
	uint8_t *buf;			/* data stage */
	size_t buf_cap, buf_len;
	uint64_t wr_lba;		/* WRITE: where the data goes */
	bool wr_fua;
	/* faults */
	unsigned int fired;		/* how often the scenario's fault fired */
	bool armed;			/* this command carries the fault */
	unsigned int storm;		/* commands left in a sense storm */
	bool csw_stalled;		/* FAULT_STALL_CSW: stalled once */
	bool leave_data, leave_csw;	/* FAULT_DISCONNECT_ENUM in this command */
	bool ua_pending;		/* UNIT ATTENTION on the next command */
	int sense_mode;			/* next REQUEST SENSE: 1 garbage, 2 short */
	uint64_t rng;
	/* answers */
	uint8_t out[4096 + 64];
	uint8_t csw[32];
	/* scenario switching (in-band, see fd_dev_switch()) */
	const struct fd_scenario *switch_to;	/* asked for by the host */
	bool switched;			/* a switch happened: revert probe faults */
	bool revert;			/* a probe fault was shown: back to "good" */
	unsigned int vanish_ms;		/* leave this long from now (then "good" again) */
	/* desc-fuzz: the configuration of this plug-in, and the seeds */
	uint8_t fuzz_cfg[512];
	size_t fuzz_len;
	unsigned int fuzz_count;
	uint8_t *seeds[64];
	size_t seed_len[64];
	unsigned int nseeds;
	/* counters, for the log and the tests */
	unsigned long cmds, resets, clear_halts;
	uint64_t pending_delay_us;
	char logline[256];
};

int fd_opts_parse(struct fd_opts *o, const char *spec, char *err, size_t errlen);
int fd_dev_init(struct fd_dev *d, const struct fd_opts *o, char *err, size_t errlen);
void fd_dev_free(struct fd_dev *d);
void fd_dev_reset(struct fd_dev *d);		/* port reset */
void fd_dev_set_config(struct fd_dev *d, uint8_t value);
void fd_control(struct fd_dev *d, const struct fd_setup *s, const uint8_t *data,
		struct fd_reply *r);
void fd_bulk_out(struct fd_dev *d, const uint8_t *data, size_t len, struct fd_reply *r);
void fd_bulk_in(struct fd_dev *d, size_t len, struct fd_reply *r);
uint64_t fd_timing_delay_us(struct fd_dev *d);
void fd_dev_switch(struct fd_dev *d, const struct fd_scenario *scn);
bool fd_enum_leave(struct fd_dev *d, enum fd_enum_stage stage);
bool fd_dev_is_hub(const struct fd_dev *d);
void fd_fuzz_add_seed(struct fd_dev *d, const uint8_t *buf, size_t len);
void fd_fuzz_next(struct fd_dev *d);

/*
 * The host switches scenarios in-band: a WRITE of one block at the switch
 * LBA (capacity - 8 of LUN 0) that starts with FD_SWITCH_MAGIC and the
 * scenario's name.  The block is not written to the image; fakedev then
 * unplugs the stick and plugs it in again with the new scenario.
 */
#define FD_SWITCH_MAGIC	"FAKEDEV SCENARIO "
#define FD_SWITCH_BACK	8

/* The interface and endpoint facts usb-redir announces before connecting. */
uint16_t fd_ep0_max_packet(const struct fd_dev *d);
uint16_t fd_bulk_max_packet(const struct fd_dev *d);

#endif
