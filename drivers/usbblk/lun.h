/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A LUN of a mass-storage device and its character device /dev/usbblkN
 * (lun.c): the data path.  The structure is here so that files with
 * another job on the same object (its sysfs attributes) can read it:
 * identity fields (@msc, @lun, @id, @name, @capacity, @block_size,
 * @max_sectors, @deadline_floor_us, @flags, @inq) are set before the
 * device node is registered and never change after; the rest is lun.c's.
 */
#ifndef _USBBLK_LUN_H
#define _USBBLK_LUN_H

#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/wait.h>
#include <uapi/linux/usbblk.h>

#include "deadline.h"
#include "ring.h"
#include "scsi.h"

/*
 * One command moves at most this much: 1 MiB at SuperSpeed, as Linux's
 * usb-storage allows (slave_configure: 2048 sectors); it bounds the
 * pinned pages, their scatterlist and DMA segments (preallocated per LUN)
 * and the TRBs of a TD (a bulk ring holds one, USBBLK_BULK_RING_TRBS).
 */
#define USBBLK_MAX_XFER		SZ_1M
#define USBBLK_MAX_PAGES	(USBBLK_MAX_XFER / PAGE_SIZE + 1)
/* below SuperSpeed: Linux's default, 240 sectors of 512 bytes */
#define USBBLK_HS_XFER		(240 * 512)

struct usbblk_msc;

/* latency buckets: 0 is < 1 us, i is [2^(i-1), 2^i) us, the last one the rest */
#define USBBLK_LAT_BUCKETS	24

/**
 * struct usbblk_lun_stats - what a LUN's callers asked and got
 * @ios:	READ_SECTOR [0] and WRITE_SECTOR [1] requests that succeeded
 * @bytes:	bytes they moved, reads [0] and writes [1]
 * @errors:	requests (of any ioctl, after its arguments were checked)
 *		that failed
 * @timeouts:	of those, the ones that failed with -ETIMEDOUT
 * @lat_hist:	READ/WRITE_SECTOR time from the lock taken to the answer, in
 *		log2 microsecond buckets (USBBLK_LAT_BUCKETS)
 *
 * Written by the LUN's caller under the LUN's lock (usbblk_lun_account());
 * read by sysfs without it, one READ_ONCE() per counter: each value is
 * whole, the set is not a snapshot.
 */
struct usbblk_lun_stats {
	u64 ios[2];
	u64 bytes[2];
	u64 errors;
	u64 timeouts;
	u64 lat_hist[USBBLK_LAT_BUCKETS];
};

/**
 * struct usbblk_lun - one LUN and its device node
 * @ref:	lifetime: the device and every open file hold one
 * @msc:	its device (a reference is held)
 * @lun:	LUN number
 * @id:		N of /dev/usbblkN
 * @name:	"usbblkN"
 * @misc:	the device node
 * @lock:	serialises the LUN's callers, earliest deadline first
 *		(deadline.c)
 * @gone:	detached: calls get -ENODEV.  Set once by usbblk_lun_remove()
 *		with WRITE_ONCE and without @lock (a holder may sit in a user
 *		page fault); read by lun.c's lun_gone() (with the device's
 *		own flag), as an early answer: msc->gone (under msc->lock)
 *		fences the data path
 * @capacity:	logical blocks
 * @block_size:	bytes a block
 * @max_sectors: blocks a command
 * @deadline_floor_us: the shortest deadline a request may ask
 *		(usbblk_info.deadline_floor_us)
 * @flags:	USBBLK_INFO_* bits
 * @probe_ms:	bound of each command of the probe (usbblk_lun_probe())
 * @inq:	INQUIRY data
 * @sense:	the last failed command's sense (under @lock)
 * @pages:	pinned pages of the piece in flight, USBBLK_MAX_PAGES of
 *		them (under @lock, as the three below)
 * @sgl:	their scatterlist, physically contiguous pages merged;
 *		sg_init_table() once at probe
 * @sgt:	@sgl as mapped for the piece in flight
 * @segs:	its DMA segments, as the TD takes them; @pages, @sgl and
 *		@segs are allocated at probe: the data path allocates nothing
 * @stats:	counters and the latency histogram (written under @lock)
 * @files_lock:	guards @files and @files_gone
 * @files:	the open files' registered-buffer tables (regbuf.c), which
 *		usbblk_lun_remove() releases
 * @files_gone:	the LUN left: files opened now get a released table
 */
struct usbblk_lun {
	struct kref ref;
	struct usbblk_msc *msc;
	u8 lun;
	int id;
	char name[16];
	struct miscdevice misc;
	struct usbblk_edf_lock lock;	/* see @lock above */
	bool gone;
	u64 capacity;
	u32 block_size;
	u32 max_sectors;
	u32 deadline_floor_us;
	u32 flags;
	unsigned int probe_ms;
	struct usbblk_inquiry inq;
	struct usbblk_sense sense;
	struct page **pages;
	struct scatterlist *sgl;
	struct sg_table sgt;
	struct usbblk_seg *segs;
	struct usbblk_lun_stats stats;
	struct mutex files_lock;	/* see @files_lock above */
	struct list_head files;
	bool files_gone;
};

struct usbblk_lun *usbblk_lun_probe(struct usbblk_msc *msc, u8 lun, unsigned int timeout_ms);
void usbblk_lun_remove(struct usbblk_lun *lun);

#endif /* _USBBLK_LUN_H */
