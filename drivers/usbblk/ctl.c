// SPDX-License-Identifier: GPL-2.0
/*
 * The controller's character device, /dev/usbblk-hcN, and its ioctls.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "ctl.h"
#include "enum.h"
#include "hc.h"

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

static long usbblk_ctl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct usbblk_hc *hc = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case USBBLK_IOC_ENUMERATE:
		return usbblk_enum_ioctl(hc, argp);
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
