// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for drivers/usbblk/dwc3-id.c: the GSNPSID check and the
 * register values the DWC3 quirk properties lead to.
 */
#include <errno.h>
#include <string.h>

#include "dwc3-id.h"
#include "kselftest_harness.h"

/* QEMU's versal DWC3 model (hw/usb/hcd-dwc3.c) after reset */
#define QEMU_GSNPSID	0x5533330a
#define QEMU_GCTL	0x30c13004	/* PRTCAPDIR = OTG */
#define QEMU_GUSB2	0x40102410
#define QEMU_GUCTL1	0x0000198a
#define QEMU_GFLADJ	0x0c83f020

static const struct usbblk_dwc3_id usb3_330a = { DWC3_CORE_USB3, 0x330a };

/* The quirks of the RK3588 board DTBs' USB3 DRD0 node (rk3588-rock-5b.dtb) */
static const struct usbblk_dwc3_cfg rk3588 = {
	.dis_enblslpm = true,
	.dis_u2_freeclk_exists = true,
	.dis_del_phy_power_chg = true,
	.dis_tx_ipgap_linecheck = true,
	.phy_type = USBBLK_DWC3_PHY_UTMI_WIDE,
};

TEST(id_dwc_usb3)
{
	struct usbblk_dwc3_id id;

	ASSERT_EQ(0, usbblk_dwc3_id_check(QEMU_GSNPSID, 0, &id));
	EXPECT_EQ(DWC3_CORE_USB3, id.core);
	EXPECT_EQ(0x330a, id.release);
	/* GVERSIONID is not looked at for DWC_usb3 */
	ASSERT_EQ(0, usbblk_dwc3_id_check(0x5533280a, 0xdeadbeef, &id));
	EXPECT_EQ(0x280a, id.release);
}

TEST(id_dwc_usb31_usb32)
{
	struct usbblk_dwc3_id id;

	ASSERT_EQ(0, usbblk_dwc3_id_check(0x33310000, 0x3139302a, &id));
	EXPECT_EQ(DWC3_CORE_USB31, id.core);
	EXPECT_EQ(0x3139302a, id.release);
	ASSERT_EQ(0, usbblk_dwc3_id_check(0x33320000, 0x3130302a, &id));
	EXPECT_EQ(DWC3_CORE_USB32, id.core);
	/* no release readable */
	EXPECT_EQ(-ENODEV, usbblk_dwc3_id_check(0x33310000, 0, &id));
	EXPECT_EQ(-ENODEV, usbblk_dwc3_id_check(0x33320000, 0xffffffff, &id));
}

TEST(id_wrong_rejected)
{
	struct usbblk_dwc3_id id = { 0x1234, 0x5678 };

	/* unclocked / powered down / no core there */
	EXPECT_EQ(-ENODEV, usbblk_dwc3_id_check(0, 0, &id));
	EXPECT_EQ(-ENODEV, usbblk_dwc3_id_check(0xffffffff, 0xffffffff, &id));
	/* the xHCI CAPLENGTH/HCIVERSION word, i.e. reg pointing at plain xHCI */
	EXPECT_EQ(-ENODEV, usbblk_dwc3_id_check(0x01000040, 0, &id));
	/* DWC2 ("OT2") and near misses */
	EXPECT_EQ(-ENODEV, usbblk_dwc3_id_check(0x4f54330a, 0, &id));
	EXPECT_EQ(-ENODEV, usbblk_dwc3_id_check(0x5534330a, 0, &id));
	EXPECT_EQ(-ENODEV, usbblk_dwc3_id_check(0x3333330a, 0x3139302a, &id));
	/* untouched on failure */
	EXPECT_EQ(0x1234, id.core);
	EXPECT_EQ(0x5678, id.release);
}

TEST(release_compare)
{
	struct usbblk_dwc3_id old = { DWC3_CORE_USB3, 0x194a };
	struct usbblk_dwc3_id u31 = { DWC3_CORE_USB31, 0x3130302a };

	EXPECT_TRUE(usbblk_dwc3_release_at_least(&usb3_330a, 0x250a));
	EXPECT_TRUE(usbblk_dwc3_release_at_least(&usb3_330a, 0x330a));
	EXPECT_FALSE(usbblk_dwc3_release_at_least(&usb3_330a, 0x330b));
	EXPECT_FALSE(usbblk_dwc3_release_at_least(&old, 0x250a));
	EXPECT_TRUE(usbblk_dwc3_release_at_least(&u31, 0x330a));
}

TEST(setup_qemu_no_quirks)
{
	struct usbblk_dwc3_cfg cfg = { 0 };
	struct usbblk_dwc3_regs r = {
		.gctl = QEMU_GCTL | DWC3_GCTL_CORESOFTRESET | DWC3_GCTL_SCALEDOWN,
		.gusb2phycfg = QEMU_GUSB2 | DWC3_GUSB2PHYCFG_PHYSOFTRST | DWC3_GUSB2PHYCFG_SUSPHY,
		.gusb3pipectl = DWC3_GUSB3PIPECTL_PHYSOFTRST | DWC3_GUSB3PIPECTL_SUSPHY |
				DWC3_GUSB3PIPECTL_DEPOCHANGE,
		.guctl1 = QEMU_GUCTL1,
		.gfladj = QEMU_GFLADJ,
	};

	usbblk_dwc3_setup(&cfg, &usb3_330a, &r);
	/* host, out of reset, the rest of GCTL kept */
	EXPECT_EQ(DWC3_PRTCAP_HOST, usbblk_dwc3_prtcap(r.gctl));
	EXPECT_EQ(0x30c11004, r.gctl);
	/* PHY resets released, no PHY suspend yet, LPM sleep allowed */
	EXPECT_EQ((QEMU_GUSB2 | DWC3_GUSB2PHYCFG_ENBLSLPM), r.gusb2phycfg);
	EXPECT_EQ(DWC3_GUSB3PIPECTL_DEPOCHANGE, r.gusb3pipectl);
	EXPECT_EQ(QEMU_GUCTL1, r.guctl1);
	EXPECT_EQ(QEMU_GFLADJ, r.gfladj);

	usbblk_dwc3_susphy(&cfg, &usb3_330a, &r);
	EXPECT_TRUE(r.gusb2phycfg & DWC3_GUSB2PHYCFG_SUSPHY);
	EXPECT_TRUE(r.gusb3pipectl & DWC3_GUSB3PIPECTL_SUSPHY);
}

TEST(setup_rk3588_quirks)
{
	struct usbblk_dwc3_regs r = {
		.gctl = QEMU_GCTL,
		.gusb2phycfg = 0xffffffff,
		.gusb3pipectl = 0xffffffff,
		.guctl1 = 0,
		.gfladj = QEMU_GFLADJ,
	};

	ASSERT_EQ(0, usbblk_dwc3_cfg_check(&rk3588));
	usbblk_dwc3_setup(&rk3588, &usb3_330a, &r);
	EXPECT_EQ(0, r.gusb2phycfg & (DWC3_GUSB2PHYCFG_PHYSOFTRST | DWC3_GUSB2PHYCFG_SUSPHY |
				      DWC3_GUSB2PHYCFG_ENBLSLPM |
				      DWC3_GUSB2PHYCFG_U2_FREECLK_EXISTS));
	/* utmi_wide: 16-bit interface, turnaround time 5 */
	EXPECT_TRUE(r.gusb2phycfg & DWC3_GUSB2PHYCFG_PHYIF);
	EXPECT_EQ(5, (r.gusb2phycfg & DWC3_GUSB2PHYCFG_USBTRDTIM) >> 10);
	EXPECT_EQ(0, r.gusb3pipectl & (DWC3_GUSB3PIPECTL_PHYSOFTRST | DWC3_GUSB3PIPECTL_SUSPHY |
				       DWC3_GUSB3PIPECTL_DEPOCHANGE));
	EXPECT_EQ(DWC3_GUCTL1_TX_IPGAP_LINECHECK_DIS, r.guctl1);
	EXPECT_EQ(QEMU_GFLADJ, r.gfladj);	/* no frame length quirk */

	usbblk_dwc3_susphy(&rk3588, &usb3_330a, &r);
	EXPECT_TRUE(r.gusb2phycfg & DWC3_GUSB2PHYCFG_SUSPHY);
	EXPECT_TRUE(r.gusb3pipectl & DWC3_GUSB3PIPECTL_SUSPHY);
}

TEST(phy_type_utmi_8bit)
{
	struct usbblk_dwc3_cfg cfg = { .phy_type = USBBLK_DWC3_PHY_UTMI };
	struct usbblk_dwc3_regs r = { .gusb2phycfg = DWC3_GUSB2PHYCFG_PHYIF |
						    DWC3_GUSB2PHYCFG_USBTRDTIM };

	usbblk_dwc3_setup(&cfg, &usb3_330a, &r);
	EXPECT_FALSE(r.gusb2phycfg & DWC3_GUSB2PHYCFG_PHYIF);
	EXPECT_EQ(9, (r.gusb2phycfg & DWC3_GUSB2PHYCFG_USBTRDTIM) >> 10);
}

TEST(susphy_quirks)
{
	struct usbblk_dwc3_cfg cfg = { .dis_u2_susphy = true, .dis_u3_susphy = true };
	struct usbblk_dwc3_id old = { DWC3_CORE_USB3, 0x194a };
	struct usbblk_dwc3_cfg none = { 0 };
	struct usbblk_dwc3_regs r = { 0 };

	usbblk_dwc3_susphy(&cfg, &usb3_330a, &r);
	EXPECT_EQ(0, r.gusb2phycfg);
	EXPECT_EQ(0, r.gusb3pipectl);
	cfg.dis_u3_susphy = false;
	usbblk_dwc3_susphy(&cfg, &usb3_330a, &r);
	EXPECT_EQ(0, r.gusb2phycfg);
	EXPECT_EQ(DWC3_GUSB3PIPECTL_SUSPHY, r.gusb3pipectl);
	/* 1.94a and older: left clear */
	memset(&r, 0, sizeof(r));
	usbblk_dwc3_susphy(&none, &old, &r);
	EXPECT_EQ(0, r.gusb2phycfg | r.gusb3pipectl);
}

TEST(tx_ipgap_and_fladj_need_250a)
{
	struct usbblk_dwc3_cfg cfg = { .dis_tx_ipgap_linecheck = true, .has_fladj = true,
				       .fladj = 0x21 };
	struct usbblk_dwc3_id old = { DWC3_CORE_USB3, 0x240a };
	struct usbblk_dwc3_regs r = { .gfladj = QEMU_GFLADJ };

	usbblk_dwc3_setup(&cfg, &old, &r);
	EXPECT_EQ(0, r.guctl1);
	EXPECT_EQ(QEMU_GFLADJ, r.gfladj);

	usbblk_dwc3_setup(&cfg, &usb3_330a, &r);
	EXPECT_EQ(DWC3_GUCTL1_TX_IPGAP_LINECHECK_DIS, r.guctl1);
	/* 30 MHz field replaced, SDBND_SEL set, the rest kept */
	EXPECT_EQ((QEMU_GFLADJ & ~0x3f) | DWC3_GFLADJ_30MHZ_SDBND_SEL | 0x21, r.gfladj);
}

TEST(fladj_unchanged_when_equal)
{
	struct usbblk_dwc3_cfg cfg = { .has_fladj = true, .fladj = QEMU_GFLADJ & 0x3f };
	struct usbblk_dwc3_regs r = { .gfladj = QEMU_GFLADJ & ~DWC3_GFLADJ_30MHZ_SDBND_SEL };

	usbblk_dwc3_setup(&cfg, &usb3_330a, &r);
	EXPECT_EQ(QEMU_GFLADJ & ~DWC3_GFLADJ_30MHZ_SDBND_SEL, r.gfladj);
}

TEST(cfg_check_fladj_range)
{
	struct usbblk_dwc3_cfg cfg = { .has_fladj = true, .fladj = 0x3f };

	EXPECT_EQ(0, usbblk_dwc3_cfg_check(&cfg));
	cfg.fladj = 0x40;
	EXPECT_EQ(-EINVAL, usbblk_dwc3_cfg_check(&cfg));
	cfg.has_fladj = false;
	EXPECT_EQ(0, usbblk_dwc3_cfg_check(&cfg));
}

TEST(prtcap_decode)
{
	EXPECT_EQ(DWC3_PRTCAP_OTG, usbblk_dwc3_prtcap(QEMU_GCTL));
	EXPECT_EQ(DWC3_PRTCAP_HOST, usbblk_dwc3_prtcap(0x30c11004));
	EXPECT_EQ(DWC3_PRTCAP_DEVICE, usbblk_dwc3_prtcap(0x2000));
}

TEST_HARNESS_MAIN
