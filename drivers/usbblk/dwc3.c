// SPDX-License-Identifier: GPL-2.0
/*
 * DWC3 core bring-up for "usbblk,dwc3" nodes.
 *
 * On a Synopsys DWC3 core the xHCI registers answer only once the core is
 * clocked, out of reset, its PHYs powered and its port capability
 * direction set to host.  Linux splits that between the dwc3 driver and
 * the SoC glue; usbblk takes the whole node over, so it does it here:
 * check GSNPSID, select host mode (the host block itself is reset by the
 * xHCI HCRST, polled, not by a timed core soft reset) and program the PHY
 * interface registers the node's quirk properties ask for.  The decisions
 * are in dwc3-id.c (hardware-free and unit-tested); this file reads and
 * writes the registers.  of.c powers the clocks, resets and PHYs before
 * and after.
 */
#include <linux/bitfield.h>
#include <linux/property.h>
#include <linux/string.h>

#include "dwc3.h"

static inline u32 usbblk_dwc3_rd(struct usbblk_dwc3 *d, u32 off)
{
	return readl(d->regs + off);
}

static inline void usbblk_dwc3_wr(struct usbblk_dwc3 *d, u32 off, u32 val)
{
	writel(val, d->regs + off);
}

/**
 * usbblk_dwc3_parse() - read a "usbblk,dwc3" node's DWC3 properties
 * @d:		filled in
 * @dev:	the platform device
 * @regs:	its mapped register window
 * @len:	size of the window
 *
 * Return: 0, or -EINVAL if the window is too small for the DWC3 global
 * registers or a property has a value usbblk cannot use.
 */
int usbblk_dwc3_parse(struct usbblk_dwc3 *d, struct device *dev, void __iomem *regs,
		      resource_size_t len)
{
	struct usbblk_dwc3_cfg *cfg = &d->cfg;
	const char *phy_type;
	int ret;

	d->dev = dev;
	d->regs = regs;
	if (len < DWC3_GLOBALS_END) {
		dev_err(dev, "reg is %pa bytes: a DWC3 core needs at least %#x\n",
			&len, DWC3_GLOBALS_END);
		return -EINVAL;
	}

	cfg->dis_u2_susphy = device_property_read_bool(dev, "snps,dis_u2_susphy_quirk");
	cfg->dis_u3_susphy = device_property_read_bool(dev, "snps,dis_u3_susphy_quirk");
	cfg->dis_enblslpm = device_property_read_bool(dev, "snps,dis_enblslpm_quirk");
	cfg->dis_u2_freeclk_exists =
		device_property_read_bool(dev, "snps,dis-u2-freeclk-exists-quirk");
	cfg->dis_del_phy_power_chg =
		device_property_read_bool(dev, "snps,dis-del-phy-power-chg-quirk");
	cfg->dis_tx_ipgap_linecheck =
		device_property_read_bool(dev, "snps,dis-tx-ipgap-linecheck-quirk");
	cfg->has_fladj = !device_property_read_u32(dev, "snps,quirk-frame-length-adjustment",
						   &cfg->fladj);

	cfg->phy_type = USBBLK_DWC3_PHY_UNSET;
	if (!device_property_read_string(dev, "phy_type", &phy_type)) {
		if (!strcmp(phy_type, "utmi")) {
			cfg->phy_type = USBBLK_DWC3_PHY_UTMI;
		} else if (!strcmp(phy_type, "utmi_wide")) {
			cfg->phy_type = USBBLK_DWC3_PHY_UTMI_WIDE;
		} else {
			dev_err(dev, "phy_type \"%s\" is not supported (utmi, utmi_wide)\n",
				phy_type);
			return -EINVAL;
		}
	}

	ret = usbblk_dwc3_cfg_check(cfg);
	if (ret)
		dev_err(dev, "snps,quirk-frame-length-adjustment %#x does not fit GFLADJ\n",
			cfg->fladj);
	return ret;
}

static void usbblk_dwc3_log_id(struct usbblk_dwc3 *d)
{
	u32 rel = d->id.release;

	if (d->id.core == DWC3_CORE_USB3)
		dev_info(d->dev, "DWC_usb3 %x.%02x%c (GSNPSID %#010x)\n",
			 rel >> 12, (rel >> 4) & 0xff,
			 (rel & 0xf) >= 0xa ? 'a' + (rel & 0xf) - 0xa : '?', d->snpsid);
	else
		dev_info(d->dev, "DWC_usb3%x release %#010x (GSNPSID %#010x)\n",
			 d->id.core & 0xff, rel, d->snpsid);
}

/**
 * usbblk_dwc3_core_init() - bring the core up in host mode
 * @d: from usbblk_dwc3_parse(); the core's clocks, resets and PHYs on
 *
 * Checks GSNPSID, clears any soft-reset bit left set, then
 * programs GUSB2PHYCFG(0), GUSB3PIPECTL(0), GUCTL1 and GFLADJ from the
 * quirk properties and sets GCTL.PRTCAPDIR to host.  PHY suspend stays
 * off until usbblk_dwc3_core_started().
 *
 * Return: 0, -ENODEV if GSNPSID is not a DWC3 core's, -EIO if the core
 * does not take host mode.
 */
int usbblk_dwc3_core_init(struct usbblk_dwc3 *d)
{
	struct usbblk_dwc3_regs r;
	u32 snpsid, verid = 0;
	int ret;

	snpsid = usbblk_dwc3_rd(d, DWC3_GSNPSID);
	if (FIELD_GET(DWC3_GSNPSID_CORE, snpsid) != DWC3_CORE_USB3)
		verid = usbblk_dwc3_rd(d, DWC3_GVERSIONID);
	ret = usbblk_dwc3_id_check(snpsid, verid, &d->id);
	if (ret) {
		dev_err(d->dev,
			"GSNPSID %#010x (GVERSIONID %#010x) is not a DWC3 core's: clocks, resets or power domain off, or a wrong reg?\n",
			snpsid, verid);
		return ret;
	}
	d->snpsid = snpsid;
	usbblk_dwc3_log_id(d);

	/*
	 * No GCTL.CORESOFTRESET / PHYSOFTRST pulse with fixed sleeps: the
	 * databook keeps GCTL.CORESOFTRESET for debugging, DCTL.CSFTRST
	 * resets only the device side, and the host block is reset by the
	 * xHCI HCRST that usbblk_xhci_init() issues and polls (USBCMD.HCRST,
	 * USBSTS.CNR).  Linux's dwc3 does the same for host mode since 4.7
	 * ("usb: dwc3: core: improve reset sequence").  The setup below only
	 * makes sure no soft-reset bit is left set.
	 */
	r.gctl = usbblk_dwc3_rd(d, DWC3_GCTL);
	r.gusb2phycfg = usbblk_dwc3_rd(d, DWC3_GUSB2PHYCFG(0));
	r.gusb3pipectl = usbblk_dwc3_rd(d, DWC3_GUSB3PIPECTL(0));
	r.guctl1 = usbblk_dwc3_rd(d, DWC3_GUCTL1);
	r.gfladj = usbblk_dwc3_rd(d, DWC3_GFLADJ);
	usbblk_dwc3_setup(&d->cfg, &d->id, &r);

	usbblk_dwc3_wr(d, DWC3_GUSB2PHYCFG(0), r.gusb2phycfg);
	usbblk_dwc3_wr(d, DWC3_GUSB3PIPECTL(0), r.gusb3pipectl);
	if (usbblk_dwc3_release_at_least(&d->id, 0x250a)) {
		usbblk_dwc3_wr(d, DWC3_GUCTL1, r.guctl1);
		usbblk_dwc3_wr(d, DWC3_GFLADJ, r.gfladj);
	}
	usbblk_dwc3_wr(d, DWC3_GCTL, r.gctl);

	r.gctl = usbblk_dwc3_rd(d, DWC3_GCTL);
	if (usbblk_dwc3_prtcap(r.gctl) != DWC3_PRTCAP_HOST) {
		dev_err(d->dev, "GCTL %#010x: the core did not take host mode\n", r.gctl);
		return -EIO;
	}
	dev_dbg(d->dev, "GCTL %#010x GUSB2PHYCFG %#010x GUSB3PIPECTL %#010x\n",
		r.gctl, r.gusb2phycfg, r.gusb3pipectl);
	return 0;
}

/**
 * usbblk_dwc3_core_started() - the controller runs: allow PHY suspend
 * @d: a core usbblk_dwc3_core_init() brought up
 */
void usbblk_dwc3_core_started(struct usbblk_dwc3 *d)
{
	struct usbblk_dwc3_regs r = {
		.gusb2phycfg = usbblk_dwc3_rd(d, DWC3_GUSB2PHYCFG(0)),
		.gusb3pipectl = usbblk_dwc3_rd(d, DWC3_GUSB3PIPECTL(0)),
	};

	usbblk_dwc3_susphy(&d->cfg, &d->id, &r);
	usbblk_dwc3_wr(d, DWC3_GUSB2PHYCFG(0), r.gusb2phycfg);
	usbblk_dwc3_wr(d, DWC3_GUSB3PIPECTL(0), r.gusb3pipectl);
}

#define USBBLK_DWC3_REG(n) { .name = #n, .offset = DWC3_##n }

/* GVERSIONID last: it exists from DWC_usb31 on and is left out before */
static const struct debugfs_reg32 usbblk_dwc3_dump[] = {
	USBBLK_DWC3_REG(GSNPSID),
	USBBLK_DWC3_REG(GCTL),
	USBBLK_DWC3_REG(GSTS),
	USBBLK_DWC3_REG(GUCTL),
	USBBLK_DWC3_REG(GUCTL1),
	USBBLK_DWC3_REG(GHWPARAMS0),
	USBBLK_DWC3_REG(GHWPARAMS1),
	{ .name = "GUSB2PHYCFG0", .offset = DWC3_GUSB2PHYCFG(0) },
	{ .name = "GUSB3PIPECTL0", .offset = DWC3_GUSB3PIPECTL(0) },
	USBBLK_DWC3_REG(GFLADJ),
	USBBLK_DWC3_REG(GVERSIONID),
};

/**
 * usbblk_dwc3_debugfs_add() - add the "dwc3-regs" register dump
 * @d:		a core usbblk_dwc3_core_init() brought up
 * @dir:	the controller's debugfs directory
 *
 * The file reads the registers: it must be removed (or its directory)
 * before the core's clocks go off.
 */
void usbblk_dwc3_debugfs_add(struct usbblk_dwc3 *d, struct dentry *dir)
{
	if (IS_ERR_OR_NULL(dir))
		return;
	d->regset.regs = usbblk_dwc3_dump;
	d->regset.nregs = ARRAY_SIZE(usbblk_dwc3_dump);
	if (d->id.core == DWC3_CORE_USB3)
		d->regset.nregs--;
	d->regset.base = d->regs;
	debugfs_create_regset32("dwc3-regs", 0400, dir, &d->regset);
}

/**
 * usbblk_dwc3_debugfs_remove() - remove the "dwc3-regs" register dump
 * @d:		the core
 * @dir:	the controller's debugfs directory
 *
 * Waits for readers that are inside the file to leave.
 */
void usbblk_dwc3_debugfs_remove(struct usbblk_dwc3 *d, struct dentry *dir)
{
	if (!IS_ERR_OR_NULL(dir))
		debugfs_lookup_and_remove("dwc3-regs", dir);
}
