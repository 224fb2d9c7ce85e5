// SPDX-License-Identifier: GPL-2.0
/*
 * External hubs (USB 2.0 chapter 11): the hub descriptor, port power,
 * port status and reset through hub class requests, and enumeration of
 * what is plugged into the hub's ports.
 *
 * The hub's ports are scanned by the port work: when the hub's
 * status-change interrupt endpoint reports a change (11.12.4: a bitmap,
 * bit N for port N), on every synchronous rescan (ENUMERATE), and, only
 * for a hub without a usable status-change endpoint or when hub_poll_ms
 * asks for it, periodically (hub_work).  Every change bit a scan sees is
 * cleared, so the endpoint stays quiet (NAKs) until the next change.
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/usb/ch11.h>

#include "class.h"
#include "cmd.h"
#include "ctx.h"
#include "enum.h"
#include "hc.h"
#include "hub.h"
#include "xfer.h"

static unsigned int hub_poll_ms;
module_param(hub_poll_ms, uint, 0644);
MODULE_PARM_DESC(hub_poll_ms,
		 "also poll external hubs' ports every this many ms (0 = only for hubs without a status-change endpoint, every 500 ms). Default: 0");

#define HUB_RESET_MS	500
#define HUB_RESET_POLL_MS 10	/* GET_STATUS interval while a port resets */
#define HUB_POLL_MS	500	/* for hubs without a status-change endpoint */
#define HUB_POLL_MIN_MS	50U	/* the floor of hub_poll_ms */
#define HUB_STATUS_ERRORS 3	/* status-change failures in a row before polling */
/* the status-change bitmap: bit 0 the hub, bit N port N (at most 15) */
#define HUB_STATUS_BUF	64
/* the hub descriptor: USB 3 is the longer, and room for a longer reply */
#define HUB_DESC_BUF	(USB_DT_SS_HUB_SIZE + 32)

static unsigned long hub_poll_delay(void)
{
	unsigned int ms = READ_ONCE(hub_poll_ms) ?: HUB_POLL_MS;

	return msecs_to_jiffies(max(ms, HUB_POLL_MIN_MS));
}

/**
 * struct usbblk_hub - hub state
 * @info:	what its hub descriptor said
 * @children:	device on each port (index 1..info.nports)
 * @status_ep:	its status-change interrupt IN endpoint, NULL when it has
 *		no usable one (then it is polled)
 * @status_errors: its transfers that ended in an error, in a row
 * @status_buf:	DMA buffer the status-change endpoint reads into; freed
 *		at detach, when the controller is done with the device
 * @status_dma:	its bus address
 */
struct usbblk_hub {
	struct usbblk_hub_info info;
	struct usbblk_udev *children[USBBLK_HUB_MAX_PORTS + 1];
	struct usbblk_ep *status_ep;
	unsigned int status_errors;
	void *status_buf;
	dma_addr_t status_dma;
};

static struct usbblk_hub *hub_of(struct usbblk_udev *udev)
{
	return udev->class_data;
}

static int hub_port_feature(struct usbblk_udev *udev, u8 req, u16 feature, u8 port)
{
	int ret = usbblk_control(udev, USB_DIR_OUT | USB_RT_PORT, req, feature, port, NULL, 0,
				 USBBLK_CTRL_TIMEOUT_MS);

	return min(ret, 0);
}

static int hub_port_status(struct usbblk_udev *udev, u8 port, u16 *status, u16 *change)
{
	__le16 st[2];
	int ret;

	ret = usbblk_control(udev, USB_DIR_IN | USB_RT_PORT, USB_REQ_GET_STATUS, 0, port,
			     st, sizeof(st), USBBLK_CTRL_TIMEOUT_MS);
	if (ret < 0)
		return ret;
	if (ret < (int)sizeof(st))
		return -EMSGSIZE;
	*status = le16_to_cpu(st[0]);
	*change = le16_to_cpu(st[1]);
	return 0;
}

/* Event thread, hc->lock held: a port changed (or the hub): scan. */
static void hub_status_complete(struct usbblk_ep *ep)
{
	struct usbblk_hc *hc = ep->udev->hc;

	lockdep_assert_held(&hc->lock);
	queue_work(hc->wq, &hc->port_work);
}

/*
 * The hub's status-change endpoint (configured by enumeration, as the
 * probe asked) reports port changes; without one, or without memory for
 * its buffer, the hub is polled instead.
 */
static void hub_status_ep_setup(struct usbblk_udev *udev, struct usbblk_hub *hub,
				const struct usbblk_class_eps *eps)
{
	if (!eps->n)
		return;
	hub->status_buf = dma_alloc_coherent(udev->hc->dev, HUB_STATUS_BUF, &hub->status_dma,
					     GFP_KERNEL);
	if (!hub->status_buf)
		return;
	eps->ep[0]->complete = hub_status_complete;
	hub->status_ep = eps->ep[0];
}

/* Give up on the status-change endpoint: poll the hub from now on. */
static void hub_status_fallback(struct usbblk_udev *udev, int err)
{
	dev_warn(udev->hc->dev, "hub slot %u: status endpoint: %d, polling instead\n",
		 udev->slot_id, err);
	hub_of(udev)->status_ep = NULL;
	mod_delayed_work(udev->hc->wq, &udev->hc->hub_work, hub_poll_delay());
}

/*
 * The last transfer ended in an error (STALL, babble, transaction errors):
 * the controller has halted the endpoint and would ignore a new TD.
 * Clear the halt on both sides; a few failures in a row and the hub is
 * polled instead.
 */
static int hub_status_recover(struct usbblk_udev *udev, struct usbblk_ep *ep)
{
	if (++hub_of(udev)->status_errors > HUB_STATUS_ERRORS)
		return -EIO;
	return usbblk_ep_clear_halt(ep);
}

/* Queue a read of the status-change bitmap, if none is queued. */
static void hub_status_arm(struct usbblk_udev *udev)
{
	struct usbblk_hub *hub = hub_of(udev);
	struct usbblk_ep *ep = hub->status_ep;
	struct usbblk_seg seg;
	u32 code;
	int ret;

	if (!ep || READ_ONCE(ep->busy))
		return;
	code = READ_ONCE(ep->comp_code);
	if (code == COMP_SUCCESS || code == COMP_SHORT_PACKET) {
		hub->status_errors = 0;
	} else if (code != COMP_INVALID) {
		ret = hub_status_recover(udev, ep);
		if (ret) {
			hub_status_fallback(udev, ret);
			return;
		}
	}
	/* bit 0 the hub, bit N port N: (nports + 1) bits, at most a packet */
	seg.addr = hub->status_dma;
	seg.len = min_t(u32, DIV_ROUND_UP(hub->info.nports + 1, BITS_PER_BYTE), ep->maxp);
	ret = usbblk_intr_submit(ep, &seg);
	if (ret && ret != -EBUSY && ret != -ENODEV)
		hub_status_fallback(udev, ret);
}

/* Clear the hub's own change bits (11.24.2.6), so its bit 0 goes quiet. */
static void hub_clear_hub_changes(struct usbblk_udev *udev)
{
	__le16 st[2];
	u16 change;

	if (usbblk_control(udev, USB_DIR_IN | USB_RT_HUB, USB_REQ_GET_STATUS, 0, 0, st,
			   sizeof(st), USBBLK_CTRL_TIMEOUT_MS) != sizeof(st))
		return;
	change = le16_to_cpu(st[1]);
	if (change & HUB_CHANGE_LOCAL_POWER)
		usbblk_control(udev, USB_RT_HUB, USB_REQ_CLEAR_FEATURE, C_HUB_LOCAL_POWER, 0,
			       NULL, 0, USBBLK_CTRL_TIMEOUT_MS);
	if (change & HUB_CHANGE_OVERCURRENT)
		usbblk_control(udev, USB_RT_HUB, USB_REQ_CLEAR_FEATURE, C_HUB_OVER_CURRENT, 0,
			       NULL, 0, USBBLK_CTRL_TIMEOUT_MS);
}

static int hub_port_reset(const struct usbblk_port_state *p, unsigned int *speed)
{
	struct usbblk_udev *udev = p->hub;
	u8 port = p->num;
	u16 status, change;
	unsigned int waited;
	int ret;

	ret = hub_port_feature(udev, USB_REQ_SET_FEATURE, USB_PORT_FEAT_RESET, port);
	if (ret)
		return ret;
	for (waited = 0; waited < HUB_RESET_MS; waited += HUB_RESET_POLL_MS) {
		usleep_range(HUB_RESET_POLL_MS * USEC_PER_MSEC,
			     HUB_RESET_POLL_MS * USEC_PER_MSEC * 6 / 5);
		ret = hub_port_status(udev, port, &status, &change);
		if (ret)
			return ret;
		if (change & USB_PORT_STAT_C_RESET)
			break;
	}
	hub_port_feature(udev, USB_REQ_CLEAR_FEATURE, USB_PORT_FEAT_C_RESET, port);
	if (!(change & USB_PORT_STAT_C_RESET))
		return -ETIMEDOUT;
	if (!(status & USB_PORT_STAT_CONNECTION))
		return -ENODEV;
	if (!(status & USB_PORT_STAT_ENABLE))
		return -EIO;
	usleep_range(USBBLK_RESET_RECOVERY_US, USBBLK_RESET_RECOVERY_US * 11 / 10);
	if (hub_of(udev)->info.ss)
		*speed = USB_SPEED_SUPER;
	else if (status & USB_PORT_STAT_LOW_SPEED)
		*speed = USB_SPEED_LOW;
	else if (status & USB_PORT_STAT_HIGH_SPEED)
		*speed = USB_SPEED_HIGH;
	else
		*speed = USB_SPEED_FULL;
	return 0;
}

/* A hub port: GET_STATUS, its change bits cleared, then the common check. */
static void hub_port_check(struct usbblk_udev *udev, u8 port)
{
	struct usbblk_hub *hub = hub_of(udev);
	struct usbblk_port_state p = {
		.hc	= udev->hc,
		.hub	= udev,
		.num	= port,
		.reset	= hub_port_reset,
	};
	u16 status, change;
	int ret;

	ret = hub_port_status(udev, port, &status, &change);
	if (ret) {
		/* also what a hub being unplugged answers: no warning */
		dev_dbg(udev->hc->dev, "hub slot %u port %u: GET_STATUS failed: %d\n",
			udev->slot_id, port, ret);
		return;
	}
	if (change & USB_PORT_STAT_C_CONNECTION)
		hub_port_feature(udev, USB_REQ_CLEAR_FEATURE, USB_PORT_FEAT_C_CONNECTION, port);
	if (change & USB_PORT_STAT_C_ENABLE)
		hub_port_feature(udev, USB_REQ_CLEAR_FEATURE, USB_PORT_FEAT_C_ENABLE, port);
	if (change & USB_PORT_STAT_C_OVERCURRENT)
		hub_port_feature(udev, USB_REQ_CLEAR_FEATURE, USB_PORT_FEAT_C_OVER_CURRENT, port);
	if (change & USB_PORT_STAT_C_SUSPEND)
		hub_port_feature(udev, USB_REQ_CLEAR_FEATURE, USB_PORT_FEAT_C_SUSPEND, port);
	if (change & USB_PORT_STAT_C_RESET)
		hub_port_feature(udev, USB_REQ_CLEAR_FEATURE, USB_PORT_FEAT_C_RESET, port);

	p.connected = status & USB_PORT_STAT_CONNECTION;
	p.connect_change = change & USB_PORT_STAT_C_CONNECTION;
	usbblk_port_check(&p, &hub->children[port]);
}

/* Check every port of a hub (enumeration's rescan, and after attach). */
static void hub_rescan(struct usbblk_udev *udev)
{
	struct usbblk_hub *hub = hub_of(udev);
	unsigned int port;

	lockdep_assert_held(&udev->hc->enum_lock);
	if (!hub || udev->info.depth >= USBBLK_MAX_TIERS - 1)
		return;		/* no route string tier left for its children */
	hub_clear_hub_changes(udev);
	for (port = 1; port <= hub->info.nports && !usbblk_udev_gone(udev); port++)
		hub_port_check(udev, port);
	if (!usbblk_udev_gone(udev))
		hub_status_arm(udev);
}

/*
 * A hub was configured: read its descriptor, tell the controller it is a
 * hub (6.2.2: Hub, Number of Ports, TT Think Time in the slot context),
 * power its ports, and scan them.
 *
 * The slot fields take a second Configure Endpoint, after the one that
 * added the status-change endpoint.  One command could do both (a
 * Configure Endpoint evaluates these slot fields, 6.2.2.2), but they come
 * from the hub descriptor, which hubs answer once configured, that is
 * after SET_CONFIGURATION, which must follow the endpoint's Configure
 * Endpoint (4.3.5).  Evaluate Context is no way round: of the slot
 * context it evaluates Interrupter Target and Max Exit Latency only
 * (6.2.2.3).
 */
static int hub_attach(struct usbblk_udev *udev, const struct usbblk_class_eps *eps)
{
	struct usbblk_hc *hc = udev->hc;
	bool ss = udev->info.speed >= USB_SPEED_SUPER;
	struct usbblk_hub *hub;
	unsigned int port;
	u8 buf[HUB_DESC_BUF];
	__le32 *s;
	int ret;

	lockdep_assert_held(&hc->enum_lock);
	ret = usbblk_control(udev, USB_DIR_IN | USB_RT_HUB, USB_REQ_GET_DESCRIPTOR,
			     USBBLK_DESC_VALUE(ss ? USB_DT_SS_HUB : USB_DT_HUB, 0), 0, buf,
			     sizeof(buf), USBBLK_CTRL_TIMEOUT_MS);
	if (ret < 0) {
		dev_warn(hc->dev, "hub slot %u: GET_DESCRIPTOR(hub) failed: %d\n",
			 udev->slot_id, ret);
		return ret;
	}
	hub = kzalloc(sizeof(*hub), GFP_KERNEL);
	if (!hub)
		return -ENOMEM;
	ret = usbblk_parse_hub_desc(buf, ret, &hub->info);
	if (ret) {
		dev_warn(hc->dev, "hub slot %u: hub descriptor not usable: %d\n",
			 udev->slot_id, ret);
		kfree(hub);
		return ret;
	}

	udev->class_data = hub;
	hub_status_ep_setup(udev, hub, eps);

	/* 6.2.2: the slot context says it is a hub, with how many ports */
	usbblk_ctx_clear_in(udev);
	s = usbblk_ctx_slot_update(udev);
	s[0] |= cpu_to_le32(SLOT_HUB);
	if (udev->desc.bDeviceProtocol == USB_HUB_PR_HS_MULTI_TT)
		s[0] |= cpu_to_le32(SLOT_MTT);
	s[1] = cpu_to_le32((le32_to_cpu(s[1]) & ~SLOT_NUM_PORTS) |
			   FIELD_PREP(SLOT_NUM_PORTS, hub->info.nports));
	if (udev->info.speed == USB_SPEED_HIGH)
		s[2] = cpu_to_le32((le32_to_cpu(s[2]) & ~SLOT_TTT) |
				   FIELD_PREP(SLOT_TTT, FIELD_GET(HUB_CHAR_TTTT,
								  hub->info.characteristics)));
	ret = usbblk_cmd_config_ep(hc, udev);
	if (ret) {
		dev_warn(hc->dev, "hub slot %u: Configure Endpoint (hub fields) failed: %d\n",
			 udev->slot_id, ret);
		return ret;
	}

	for (port = 1; port <= hub->info.nports; port++) {
		ret = hub_port_feature(udev, USB_REQ_SET_FEATURE, USB_PORT_FEAT_POWER, port);
		if (ret) {
			dev_warn(hc->dev, "hub slot %u port %u: SET_FEATURE(PORT_POWER) failed: %d\n",
				 udev->slot_id, port, ret);
			return ret;
		}
	}
	msleep(hub->info.pwr_on_2_good_ms);
	dev_dbg(hc->dev, "hub on slot %u: %u ports, %s\n", udev->slot_id, hub->info.nports,
		hub->status_ep ? "status-change endpoint" : "polled");
	if (!hub->status_ep || READ_ONCE(hub_poll_ms))
		mod_delayed_work(hc->wq, &hc->hub_work, hub_poll_delay());
	hub_rescan(udev);
	return 0;
}

/* The hub is leaving, its slot still enabled: its children go first. */
static void hub_unplug(struct usbblk_udev *udev)
{
	struct usbblk_hub *hub = hub_of(udev);
	unsigned int port;

	lockdep_assert_held(&udev->hc->enum_lock);
	if (!hub)
		return;
	for (port = 1; port < ARRAY_SIZE(hub->children); port++) {
		if (hub->children[port])
			usbblk_udev_disconnect(hub->children[port]);
		hub->children[port] = NULL;
	}
}

/* The hub is gone and its slot disabled: nothing reads into its buffer now. */
static void hub_detach(struct usbblk_udev *udev)
{
	struct usbblk_hub *hub = hub_of(udev);

	lockdep_assert_held(&udev->hc->enum_lock);
	if (!hub)
		return;
	if (hub->status_buf)
		dma_free_coherent(udev->hc->dev, HUB_STATUS_BUF, hub->status_buf,
				  hub->status_dma);
	udev->class_data = NULL;
	kfree(hub);
}

static int hub_probe(struct usbblk_udev *udev, struct usbblk_class_eps *eps)
{
	const struct usbblk_ep_info *intr = &udev->cfg.intr_in;

	if (!udev->cfg.hub)
		return -ENODEV;
	/* without a usable status-change endpoint the hub is polled */
	if (intr->addr && intr->max_packet)
		return usbblk_class_want(eps, intr, EP_TYPE_INT_IN);
	return 0;
}

/* The hub class driver, a client of enumeration. */
const struct usbblk_class_ops usbblk_hub_class = {
	.name		= "hub",
	.info_flag	= USBBLK_DEV_HUB,
	.probe		= hub_probe,
	.attach		= hub_attach,
	.rescan		= hub_rescan,
	.unplug		= hub_unplug,
	.detach		= hub_detach,
};

/**
 * usbblk_hub_work() - periodic check of hub ports while a hub is present
 * @work: hc->hub_work
 */
void usbblk_hub_work(struct work_struct *work)
{
	struct usbblk_hc *hc = container_of(to_delayed_work(work), struct usbblk_hc, hub_work);
	struct usbblk_udev *udev;
	bool hubs = false;

	mutex_lock(&hc->enum_lock);
	list_for_each_entry(udev, &hc->devices, node)
		hubs |= udev->class_ops == &usbblk_hub_class && hub_of(udev) &&
			!usbblk_udev_gone(udev) &&
			(!hub_of(udev)->status_ep || READ_ONCE(hub_poll_ms));
	mutex_unlock(&hc->enum_lock);
	if (!hubs || usbblk_hc_gone(hc))
		return;
	queue_work(hc->wq, &hc->port_work);
	queue_delayed_work(hc->wq, &hc->hub_work, hub_poll_delay());
}
