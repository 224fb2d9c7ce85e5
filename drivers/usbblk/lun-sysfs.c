// SPDX-License-Identifier: GPL-2.0
/*
 * A LUN in sysfs, on its misc device (/sys/class/misc/usbblkN/).
 *
 * Its identity: what the stick says it is and where it sits, so that udev
 * can name the node (tools/udev/60-usbblk.rules) without opening it.
 * Every attribute is read-only and one value; all are fixed before the
 * node is registered (lun.h), so none takes a lock.  The attributes live
 * as long as the node: misc_deregister() removes them and waits for
 * readers before the LUN can be freed.
 *
 *   vendor, model, rev   INQUIRY vendor, product and revision
 *   serial               the USB serial number string ("" if none)
 *   vendor_id, product_id  idVendor, idProduct (4 hex digits)
 *   lun                  the LUN number
 *   capacity             logical blocks
 *   block_size           bytes a logical block
 *   max_sectors          logical blocks a READ/WRITE command
 *   ro, removable        0 or 1: write-protected, removable medium
 *   controller           the controller's node, usbblk-hcN
 *   port_path            root port, then hub ports: "5" or "5.2"
 *
 * Its statistics, in stats/ (struct usbblk_lun_stats; counters since the
 * LUN came up, read without a lock):
 *
 *   reads, writes        READ/WRITE_SECTOR requests that succeeded
 *   read_bytes, write_bytes  bytes they moved
 *   errors, timeouts     requests that failed; of those, with ETIMEDOUT
 *   resets               Bulk-Only reset recoveries of the device (all
 *                        its LUNs)
 *   latency_us           USBBLK_LAT_BUCKETS counts of READ/WRITE_SECTOR
 *                        times: bucket 0 < 1 us, bucket i in
 *                        [2^(i-1), 2^i) us, the last one everything above
 */
#include <linux/device.h>
#include <linux/log2.h>
#include <linux/sysfs.h>

#include "enum.h"
#include "hc.h"
#include "lun-sysfs.h"
#include "lun.h"
#include "msc.h"

static struct usbblk_lun *dev_to_lun(struct device *dev)
{
	struct miscdevice *misc = dev_get_drvdata(dev);

	return container_of(misc, struct usbblk_lun, misc);
}

/* NAME_show() prints VALUE, an expression of @lun, with FMT */
#define USBBLK_LUN_ATTR(name, fmt, value)					\
static ssize_t name##_show(struct device *dev, struct device_attribute *attr,	\
			   char *buf)						\
{										\
	const struct usbblk_lun *lun = dev_to_lun(dev);				\
										\
	return sysfs_emit(buf, fmt "\n", value);				\
}										\
static DEVICE_ATTR_RO(name)

USBBLK_LUN_ATTR(vendor, "%s", lun->inq.vendor);
USBBLK_LUN_ATTR(model, "%s", lun->inq.product);
USBBLK_LUN_ATTR(rev, "%s", lun->inq.revision);
USBBLK_LUN_ATTR(serial, "%s", lun->msc->udev->info.serial);
USBBLK_LUN_ATTR(vendor_id, "%04x", lun->msc->udev->info.vendor_id);
USBBLK_LUN_ATTR(product_id, "%04x", lun->msc->udev->info.product_id);
USBBLK_LUN_ATTR(lun, "%u", lun->lun);
USBBLK_LUN_ATTR(capacity, "%llu", lun->capacity);
USBBLK_LUN_ATTR(block_size, "%u", lun->block_size);
USBBLK_LUN_ATTR(max_sectors, "%u", lun->max_sectors);
USBBLK_LUN_ATTR(ro, "%d", !!(lun->flags & USBBLK_INFO_WRITE_PROTECT));
USBBLK_LUN_ATTR(removable, "%d", !!(lun->flags & USBBLK_INFO_REMOVABLE));
USBBLK_LUN_ATTR(controller, "usbblk-hc%d", lun->msc->udev->hc->id);

static ssize_t port_path_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	const struct usbblk_device_info *info = &dev_to_lun(dev)->msc->udev->info;
	unsigned int i, depth = min_t(unsigned int, info->depth, USBBLK_MAX_TIERS);
	int n = sysfs_emit(buf, "%u", info->path[0]);

	for (i = 1; i <= depth; i++)
		n += sysfs_emit_at(buf, n, ".%u", info->path[i]);
	return n + sysfs_emit_at(buf, n, "\n");
}
static DEVICE_ATTR_RO(port_path);

static struct attribute *usbblk_lun_attrs[] = {
	&dev_attr_vendor.attr,
	&dev_attr_model.attr,
	&dev_attr_rev.attr,
	&dev_attr_serial.attr,
	&dev_attr_vendor_id.attr,
	&dev_attr_product_id.attr,
	&dev_attr_lun.attr,
	&dev_attr_capacity.attr,
	&dev_attr_block_size.attr,
	&dev_attr_max_sectors.attr,
	&dev_attr_ro.attr,
	&dev_attr_removable.attr,
	&dev_attr_controller.attr,
	&dev_attr_port_path.attr,
	NULL
};

static const struct attribute_group usbblk_lun_group = {
	.attrs = usbblk_lun_attrs,
};

/**
 * usbblk_lun_account() - count one request of a LUN's caller
 * @lun:	the LUN; its lock held
 * @write:	a WRITE_SECTOR (else a READ_SECTOR, or another ioctl with
 *		@bytes 0)
 * @bytes:	bytes moved (0 for requests without data)
 * @ns:		its time, from the LUN's lock taken to the answer; 0 not to
 *		put it in the histogram
 * @ret:	its result: 0 or a negative errno
 */
void usbblk_lun_account(struct usbblk_lun *lun, bool write, u64 bytes, u64 ns, int ret)
{
	struct usbblk_lun_stats *st = &lun->stats;
	u64 us = div_u64(ns, NSEC_PER_USEC);
	unsigned int b = us ? min_t(unsigned int, ilog2(us) + 1, USBBLK_LAT_BUCKETS - 1) : 0;

	lockdep_assert_held(&lun->lock);
	if (ret) {
		WRITE_ONCE(st->errors, st->errors + 1);
		if (ret == -ETIMEDOUT)
			WRITE_ONCE(st->timeouts, st->timeouts + 1);
	} else if (bytes) {
		WRITE_ONCE(st->ios[write], st->ios[write] + 1);
		WRITE_ONCE(st->bytes[write], st->bytes[write] + bytes);
	}
	if (ns)
		WRITE_ONCE(st->lat_hist[b], st->lat_hist[b] + 1);
}

USBBLK_LUN_ATTR(reads, "%llu", READ_ONCE(lun->stats.ios[0]));
USBBLK_LUN_ATTR(writes, "%llu", READ_ONCE(lun->stats.ios[1]));
USBBLK_LUN_ATTR(read_bytes, "%llu", READ_ONCE(lun->stats.bytes[0]));
USBBLK_LUN_ATTR(write_bytes, "%llu", READ_ONCE(lun->stats.bytes[1]));
USBBLK_LUN_ATTR(errors, "%llu", READ_ONCE(lun->stats.errors));
USBBLK_LUN_ATTR(timeouts, "%llu", READ_ONCE(lun->stats.timeouts));
USBBLK_LUN_ATTR(resets, "%u", READ_ONCE(lun->msc->resets));
USBBLK_LUN_ATTR(waiting, "%u", usbblk_edf_waiters(&lun->lock));

static ssize_t latency_us_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	const struct usbblk_lun_stats *st = &dev_to_lun(dev)->stats;
	unsigned int i;
	int n = 0;

	for (i = 0; i < USBBLK_LAT_BUCKETS; i++)
		n += sysfs_emit_at(buf, n, "%s%llu", i ? " " : "", READ_ONCE(st->lat_hist[i]));
	return n + sysfs_emit_at(buf, n, "\n");
}
static DEVICE_ATTR_RO(latency_us);

static struct attribute *usbblk_lun_stats_attrs[] = {
	&dev_attr_reads.attr,
	&dev_attr_writes.attr,
	&dev_attr_read_bytes.attr,
	&dev_attr_write_bytes.attr,
	&dev_attr_errors.attr,
	&dev_attr_timeouts.attr,
	&dev_attr_resets.attr,
	&dev_attr_waiting.attr,
	&dev_attr_latency_us.attr,
	NULL
};

static const struct attribute_group usbblk_lun_stats_group = {
	.name = "stats",
	.attrs = usbblk_lun_stats_attrs,
};

/*
 * The attribute groups of a LUN's misc device: lun.c sets its
 * miscdevice.groups to this before misc_register(), so the attributes
 * exist when udev sees the node's "add" event.
 */
const struct attribute_group *usbblk_lun_groups[] = {
	&usbblk_lun_group,
	&usbblk_lun_stats_group,
	NULL
};
