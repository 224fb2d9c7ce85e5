// SPDX-License-Identifier: GPL-2.0
/*
 * The floor: what one round trip to the controller costs on this system,
 * measured with the cheapest command there is, the xHCI No Op (4.6.2).
 * Reading /sys/kernel/debug/usbblk/DEV/noop_floor runs FLOOR_SAMPLES No
 * Op commands one after another and prints, in nanoseconds, the median,
 * p99 and max of two spans:
 *
 *   event   doorbell written -> completion event handled by the IRQ thread
 *           (what one BOT stage costs when the IRQ thread queues the next)
 *   caller  doorbell written -> the caller running again (one more
 *           wake-up: what a stage costs when the caller waits for it)
 *
 * A 512-byte read needs three such round trips (CBW, data, CSW); the bench
 * (tools/bench/run) sets usbblk's p50 against the floor times that.  The
 * commands go through the command ring like any other and take its mutex,
 * so reading the file while devices enumerate only delays them.
 */
#include <linux/bitfield.h>
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "cmd.h"
#include "floor.h"
#include "hc.h"
#include "trb.h"

#define FLOOR_SAMPLES	256

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void floor_print(struct seq_file *m, const char *name, u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	seq_printf(m, "%s_p50_ns %llu\n%s_p99_ns %llu\n%s_max_ns %llu\n",
		   name, v[n / 2], name, v[n * 99 / 100], name, v[n - 1]);
}

static int floor_show(struct seq_file *m, void *unused)
{
	struct usbblk_hc *hc = m->private;
	u64 *event, *caller;
	unsigned int i;
	int ret = 0;

	event = kcalloc(FLOOR_SAMPLES, sizeof(*event), GFP_KERNEL);
	caller = kcalloc(FLOOR_SAMPLES, sizeof(*caller), GFP_KERNEL);
	if (!event || !caller) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < FLOOR_SAMPLES; i++) {
		struct usbblk_cmd_times t;

		ret = usbblk_cmd_timed(hc, FIELD_PREP(TRB_TYPE, TRB_TYPE_NOOP_CMD), &t);
		if (ret) {
			dev_dbg(hc->dev, "No Op command %u of the floor: %d\n", i, ret);
			goto out;
		}
		event[i] = t.event_ns - t.doorbell_ns;
		caller[i] = t.caller_ns - t.doorbell_ns;
	}
	/* the caller span comes first: it is the one the bench reads ("p50") */
	seq_printf(m, "samples %u\n", FLOOR_SAMPLES);
	floor_print(m, "caller", caller, FLOOR_SAMPLES);
	floor_print(m, "event", event, FLOOR_SAMPLES);
out:
	kfree(caller);
	kfree(event);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(floor);

/**
 * usbblk_floor_debugfs_add() - give a controller its noop_floor file
 * @hc: the controller, started, with its debugfs directory
 */
void usbblk_floor_debugfs_add(struct usbblk_hc *hc)
{
	debugfs_create_file("noop_floor", 0400, hc->debugfs, hc, &floor_fops);
}
