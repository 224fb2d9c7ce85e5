// SPDX-License-Identifier: GPL-2.0
/*
 * The controller's character device, /dev/usbblk-hcN, and its ioctls.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "usbblk.h"
#include "xhci-regs.h"

static int usbblk_ctl_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct usbblk_hc *hc = container_of(misc, struct usbblk_hc, misc);

	usbblk_hc_get(hc);
	file->private_data = hc;
	return 0;
}

static int usbblk_ctl_release(struct inode *inode, struct file *file)
{
	usbblk_hc_put(file->private_data);
	return 0;
}

static void usbblk_fill_hc_info(struct usbblk_hc *hc, struct usbblk_hc_info *info)
{
	const struct usbblk_caps *c = &hc->caps;
	u32 sts = readl(hc->op + XHCI_OP_USBSTS);
	u32 cmd = readl(hc->op + XHCI_OP_USBCMD);

	info->hci_version = c->hci_version;
	info->max_slots = c->max_slots;
	info->max_ports = c->max_ports;
	info->max_intrs = c->max_intrs;
	info->max_scratchpads = c->max_scratchpads;
	info->flags = hc->bus_flags;
	if (c->ac64)
		info->flags |= USBBLK_HC_AC64;
	if (c->csz)
		info->flags |= USBBLK_HC_CSZ64;
	if ((cmd & XHCI_CMD_RUN) && !(sts & XHCI_STS_HCH))
		info->flags |= USBBLK_HC_RUNNING;
	info->hcsparams1 = hc->hcsparams1;
	info->hcsparams2 = hc->hcsparams2;
	info->hcsparams3 = hc->hcsparams3;
	info->hccparams1 = hc->hccparams1;
	info->page_size = hc->page_size;
	info->irq = hc->irq;
	info->snpsid = hc->snpsid;
	strscpy(info->name, dev_name(hc->dev), sizeof(info->name));
}

/**
 * usbblk_ctl_enumerate() - USBBLK_IOC_ENUMERATE, on a controller or LUN node
 * @hc:   the controller
 * @argp: the user's struct usbblk_enumerate
 *
 * Return: 0 or a negative errno.
 */
long usbblk_ctl_enumerate(struct usbblk_hc *hc, void __user *argp)
{
	struct usbblk_device_info *snap = NULL;
	struct usbblk_enumerate *e;
	struct usbblk_device_info __user *devs;
	u32 flags, max_devices, ndevices;
	u64 devices;
	unsigned int i;
	long ret;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	if (copy_from_user(e, argp, offsetof(struct usbblk_enumerate, hc))) {
		ret = -EFAULT;
		goto out;
	}
	if ((e->flags & ~USBBLK_ENUM_FLAGS) || memchr_inv(e->reserved, 0, sizeof(e->reserved))) {
		ret = -EINVAL;
		goto out;
	}
	flags = e->flags;
	max_devices = e->max_devices;
	devices = e->devices;
	devs = u64_to_user_ptr(devices);
	/* From here on, everything copied out comes from this zeroed buffer. */
	memset(e, 0, sizeof(*e));

	ret = down_read_killable(&hc->gone_lock);
	if (ret)
		goto out;
	if (hc->gone) {
		up_read(&hc->gone_lock);
		ret = -ENODEV;
		goto out;
	}
	if (!(flags & USBBLK_ENUM_NO_RESCAN))
		usbblk_enum_rescan(hc);
	usbblk_fill_hc_info(hc, &e->hc);
	e->nports = hc->caps.max_ports;
	for (i = 0; i < e->nports; i++)
		usbblk_port_decode(&e->ports[i], i + 1, usbblk_xhci_portsc(hc, i + 1),
				   hc->port_major[i]);
	snap = usbblk_enum_snapshot(hc, devs ? max_devices : 0, &ndevices);
	up_read(&hc->gone_lock);
	if (IS_ERR(snap)) {
		ret = PTR_ERR(snap);
		snap = NULL;
		goto out;
	}
	/* no lock held: a faulting user page holds up nobody */
	if (snap && copy_to_user(devs, snap, min(ndevices, max_devices) * sizeof(*snap))) {
		ret = -EFAULT;
		goto out;
	}

	e->flags = flags;
	e->devices = devices;
	e->max_devices = max_devices;
	e->ndevices = ndevices;
	ret = copy_to_user(argp, e, sizeof(*e)) ? -EFAULT : 0;
out:
	kfree(snap);
	kfree(e);
	return ret;
}

static long usbblk_ctl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct usbblk_hc *hc = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case USBBLK_IOC_ENUMERATE:
		return usbblk_ctl_enumerate(hc, argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations usbblk_ctl_fops = {
	.owner		= THIS_MODULE,
	.open		= usbblk_ctl_open,
	.release	= usbblk_ctl_release,
	.unlocked_ioctl	= usbblk_ctl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * usbblk_ctl_register() - create /dev/usbblk-hcN for a controller
 * @hc: the controller, @id assigned
 *
 * Return: 0 or a negative errno from misc_register().
 */
int usbblk_ctl_register(struct usbblk_hc *hc)
{
	snprintf(hc->misc_name, sizeof(hc->misc_name), "usbblk-hc%d", hc->id);
	hc->misc.minor = MISC_DYNAMIC_MINOR;
	hc->misc.name = hc->misc_name;
	hc->misc.fops = &usbblk_ctl_fops;
	hc->misc.parent = hc->dev;
	hc->misc.mode = 0600;
	return misc_register(&hc->misc);
}

/**
 * usbblk_ctl_unregister() - remove /dev/usbblk-hcN; open files stay valid
 * @hc: the controller
 */
void usbblk_ctl_unregister(struct usbblk_hc *hc)
{
	misc_deregister(&hc->misc);
}
