/* SPDX-License-Identifier: GPL-2.0 */
/* The sysfs attributes of a LUN node, /sys/class/misc/usbblkN (lun-sysfs.c) */
#ifndef _USBBLK_LUN_SYSFS_H
#define _USBBLK_LUN_SYSFS_H

#include <linux/sysfs.h>

extern const struct attribute_group *usbblk_lun_groups[];

#endif /* _USBBLK_LUN_SYSFS_H */
