/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Registered buffers (regbuf.c): user memory pinned and DMA-mapped once,
 * for USBBLK_IOC_REGISTER_BUF and I/O with USBBLK_IO_FIXED.
 */
#ifndef _USBBLK_REGBUF_H
#define _USBBLK_REGBUF_H

#include <linux/dma-direction.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/scatterlist.h>
#include <linux/wait.h>
#include <uapi/linux/usbblk.h>

#include "ring.h"

struct device;

/**
 * struct usbblk_regrange - physical bytes of a registered buffer
 * @node:	in the module's tree of registered memory (regbuf.c)
 * @start:	first byte
 * @end:	one past the last
 */
struct usbblk_regrange {
	struct rb_node node;
	phys_addr_t start;
	phys_addr_t end;
};

/**
 * struct usbblk_regbuf - one registered buffer
 * @len:	bytes
 * @npages:	pages pinned
 * @pages:	the pinned pages (FOLL_LONGTERM | FOLL_WRITE)
 * @sgt:	their scatterlist, mapped DMA_BIDIRECTIONAL
 * @ranges:	its physical ranges, one per CPU-side scatterlist entry, in
 *		the tree of registered memory while it is registered
 * @nranges:	how many
 * @users:	requests using it now (under usbblk_regbufs.lock)
 */
struct usbblk_regbuf {
	u64 len;
	unsigned int npages;
	struct page **pages;
	struct sg_table sgt;
	struct usbblk_regrange *ranges;
	unsigned int nranges;
	unsigned int users;
};

/**
 * struct usbblk_regbufs - the registered buffers of one open file
 * @lock:	guards the table, the use counts and @dead
 * @node:	on the LUN's list of open files (for the LUN's unplug)
 * @dev:	the device the buffers are mapped for (the controller)
 * @mm:		the address space that registered them (grabbed), which
 *		their pages are accounted to (locked_vm)
 * @users:	uses of all its buffers now
 * @wq:		woken when @users falls to zero
 * @dead:	released (the LUN left): no more registrations
 * @bufs:	by index, NULL when free
 */
struct usbblk_regbufs {
	struct mutex lock;	/* see @lock above */
	struct list_head node;
	struct device *dev;
	struct mm_struct *mm;
	unsigned int users;
	wait_queue_head_t wq;
	bool dead;
	struct usbblk_regbuf *bufs[USBBLK_MAX_REGBUFS];
};

void usbblk_regbufs_init(struct usbblk_regbufs *rb, struct device *dev);
int usbblk_regbuf_register(struct usbblk_regbufs *rb, struct usbblk_buf_reg *reg, u32 align);
int usbblk_regbuf_unregister(struct usbblk_regbufs *rb, u32 index);
struct usbblk_regbuf *usbblk_regbuf_get(struct usbblk_regbufs *rb, u32 index, u64 off,
					u64 len);
void usbblk_regbuf_put(struct usbblk_regbufs *rb, struct usbblk_regbuf *b);
int usbblk_regbuf_segs(struct device *dev, struct usbblk_regbuf *b, u64 off, u32 len,
		       struct usbblk_seg *segs, unsigned int max, enum dma_data_direction dir);
void usbblk_regbuf_done(struct device *dev, const struct usbblk_seg *segs, unsigned int n,
			enum dma_data_direction dir);
void usbblk_regbufs_release(struct usbblk_regbufs *rb);

#endif /* _USBBLK_REGBUF_H */
