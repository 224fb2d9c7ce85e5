// SPDX-License-Identifier: GPL-2.0
/*
 * Registered buffers: user memory pinned and DMA-mapped once, so that
 * requests naming it (USBBLK_IO_FIXED) skip pin_user_pages_fast(), the
 * scatterlist and dma_map_sgtable() on their path.
 *
 *   USBBLK_IOC_REGISTER_BUF  check, account the pages to the caller's
 *                            locked_vm (RLIMIT_MEMLOCK, as io_uring's
 *                            fixed buffers and VFIO), pin them
 *                            (FOLL_LONGTERM | FOLL_WRITE), build their
 *                            scatterlist, claim its physical bytes in the
 *                            module's tree of registered memory (EBUSY if
 *                            any is registered already, by any file),
 *                            map it DMA_BIDIRECTIONAL for the controller
 *                            without syncing it (DMA_ATTR_SKIP_CPU_SYNC:
 *                            every request syncs the slice it moves);
 *                            the lowest free index
 *   READ/WRITE + FIXED       look the buffer up and take a use; slice its
 *                            mapped segments at (offset, length); sync
 *                            just that slice for the device, and for the
 *                            CPU after; drop the use
 *   UNREGISTER_BUF           EBUSY while a request uses it, else unmap,
 *                            unpin (dirtied), unaccount
 *
 * A table belongs to one open file: its release (the last close) frees
 * every buffer.  When the LUN leaves (unplug, controller unbind, module
 * unload), lun.c releases the tables of its open files at once, waiting
 * for requests still using a buffer (they end quickly: the device's
 * transfers have failed); the files then answer ENODEV.
 *
 * Why each byte is registered at most once: a request syncs a slice of
 * its buffer's mapping (dma_sync_single_*()), which is never a whole
 * mapping.  With two long-lived mappings over the same memory, nothing
 * says which of them a slice belongs to; DMA-API debugging (kernel/dma/
 * debug.c, which looks a sync up among the mappings that contain it and
 * gives up when several do) reports "device driver tries to sync DMA
 * memory it has not allocated".  So registrations never overlap.  A
 * plain request may still name registered memory: its mapping lives for
 * the call and its syncs name its own entries; a plain request and a
 * FIXED one over the same bytes at the same time are the caller's race.
 */
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "regbuf.h"

/*
 * The physical bytes of every registered buffer, of every file and
 * controller: struct usbblk_regrange, disjoint, sorted by start.
 */
static DEFINE_MUTEX(regmem_lock);
static struct rb_root regmem = RB_ROOT;

/* A range of the tree that overlaps [@start, @end), or NULL. */
static struct usbblk_regrange *regmem_find(phys_addr_t start, phys_addr_t end)
{
	struct rb_node *n = regmem.rb_node;

	lockdep_assert_held(&regmem_lock);
	while (n) {
		struct usbblk_regrange *r = rb_entry(n, struct usbblk_regrange, node);

		if (end <= r->start)
			n = n->rb_left;
		else if (start >= r->end)
			n = n->rb_right;
		else
			return r;
	}
	return NULL;
}

static void regmem_insert(struct usbblk_regrange *r)
{
	struct rb_node **link = &regmem.rb_node, *parent = NULL;

	lockdep_assert_held(&regmem_lock);
	while (*link) {
		parent = *link;
		if (r->start < rb_entry(parent, struct usbblk_regrange, node)->start)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&r->node, parent, link);
	rb_insert_color(&r->node, &regmem);
}

/*
 * Claim @b's physical bytes.  Return: 0, or -EBUSY when some are claimed
 * already (by another buffer, or twice by this one: the same page mapped
 * at two addresses of the range).
 */
static int regmem_claim(struct usbblk_regbuf *b)
{
	struct scatterlist *sg;
	unsigned int i;
	int ret = 0;

	b->ranges = kvcalloc(b->sgt.orig_nents, sizeof(*b->ranges), GFP_KERNEL);
	if (!b->ranges)
		return -ENOMEM;
	mutex_lock(&regmem_lock);
	for_each_sgtable_sg(&b->sgt, sg, i) {
		struct usbblk_regrange *r = &b->ranges[i];

		r->start = sg_phys(sg);
		r->end = r->start + sg->length;
		if (regmem_find(r->start, r->end)) {
			ret = -EBUSY;
			break;
		}
		regmem_insert(r);
	}
	b->nranges = i;
	if (ret) {
		while (i--)
			rb_erase(&b->ranges[i].node, &regmem);
		b->nranges = 0;
	}
	mutex_unlock(&regmem_lock);
	if (ret) {
		kvfree(b->ranges);
		b->ranges = NULL;
	}
	return ret;
}

/* Give @b's bytes back (it is being unregistered). */
static void regmem_release(struct usbblk_regbuf *b)
{
	unsigned int i;

	mutex_lock(&regmem_lock);
	for (i = 0; i < b->nranges; i++)
		rb_erase(&b->ranges[i].node, &regmem);
	mutex_unlock(&regmem_lock);
	kvfree(b->ranges);
	b->ranges = NULL;
	b->nranges = 0;
}

/**
 * usbblk_regbufs_init() - an empty table for a file being opened
 * @rb:		the table
 * @dev:	the device its buffers will be mapped for
 */
void usbblk_regbufs_init(struct usbblk_regbufs *rb, struct device *dev)
{
	mutex_init(&rb->lock);
	INIT_LIST_HEAD(&rb->node);
	init_waitqueue_head(&rb->wq);
	rb->dev = dev;
	rb->mm = NULL;
	rb->dead = false;
	rb->users = 0;
	memset(rb->bufs, 0, sizeof(rb->bufs));
}

/* Unmap, unpin, unaccount and free a buffer nobody uses. */
static void regbuf_free(struct usbblk_regbufs *rb, struct usbblk_regbuf *b)
{
	/* each request synced its slice for the CPU when it ended */
	dma_unmap_sgtable(rb->dev, &b->sgt, DMA_BIDIRECTIONAL, DMA_ATTR_SKIP_CPU_SYNC);
	regmem_release(b);
	sg_free_table(&b->sgt);
	/* the device may have written any of them */
	unpin_user_pages_dirty_lock(b->pages, b->npages, true);
	account_locked_vm(rb->mm, b->npages, false);
	kvfree(b->pages);
	kfree(b);
}

static int regbuf_check(const struct usbblk_buf_reg *reg, u32 align)
{
	if (reg->flags || reg->index || memchr_inv(reg->reserved, 0, sizeof(reg->reserved)))
		return -EINVAL;
	if (!reg->len || reg->len > USBBLK_REGBUF_MAX_LEN || (reg->addr | reg->len) & (align - 1))
		return -EINVAL;
	if (reg->addr != (unsigned long)reg->addr ||
	    !access_ok((void __user *)(unsigned long)reg->addr, reg->len))
		return -EFAULT;
	return 0;
}

/* Pin, account and map @reg's memory.  Return: the buffer, or ERR_PTR(). */
static struct usbblk_regbuf *regbuf_pin_map(struct usbblk_regbufs *rb,
					    const struct usbblk_buf_reg *reg)
{
	unsigned long addr = reg->addr;
	unsigned int offset = offset_in_page(addr);
	unsigned int npages = DIV_ROUND_UP(offset + reg->len, PAGE_SIZE);
	unsigned int max_seg = max_t(unsigned int, dma_get_max_seg_size(rb->dev), PAGE_SIZE);
	struct usbblk_regbuf *b;
	int pinned, ret;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->len = reg->len;
	b->npages = npages;
	b->pages = kvcalloc(npages, sizeof(*b->pages), GFP_KERNEL);
	ret = -ENOMEM;
	if (!b->pages)
		goto err_free;
	/* RLIMIT_MEMLOCK (unless CAP_IPC_LOCK): -ENOMEM beyond it */
	ret = account_locked_vm(rb->mm, npages, true);
	if (ret)
		goto err_free;
	pinned = pin_user_pages_fast(addr & PAGE_MASK, npages, FOLL_WRITE | FOLL_LONGTERM,
				     b->pages);
	if (pinned != npages) {
		if (pinned > 0)
			unpin_user_pages(b->pages, pinned);
		ret = pinned < 0 && pinned != -EFAULT ? pinned : -EFAULT;
		goto err_unaccount;
	}
	ret = sg_alloc_table_from_pages_segment(&b->sgt, b->pages, npages, offset, reg->len,
						max_seg, GFP_KERNEL);
	if (ret)
		goto err_unpin;
	ret = regmem_claim(b);
	if (ret)
		goto err_sg;
	ret = dma_map_sgtable(rb->dev, &b->sgt, DMA_BIDIRECTIONAL, DMA_ATTR_SKIP_CPU_SYNC);
	if (ret) {
		ret = -ENOMEM;
		goto err_release;
	}
	return b;

err_release:
	regmem_release(b);
err_sg:
	sg_free_table(&b->sgt);
err_unpin:
	unpin_user_pages(b->pages, npages);
err_unaccount:
	account_locked_vm(rb->mm, npages, false);
err_free:
	kvfree(b->pages);
	kfree(b);
	return ERR_PTR(ret);
}

/**
 * usbblk_regbuf_register() - USBBLK_IOC_REGISTER_BUF
 * @rb:		the file's table
 * @reg:	the request, checked here; @reg->index set on success
 * @align:	the LUN's DMA alignment (address and length)
 *
 * Return: 0; -EINVAL (flags, index or reserved not zero, length 0 or
 * above USBBLK_REGBUF_MAX_LEN, address or length not aligned), -EFAULT
 * (not the caller's memory, or not writable), -ENOMEM (RLIMIT_MEMLOCK
 * reached, or no memory), -EBUSY (some of the memory is registered
 * already, by this file or another), -ENOBUFS (USBBLK_MAX_REGBUFS
 * registered already), -ENODEV (the LUN left).
 */
int usbblk_regbuf_register(struct usbblk_regbufs *rb, struct usbblk_buf_reg *reg, u32 align)
{
	struct usbblk_regbuf *b;
	unsigned int i;
	int ret;

	ret = regbuf_check(reg, align);
	if (ret)
		return ret;
	mutex_lock(&rb->lock);
	ret = -ENODEV;
	if (rb->dead)
		goto out;
	for (i = 0; i < USBBLK_MAX_REGBUFS && rb->bufs[i]; i++)
		;
	ret = -ENOBUFS;
	if (i == USBBLK_MAX_REGBUFS)
		goto out;
	ret = -EFAULT;
	if (!current->mm || (rb->mm && rb->mm != current->mm))
		goto out;	/* one address space a file: its pages, its account */
	if (!rb->mm) {
		mmgrab(current->mm);
		rb->mm = current->mm;
	}
	b = regbuf_pin_map(rb, reg);
	ret = PTR_ERR_OR_ZERO(b);
	if (ret)
		goto out;
	rb->bufs[i] = b;
	reg->index = i;
out:
	mutex_unlock(&rb->lock);
	return ret;
}

/**
 * usbblk_regbuf_unregister() - USBBLK_IOC_UNREGISTER_BUF
 * @rb:		the file's table
 * @index:	the buffer
 *
 * Return: 0; -EINVAL (no such buffer), -EBUSY (a request uses it now).
 */
int usbblk_regbuf_unregister(struct usbblk_regbufs *rb, u32 index)
{
	struct usbblk_regbuf *b;
	int ret = -EINVAL;

	mutex_lock(&rb->lock);
	b = index < USBBLK_MAX_REGBUFS ? rb->bufs[index] : NULL;
	if (b && b->users) {
		ret = -EBUSY;
	} else if (b) {
		rb->bufs[index] = NULL;
		regbuf_free(rb, b);
		ret = 0;
	}
	mutex_unlock(&rb->lock);
	return ret;
}

/**
 * usbblk_regbuf_get() - take a use of a buffer for a request
 * @rb:		the file's table
 * @index:	the buffer
 * @off:	byte offset of the request's data in it
 * @len:	bytes of the request
 *
 * Return: the buffer; ERR_PTR(-EINVAL) (no such buffer, or the range
 * is not inside it), ERR_PTR(-ENODEV) (released: the LUN left).
 */
struct usbblk_regbuf *usbblk_regbuf_get(struct usbblk_regbufs *rb, u32 index, u64 off,
					u64 len)
{
	struct usbblk_regbuf *b;

	mutex_lock(&rb->lock);
	b = index < USBBLK_MAX_REGBUFS ? rb->bufs[index] : NULL;
	if (rb->dead)
		b = ERR_PTR(-ENODEV);
	else if (!b || off > b->len || len > b->len - off)
		b = ERR_PTR(-EINVAL);
	else
		b->users++;
	if (!IS_ERR_OR_NULL(b))
		rb->users++;
	mutex_unlock(&rb->lock);
	return b;
}

/**
 * usbblk_regbuf_put() - the request is done with the buffer
 * @rb:	the file's table
 * @b:	what usbblk_regbuf_get() returned
 */
void usbblk_regbuf_put(struct usbblk_regbufs *rb, struct usbblk_regbuf *b)
{
	mutex_lock(&rb->lock);
	b->users--;
	if (!--rb->users)
		wake_up_all(&rb->wq);
	mutex_unlock(&rb->lock);
}

/**
 * usbblk_regbuf_segs() - the DMA segments of a slice, synced for the device
 * @dev:	the device the buffer is mapped for
 * @b:		the buffer, in use
 * @off:	byte offset of the slice
 * @len:	its bytes (inside the buffer: usbblk_regbuf_get() checked)
 * @segs:	out: its segments
 * @max:	room in @segs
 * @dir:	the transfer's direction
 *
 * Return: the segments filled, or -EINVAL (more than @max).
 */
int usbblk_regbuf_segs(struct device *dev, struct usbblk_regbuf *b, u64 off, u32 len,
		       struct usbblk_seg *segs, unsigned int max, enum dma_data_direction dir)
{
	struct scatterlist *sg;
	unsigned int i, n = 0;
	u64 pos = 0;

	for_each_sgtable_dma_sg(&b->sgt, sg, i) {
		u64 slen = sg_dma_len(sg), skip, take;

		if (!len)
			break;
		if (pos + slen <= off) {
			pos += slen;
			continue;
		}
		if (n == max)
			return -EINVAL;
		skip = off > pos ? off - pos : 0;
		take = min_t(u64, slen - skip, len);
		segs[n].addr = sg_dma_address(sg) + skip;
		segs[n].len = take;
		dma_sync_single_for_device(dev, segs[n].addr, take, dir);
		n++;
		len -= take;
		off += take;
		pos += slen;
	}
	return n;
}

/**
 * usbblk_regbuf_done() - the controller is done with a slice: sync it for
 * the CPU
 * @dev:	the device
 * @segs:	what usbblk_regbuf_segs() filled
 * @n:		how many
 * @dir:	the transfer's direction
 */
void usbblk_regbuf_done(struct device *dev, const struct usbblk_seg *segs, unsigned int n,
			enum dma_data_direction dir)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dma_sync_single_for_cpu(dev, segs[i].addr, segs[i].len, dir);
}

/**
 * usbblk_regbufs_release() - free every buffer of a table, for good
 * @rb: the table: its file is closing, or its LUN left
 *
 * Waits for requests using a buffer to end.  Idempotent: the table is
 * dead after it, and registering answers -ENODEV.
 */
void usbblk_regbufs_release(struct usbblk_regbufs *rb)
{
	unsigned int i;

	mutex_lock(&rb->lock);
	rb->dead = true;	/* no new uses: usbblk_regbuf_get() says -ENODEV */
	while (rb->users) {
		mutex_unlock(&rb->lock);
		wait_event(rb->wq, !READ_ONCE(rb->users));
		mutex_lock(&rb->lock);
	}
	for (i = 0; i < USBBLK_MAX_REGBUFS; i++) {
		if (rb->bufs[i])
			regbuf_free(rb, rb->bufs[i]);
		rb->bufs[i] = NULL;
	}
	if (rb->mm)
		mmdrop(rb->mm);
	rb->mm = NULL;
	mutex_unlock(&rb->lock);
}
