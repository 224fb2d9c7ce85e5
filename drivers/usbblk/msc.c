// SPDX-License-Identifier: GPL-2.0
/*
 * The mass-storage class driver: claims a SCSI / Bulk-Only interface with
 * one bulk IN and one bulk OUT endpoint, creates its transport (bot.c)
 * and probes its LUNs (lun.c); at detach the LUNs go first, then the
 * transport.
 */
#include <linux/err.h>
#include <linux/ktime.h>

#include "class.h"
#include "enum.h"
#include "hc.h"
#include "lun.h"
#include "msc.h"
#include "trb.h"
#include "xfer.h"

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

/*
 * Probing the LUNs beyond 0 is bounded: each command of their probe gets
 * MSC_PROBE_MS (a LUN that is there answers INQUIRY and TEST UNIT READY
 * at once; the data path's bounds are for flash that is busy writing),
 * the first LUN that does not answer or a device that left ends the
 * probe (a stick that lies about its LUNs does so for all of them), and
 * none is started after MSC_PROBE_BUDGET_MS.  The port work, and a
 * synchronous ENUMERATE waiting for it, are then held up for seconds,
 * not for 15 command timeouts and their reset recoveries.
 */
#define MSC_PROBE_MS		1000
#define MSC_PROBE_BUDGET_MS	8000

/* A LUN probe that failed so that probing the next ones is pointless. */
static bool msc_probe_ends(struct usbblk_udev *udev, int err)
{
	return err == -ETIMEDOUT || err == -EINTR || err == -ENOMEM || usbblk_udev_gone(udev);
}

/* GET MAX LUN, then a LUN probe for each; a LUN that is not ready is left out. */
static int msc_attach(struct usbblk_udev *udev, const struct usbblk_class_eps *eps)
{
	struct usbblk_msc *msc = usbblk_msc_create(udev, eps->ep[0], eps->ep[1]);
	struct device *dev = udev->hc->dev;
	ktime_t end = ktime_add_ms(ktime_get(), MSC_PROBE_BUDGET_MS);
	struct usbblk_lun *l;
	int err = 0;
	u8 lun;

	lockdep_assert_held(&udev->hc->enum_lock);
	if (IS_ERR(msc))
		return PTR_ERR(msc);
	udev->class_data = msc;
	msc->max_lun = usbblk_bot_max_lun(msc);
	for (lun = 0; lun <= msc->max_lun; lun++) {
		if (lun && ktime_after(ktime_get(), end))
			err = -ETIMEDOUT;
		if (msc_probe_ends(udev, err)) {
			dev_info(dev, "slot %u: LUNs %u..%u not probed: %d\n", udev->slot_id, lun,
				 msc->max_lun, err ?: -ENODEV);
			break;
		}
		l = usbblk_lun_probe(msc, lun, lun ? MSC_PROBE_MS : USBBLK_CTRL_TIMEOUT_MS);
		err = PTR_ERR_OR_ZERO(l);
		if (!err)
			msc->luns[lun] = l;
	}
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
