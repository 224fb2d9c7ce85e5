// SPDX-License-Identifier: GPL-2.0
/*
 * PCI glue for PC test hosts.
 *
 * There is deliberately no ID table: usbblk never takes a desktop's xHCI
 * controller by surprise.  Bind it on purpose:
 *
 *   echo usbblk > /sys/bus/pci/devices/0000:00:02.0/driver_override
 *   insmod usbblk.ko     (or echo 0000:00:02.0 > .../drivers/usbblk/bind)
 */
#include <linux/pci.h>

#include "hc.h"

#define PCI_CLASS_SERIAL_USB_XHCI_PROGIF	((PCI_CLASS_SERIAL_USB << 8) | 0x30)

static int usbblk_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct usbblk_hc *hc;
	unsigned long irq_flags = 0;
	int ret;

	if (pdev->class != PCI_CLASS_SERIAL_USB_XHCI_PROGIF) {
		dev_err(dev, "class %06x is not an xHCI controller\n", pdev->class);
		return -ENODEV;
	}

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(0), "usbblk");
	if (ret)
		return ret;
	pci_set_master(pdev);

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);
	if (ret < 0)
		return ret;
	if (!pdev->msi_enabled && !pdev->msix_enabled)
		irq_flags = IRQF_SHARED;

	hc = usbblk_hc_alloc(dev, pcim_iomap_table(pdev)[0], pci_resource_len(pdev, 0),
			     pci_irq_vector(pdev, 0), USBBLK_HC_PCI);
	if (!hc) {
		ret = -ENOMEM;
		goto err_vectors;
	}
	hc->irq_flags = irq_flags;
	ret = usbblk_hc_probe(hc);
	if (ret) {
		usbblk_hc_put(hc);
		goto err_vectors;
	}
	pci_set_drvdata(pdev, hc);
	return 0;

err_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

static void usbblk_pci_remove(struct pci_dev *pdev)
{
	usbblk_hc_remove(pci_get_drvdata(pdev));
	pci_free_irq_vectors(pdev);
}

static struct pci_driver usbblk_pci_driver = {
	.name		= "usbblk",
	.id_table	= NULL,	/* driver_override only, see above */
	.probe		= usbblk_pci_probe,
	.remove		= usbblk_pci_remove,
};

/**
 * usbblk_pci_register() - register the PCI driver (it binds nothing by itself)
 *
 * Return: 0 or a negative errno.
 */
int usbblk_pci_register(void)
{
	return pci_register_driver(&usbblk_pci_driver);
}

/**
 * usbblk_pci_unregister() - unregister the PCI driver
 */
void usbblk_pci_unregister(void)
{
	pci_unregister_driver(&usbblk_pci_driver);
}
