// SPDX-License-Identifier: GPL-2.0
/*
 * Device-tree glue: the platform driver for "usbblk,dwc3" (a DWC3 core in
 * xHCI host mode: xHCI registers at the start of its window) and
 * "usbblk,xhci" (a plain xHCI controller).
 */
#include <linux/mod_devicetable.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/property.h>

#include "usbblk.h"

static int usbblk_of_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct usbblk_hc *hc;
	struct resource *res;
	void __iomem *regs;
	const char *dr_mode;
	int irq, ret;

	if (!device_property_read_string(dev, "dr_mode", &dr_mode) &&
	    strcmp(dr_mode, "host")) {
		dev_err(dev, "dr_mode is \"%s\": usbblk drives host mode only\n", dr_mode);
		return -EINVAL;
	}

	regs = devm_platform_get_and_ioremap_resource(pdev, 0, &res);
	if (IS_ERR(regs))
		return PTR_ERR(regs);
	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;

	hc = usbblk_hc_alloc(dev, regs, resource_size(res), irq, USBBLK_HC_OF);
	if (!hc)
		return -ENOMEM;
	ret = usbblk_hc_probe(hc);
	if (ret) {
		usbblk_hc_put(hc);
		return ret;
	}
	platform_set_drvdata(pdev, hc);
	return 0;
}

static int usbblk_of_remove(struct platform_device *pdev)
{
	usbblk_hc_remove(platform_get_drvdata(pdev));
	return 0;
}

static const struct of_device_id usbblk_of_match[] = {
	{ .compatible = "usbblk,dwc3" },
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
