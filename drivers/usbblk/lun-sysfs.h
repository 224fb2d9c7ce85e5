/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sysfs attributes of a LUN node, /sys/class/misc/usbblkN: its identity
 * and its statistics (lun-sysfs.c)
 */
#ifndef _USBBLK_LUN_SYSFS_H
#define _USBBLK_LUN_SYSFS_H

#include <linux/sysfs.h>
#include <linux/types.h>

struct usbblk_lun;

extern const struct attribute_group *usbblk_lun_groups[];

void usbblk_lun_account(struct usbblk_lun *lun, bool write, u64 bytes, u64 ns, int ret);

#endif /* _USBBLK_LUN_SYSFS_H */
