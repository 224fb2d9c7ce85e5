// SPDX-License-Identifier: GPL-2.0
/*
 * usbblk - module init/exit and the controller object's lifetime.
 *
 * The bus glue (of.c, pci.c) maps the registers, finds the IRQ and calls
 * usbblk_hc_alloc() + usbblk_hc_probe(); on unbind it calls
 * usbblk_hc_remove().  A controller object outlives its bus device while
 * files on its character device are open: they hold a reference and see
 * -ENODEV once the controller is gone.
 */
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "class.h"
#include "ctl.h"
#include "enum.h"
#include "floor.h"
#include "hc.h"
#include "hub.h"
#include "msc.h"
#include "xhci-regs.h"

static DEFINE_IDA(usbblk_hc_ida);

/* The device classes, in the order enumeration offers them a device. */
const struct usbblk_class_ops *const usbblk_classes[] = {
	&usbblk_msc_class,
	&usbblk_hub_class,
	NULL
};

static struct dentry *usbblk_debugfs_root;

/**
 * usbblk_hc_alloc() - allocate a controller object
 * @dev:	the bus device
 * @regs:	its mapped register window (device-managed by the caller)
 * @len:	size of the window
 * @irq:	Linux IRQ for interrupter 0
 * @bus_flags:	USBBLK_HC_OF or USBBLK_HC_PCI
 *
 * Return: the controller with one reference held, or NULL.
 */
struct usbblk_hc *usbblk_hc_alloc(struct device *dev, void __iomem *regs,
				  resource_size_t len, int irq, u32 bus_flags)
{
	struct usbblk_hc *hc = kzalloc(sizeof(*hc), GFP_KERNEL);

	if (!hc)
		return NULL;
	hc->dev = get_device(dev);
	hc->regs = regs;
	hc->mmio_len = len;
	hc->irq = irq;
	hc->bus_flags = bus_flags;
	hc->id = -1;
	kref_init(&hc->ref);
	init_rwsem(&hc->gone_lock);
	spin_lock_init(&hc->lock);
	mutex_init(&hc->ev_lock);
	usbblk_cmd_init(&hc->cmd);
	mutex_init(&hc->enum_lock);
	INIT_LIST_HEAD(&hc->devices);
	INIT_WORK(&hc->port_work, usbblk_port_work);
	INIT_DELAYED_WORK(&hc->hub_work, usbblk_hub_work);
	return hc;
}

static void usbblk_hc_release(struct kref *ref)
{
	struct usbblk_hc *hc = container_of(ref, struct usbblk_hc, ref);

	if (hc->id >= 0)
		ida_free(&usbblk_hc_ida, hc->id);
	put_device(hc->dev);
	kfree(hc);
}

/**
 * usbblk_hc_get() - take a reference on a controller object
 * @hc: the controller
 */
void usbblk_hc_get(struct usbblk_hc *hc)
{
	kref_get(&hc->ref);
}

/**
 * usbblk_hc_put() - drop a reference; the last one frees the object
 * @hc: the controller
 */
void usbblk_hc_put(struct usbblk_hc *hc)
{
	kref_put(&hc->ref, usbblk_hc_release);
}

#define USBBLK_REG(n, base, off) { .name = n, .offset = (base) + (off) }

static void usbblk_debugfs_add(struct usbblk_hc *hc)
{
	struct debugfs_regset32 *rs;
	struct debugfs_reg32 *r;
	u32 op = hc->caps.caplength;
	u32 rt = hc->rt - hc->regs;
	const struct debugfs_reg32 regs[] = {
		USBBLK_REG("CAPLENGTH_HCIVERSION", 0, XHCI_CAP_CAPLENGTH),
		USBBLK_REG("HCSPARAMS1", 0, XHCI_CAP_HCSPARAMS1),
		USBBLK_REG("HCSPARAMS2", 0, XHCI_CAP_HCSPARAMS2),
		USBBLK_REG("HCSPARAMS3", 0, XHCI_CAP_HCSPARAMS3),
		USBBLK_REG("HCCPARAMS1", 0, XHCI_CAP_HCCPARAMS1),
		USBBLK_REG("DBOFF", 0, XHCI_CAP_DBOFF),
		USBBLK_REG("RTSOFF", 0, XHCI_CAP_RTSOFF),
		USBBLK_REG("HCCPARAMS2", 0, XHCI_CAP_HCCPARAMS2),
		USBBLK_REG("USBCMD", op, XHCI_OP_USBCMD),
		USBBLK_REG("USBSTS", op, XHCI_OP_USBSTS),
		USBBLK_REG("PAGESIZE", op, XHCI_OP_PAGESIZE),
		USBBLK_REG("CONFIG", op, XHCI_OP_CONFIG),
		USBBLK_REG("IMAN0", rt, XHCI_RT_IR(0) + XHCI_IR_IMAN),
		USBBLK_REG("IMOD0", rt, XHCI_RT_IR(0) + XHCI_IR_IMOD),
	};

	rs = devm_kzalloc(hc->dev, sizeof(*rs), GFP_KERNEL);
	r = devm_kmemdup(hc->dev, regs, sizeof(regs), GFP_KERNEL);
	if (!rs || !r)
		return;
	rs->regs = r;
	rs->nregs = ARRAY_SIZE(regs);
	rs->base = hc->regs;
	hc->debugfs = debugfs_create_dir(dev_name(hc->dev), usbblk_debugfs_root);
	debugfs_create_regset32("regs", 0400, hc->debugfs, rs);
	usbblk_floor_debugfs_add(hc);
}

/**
 * usbblk_hc_mark_gone() - files get -ENODEV from now on
 * @hc: the controller
 *
 * Waits for the files inside a call (they hold @hc->gone_lock for
 * reading), then sets @hc->gone.
 *
 * Context: process context; sleeps.
 */
void usbblk_hc_mark_gone(struct usbblk_hc *hc)
{
	might_sleep();
	down_write(&hc->gone_lock);
	WRITE_ONCE(hc->gone, true);
	up_write(&hc->gone_lock);
}

/*
 * Take a started controller down, @gone set: devices first (their slots
 * disabled, transfers failed), then the controller, its IRQ, its work and
 * its memory.
 */
static void hc_shutdown(struct usbblk_hc *hc)
{
	cancel_delayed_work_sync(&hc->hub_work);
	flush_work(&hc->port_work);
	usbblk_enum_remove_all(hc);
	/* no more interrupts: no more port work can be queued */
	usbblk_xhci_halt(hc);
	free_irq(hc->irq, hc);
	/* a hub found by the last port work may have armed the poll again */
	cancel_delayed_work_sync(&hc->hub_work);
	destroy_workqueue(hc->wq);
	usbblk_xhci_stop(hc);
}

/**
 * usbblk_hc_probe() - bring a controller up and publish it
 * @hc: from usbblk_hc_alloc(), its registers mapped
 *
 * Resets the controller, sets the DMA mask its addressing allows,
 * requests the threaded IRQ, starts the controller, registers
 * /dev/usbblk-hcN and starts the first scan of the ports (which goes on
 * in the background; ENUMERATE waits for it).  On failure everything done
 * here is undone; the caller still owns its reference.
 *
 * Return: 0 or a negative errno.
 */
int usbblk_hc_probe(struct usbblk_hc *hc)
{
	unsigned int port;
	int ret;

	ret = usbblk_xhci_init(hc);
	if (ret)
		return ret;

	ret = dma_set_mask_and_coherent(hc->dev, DMA_BIT_MASK(hc->caps.ac64 ? 64 : 32));
	if (ret && hc->caps.ac64)
		ret = dma_set_mask_and_coherent(hc->dev, DMA_BIT_MASK(32));
	if (ret) {
		dev_err(hc->dev, "no usable DMA mask\n");
		return ret;
	}

	hc->wq = alloc_ordered_workqueue("usbblk-%s", 0, dev_name(hc->dev));
	if (!hc->wq)
		return -ENOMEM;

	ret = request_threaded_irq(hc->irq, usbblk_xhci_irq, usbblk_event_thread,
				   IRQF_ONESHOT | hc->irq_flags, "usbblk", hc);
	if (ret) {
		dev_err(hc->dev, "cannot request IRQ %d: %d\n", hc->irq, ret);
		goto err_wq;
	}

	ret = ida_alloc(&usbblk_hc_ida, GFP_KERNEL);
	if (ret < 0)
		goto err_irq;
	hc->id = ret;

	ret = usbblk_xhci_start(hc);
	if (ret)
		goto err_irq;

	ret = usbblk_ctl_register(hc);
	if (ret) {
		dev_err(hc->dev, "cannot register %s: %d\n", hc->misc_name, ret);
		/* port work may already run (a port event): the full way down */
		usbblk_hc_mark_gone(hc);
		hc_shutdown(hc);
		return ret;
	}

	usbblk_debugfs_add(hc);
	for (port = 1; port <= hc->caps.max_ports; port++)
		set_bit(port, hc->port_changed);
	queue_work(hc->wq, &hc->port_work);
	return 0;

err_irq:
	free_irq(hc->irq, hc);
err_wq:
	destroy_workqueue(hc->wq);
	return ret;
}

/**
 * usbblk_hc_remove() - take a controller down
 * @hc: a controller usbblk_hc_probe() brought up
 *
 * Removes the device node, waits for the files that are inside a call,
 * marks the controller gone, tears every USB device down (disabling its
 * slot, failing its transfers), halts and resets the controller, frees
 * its IRQ and memory.  Drops the bus device's reference.
 */
void usbblk_hc_remove(struct usbblk_hc *hc)
{
	usbblk_ctl_unregister(hc);
	usbblk_hc_mark_gone(hc);

	debugfs_remove_recursive(hc->debugfs);
	hc_shutdown(hc);
	usbblk_hc_put(hc);
}

static int __init usbblk_init(void)
{
	int ret;

	usbblk_debugfs_root = debugfs_create_dir("usbblk", NULL);
	ret = usbblk_of_register();
	if (ret)
		goto err_debugfs;
	ret = usbblk_pci_register();
	if (ret)
		goto err_of;
	return 0;

err_of:
	usbblk_of_unregister();
err_debugfs:
	debugfs_remove_recursive(usbblk_debugfs_root);
	return ret;
}
module_init(usbblk_init);

static void __exit usbblk_exit(void)
{
	usbblk_pci_unregister();
	usbblk_of_unregister();
	debugfs_remove_recursive(usbblk_debugfs_root);
}
module_exit(usbblk_exit);

MODULE_DESCRIPTION("usbblk: zero-copy block access to USB sticks through its own xHCI host stack");
MODULE_AUTHOR("The usbblk developers");
MODULE_LICENSE("GPL");
