// SPDX-License-Identifier: GPL-2.0
/*
 * Device-tree glue: the platform driver for "usbblk,dwc3" (a Synopsys DWC3
 * core in xHCI host mode: xHCI registers at the start of its window, the
 * DWC3 global registers at 0xc100) and "usbblk,xhci" (a plain xHCI
 * controller).
 *
 * Probe, in this order, each step optional where the binding says so:
 *   clocks (all of the node's)        devm_clk_bulk_get_all, enable
 *   resets (all of the node's)        deassert
 *   PHYs "usb2-phy", "usb3-phy"       those in phy-names: phy_init,
 *                                     phy_power_on
 *   the DWC3 core (usbblk,dwc3 only)  dwc3.c: GSNPSID, soft reset, host
 *                                     mode, PHY interface quirks
 *   the xHCI controller               core.c: usbblk_hc_probe()
 *   the DWC3 core again               PHY suspend allowed, debugfs dump
 * Remove and every error path undo it in reverse.  The resources are
 * looked up with devm_*() (released after remove), but switched on and
 * off here, so that the controller is stopped before its PHYs and clocks
 * go off.
 *
 * System suspend is refused (-EBUSY): nothing here saves or restores the
 * controller, whose state a suspend may lose.
 */
#include <linux/clk.h>
#include <linux/mod_devicetable.h>
#include <linux/of.h>
#include <linux/of_device.h>
#include <linux/phy/phy.h>
#include <linux/platform_device.h>
#include <linux/pm.h>
#include <linux/property.h>
#include <linux/reset.h>
#include <linux/slab.h>

#include "hc.h"
#include "dwc3.h"

/**
 * struct usbblk_of - one controller bound through device tree
 * @dev:	the platform device
 * @hc:		the xHCI controller object (set once probed)
 * @clks:	all of the node's clocks
 * @num_clks:	how many
 * @resets:	all of the node's resets, NULL if none
 * @usb2_phy:	"usb2-phy", NULL if none
 * @usb3_phy:	"usb3-phy", NULL if none
 * @is_dwc3:	a "usbblk,dwc3" node
 * @dwc3:	its DWC3 core
 */
struct usbblk_of {
	struct device *dev;
	struct usbblk_hc *hc;
	struct clk_bulk_data *clks;
	int num_clks;
	struct reset_control *resets;
	struct phy *usb2_phy;
	struct phy *usb3_phy;
	bool is_dwc3;
	struct usbblk_dwc3 dwc3;
};

/*
 * A PHY is optional: a node without it in phy-names has none.  But one
 * that is named must be there: devm_phy_optional_get() would also return
 * NULL for a PHY whose node is disabled, and the controller would then
 * come up with its PHY off and see nothing.
 */
static struct phy *usbblk_of_phy(struct device *dev, const char *name)
{
	struct phy *phy;

	if (device_property_match_string(dev, "phy-names", name) < 0)
		return NULL;
	phy = devm_phy_get(dev, name);
	if (IS_ERR(phy))
		return ERR_PTR(dev_err_probe(dev, PTR_ERR(phy),
					     "%s is in phy-names but not available (its node disabled, or no driver?)\n",
					     name));
	return phy;
}

static int usbblk_of_get_resources(struct usbblk_of *of)
{
	struct device *dev = of->dev;

	of->num_clks = devm_clk_bulk_get_all(dev, &of->clks);
	if (of->num_clks < 0)
		return dev_err_probe(dev, of->num_clks, "cannot get clocks\n");
	of->resets = devm_reset_control_array_get_optional_exclusive(dev);
	if (IS_ERR(of->resets))
		return dev_err_probe(dev, PTR_ERR(of->resets), "cannot get resets\n");
	of->usb2_phy = usbblk_of_phy(dev, "usb2-phy");
	if (IS_ERR(of->usb2_phy))
		return PTR_ERR(of->usb2_phy);
	of->usb3_phy = usbblk_of_phy(dev, "usb3-phy");
	if (IS_ERR(of->usb3_phy))
		return PTR_ERR(of->usb3_phy);
	return 0;
}

/* Clocks on, resets released, PHYs initialised and powered; or nothing. */
static int usbblk_of_power_on(struct usbblk_of *of)
{
	struct device *dev = of->dev;
	int ret;

	ret = clk_bulk_prepare_enable(of->num_clks, of->clks);
	if (ret) {
		dev_err(dev, "cannot enable clocks: %d\n", ret);
		return ret;
	}
	ret = reset_control_deassert(of->resets);
	if (ret) {
		dev_err(dev, "cannot deassert resets: %d\n", ret);
		goto err_clk;
	}
	ret = phy_init(of->usb2_phy);
	if (ret) {
		dev_err(dev, "usb2-phy init: %d\n", ret);
		goto err_reset;
	}
	ret = phy_init(of->usb3_phy);
	if (ret) {
		dev_err(dev, "usb3-phy init: %d\n", ret);
		goto err_exit2;
	}
	ret = phy_power_on(of->usb2_phy);
	if (ret) {
		dev_err(dev, "usb2-phy power on: %d\n", ret);
		goto err_exit3;
	}
	ret = phy_power_on(of->usb3_phy);
	if (ret) {
		dev_err(dev, "usb3-phy power on: %d\n", ret);
		goto err_off2;
	}
	return 0;

err_off2:
	phy_power_off(of->usb2_phy);
err_exit3:
	phy_exit(of->usb3_phy);
err_exit2:
	phy_exit(of->usb2_phy);
err_reset:
	reset_control_assert(of->resets);
err_clk:
	clk_bulk_disable_unprepare(of->num_clks, of->clks);
	return ret;
}

static void usbblk_of_power_off(struct usbblk_of *of)
{
	phy_power_off(of->usb3_phy);
	phy_power_off(of->usb2_phy);
	phy_exit(of->usb3_phy);
	phy_exit(of->usb2_phy);
	reset_control_assert(of->resets);
	clk_bulk_disable_unprepare(of->num_clks, of->clks);
}

static int usbblk_of_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct usbblk_of *of;
	struct usbblk_hc *hc;
	struct resource *res;
	void __iomem *regs;
	const char *dr_mode;
	u32 flags = USBBLK_HC_OF;
	int irq, ret;

	if (!device_property_read_string(dev, "dr_mode", &dr_mode) &&
	    strcmp(dr_mode, "host")) {
		dev_err(dev, "dr_mode is \"%s\": usbblk drives host mode only\n", dr_mode);
		return -EINVAL;
	}

	of = devm_kzalloc(dev, sizeof(*of), GFP_KERNEL);
	if (!of)
		return -ENOMEM;
	of->dev = dev;
	of->is_dwc3 = (uintptr_t)of_device_get_match_data(dev);

	regs = devm_platform_get_and_ioremap_resource(pdev, 0, &res);
	if (IS_ERR(regs))
		return PTR_ERR(regs);
	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	if (of->is_dwc3) {
		ret = usbblk_dwc3_parse(&of->dwc3, dev, regs, resource_size(res));
		if (ret)
			return ret;
		flags |= USBBLK_HC_DWC3;
	}

	ret = usbblk_of_get_resources(of);
	if (ret)
		return ret;
	ret = usbblk_of_power_on(of);
	if (ret)
		return ret;
	if (of->is_dwc3) {
		ret = usbblk_dwc3_core_init(&of->dwc3);
		if (ret)
			goto err_power;
	}

	hc = usbblk_hc_alloc(dev, regs, resource_size(res), irq, flags);
	if (!hc) {
		ret = -ENOMEM;
		goto err_power;
	}
	hc->snpsid = of->dwc3.snpsid;
	ret = usbblk_hc_probe(hc);
	if (ret) {
		usbblk_hc_put(hc);
		goto err_power;
	}
	of->hc = hc;
	if (of->is_dwc3) {
		usbblk_dwc3_core_started(&of->dwc3);
		usbblk_dwc3_debugfs_add(&of->dwc3, hc->debugfs);
	}
	platform_set_drvdata(pdev, of);
	dev_info(dev, "%s: %d clocks, resets %s, usb2-phy %s, usb3-phy %s\n",
		 of->is_dwc3 ? "DWC3 core in host mode" : "xHCI", of->num_clks,
		 of->resets ? "released" : "none", of->usb2_phy ? "on" : "none",
		 of->usb3_phy ? "on" : "none");
	return 0;

err_power:
	usbblk_of_power_off(of);
	return ret;
}

static int usbblk_of_remove(struct platform_device *pdev)
{
	struct usbblk_of *of = platform_get_drvdata(pdev);

	/* the register dump goes first: it reads the core's registers */
	if (of->is_dwc3)
		usbblk_dwc3_debugfs_remove(&of->dwc3, of->hc->debugfs);
	usbblk_hc_remove(of->hc);
	of->hc = NULL;
	usbblk_of_power_off(of);
	return 0;
}

/*
 * System suspend (and hibernation) is refused: the controller's rings,
 * device slots and the DWC3 core's configuration are not saved, and a
 * board that powers the core down in suspend would lose them.
 */
static int usbblk_of_suspend(struct device *dev)
{
	dev_warn(dev, "system suspend is not supported while usbblk drives this controller\n");
	return -EBUSY;
}

static DEFINE_SIMPLE_DEV_PM_OPS(usbblk_of_pm, usbblk_of_suspend, NULL);

static const struct of_device_id usbblk_of_match[] = {
	{ .compatible = "usbblk,dwc3", .data = (void *)1 },
	{ .compatible = "usbblk,xhci" },
	{ }
};
MODULE_DEVICE_TABLE(of, usbblk_of_match);

static struct platform_driver usbblk_platform_driver = {
	.probe	= usbblk_of_probe,
	.remove	= usbblk_of_remove,
	.driver	= {
		.name		= "usbblk",
		.of_match_table	= usbblk_of_match,
		.pm		= pm_sleep_ptr(&usbblk_of_pm),
	},
};

/**
 * usbblk_of_register() - register the platform driver
 *
 * Return: 0 or a negative errno.
 */
int usbblk_of_register(void)
{
	return platform_driver_register(&usbblk_platform_driver);
}

/**
 * usbblk_of_unregister() - unregister the platform driver
 */
void usbblk_of_unregister(void)
{
	platform_driver_unregister(&usbblk_platform_driver);
}
