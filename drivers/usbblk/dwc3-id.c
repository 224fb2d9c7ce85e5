// SPDX-License-Identifier: GPL-2.0
/*
 * DWC3 core identification and register value decisions.
 *
 * Pure functions over register values and device tree flags: nothing
 * here touches hardware, so the same file builds into the module (used by
 * dwc3.c) and into the host unit tests (selftests/unit/dwc3_test.c).
 */
#include <linux/bitfield.h>
#include <linux/errno.h>

#include "dwc3-id.h"

/**
 * usbblk_dwc3_id_check() - is this a DWC3 core usbblk knows?
 * @gsnpsid:	GSNPSID as read
 * @gversionid:	GVERSIONID as read (only looked at for DWC_usb31/32)
 * @id:		filled in on success
 *
 * DWC_usb3 carries core ID 0x5533 ("U3") and its release in GSNPSID;
 * DWC_usb31 (0x3331) and DWC_usb32 (0x3332) carry the release in
 * GVERSIONID.  A core that is not clocked, not powered or still in reset
 * typically reads as all zeroes or all ones: both are rejected.
 *
 * Return: 0, or -ENODEV if the ID is not a DWC3 core's.
 */
int usbblk_dwc3_id_check(u32 gsnpsid, u32 gversionid, struct usbblk_dwc3_id *id)
{
	u16 core = FIELD_GET(DWC3_GSNPSID_CORE, gsnpsid);

	switch (core) {
	case DWC3_CORE_USB3:
		id->core = core;
		id->release = FIELD_GET(DWC3_GSNPSID_RELEASE, gsnpsid);
		return 0;
	case DWC3_CORE_USB31:
	case DWC3_CORE_USB32:
		if (!gversionid || gversionid == ~0U)
			return -ENODEV;
		id->core = core;
		id->release = gversionid;
		return 0;
	default:
		return -ENODEV;
	}
}

/**
 * usbblk_dwc3_release_at_least() - is the core at least a DWC_usb3 release?
 * @id:			from usbblk_dwc3_id_check()
 * @usb3_release:	a DWC_usb3 release, e.g. 0x250a for 2.50a
 *
 * Every DWC_usb31 and DWC_usb32 core counts as newer than any DWC_usb3.
 *
 * Return: true if the core is that release or newer.
 */
bool usbblk_dwc3_release_at_least(const struct usbblk_dwc3_id *id, u32 usb3_release)
{
	if (id->core != DWC3_CORE_USB3)
		return true;
	return id->release >= usb3_release;
}

/**
 * usbblk_dwc3_cfg_check() - are the device tree values usable?
 * @cfg: what the node says
 *
 * Return: 0, or -EINVAL if snps,quirk-frame-length-adjustment does not fit
 * GFLADJ_30MHZ (6 bits).
 */
int usbblk_dwc3_cfg_check(const struct usbblk_dwc3_cfg *cfg)
{
	/* the field starts at bit 0: its mask is its largest value */
	if (cfg->has_fladj && cfg->fladj > DWC3_GFLADJ_30MHZ)
		return -EINVAL;
	return 0;
}

/**
 * usbblk_dwc3_setup() - the global register values for host mode
 * @cfg:	what the node says (checked with usbblk_dwc3_cfg_check())
 * @id:		the core
 * @r:		in: the registers as read after the core soft reset;
 *		out: the values to write
 *
 * GCTL: out of reset, port capability direction host, no scale-down or
 * scrambling overrides (simulation-only settings).  GUSB2PHYCFG and
 * GUSB3PIPECTL: PHY soft resets released and PHY suspend off while the
 * controller is brought up (usbblk_dwc3_susphy() allows it afterwards),
 * the quirks applied.  GUCTL1 and GFLADJ exist from DWC_usb3 2.50a on.
 */
void usbblk_dwc3_setup(const struct usbblk_dwc3_cfg *cfg, const struct usbblk_dwc3_id *id,
		       struct usbblk_dwc3_regs *r)
{
	bool gen250 = usbblk_dwc3_release_at_least(id, 0x250a);

	r->gctl &= ~(DWC3_GCTL_CORESOFTRESET | DWC3_GCTL_SCALEDOWN |
		     DWC3_GCTL_DISSCRAMBLE | DWC3_GCTL_PRTCAPDIR);
	r->gctl |= FIELD_PREP(DWC3_GCTL_PRTCAPDIR, DWC3_PRTCAP_HOST);

	r->gusb2phycfg &= ~(DWC3_GUSB2PHYCFG_PHYSOFTRST | DWC3_GUSB2PHYCFG_SUSPHY);
	if (cfg->dis_enblslpm)
		r->gusb2phycfg &= ~DWC3_GUSB2PHYCFG_ENBLSLPM;
	else
		r->gusb2phycfg |= DWC3_GUSB2PHYCFG_ENBLSLPM;
	if (cfg->dis_u2_freeclk_exists)
		r->gusb2phycfg &= ~DWC3_GUSB2PHYCFG_U2_FREECLK_EXISTS;
	if (cfg->phy_type != USBBLK_DWC3_PHY_UNSET) {
		bool wide = cfg->phy_type == USBBLK_DWC3_PHY_UTMI_WIDE;

		r->gusb2phycfg &= ~(DWC3_GUSB2PHYCFG_PHYIF | DWC3_GUSB2PHYCFG_USBTRDTIM);
		r->gusb2phycfg |= FIELD_PREP(DWC3_GUSB2PHYCFG_PHYIF, wide) |
				  FIELD_PREP(DWC3_GUSB2PHYCFG_USBTRDTIM,
					     wide ? DWC3_USBTRDTIM_UTMI_16 :
						    DWC3_USBTRDTIM_UTMI_8);
	}

	r->gusb3pipectl &= ~(DWC3_GUSB3PIPECTL_PHYSOFTRST | DWC3_GUSB3PIPECTL_SUSPHY);
	if (cfg->dis_del_phy_power_chg)
		r->gusb3pipectl &= ~DWC3_GUSB3PIPECTL_DEPOCHANGE;

	if (gen250 && cfg->dis_tx_ipgap_linecheck)
		r->guctl1 |= DWC3_GUCTL1_TX_IPGAP_LINECHECK_DIS;

	if (gen250 && cfg->has_fladj &&
	    FIELD_GET(DWC3_GFLADJ_30MHZ, r->gfladj) != cfg->fladj) {
		r->gfladj &= ~DWC3_GFLADJ_30MHZ;
		r->gfladj |= DWC3_GFLADJ_30MHZ_SDBND_SEL |
			     FIELD_PREP(DWC3_GFLADJ_30MHZ, cfg->fladj);
	}
}

/**
 * usbblk_dwc3_susphy() - allow PHY suspend once the controller runs
 * @cfg:	what the node says
 * @id:		the core
 * @r:		in/out: GUSB2PHYCFG and GUSB3PIPECTL
 *
 * The PHYs must stay out of suspend while the core and the controller
 * are initialised; afterwards SUSPHY is set, except where a
 * snps,dis_u{2,3}_susphy_quirk forbids it, and not on DWC_usb3 1.94a or
 * older, whose configuration expects it clear.
 */
void usbblk_dwc3_susphy(const struct usbblk_dwc3_cfg *cfg, const struct usbblk_dwc3_id *id,
			struct usbblk_dwc3_regs *r)
{
	/* 0x194b: anything after 1.94a */
	if (!usbblk_dwc3_release_at_least(id, 0x194b))
		return;
	if (!cfg->dis_u2_susphy)
		r->gusb2phycfg |= DWC3_GUSB2PHYCFG_SUSPHY;
	if (!cfg->dis_u3_susphy)
		r->gusb3pipectl |= DWC3_GUSB3PIPECTL_SUSPHY;
}

/**
 * usbblk_dwc3_prtcap() - the port capability direction GCTL selects
 * @gctl: GCTL
 *
 * Return: DWC3_PRTCAP_HOST, DWC3_PRTCAP_DEVICE, DWC3_PRTCAP_OTG (or 0).
 */
unsigned int usbblk_dwc3_prtcap(u32 gctl)
{
	return FIELD_GET(DWC3_GCTL_PRTCAPDIR, gctl);
}
