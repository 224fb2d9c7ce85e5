// SPDX-License-Identifier: GPL-2.0
/*
 * One character device per ready LUN, /dev/usbblkN, and the data path:
 *
 *   READ_SECTOR / WRITE_SECTOR ioctl
 *     -> check the request (flags, range, alignment, permissions)
 *     -> split at max_sectors; for each piece:
 *        pin the caller's pages (pin_user_pages_fast, FOLL_WRITE to read)
 *        -> sg_table -> dma_map_sgtable, synced for the device
 *        -> READ/WRITE(10 or 16) CDB -> usbblk_bot_command():
 *           CBW, data stage TRBs on the DMA segments, CSW
 *        -> synced for the CPU, dma_unmap_sgtable -> unpin (dirtied
 *           after a read)
 *
 * The pages are released only when the controller is done with them: the
 * BOT command returns after its TDs completed, or after the endpoint was
 * stopped (timeout, fatal signal), or after the slot was disabled (the
 * device left).
 *
 * With USBBLK_IO_FIXED the pieces take their DMA segments from a buffer
 * the file registered (regbuf.c), pinned and mapped once: no pinning,
 * scatterlist or mapping here, only a cache sync of the slice.
 *
 * Buffer rule: the buffer must be aligned to usbblk_info.dma_alignment,
 * the larger of dma_get_cache_alignment() and 512; anything else is
 * refused with EINVAL, never bounced.  On a non-coherent arm64 system a
 * buffer sharing a cache line with other data would be corrupted by the
 * cache maintenance the DMA mapping does; 512 keeps every TRB of a TD a
 * whole number of sectors.
 */
#include <linux/compat.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <scsi/scsi_proto.h>

#include "deadline.h"
#include "enum.h"
#include "hc.h"
#include "lun-sysfs.h"
#include "lun.h"
#include "msc.h"
#include "regbuf.h"
#include "xfer.h"

#define LUN_DEFAULT_TIMEOUT_MS	5000

static unsigned int io_timeout_ms = LUN_DEFAULT_TIMEOUT_MS;
module_param(io_timeout_ms, uint, 0644);
MODULE_PARM_DESC(io_timeout_ms,
		 "default bound of each SCSI command, its CBW, data and CSW stages together, ms (0 = 5000). Default: 5000");

static unsigned int max_sectors;
module_param(max_sectors, uint, 0444);
MODULE_PARM_DESC(max_sectors,
		 "cap on logical blocks per READ/WRITE command (some sticks fail larger ones); 0 = by speed: 1 MiB at SuperSpeed, 120 KiB below. Default: 0");

static unsigned int min_deadline_us;
module_param(min_deadline_us, uint, 0444);
MODULE_PARM_DESC(min_deadline_us,
		 "shortest usbblk_io.deadline_us accepted, us (0 = measured when a LUN comes up: the fastest of a few TEST UNIT READY round trips). Default: 0");

#define TUR_TRIES	10
#define FLOOR_TRIES	4	/* TEST UNIT READY round trips that measure the floor */

static DEFINE_IDA(usbblk_lun_ida);

static void lun_release(struct kref *ref)
{
	struct usbblk_lun *lun = container_of(ref, struct usbblk_lun, ref);

	if (lun->id >= 0)
		ida_free(&usbblk_lun_ida, lun->id);
	usbblk_msc_put(lun->msc);
	kfree(lun->pages);
	kfree(lun->sgl);
	kfree(lun->segs);
	kfree(lun);
}

static void lun_put(struct usbblk_lun *lun)
{
	kref_put(&lun->ref, lun_release);
}

/* A caller's bound, or the module's default (0 there too means 5 s). */
static unsigned int lun_timeout(unsigned int ms)
{
	return ms ?: READ_ONCE(io_timeout_ms) ?: LUN_DEFAULT_TIMEOUT_MS;
}

/*
 * Blocks a READ/WRITE command moves: 1 MiB at SuperSpeed (as Linux's
 * usb-storage), 240 x 512 bytes below, capped by the module parameter
 * when it is set; at least one block.
 */
static u32 lun_max_sectors(const struct usbblk_lun *lun, unsigned int speed)
{
	u32 bytes = speed >= USB_SPEED_SUPER ? USBBLK_MAX_XFER : USBBLK_HS_XFER;
	u32 n = bytes / lun->block_size;

	if (max_sectors)
		n = min(n, max_sectors);
	return max(n, 1U);
}

static u32 lun_dma_alignment(void)
{
	return max_t(u32, dma_get_cache_alignment(), 512);
}

/*
 * The one "gone" rule of the LUN's calls: the LUN removed, or its device
 * left.  A request that saw the device leave answers -ENODEV before the
 * port work removes the LUN, so every other call must too.  An early
 * answer (see struct usbblk_lun); msc->gone fences the data path.
 */
static bool lun_gone(const struct usbblk_lun *lun)
{
	return READ_ONCE(lun->gone) || usbblk_udev_gone(lun->msc->udev);
}

/*
 * Run a command, and on a FAILED status fetch and keep its sense.  With
 * @buf_out, the data stage went to the device's small buffer: it is copied
 * to @buf_out before another command (of any LUN) can reuse the buffer.
 * The REQUEST SENSE has the command's bound (at most the control bound):
 * a probe that gives a LUN 1 s does not wait 5 s for its sense.
 * Return: 0, or the errno of the sense table (scsi.c) or of the transport.
 */
static int lun_exec(struct usbblk_lun *lun, struct usbblk_bot_cmd *cmd, void *buf_out)
{
	struct usbblk_msc *msc = lun->msc;
	struct usbblk_seg sseg = { .addr = msc->buf_dma, .len = 32 };
	struct usbblk_bot_cmd sense = {
		.lun = lun->lun, .in = true, .segs = &sseg, .nsegs = 1, .len = sseg.len,
		.timeout_ms = min_not_zero(cmd->timeout_ms, (unsigned int)USBBLK_CTRL_TIMEOUT_MS),
		.deadline = cmd->deadline,
		.poll = cmd->poll,
	};
	int ret;

	cmd->lun = lun->lun;
	ret = usbblk_edf_lock(&msc->lock, cmd->deadline);
	if (ret)
		return ret;
	ret = usbblk_bot_command(msc, cmd);
	if (ret == USBBLK_CSW_GOOD && buf_out)
		memcpy(buf_out, msc->buf, cmd->len - cmd->residue);
	if (ret != USBBLK_CSW_FAILED)
		goto out;
	/* the sense goes in msc->buf, which the failed command's data did not need */
	sense.cdb_len = usbblk_cdb_request_sense(sense.cdb, sseg.len);
	ret = usbblk_bot_command(msc, &sense);
	if (ret == USBBLK_CSW_GOOD) {
		usbblk_parse_sense(msc->buf, sseg.len - sense.residue, &lun->sense);
		lun->sense.opcode = cmd->cdb[0];
		ret = usbblk_sense_errno(&lun->sense);
		lun->sense.error = -ret;
		dev_dbg(msc->udev->hc->dev, "%s: opcode %#x: sense %x/%02x/%02x: %d\n",
			lun->name, cmd->cdb[0], lun->sense.key, lun->sense.asc, lun->sense.ascq,
			ret);
	} else if (ret >= 0) {
		ret = -EIO;
	}
out:
	usbblk_edf_unlock(&msc->lock);
	return ret;
}

/*
 * A command whose data stage (@len bytes IN, at most USBBLK_MSC_BUF) uses
 * the device's small buffer; data copied out to @data, *@got its length.
 */
static int lun_exec_buf(struct usbblk_lun *lun, struct usbblk_bot_cmd *cmd, void *data,
			u32 len, u32 *got)
{
	struct usbblk_seg seg = { .addr = lun->msc->buf_dma, .len = len };
	int ret;

	cmd->in = true;
	cmd->segs = &seg;
	cmd->nsegs = len ? 1 : 0;
	cmd->len = len;
	cmd->timeout_ms = lun->probe_ms;
	ret = lun_exec(lun, cmd, data);
	if (!ret)
		*got = len - cmd->residue;
	return ret;
}

/* A command without a data stage. */
static int lun_exec_nodata(struct usbblk_lun *lun, struct usbblk_bot_cmd *cmd,
			   unsigned int timeout_ms)
{
	cmd->timeout_ms = timeout_ms;
	return lun_exec(lun, cmd, NULL);
}

/*
 * TEST UNIT READY until ready: bounded; medium not present ends it at
 * once, and so does a transport failure (a timeout, a device that left or
 * does not answer: no sense data), which retrying would only repeat, each
 * time with its own timeout and reset recovery.
 */
static int lun_wait_ready(struct usbblk_lun *lun)
{
	struct usbblk_bot_cmd cmd = { };
	unsigned int i;
	int ret = -EIO;

	for (i = 0; i < TUR_TRIES; i++) {
		memset(&lun->sense, 0, sizeof(lun->sense));
		cmd.cdb_len = usbblk_cdb_test_unit_ready(cmd.cdb);
		ret = lun_exec_nodata(lun, &cmd, lun->probe_ms);
		if (!ret || !lun->sense.error)
			return ret;
		if (lun->sense.key == NOT_READY && lun->sense.asc == 0x3a)
			return -ENOMEDIUM;
		if (lun->sense.key != UNIT_ATTENTION)
			msleep(100);	/* becoming ready */
	}
	return ret;
}

/*
 * The shortest deadline worth trying: the fastest of a few TEST UNIT
 * READY round trips (a command without data: CBW and CSW; no request can
 * be answered sooner), unless the module parameter names one.
 */
static u32 lun_deadline_floor(struct usbblk_lun *lun)
{
	struct usbblk_bot_cmd cmd = { };
	u64 fastest = U64_MAX;
	unsigned int i;

	if (min_deadline_us)
		return min_deadline_us;
	for (i = 0; i < FLOOR_TRIES; i++) {
		u64 t = ktime_get_ns();

		cmd.cdb_len = usbblk_cdb_test_unit_ready(cmd.cdb);
		if (lun_exec_nodata(lun, &cmd, lun->probe_ms))
			break;
		fastest = min(fastest, ktime_get_ns() - t);
	}
	return fastest == U64_MAX ? 1 : max_t(u32, 1, DIV_ROUND_UP_ULL(fastest, NSEC_PER_USEC));
}

static int lun_read_capacity(struct usbblk_lun *lun)
{
	struct usbblk_bot_cmd cmd = { };
	u8 data[USBBLK_CAP16_LEN];
	u32 got;
	int ret;

	cmd.cdb_len = usbblk_cdb_read_capacity10(cmd.cdb);
	ret = lun_exec_buf(lun, &cmd, data, 8, &got);
	if (ret)
		return ret;
	ret = usbblk_parse_capacity10(data, got, &lun->capacity, &lun->block_size);
	if (ret != 1)
		return ret;
	/* more than 2^32 - 1 blocks: the 16-byte form */
	cmd.cdb_len = usbblk_cdb_read_capacity16(cmd.cdb, sizeof(data));
	ret = lun_exec_buf(lun, &cmd, data, sizeof(data), &got);
	if (ret)
		return ret;
	return usbblk_parse_capacity16(data, got, &lun->capacity, &lun->block_size);
}

static void lun_read_wp(struct usbblk_lun *lun)
{
	struct usbblk_bot_cmd cmd = { };
	u8 data[USBBLK_MODE6_LEN];
	bool wp = false;
	u32 got;

	/* some sticks stall MODE SENSE: then they are not write-protected */
	cmd.cdb_len = usbblk_cdb_mode_sense6(cmd.cdb, 0x3f, sizeof(data));
	if (!lun_exec_buf(lun, &cmd, data, sizeof(data), &got) &&
	    !usbblk_parse_mode_sense6_wp(data, got, &wp) && wp)
		lun->flags |= USBBLK_INFO_WRITE_PROTECT;
}

/* ---------------------------------------------------------------- I/O */

/*
 * The pinned pages of a piece as the LUN's scatterlist: physically
 * contiguous pages merged into one entry (up to the device's DMA segment
 * size), the last one marked.  Return: the entries used.
 */
static unsigned int lun_fill_sgl(struct usbblk_lun *lun, unsigned int npages,
				 unsigned int offset, u32 len)
{
	unsigned int max_seg = dma_get_max_seg_size(lun->msc->udev->hc->dev);
	struct scatterlist *sg = NULL;
	unsigned int i, n = 0;

	for (i = 0; i < npages; i++) {
		unsigned int chunk = min_t(u32, len, PAGE_SIZE - offset);

		if (sg && page_to_pfn(lun->pages[i]) == page_to_pfn(lun->pages[i - 1]) + 1 &&
		    sg->length + chunk <= max_seg) {
			sg->length += chunk;
		} else {
			sg = &lun->sgl[n++];
			sg_unmark_end(sg);
			sg_set_page(sg, lun->pages[i], chunk, offset);
		}
		len -= chunk;
		offset = 0;
	}
	sg_mark_end(sg);
	return n;
}

/* One piece: at most max_sectors blocks, pinned, mapped, sent, released. */
static int lun_rw_piece(struct usbblk_lun *lun, bool write, u64 lba, unsigned long ubuf,
			u32 blocks, u32 flags, unsigned int timeout_ms, ktime_t deadline)
{
	struct device *dev = lun->msc->udev->hc->dev;
	enum dma_data_direction dir = write ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	u32 len = blocks * lun->block_size;
	unsigned int offset = offset_in_page(ubuf);
	int npages = DIV_ROUND_UP(offset + len, PAGE_SIZE);
	struct usbblk_bot_cmd cmd = {
		.in = !write, .segs = lun->segs, .len = len, .timeout_ms = timeout_ms,
		.deadline = deadline, .poll = flags & USBBLK_IO_POLL,
	};
	struct sg_table *sgt = &lun->sgt;
	struct scatterlist *sg;
	unsigned int i;
	int pinned, ret;

	lockdep_assert_held(&lun->lock);	/* lun->pages, sgl, sgt, segs */
	pinned = pin_user_pages_fast(ubuf & PAGE_MASK, npages, write ? 0 : FOLL_WRITE,
				     lun->pages);
	if (pinned != npages) {
		if (pinned > 0)
			unpin_user_pages(lun->pages, pinned);
		return -EFAULT;
	}
	sgt->sgl = lun->sgl;
	sgt->orig_nents = lun_fill_sgl(lun, npages, offset, len);
	/*
	 * Mapped without the implicit syncs and synced explicitly, as a
	 * registered buffer's slice is: the same cache maintenance, and the
	 * memory may also lie in a buffer registered (and mapped) already
	 * (DMA-API debugging takes an overlap as a fault unless the
	 * mapping skips the CPU syncs).
	 */
	ret = dma_map_sgtable(dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	if (ret)
		goto unpin;
	dma_sync_sgtable_for_device(dev, sgt, dir);
	for_each_sgtable_dma_sg(sgt, sg, i) {
		lun->segs[cmd.nsegs].addr = sg_dma_address(sg);
		lun->segs[cmd.nsegs].len = sg_dma_len(sg);
		cmd.nsegs++;
	}

	cmd.cdb_len = usbblk_cdb_rw(cmd.cdb, write, lba, blocks, flags & USBBLK_IO_FUA);
	ret = lun_exec(lun, &cmd, NULL);
	if (!ret && cmd.residue)
		ret = -EIO;	/* the device moved less than a whole piece */

	/* the controller is done with the buffer: the command has ended */
	dma_sync_sgtable_for_cpu(dev, sgt, dir);
	dma_unmap_sgtable(dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
unpin:
	/* after a read the device may have written the pages, even on error */
	unpin_user_pages_dirty_lock(lun->pages, npages, !write);
	return ret;
}

/* One piece from a registered buffer (USBBLK_IO_FIXED): @off bytes into @b. */
static int lun_rw_piece_fixed(struct usbblk_lun *lun, bool write, u64 lba,
			      struct usbblk_regbuf *b, u64 off, u32 blocks, u32 flags,
			      unsigned int timeout_ms, ktime_t deadline)
{
	struct device *dev = lun->msc->udev->hc->dev;
	enum dma_data_direction dir = write ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	u32 len = blocks * lun->block_size;
	struct usbblk_bot_cmd cmd = {
		.in = !write, .segs = lun->segs, .len = len, .timeout_ms = timeout_ms,
		.deadline = deadline, .poll = flags & USBBLK_IO_POLL,
	};
	int n, ret;

	lockdep_assert_held(&lun->lock);	/* lun->segs */
	n = usbblk_regbuf_segs(dev, b, off, len, lun->segs, USBBLK_MAX_PAGES, dir);
	if (n < 0)
		return n;
	cmd.nsegs = n;
	cmd.cdb_len = usbblk_cdb_rw(cmd.cdb, write, lba, blocks, flags & USBBLK_IO_FUA);
	ret = lun_exec(lun, &cmd, NULL);
	if (!ret && cmd.residue)
		ret = -EIO;
	usbblk_regbuf_done(dev, lun->segs, n, dir);
	return ret;
}

/*
 * Check a READ/WRITE_SECTOR request and when it must be answered: its
 * deadline (ktime_get() time) with USBBLK_IO_DEADLINE, else 0.
 */
static int lun_io_check(const struct usbblk_lun *lun, const struct usbblk_io *io, bool write,
			ktime_t entry, ktime_t *deadline)
{
	bool dl = io->flags & USBBLK_IO_DEADLINE;
	bool fixed = io->flags & USBBLK_IO_FIXED;

	/* FIXED: reserved[0] names the registered buffer */
	if ((io->flags & ~USBBLK_IO_FLAGS) || (!write && (io->flags & USBBLK_IO_FUA)) ||
	    (!fixed && io->reserved[0]) || io->reserved[1] || !io->count ||
	    dl != !!io->deadline_us)
		return -EINVAL;
	if (io->buf & (lun_dma_alignment() - 1))
		return -EINVAL;
	if (!fixed && io->buf != (unsigned long)io->buf)
		return -EFAULT;
	/* admission: below the floor it cannot be done, so it is not started */
	if (dl && io->deadline_us < lun->deadline_floor_us)
		return -ETIME;
	*deadline = dl ? ktime_add_us(entry, io->deadline_us) : 0;
	return 0;
}

/* The registered-buffer table of an open /dev/usbblkN. */
struct lun_file {
	struct usbblk_lun *lun;
	struct usbblk_regbufs rb;
};

static long lun_ioc_rw(struct usbblk_lun *lun, struct file *file, void __user *argp,
		       bool write)
{
	struct lun_file *lf = file->private_data;
	ktime_t entry = ktime_get(), deadline;
	struct usbblk_regbuf *rbuf = NULL;
	struct usbblk_io io;
	unsigned int timeout;
	unsigned long ubuf;
	bool nowait;
	u64 bytes = 0, start;
	int ret;

	if (copy_from_user(&io, argp, sizeof(io)))
		return -EFAULT;
	ret = lun_io_check(lun, &io, write, entry, &deadline);
	if (ret)
		return ret;
	if (write && !(file->f_mode & FMODE_WRITE))
		return -EBADF;
	ubuf = io.buf;
	timeout = lun_timeout(io.timeout_ms);
	nowait = io.flags & USBBLK_IO_NOWAIT;
	if (nowait && READ_ONCE(lun->msc->state) == USBBLK_LUN_RECOVERING)
		return -EAGAIN;

	ret = usbblk_edf_lock(&lun->lock, deadline);
	if (ret)
		return ret;
	start = ktime_get_ns();
	ret = -ENODEV;
	if (lun_gone(lun))
		goto out;
	ret = -EROFS;
	if (write && (lun->flags & USBBLK_INFO_WRITE_PROTECT))
		goto out;
	ret = -ERANGE;
	if (io.lba >= lun->capacity || io.count > lun->capacity - io.lba)
		goto out;
	bytes = (u64)io.count * lun->block_size;
	if (io.flags & USBBLK_IO_FIXED) {
		rbuf = usbblk_regbuf_get(&lf->rb, io.reserved[0], io.buf, bytes);
		ret = PTR_ERR_OR_ZERO(rbuf);
		if (ret) {
			rbuf = NULL;
			goto out;
		}
	} else {
		ret = -EFAULT;
		if (!access_ok((void __user *)ubuf, bytes))
			goto out;
	}
	/* a recovery left by an earlier request: wait (bounded) or EAGAIN */
	ret = usbblk_bot_wait_ready(lun->msc, deadline, nowait);

	while (io.count && !ret) {
		u32 n = min(io.count, lun->max_sectors);

		if (rbuf)
			ret = lun_rw_piece_fixed(lun, write, io.lba, rbuf, io.buf, n, io.flags,
						 timeout, deadline);
		else
			ret = lun_rw_piece(lun, write, io.lba, ubuf, n, io.flags, timeout,
					   deadline);
		io.buf += n * lun->block_size;
		io.lba += n;
		io.count -= n;
		ubuf += n * lun->block_size;
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
	}
out:
	if (rbuf)
		usbblk_regbuf_put(&lf->rb, rbuf);
	/* 0 ns means "not timed": a coarse clock must not drop requests */
	usbblk_lun_account(lun, write, ret ? 0 : bytes, ktime_get_ns() - start ?: 1, ret);
	usbblk_edf_unlock(&lun->lock);
	return ret;
}

static long lun_ioc_sync(struct usbblk_lun *lun, struct file *file)
{
	struct usbblk_bot_cmd cmd = { };
	int ret;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (usbblk_edf_lock(&lun->lock, 0))
		return -EINTR;
	cmd.cdb_len = usbblk_cdb_sync_cache10(cmd.cdb);
	ret = lun_gone(lun) ? -ENODEV : lun_exec_nodata(lun, &cmd, lun_timeout(0));
	usbblk_lun_account(lun, false, 0, 0, ret);
	usbblk_edf_unlock(&lun->lock);
	return ret;
}

static long lun_ioc_info(struct usbblk_lun *lun, void __user *argp)
{
	struct usbblk_udev *udev = lun->msc->udev;
	struct usbblk_info info;

	/*
	 * Without the LUN's lock: nothing here changes after the probe but
	 * the state, read as a snapshot, so a monitoring thread is not
	 * queued behind a long request (the udev and inquiry data live as
	 * long as the LUN's reference the open file holds).
	 */
	memset(&info, 0, sizeof(info));
	if (lun_gone(lun))
		return -ENODEV;
	info.capacity = lun->capacity;
	info.block_size = lun->block_size;
	info.max_sectors = lun->max_sectors;
	info.flags = lun->flags;
	info.dma_alignment = lun_dma_alignment();
	info.lun = lun->lun;
	info.max_lun = lun->msc->max_lun;
	info.speed = udev->info.speed;
	info.depth = udev->info.depth;
	memcpy(info.path, udev->info.path, sizeof(info.path));
	info.hc = udev->hc->id;
	info.vendor_id = udev->info.vendor_id;
	info.product_id = udev->info.product_id;
	info.scsi_type = lun->inq.type;
	strscpy(info.vendor, lun->inq.vendor, sizeof(info.vendor));
	strscpy(info.product, lun->inq.product, sizeof(info.product));
	strscpy(info.revision, lun->inq.revision, sizeof(info.revision));
	strscpy(info.serial, udev->info.serial, sizeof(info.serial));
	info.state = READ_ONCE(lun->msc->state);
	info.recoveries = READ_ONCE(lun->msc->resets);
	info.deadline_floor_us = lun->deadline_floor_us;
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static long lun_ioc_sense(struct usbblk_lun *lun, void __user *argp)
{
	struct usbblk_sense s;

	if (usbblk_edf_lock(&lun->lock, 0))
		return -EINTR;
	s = lun->sense;
	usbblk_edf_unlock(&lun->lock);
	return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
}

static long lun_ioc_register(struct lun_file *lf, void __user *argp)
{
	struct usbblk_buf_reg reg;
	int ret;

	if (copy_from_user(&reg, argp, sizeof(reg)))
		return -EFAULT;
	if (lun_gone(lf->lun))
		return -ENODEV;
	ret = usbblk_regbuf_register(&lf->rb, &reg, lun_dma_alignment());
	if (ret)
		return ret;
	if (copy_to_user(argp, &reg, sizeof(reg))) {
		usbblk_regbuf_unregister(&lf->rb, reg.index);
		return -EFAULT;
	}
	return 0;
}

static long lun_ioc_unregister(struct lun_file *lf, u32 __user *argp)
{
	u32 index;

	if (get_user(index, argp))
		return -EFAULT;
	return usbblk_regbuf_unregister(&lf->rb, index);
}

static long lun_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct lun_file *lf = file->private_data;
	struct usbblk_lun *lun = lf->lun;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case USBBLK_IOC_READ_SECTOR:
		return lun_ioc_rw(lun, file, argp, false);
	case USBBLK_IOC_WRITE_SECTOR:
		return lun_ioc_rw(lun, file, argp, true);
	case USBBLK_IOC_GET_INFO:
		return lun_ioc_info(lun, argp);
	case USBBLK_IOC_SYNC:
		return lun_ioc_sync(lun, file);
	case USBBLK_IOC_GET_SENSE:
		return lun_ioc_sense(lun, argp);
	case USBBLK_IOC_REGISTER_BUF:
		return lun_ioc_register(lf, argp);
	case USBBLK_IOC_UNREGISTER_BUF:
		return lun_ioc_unregister(lf, argp);
	case USBBLK_IOC_ENUMERATE:
		/* the controller object lives as long as the LUN (udev holds it) */
		return usbblk_enum_ioctl(lun->msc->udev->hc, argp);
	default:
		return -ENOTTY;
	}
}

static int lun_open(struct inode *inode, struct file *file)
{
	struct usbblk_lun *lun = container_of(file->private_data, struct usbblk_lun, misc);
	struct lun_file *lf = kzalloc(sizeof(*lf), GFP_KERNEL);

	if (!lf)
		return -ENOMEM;
	kref_get(&lun->ref);
	lf->lun = lun;
	usbblk_regbufs_init(&lf->rb, lun->msc->udev->hc->dev);
	mutex_lock(&lun->files_lock);
	if (lun->files_gone)
		lf->rb.dead = true;
	else
		list_add(&lf->rb.node, &lun->files);
	mutex_unlock(&lun->files_lock);
	file->private_data = lf;
	return 0;
}

static int lun_release_file(struct inode *inode, struct file *file)
{
	struct lun_file *lf = file->private_data;
	struct usbblk_lun *lun = lf->lun;

	mutex_lock(&lun->files_lock);
	list_del_init(&lf->rb.node);
	mutex_unlock(&lun->files_lock);
	usbblk_regbufs_release(&lf->rb);
	kfree(lf);
	lun_put(lun);
	return 0;
}

static const struct file_operations usbblk_lun_fops = {
	.owner		= THIS_MODULE,
	.open		= lun_open,
	.release	= lun_release_file,
	.unlocked_ioctl	= lun_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * usbblk_lun_probe() - bring a LUN up and give it a device node
 * @msc:	its device
 * @lun:	LUN number
 * @timeout_ms:	bound of each command of the probe
 *
 * INQUIRY (direct-access devices only), TEST UNIT READY until ready
 * (bounded), READ CAPACITY (10, and 16 when it says 0xFFFFFFFF), MODE
 * SENSE(6) for write protection; then /dev/usbblkN.
 *
 * Return: the LUN, or an ERR_PTR when it is not a ready direct-access
 * LUN: -ETIMEDOUT when it did not answer, -ENODEV when the device left or
 * the LUN is not a disk, the errno of its sense otherwise.
 */
struct usbblk_lun *usbblk_lun_probe(struct usbblk_msc *msc, u8 lun, unsigned int timeout_ms)
{
	struct device *dev = msc->udev->hc->dev;
	struct usbblk_bot_cmd cmd = { };
	struct usbblk_lun *l;
	u8 data[USBBLK_INQUIRY_LEN];
	u32 got;
	int ret;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return ERR_PTR(-ENOMEM);
	kref_init(&l->ref);
	usbblk_edf_lock_init(&l->lock);
	mutex_init(&l->files_lock);
	INIT_LIST_HEAD(&l->files);
	kref_get(&msc->ref);
	l->msc = msc;
	l->lun = lun;
	l->id = -1;
	l->probe_ms = timeout_ms;
	/* the data path's arrays, once: it allocates nothing per request */
	l->pages = kcalloc(USBBLK_MAX_PAGES, sizeof(*l->pages), GFP_KERNEL);
	l->sgl = kcalloc(USBBLK_MAX_PAGES, sizeof(*l->sgl), GFP_KERNEL);
	l->segs = kcalloc(USBBLK_MAX_PAGES, sizeof(*l->segs), GFP_KERNEL);
	if (!l->pages || !l->sgl || !l->segs) {
		lun_put(l);
		return ERR_PTR(-ENOMEM);
	}
	sg_init_table(l->sgl, USBBLK_MAX_PAGES);
	snprintf(l->name, sizeof(l->name), "lun %u", lun);

	cmd.cdb_len = usbblk_cdb_inquiry(cmd.cdb, sizeof(data));
	ret = lun_exec_buf(l, &cmd, data, sizeof(data), &got);
	if (!ret)
		ret = usbblk_parse_inquiry(data, got, &l->inq);
	if (!ret && (l->inq.qualifier || l->inq.type != TYPE_DISK))
		ret = -ENODEV;
	if (!ret)
		ret = lun_wait_ready(l);
	if (!ret)
		ret = lun_read_capacity(l);
	if (ret) {
		dev_info(dev, "slot %u lun %u: not used: %d\n", msc->udev->slot_id, lun, ret);
		goto err;
	}
	lun_read_wp(l);
	l->deadline_floor_us = lun_deadline_floor(l);
	if (l->inq.removable)
		l->flags |= USBBLK_INFO_REMOVABLE;
	if (dma_addressing_limited(dev)) {
		l->flags |= USBBLK_INFO_BOUNCE;
		dev_warn(dev, "DMA addressing is limited: buffers may be bounced, not zero-copy\n");
	} else {
		l->flags |= USBBLK_INFO_ZERO_COPY;
	}
	l->max_sectors = lun_max_sectors(l, msc->udev->info.speed);

	ret = ida_alloc(&usbblk_lun_ida, GFP_KERNEL);
	if (ret < 0)
		goto err;
	l->id = ret;
	snprintf(l->name, sizeof(l->name), "usbblk%d", l->id);
	l->misc.minor = MISC_DYNAMIC_MINOR;
	l->misc.name = l->name;
	l->misc.fops = &usbblk_lun_fops;
	l->misc.parent = dev;
	l->misc.mode = 0600;
	l->misc.groups = usbblk_lun_groups;
	ret = misc_register(&l->misc);
	if (ret)
		goto err;
	dev_info(dev, "%s: lun %u of slot %u: \"%s %s %s\", %llu blocks of %u bytes%s%s\n",
		 l->name, lun, msc->udev->slot_id, l->inq.vendor, l->inq.product,
		 l->inq.revision, l->capacity, l->block_size,
		 l->flags & USBBLK_INFO_WRITE_PROTECT ? ", write-protected" : "",
		 l->flags & USBBLK_INFO_REMOVABLE ? ", removable" : "");
	return l;
err:
	lun_put(l);
	return ERR_PTR(ret);
}

/**
 * usbblk_lun_remove() - the LUN's device left: remove its node
 * @lun: the LUN
 *
 * Open files stay valid and get -ENODEV; the last one frees the LUN.
 * Their registered buffers are released now (unpinned, unmapped: the
 * controller may go next), after the requests using them ended.
 */
void usbblk_lun_remove(struct usbblk_lun *lun)
{
	struct usbblk_regbufs *rb;

	misc_deregister(&lun->misc);
	/*
	 * Not under lun->lock: a caller holding it may be stuck in a user
	 * page fault, and this runs in the port work.  The data path is
	 * fenced by msc->gone, set under msc->lock right after this.
	 */
	WRITE_ONCE(lun->gone, true);
	mutex_lock(&lun->files_lock);
	lun->files_gone = true;
	list_for_each_entry(rb, &lun->files, node)
		usbblk_regbufs_release(rb);
	mutex_unlock(&lun->files_lock);
	lun_put(lun);
}
