/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synopsys DWC3 core: global register layout, the GSNPSID check and the
 * register values the quirk properties ask for.  Hardware-free, so it also
 * compiles in user space for the unit tests (selftests/unit/dwc3_test.c).
 *
 * Offsets are from the start of the core's register window: the xHCI
 * registers sit at 0, the DWC3 global registers at 0xc100.
 */
#ifndef _USBBLK_DWC3_ID_H
#define _USBBLK_DWC3_ID_H

#include <linux/bits.h>
#include <linux/types.h>

#define DWC3_GLOBALS_START	0xc100
#define DWC3_GLOBALS_END	0xc700	/* the window must reach this far */

#define DWC3_GCTL		0xc110
#define DWC3_GSTS		0xc118
#define DWC3_GUCTL1		0xc11c
#define DWC3_GSNPSID		0xc120
#define DWC3_GUCTL		0xc12c
#define DWC3_GHWPARAMS0		0xc140
#define DWC3_GHWPARAMS1		0xc144
#define DWC3_GVERSIONID		0xc1a0	/* DWC_usb31 and later: the release */
#define DWC3_GUSB2PHYCFG(n)	(0xc200 + 4 * (n))
#define DWC3_GUSB3PIPECTL(n)	(0xc2c0 + 4 * (n))
#define DWC3_GFLADJ		0xc630

/* GSNPSID: the core in bits 31:16, for DWC_usb3 the release in 15:0 */
#define DWC3_GSNPSID_CORE	GENMASK(31, 16)
#define DWC3_GSNPSID_RELEASE	GENMASK(15, 0)
#define DWC3_CORE_USB3		0x5533	/* "U3": DWC_usb3 */
#define DWC3_CORE_USB31		0x3331	/* "31": DWC_usb31, release in GVERSIONID */
#define DWC3_CORE_USB32		0x3332	/* "32": DWC_usb32, release in GVERSIONID */

/* GCTL */
#define DWC3_GCTL_PRTCAPDIR	GENMASK(13, 12)
#define DWC3_GCTL_CORESOFTRESET	BIT(11)
#define DWC3_GCTL_SCALEDOWN	GENMASK(5, 4)
#define DWC3_GCTL_DISSCRAMBLE	BIT(3)
#define DWC3_PRTCAP_HOST	1
#define DWC3_PRTCAP_DEVICE	2
#define DWC3_PRTCAP_OTG		3

/* GUCTL1 */
#define DWC3_GUCTL1_TX_IPGAP_LINECHECK_DIS	BIT(28)

/* GUSB2PHYCFG(n) */
#define DWC3_GUSB2PHYCFG_PHYSOFTRST	BIT(31)
#define DWC3_GUSB2PHYCFG_U2_FREECLK_EXISTS BIT(30)
#define DWC3_GUSB2PHYCFG_USBTRDTIM	GENMASK(13, 10)
#define DWC3_GUSB2PHYCFG_ENBLSLPM	BIT(8)
#define DWC3_GUSB2PHYCFG_SUSPHY		BIT(6)
#define DWC3_GUSB2PHYCFG_PHYIF		BIT(3)	/* 1: 16-bit UTMI+ bus */
#define DWC3_USBTRDTIM_UTMI_8		9
#define DWC3_USBTRDTIM_UTMI_16		5

/* GUSB3PIPECTL(n) */
#define DWC3_GUSB3PIPECTL_PHYSOFTRST	BIT(31)
#define DWC3_GUSB3PIPECTL_DEPOCHANGE	BIT(18)	/* delay P0 -> P1/P2/P3 change */
#define DWC3_GUSB3PIPECTL_SUSPHY	BIT(17)

/* GFLADJ */
#define DWC3_GFLADJ_30MHZ_SDBND_SEL	BIT(7)
#define DWC3_GFLADJ_30MHZ		GENMASK(5, 0)

/**
 * struct usbblk_dwc3_id - which DWC3 core this is
 * @core:	DWC3_CORE_USB3, DWC3_CORE_USB31 or DWC3_CORE_USB32
 * @release:	DWC_usb3: GSNPSID[15:0], e.g. 0x330a for 3.30a;
 *		DWC_usb31/32: GVERSIONID, ASCII, e.g. 0x3139302a for 1.90a
 */
struct usbblk_dwc3_id {
	u16 core;
	u32 release;
};

/* UTMI+ data bus width of the USB 2.0 PHY, from the phy_type property */
enum usbblk_dwc3_phy_type {
	USBBLK_DWC3_PHY_UNSET,		/* no phy_type: leave PHYIF/USBTRDTIM */
	USBBLK_DWC3_PHY_UTMI,		/* "utmi": 8 bits */
	USBBLK_DWC3_PHY_UTMI_WIDE,	/* "utmi_wide": 16 bits */
};

/**
 * struct usbblk_dwc3_cfg - what the device tree node asks for
 * @dis_u2_susphy:	snps,dis_u2_susphy_quirk
 * @dis_u3_susphy:	snps,dis_u3_susphy_quirk
 * @dis_enblslpm:	snps,dis_enblslpm_quirk
 * @dis_u2_freeclk_exists: snps,dis-u2-freeclk-exists-quirk
 * @dis_del_phy_power_chg: snps,dis-del-phy-power-chg-quirk
 * @dis_tx_ipgap_linecheck: snps,dis-tx-ipgap-linecheck-quirk
 * @phy_type:		phy_type
 * @has_fladj:		snps,quirk-frame-length-adjustment is present
 * @fladj:		its value (GFLADJ_30MHZ, 0..0x3f)
 */
struct usbblk_dwc3_cfg {
	bool dis_u2_susphy;
	bool dis_u3_susphy;
	bool dis_enblslpm;
	bool dis_u2_freeclk_exists;
	bool dis_del_phy_power_chg;
	bool dis_tx_ipgap_linecheck;
	enum usbblk_dwc3_phy_type phy_type;
	bool has_fladj;
	u32 fladj;
};

/**
 * struct usbblk_dwc3_regs - the global registers usbblk programs
 * @gctl:		GCTL
 * @gusb2phycfg:	GUSB2PHYCFG(0)
 * @gusb3pipectl:	GUSB3PIPECTL(0)
 * @guctl1:		GUCTL1
 * @gfladj:		GFLADJ
 */
struct usbblk_dwc3_regs {
	u32 gctl;
	u32 gusb2phycfg;
	u32 gusb3pipectl;
	u32 guctl1;
	u32 gfladj;
};

int usbblk_dwc3_id_check(u32 gsnpsid, u32 gversionid, struct usbblk_dwc3_id *id);
bool usbblk_dwc3_release_at_least(const struct usbblk_dwc3_id *id, u32 usb3_release);
int usbblk_dwc3_cfg_check(const struct usbblk_dwc3_cfg *cfg);
void usbblk_dwc3_setup(const struct usbblk_dwc3_cfg *cfg, const struct usbblk_dwc3_id *id,
		       struct usbblk_dwc3_regs *r);
void usbblk_dwc3_susphy(const struct usbblk_dwc3_cfg *cfg, const struct usbblk_dwc3_id *id,
			struct usbblk_dwc3_regs *r);
unsigned int usbblk_dwc3_prtcap(u32 gctl);

#endif /* _USBBLK_DWC3_ID_H */
