/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DWC3 core bring-up for "usbblk,dwc3" nodes: the kernel side of
 * dwc3-id.c.  of.c calls it between powering the core's clocks, resets
 * and PHYs and the xHCI bring-up.
 */
#ifndef _USBBLK_DWC3_H
#define _USBBLK_DWC3_H

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/io.h>

#include "dwc3-id.h"

/**
 * struct usbblk_dwc3 - one DWC3 core
 * @dev:	its platform device
 * @regs:	its register window (xHCI at 0, globals at 0xc100)
 * @cfg:	the quirk properties of its node
 * @id:		core and release, from GSNPSID (and GVERSIONID)
 * @snpsid:	GSNPSID as read
 * @regset:	the "dwc3-regs" debugfs dump
 */
struct usbblk_dwc3 {
	struct device *dev;
	void __iomem *regs;
	struct usbblk_dwc3_cfg cfg;
	struct usbblk_dwc3_id id;
	u32 snpsid;
	struct debugfs_regset32 regset;
};

int usbblk_dwc3_parse(struct usbblk_dwc3 *d, struct device *dev, void __iomem *regs,
		      resource_size_t len);
int usbblk_dwc3_core_init(struct usbblk_dwc3 *d);
void usbblk_dwc3_core_started(struct usbblk_dwc3 *d);
void usbblk_dwc3_debugfs_add(struct usbblk_dwc3 *d, struct dentry *dir);
void usbblk_dwc3_debugfs_remove(struct usbblk_dwc3 *d, struct dentry *dir);

#endif /* _USBBLK_DWC3_H */
