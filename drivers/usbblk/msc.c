// SPDX-License-Identifier: GPL-2.0
/*
 * The mass-storage class driver: claims a SCSI / Bulk-Only interface with
 * one bulk IN and one bulk OUT endpoint, creates its transport (bot.c)
 * and probes its LUNs (lun.c); at detach the LUNs go first, then the
 * transport.
 */
#include <linux/err.h>

#include "class.h"
#include "enum.h"
#include "hc.h"
#include "lun.h"
#include "msc.h"
#include "trb.h"

static int msc_probe(struct usbblk_udev *udev, struct usbblk_class_eps *eps)
{
	int ret;

	if (!udev->cfg.mass_storage)
		return -ENODEV;
	ret = usbblk_class_want(eps, &udev->cfg.bulk_in, EP_TYPE_BULK_IN);
	if (!ret)
		ret = usbblk_class_want(eps, &udev->cfg.bulk_out, EP_TYPE_BULK_OUT);
	return ret;
}

/* GET MAX LUN, then a LUN probe for each; a LUN that is not ready is left out. */
static int msc_attach(struct usbblk_udev *udev, const struct usbblk_class_eps *eps)
{
	struct usbblk_msc *msc = usbblk_msc_create(udev, eps->ep[0], eps->ep[1]);
	u8 lun;

	lockdep_assert_held(&udev->hc->enum_lock);
	if (IS_ERR(msc))
		return PTR_ERR(msc);
	udev->class_data = msc;
	msc->max_lun = usbblk_bot_max_lun(msc);
	for (lun = 0; lun <= msc->max_lun; lun++)
		msc->luns[lun] = usbblk_lun_probe(msc, lun);
	return 0;
}

static void msc_detach(struct usbblk_udev *udev)
{
	struct usbblk_msc *msc = udev->class_data;
	unsigned int i;

	lockdep_assert_held(&udev->hc->enum_lock);
	if (!msc)
		return;
	for (i = 0; i < USBBLK_MAX_LUNS; i++) {
		if (msc->luns[i])
			usbblk_lun_remove(msc->luns[i]);
		msc->luns[i] = NULL;
	}
	usbblk_msc_shutdown(msc);
	udev->class_data = NULL;
	usbblk_msc_put(msc);
}

/* The mass-storage (SCSI, Bulk-Only) class driver. */
const struct usbblk_class_ops usbblk_msc_class = {
	.name		= "mass-storage",
	.info_flag	= USBBLK_DEV_MASS_STORAGE,
	.probe		= msc_probe,
	.attach		= msc_attach,
	.detach		= msc_detach,
};
