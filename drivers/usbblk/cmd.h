/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command ring (cmd.c): one command at a time, each bounded by a
 * timeout.  The event thread hands each Command Completion Event to
 * usbblk_cmd_complete(); nothing outside cmd.c touches the ring's
 * completion state.
 */
#ifndef _USBBLK_CMD_H
#define _USBBLK_CMD_H

#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "ring.h"

struct usbblk_hc;
struct usbblk_udev;
struct usbblk_ep;

/* Every command is bounded (5 s is what slow sticks need). */
#define USBBLK_CMD_TIMEOUT_MS	5000

/**
 * struct usbblk_cmdq - the command ring and the command in flight
 * @ring:	the ring (one segment)
 * @mutex:	one command at a time
 * @pending:	bus address of the command TRB waiting for its completion,
 *		0 when none (under hc->lock)
 * @code:	its completion code (under hc->lock)
 * @slot:	the slot ID its completion event carried (under hc->lock)
 * @event_ns:	when the event thread handled it (under hc->lock)
 * @done:	completed by usbblk_cmd_complete()
 */
struct usbblk_cmdq {
	struct usbblk_ring ring;
	struct mutex mutex;		/* one command at a time */
	dma_addr_t pending;
	u32 code;
	u8 slot;
	u64 event_ns;
	struct completion done;
};

/**
 * struct usbblk_cmd_times - when a command's round trip passed each point
 * @doorbell_ns:	the doorbell was rung (ktime_get_ns())
 * @event_ns:		the event thread handled its completion event
 * @caller_ns:		the caller ran again
 */
struct usbblk_cmd_times {
	u64 doorbell_ns;
	u64 event_ns;
	u64 caller_ns;
};

void usbblk_cmd_init(struct usbblk_cmdq *q);
void usbblk_cmd_complete(struct usbblk_hc *hc, u64 ptr, u32 code, u8 slot);
int usbblk_cmd(struct usbblk_hc *hc, u64 param, u32 control, u8 *slot_out);
int usbblk_cmd_timed(struct usbblk_hc *hc, u32 control, struct usbblk_cmd_times *t);
int usbblk_cmd_enable_slot(struct usbblk_hc *hc, u8 *slot_id);
int usbblk_cmd_disable_slot(struct usbblk_hc *hc, u8 slot_id);
int usbblk_cmd_address_device(struct usbblk_hc *hc, struct usbblk_udev *udev, bool bsr);
int usbblk_cmd_eval_context(struct usbblk_hc *hc, struct usbblk_udev *udev);
int usbblk_cmd_config_ep(struct usbblk_hc *hc, struct usbblk_udev *udev);
int usbblk_cmd_stop_ep(struct usbblk_hc *hc, struct usbblk_ep *ep);
int usbblk_cmd_reset_ep(struct usbblk_hc *hc, struct usbblk_ep *ep);
int usbblk_cmd_set_deq(struct usbblk_hc *hc, struct usbblk_ep *ep);

#endif /* _USBBLK_CMD_H */
