// SPDX-License-Identifier: GPL-2.0
/*
 * Enumeration: root-port changes, device slots, addressing, descriptors,
 * configuration, and teardown on detach.
 *
 * Port work runs on the controller's ordered workqueue, so enumeration
 * and teardown never overlap; it may sleep on commands and control
 * transfers, whose completions the IRQ thread delivers.
 *
 * Addressing follows xHCI 4.3: Enable Slot; Address Device with BSR = 1
 * (the slot goes to Default, no SET_ADDRESS yet); read the first 8 bytes
 * of the device descriptor to learn EP0's max packet size and fix it with
 * Evaluate Context; Address Device with BSR = 0 (SET_ADDRESS).  Then the
 * device, configuration and string descriptors, each validated by desc.c
 * before use.  Mass-storage BOT interfaces and hubs are configured
 * (Configure Endpoint, then SET_CONFIGURATION); other devices stay
 * addressed and are left alone.
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/usb/ch11.h>

#include "class.h"
#include "cmd.h"
#include "ctx.h"
#include "enum.h"
#include "hc.h"
#include "trace.h"
#include "xfer.h"
#include "xhci-regs.h"

static unsigned int debounce_ms;
module_param(debounce_ms, uint, 0644);
MODULE_PARM_DESC(debounce_ms,
		 "wait after a connect before resetting the port (USB 2.0 7.1.7.3 asks 100 ms of real hardware; 0 = none). Default: 0");

#define USBBLK_PORT_RESET_MS	500	/* bound for the reset / link training */
#define USBBLK_PORT_POLL_US	1000	/* PORTSC poll interval meanwhile */
#define USBBLK_ADDRESS_TRIES	2
#define USBBLK_SET_ADDRESS_US	2000	/* SET_ADDRESS recovery, USB 2.0 9.2.6.3 */
#define USBBLK_DEV_DESC_HEAD	8	/* enough for bMaxPacketSize0 */
#define USBBLK_STRING_DESC_MAX	255	/* bLength is a byte */
#define USBBLK_PATH_LEN		24	/* "N.N.N.N.N.N" */
/* the route string (USB 3.2 8.9, xHCI 6.2.2): a hub port number a tier */
#define USBBLK_ROUTE_TIER_BITS	4
#define USBBLK_ROUTE_PORT	GENMASK(USBBLK_ROUTE_TIER_BITS - 1, 0)

static void udev_release(struct kref *ref)
{
	struct usbblk_udev *udev = container_of(ref, struct usbblk_udev, ref);

	usbblk_hc_put(udev->hc);
	kfree(udev);
}

/**
 * usbblk_udev_put() - drop a reference to a device
 * @udev: the device
 */
void usbblk_udev_put(struct usbblk_udev *udev)
{
	kref_put(&udev->ref, udev_release);
}

/* The slot context's Speed field wants the default Protocol Speed ID. */
static u32 speed_to_psiv(unsigned int speed)
{
	switch (speed) {
	case USB_SPEED_LOW:		return XHCI_PSIV_LOW;
	case USB_SPEED_FULL:		return XHCI_PSIV_FULL;
	case USB_SPEED_HIGH:		return XHCI_PSIV_HIGH;
	case USB_SPEED_SUPER_PLUS:	return XHCI_PSIV_SUPER_PLUS;
	default:			return XHCI_PSIV_SUPER;
	}
}

/* EP0's max packet size before the device descriptor says (5.5.3 of USB 2.0). */
static u16 ep0_initial_maxp(unsigned int speed)
{
	switch (speed) {
	case USB_SPEED_LOW:
	case USB_SPEED_FULL:
		return 8;
	case USB_SPEED_HIGH:
		return 64;
	default:
		return 512;
	}
}

static struct usbblk_udev *udev_alloc(struct usbblk_hc *hc, struct usbblk_udev *parent,
				      u8 port, unsigned int speed, u64 connect_ns)
{
	struct usbblk_udev *udev = kzalloc(sizeof(*udev), GFP_KERNEL);
	struct usbblk_device_info *info;

	if (!udev)
		return NULL;
	/* LUN files may outlive the controller's removal: keep the object */
	usbblk_hc_get(hc);
	udev->hc = hc;
	kref_init(&udev->ref);
	init_rwsem(&udev->io_lock);
	mutex_init(&udev->ctrl_lock);
	udev->parent = parent;
	udev->connect_ns = connect_ns;
	info = &udev->info;
	info->speed = speed;
	if (parent) {
		udev->parent_port = port;
		info->root_port = parent->info.root_port;
		info->depth = parent->info.depth + 1;
		memcpy(info->path, parent->info.path, sizeof(info->path));
		info->path[info->depth] = port;
		info->route = parent->info.route | (u32)(port & USBBLK_ROUTE_PORT) <<
			      (USBBLK_ROUTE_TIER_BITS * parent->info.depth);
	} else {
		info->root_port = port;
		info->path[0] = port;
	}
	info->state = USBBLK_DEV_FAILED;

	udev->in_ctx = dma_pool_zalloc(hc->ctx_pool, GFP_KERNEL, &udev->in_dma);
	udev->out_ctx = dma_pool_zalloc(hc->ctx_pool, GFP_KERNEL, &udev->out_dma);
	udev->ctrl_buf = dma_alloc_coherent(hc->dev, PAGE_SIZE, &udev->ctrl_dma, GFP_KERNEL);
	/* a missing buffer is reported by udev_setup(), as the device's error */
	return udev;
}

/* Free what the controller may have pointed at; its slot is disabled. */
static void udev_free_mem(struct usbblk_udev *udev)
{
	struct usbblk_hc *hc = udev->hc;
	unsigned int i;

	for (i = 2; i < ARRAY_SIZE(udev->eps); i++) {
		struct usbblk_ep *ep = udev->eps[i];

		if (ep) {
			usbblk_ep_free(udev, ep);
			kfree(ep);
		}
	}
	usbblk_ep_free(udev, &udev->ep0);
	if (udev->ctrl_buf)
		dma_free_coherent(hc->dev, PAGE_SIZE, udev->ctrl_buf, udev->ctrl_dma);
	if (udev->in_ctx)
		dma_pool_free(hc->ctx_pool, udev->in_ctx, udev->in_dma);
	if (udev->out_ctx)
		dma_pool_free(hc->ctx_pool, udev->out_ctx, udev->out_dma);
	udev->ctrl_buf = NULL;
	udev->in_ctx = NULL;
	udev->out_ctx = NULL;
}

/* Fill the input slot context of a device not configured yet (4.3.3). */
static void slot_ctx_setup(struct usbblk_udev *udev, unsigned int entries)
{
	__le32 *s = usbblk_ctx_in_slot(udev);
	struct usbblk_udev *hub = udev->parent;
	u8 tt_port = udev->parent_port;

	s[0] = cpu_to_le32(FIELD_PREP(SLOT_ROUTE, udev->info.route) |
			   FIELD_PREP(SLOT_SPEED, speed_to_psiv(udev->info.speed)) |
			   FIELD_PREP(SLOT_ENTRIES, entries));
	s[1] = cpu_to_le32(FIELD_PREP(SLOT_ROOT_PORT, udev->info.root_port));
	s[2] = 0;
	/* a low/full-speed device behind a high-speed hub talks through its TT */
	if (udev->info.speed < USB_SPEED_HIGH) {
		while (hub && hub->info.speed < USB_SPEED_HIGH) {
			tt_port = hub->parent_port;
			hub = hub->parent;
		}
		if (hub) {
			s[2] = cpu_to_le32(FIELD_PREP(SLOT_TT_HUB_SLOT, hub->slot_id) |
					   FIELD_PREP(SLOT_TT_PORT, tt_port));
			if (hub->desc.bDeviceProtocol == USB_HUB_PR_HS_MULTI_TT)
				s[0] |= cpu_to_le32(SLOT_MTT);
		}
	}
	s[3] = 0;
}

static int address_device(struct usbblk_udev *udev, bool bsr)
{
	usbblk_ctx_clear_in(udev);
	usbblk_ctx_in_control(udev)[ICC_ADD] = cpu_to_le32(ICC_SLOT);
	slot_ctx_setup(udev, 1);
	usbblk_ctx_ep_setup(udev, &udev->ep0, NULL);
	return usbblk_cmd_address_device(udev->hc, udev, bsr);
}

static int get_descriptor(struct usbblk_udev *udev, u8 type, u8 index, u16 lang,
			  void *buf, u16 len)
{
	return usbblk_control(udev, USB_DIR_IN | USB_TYPE_STANDARD | USB_RECIP_DEVICE,
			      USB_REQ_GET_DESCRIPTOR, USBBLK_DESC_VALUE(type, index), lang, buf,
			      len, USBBLK_CTRL_TIMEOUT_MS);
}

/* Record the step that failed, for enumeration's message; returns @err. */
static int udev_step(struct usbblk_udev *udev, const char *step, int err)
{
	if (err < 0 && !udev->failed_step)
		udev->failed_step = step;
	return err;
}

/* Events for the slot find the device; the controller finds its context. */
static void slot_bind(struct usbblk_udev *udev)
{
	struct usbblk_hc *hc = udev->hc;

	spin_lock(&hc->lock);
	hc->slots[udev->slot_id] = udev;
	hc->dcbaa[udev->slot_id] = cpu_to_le64(udev->out_dma);
	spin_unlock(&hc->lock);
}

/* The slot is disabled (or the controller halted): forget it, if any. */
static void slot_unbind(struct usbblk_udev *udev)
{
	struct usbblk_hc *hc = udev->hc;

	if (!udev->slot_id)
		return;
	spin_lock(&hc->lock);
	hc->slots[udev->slot_id] = NULL;
	hc->dcbaa[udev->slot_id] = 0;
	spin_unlock(&hc->lock);
}

/* Slot, EP0, BSR addressing; leaves the device in the Addressed state. */
static int udev_address(struct usbblk_udev *udev)
{
	struct usbblk_hc *hc = udev->hc;
	u8 head[USBBLK_DEV_DESC_HEAD], maxp0;
	u16 maxp;
	int ret;

	ret = usbblk_cmd_enable_slot(hc, &udev->slot_id);
	if (ret)
		return udev_step(udev, "Enable Slot", ret);
	slot_bind(udev);

	ret = usbblk_ep_alloc(udev, &udev->ep0, 0, EP_TYPE_CONTROL,
			      ep0_initial_maxp(udev->info.speed));
	if (ret)
		return udev_step(udev, "EP0 ring", ret);
	ret = address_device(udev, true);
	if (ret)
		return udev_step(udev, "Address Device (BSR)", ret);

	ret = get_descriptor(udev, USB_DT_DEVICE, 0, 0, head, sizeof(head));
	if (ret >= 0 && ret < (int)sizeof(head))
		ret = -EMSGSIZE;
	if (ret < 0)
		return udev_step(udev, "device descriptor head", ret);
	maxp0 = head[offsetof(struct usb_device_descriptor, bMaxPacketSize0)];
	ret = usbblk_ep0_maxp_valid(udev->info.speed, maxp0);
	if (ret)
		return udev_step(udev, "bMaxPacketSize0", ret);
	maxp = udev->info.speed >= USB_SPEED_SUPER ? 1U << maxp0 : maxp0;
	if (maxp != udev->ep0.maxp) {
		udev->ep0.maxp = maxp;
		usbblk_ctx_clear_in(udev);
		usbblk_ctx_ep_setup(udev, &udev->ep0, NULL);
		ret = usbblk_cmd_eval_context(hc, udev);
		if (ret)
			return udev_step(udev, "Evaluate Context (EP0)", ret);
	}
	ret = address_device(udev, false);
	if (ret)
		return udev_step(udev, "Address Device", ret);
	usleep_range(USBBLK_SET_ADDRESS_US, USBBLK_SET_ADDRESS_US + USBBLK_SET_ADDRESS_US / 4);
	return 0;
}

static void read_string(struct usbblk_udev *udev, u8 index, u16 lang, char *out, size_t size)
{
	u8 *buf;
	int ret;

	if (!index)
		return;
	buf = kmalloc(USBBLK_STRING_DESC_MAX, GFP_KERNEL);
	if (!buf)
		return;
	ret = get_descriptor(udev, USB_DT_STRING, index, lang, buf, USBBLK_STRING_DESC_MAX);
	if (ret >= 0)
		ret = usbblk_string_to_utf8(buf, ret, out, size);
	if (ret < 0)
		dev_dbg(udev->hc->dev, "string %u: %d\n", index, ret);
	kfree(buf);
}

static int udev_read_descriptors(struct usbblk_udev *udev)
{
	struct usbblk_device_info *info = &udev->info;
	struct usb_device_descriptor *d = &udev->desc;
	u16 total, lang = 0;
	u8 *buf;
	int ret;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return udev_step(udev, "descriptor buffer", -ENOMEM);
	ret = get_descriptor(udev, USB_DT_DEVICE, 0, 0, buf, USB_DT_DEVICE_SIZE);
	if (ret >= 0)
		ret = usbblk_parse_device_desc(buf, ret, info->speed, d);
	if (ret) {
		udev_step(udev, "device descriptor", ret);
		goto out;
	}
	info->vendor_id = le16_to_cpu(d->idVendor);
	info->product_id = le16_to_cpu(d->idProduct);
	info->bcd_device = le16_to_cpu(d->bcdDevice);
	info->bcd_usb = le16_to_cpu(d->bcdUSB);
	info->dev_class = d->bDeviceClass;
	info->dev_subclass = d->bDeviceSubClass;
	info->dev_protocol = d->bDeviceProtocol;
	info->num_configs = d->bNumConfigurations;

	ret = get_descriptor(udev, USB_DT_CONFIG, 0, 0, buf, USB_DT_CONFIG_SIZE);
	if (ret >= 0)
		ret = usbblk_config_total_length(buf, ret, &total);
	if (!ret && total > PAGE_SIZE)
		ret = -EMSGSIZE;
	if (!ret) {
		ret = get_descriptor(udev, USB_DT_CONFIG, 0, 0, buf, total);
		if (ret >= 0)
			ret = usbblk_parse_config(buf, ret, info->speed, &udev->cfg);
	}
	if (ret) {
		udev_step(udev, "configuration descriptor", ret);
		goto out;
	}
	info->if_class = udev->cfg.if_class;
	info->if_subclass = udev->cfg.if_subclass;
	info->if_protocol = udev->cfg.if_protocol;
	info->if_number = udev->cfg.if_number;

	if (d->iManufacturer || d->iProduct || d->iSerialNumber) {
		ret = get_descriptor(udev, USB_DT_STRING, 0, 0, buf, USBBLK_STRING_DESC_MAX);
		if (ret >= 0 && !usbblk_parse_langid(buf, ret, &lang)) {
			read_string(udev, d->iManufacturer, lang, info->manufacturer,
				    sizeof(info->manufacturer));
			read_string(udev, d->iProduct, lang, info->product, sizeof(info->product));
			read_string(udev, d->iSerialNumber, lang, info->serial,
				    sizeof(info->serial));
		}
	}
	ret = 0;
out:
	kfree(buf);
	return ret;
}

/* An endpoint a class asked for: a ring, described in the input context. */
static struct usbblk_ep *udev_add_ep(struct usbblk_udev *udev, const struct usbblk_ep_info *info,
				     u8 type)
{
	struct usbblk_ep *ep = kzalloc(sizeof(*ep), GFP_KERNEL);

	if (!ep)
		return NULL;
	if (usbblk_ep_alloc(udev, ep, info->addr, type, info->max_packet)) {
		kfree(ep);
		return NULL;
	}
	/* from here on udev->eps[] owns it: freed with the device */
	usbblk_ctx_ep_setup(udev, ep, info);
	return ep;
}

/* Configure Endpoint for the endpoints the class asked for, then SET_CONFIGURATION. */
static int udev_configure(struct usbblk_udev *udev, struct usbblk_class_eps *eps)
{
	struct usbblk_cfg_info *cfg = &udev->cfg;
	unsigned int i, max_dci = 1;
	__le32 *s;
	int ret;

	usbblk_ctx_clear_in(udev);
	for (i = 0; i < eps->n; i++) {
		eps->ep[i] = udev_add_ep(udev, eps->info[i], eps->type[i]);
		if (!eps->ep[i])
			return udev_step(udev, "endpoint ring", -ENOMEM);
		max_dci = max_t(unsigned int, max_dci, eps->ep[i]->dci);
	}
	/* the slot context as the controller has it, with the new entry count */
	s = usbblk_ctx_slot_update(udev);
	s[0] = cpu_to_le32((le32_to_cpu(s[0]) & ~SLOT_ENTRIES) |
			   FIELD_PREP(SLOT_ENTRIES, max_dci));
	ret = usbblk_cmd_config_ep(udev->hc, udev);
	if (ret)
		return udev_step(udev, "Configure Endpoint", ret);

	ret = usbblk_control(udev, USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_DEVICE,
			     USB_REQ_SET_CONFIGURATION, cfg->config_value, 0, NULL, 0,
			     USBBLK_CTRL_TIMEOUT_MS);
	if (ret < 0)
		return udev_step(udev, "SET_CONFIGURATION", ret);
	udev->info.config_value = cfg->config_value;
	return 0;
}

/*
 * Offer the device to each class; the first that claims it gets it
 * configured with the endpoints it asked for (in @eps, for its attach).
 */
static int udev_bind_class(struct usbblk_udev *udev, struct usbblk_class_eps *eps)
{
	const struct usbblk_class_ops *const *c;
	int ret;

	for (c = usbblk_classes; *c; c++) {
		memset(eps, 0, sizeof(*eps));
		ret = (*c)->probe(udev, eps);
		if (ret == -ENODEV)
			continue;
		if (ret)
			return udev_step(udev, (*c)->name, ret);
		ret = udev_configure(udev, eps);
		if (ret)
			return ret;
		udev->info.state = USBBLK_DEV_CONFIGURED;
		udev->info.flags |= (*c)->info_flag;
		udev->class_ops = *c;
		return 0;
	}
	udev->info.state = USBBLK_DEV_ADDRESSED;	/* no class of ours: left alone */
	return 0;
}

static int udev_setup(struct usbblk_udev *udev, struct usbblk_class_eps *eps)
{
	int ret, tries;

	if (!udev->in_ctx || !udev->out_ctx || !udev->ctrl_buf)
		return udev_step(udev, "context and control buffers", -ENOMEM);
	for (tries = 0; tries < USBBLK_ADDRESS_TRIES; tries++) {
		udev->failed_step = NULL;
		ret = udev_address(udev);
		if (!ret || ret == -ENOSPC || ret == -ENODEV)
			break;
		/* some devices fail the first time: a fresh slot, once more (4.6.5) */
		dev_dbg(udev->hc->dev, "slot %u: %s failed (%d), retrying\n", udev->slot_id,
			udev->failed_step, ret);
		if (udev->slot_id) {
			usbblk_cmd_disable_slot(udev->hc, udev->slot_id);
			slot_unbind(udev);
			udev->slot_id = 0;
		}
		usbblk_ep_free(udev, &udev->ep0);
		memset(udev->out_ctx, 0, USBBLK_DEV_CTX_ENTRIES * udev->hc->ctx_size);
	}
	if (ret)
		return ret;
	ret = udev_read_descriptors(udev);
	if (ret)
		return ret;
	return udev_bind_class(udev, eps);
}

static const char *speed_name(unsigned int speed)
{
	switch (speed) {
	case USB_SPEED_LOW:		return "low";
	case USB_SPEED_FULL:		return "full";
	case USB_SPEED_HIGH:		return "high";
	case USB_SPEED_SUPER:		return "super";
	case USB_SPEED_SUPER_PLUS:	return "super-plus";
	default:			return "unknown";
	}
}

static void path_str(const struct usbblk_device_info *info, char *buf, size_t size)
{
	unsigned int i;
	int n;

	n = scnprintf(buf, size, "%u", info->path[0]);
	for (i = 1; i <= info->depth && i <= USBBLK_MAX_TIERS; i++)
		n += scnprintf(buf + n, size - n, ".%u", info->path[i]);
}

/**
 * usbblk_udev_enumerate() - enumerate a device that just connected
 * @hc:		the controller
 * @parent:	the hub it is on, NULL for a root port
 * @port:	the (root or hub) port, reset and enabled by the caller
 * @speed:	its speed (enum usb_device_speed)
 * @connect_ns:	when its connect event came
 *
 * A device that fails stays listed with state USBBLK_DEV_FAILED and its
 * error, so ENUMERATE can say why; it is removed at detach like any other.
 *
 * Context: the port work, hc->enum_lock held; sleeps (commands, control
 * transfers).
 *
 * Return: the device (listed in hc->devices), or NULL without memory.
 */
struct usbblk_udev *usbblk_udev_enumerate(struct usbblk_hc *hc, struct usbblk_udev *parent,
					  u8 port, unsigned int speed, u64 connect_ns)
{
	struct usbblk_udev *udev = udev_alloc(hc, parent, port, speed, connect_ns);
	struct usbblk_class_eps eps;
	struct usbblk_device_info *info;
	char path[USBBLK_PATH_LEN];
	int ret;

	lockdep_assert_held(&hc->enum_lock);
	might_sleep();
	if (!udev)
		return NULL;
	info = &udev->info;
	list_add_tail(&udev->node, &hc->devices);
	path_str(info, path, sizeof(path));
	ret = udev_setup(udev, &eps);
	info->slot_id = udev->slot_id;
	info->enum_ns = ktime_get_ns() - connect_ns;
	trace_usbblk_enumerated(info, ret);
	if (ret) {
		info->state = USBBLK_DEV_FAILED;
		info->error = -ret;
		dev_warn(hc->dev, "port %s: %s-speed device failed to enumerate: %s: %d\n",
			 path, speed_name(speed), udev->failed_step ?: "setup", ret);
		return udev;
	}
	dev_info(hc->dev,
		 "port %s: %s-speed device %04x:%04x \"%s\" serial \"%s\"%s%s, slot %u, %llu us\n",
		 path, speed_name(speed), info->vendor_id, info->product_id, info->product,
		 info->serial, info->flags & USBBLK_DEV_MASS_STORAGE ? ", mass storage" : "",
		 info->flags & USBBLK_DEV_HUB ? ", hub" : "", udev->slot_id,
		 info->enum_ns / NSEC_PER_USEC);
	if (udev->class_ops) {
		ret = udev->class_ops->attach(udev, &eps);
		if (ret) {
			info->state = USBBLK_DEV_FAILED;
			info->error = -ret;
			dev_warn(hc->dev, "port %s: %s attach failed: %d\n", path,
				 udev->class_ops->name, ret);
		}
	}
	return udev;
}

/**
 * usbblk_udev_disconnect() - tear down a device that left (and its children)
 * @udev: the device
 *
 * New transfers are refused at once; the slot is disabled, so the
 * controller stops touching the device's memory; transfers in flight are
 * failed with -ENODEV and waited for; then the memory is freed and the
 * device leaves the list.  Its last reference frees the object.
 *
 * Context: the port work or controller removal, hc->enum_lock held;
 * sleeps (commands, waiting for transfers to leave).
 */
void usbblk_udev_disconnect(struct usbblk_udev *udev)
{
	struct usbblk_hc *hc = udev->hc;
	char path[USBBLK_PATH_LEN];
	int ret = 0;

	lockdep_assert_held(&hc->enum_lock);
	might_sleep();
	if (udev->class_ops && udev->class_ops->unplug)
		udev->class_ops->unplug(udev);	/* a hub disconnects its children */

	spin_lock(&hc->lock);
	WRITE_ONCE(udev->gone, true);	/* the rule: struct usbblk_udev */
	spin_unlock(&hc->lock);
	if (udev->slot_id && hc->running)
		ret = usbblk_cmd_disable_slot(hc, udev->slot_id);
	if (ret) {
		/*
		 * The controller did not let go of the slot: only a halt
		 * guarantees it stops touching the buffers we release next.
		 */
		dev_err(hc->dev, "Disable Slot %u failed: %d: halting the controller\n",
			udev->slot_id, ret);
		usbblk_xhci_halt(hc);
		hc->running = false;
	}
	usbblk_ep_abort_all(udev);
	if (udev->class_ops)
		udev->class_ops->detach(udev);
	down_write(&udev->io_lock);	/* wait for transfers to leave */
	up_write(&udev->io_lock);

	slot_unbind(udev);
	udev_free_mem(udev);
	list_del(&udev->node);
	path_str(&udev->info, path, sizeof(path));
	dev_info(hc->dev, "port %s: device %04x:%04x disconnected\n", path,
		 udev->info.vendor_id, udev->info.product_id);
	usbblk_udev_put(udev);
}

/*
 * The path a device on @port would have ("3", "3.1", ...), for messages
 * about a port nobody is attached to yet.
 */
static void port_path_str(const struct usbblk_port_state *port, char *buf, size_t size)
{
	size_t n;

	if (!port->hub) {
		scnprintf(buf, size, "%u", port->num);
		return;
	}
	path_str(&port->hub->info, buf, size);
	n = strlen(buf);
	scnprintf(buf + n, size - n, ".%u", port->num);
}

/**
 * usbblk_port_check() - act on what a port's status says (root or hub)
 * @port:	the port, its change bits already cleared by its owner
 * @child:	the device attached there (NULL if none); updated
 *
 * A device that left, or was replaced (a connect change), is torn down;
 * a device that is there without one of ours gets the port reset (by
 * @port->reset, which also says its speed) and is enumerated.
 *
 * Context: the port work, hc->enum_lock held; sleeps.
 */
void usbblk_port_check(const struct usbblk_port_state *port, struct usbblk_udev **child)
{
	struct usbblk_hc *hc = port->hc;
	char path[USBBLK_PATH_LEN];
	unsigned int speed;
	u64 t;
	int ret;

	lockdep_assert_held(&hc->enum_lock);
	if (*child && (!port->connected || port->connect_change)) {
		usbblk_udev_disconnect(*child);
		*child = NULL;
	}
	if (*child || !port->connected)
		return;
	t = port->connect_ns ?: ktime_get_ns();
	ret = port->reset(port, &speed);
	if (ret) {
		port_path_str(port, path, sizeof(path));
		dev_warn(hc->dev, "port %s: reset failed: %d\n", path, ret);
		return;
	}
	*child = usbblk_udev_enumerate(hc, port->hub, port->num, speed, t);
}

/* Reset a USB 2 root port, or wait for a USB 3 port's link training. */
static int root_port_reset(const struct usbblk_port_state *p, unsigned int *speed)
{
	struct usbblk_hc *hc = p->hc;
	unsigned int port = p->num;
	u32 portsc = usbblk_xhci_portsc(hc, port);
	int ret;

	if (debounce_ms)
		msleep(debounce_ms);
	if (hc->port_major[port - 1] != USBBLK_USB3_MAJOR) {
		usbblk_xhci_port_write(hc, port, portsc, XHCI_PORTSC_PR);
		ret = readl_poll_timeout(hc->op + XHCI_OP_PORTSC(port), portsc,
					 portsc & XHCI_PORTSC_PRC, USBBLK_PORT_POLL_US,
					 USBBLK_PORT_RESET_MS * USEC_PER_MSEC);
		usbblk_xhci_port_write(hc, port, portsc, XHCI_PORTSC_PRC);
		if (ret)
			goto out;
		usleep_range(USBBLK_RESET_RECOVERY_US, USBBLK_RESET_RECOVERY_US * 11 / 10);
	} else {
		/* USB 3 ports train the link themselves: wait for U0 */
		ret = readl_poll_timeout(hc->op + XHCI_OP_PORTSC(port), portsc,
					 (portsc & XHCI_PORTSC_PED) ||
					 !(portsc & XHCI_PORTSC_CCS),
					 USBBLK_PORT_POLL_US, USBBLK_PORT_RESET_MS * USEC_PER_MSEC);
		if (ret)
			goto out;
	}
	portsc = usbblk_xhci_portsc(hc, port);
	ret = -ENODEV;
	if (!(portsc & XHCI_PORTSC_CCS))
		goto out;
	ret = -EIO;
	if (!(portsc & XHCI_PORTSC_PED))
		goto out;
	*speed = usbblk_psiv_to_speed(hc->port_major[port - 1],
				      FIELD_GET(XHCI_PORTSC_SPEED, portsc));
	ret = *speed == USB_SPEED_UNKNOWN ? -EIO : 0;
out:
	if (ret)
		dev_dbg(hc->dev, "port %u: PORTSC %#x after reset: %d\n", port,
			usbblk_xhci_portsc(hc, port), ret);
	return ret;
}

static struct usbblk_udev *root_device(struct usbblk_hc *hc, unsigned int port)
{
	struct usbblk_udev *udev;

	lockdep_assert_held(&hc->enum_lock);
	list_for_each_entry(udev, &hc->devices, node)
		if (!udev->parent && udev->info.root_port == port)
			return udev;
	return NULL;
}

/* A root port: PORTSC's change bits cleared, then the common check. */
static void root_port_check(struct usbblk_hc *hc, unsigned int num)
{
	u32 portsc = usbblk_xhci_portsc(hc, num);
	u32 changes = portsc & XHCI_PORTSC_CHANGES;
	struct usbblk_udev *udev = root_device(hc, num);
	struct usbblk_port_state port = {
		.hc		= hc,
		.num		= num,
		.connected	= portsc & XHCI_PORTSC_CCS,
		.connect_change	= changes & XHCI_PORTSC_CSC,
		.reset		= root_port_reset,
	};

	trace_usbblk_port(num, portsc);
	if (changes)
		usbblk_xhci_port_write(hc, num, portsc, changes);
	/* the connect event's time, when this is the connect it reported */
	if (port.connect_change)
		port.connect_ns = READ_ONCE(hc->port_connect_ns[num]);
	usbblk_port_check(&port, &udev);
}

/**
 * usbblk_port_work() - scan the root ports with changes, then every hub
 * @work: hc->port_work
 */
void usbblk_port_work(struct work_struct *work)
{
	struct usbblk_hc *hc = container_of(work, struct usbblk_hc, port_work);
	struct usbblk_udev *udev;
	unsigned int port;

	mutex_lock(&hc->enum_lock);
	if (usbblk_hc_gone(hc) || !hc->running)
		goto out;
	for (port = 1; port <= hc->caps.max_ports; port++)
		if (test_and_clear_bit(port, hc->port_changed))
			root_port_check(hc, port);
	/*
	 * A hub scan adds and removes devices: restart the walk after each,
	 * and mark the hubs done in this pass.
	 */
	hc->scan_gen++;
restart:
	list_for_each_entry(udev, &hc->devices, node) {
		if (udev->class_ops && udev->class_ops->rescan && !usbblk_udev_gone(udev) &&
		    udev->scan_gen != hc->scan_gen) {
			udev->scan_gen = hc->scan_gen;
			udev->class_ops->rescan(udev);
			goto restart;
		}
	}
out:
	mutex_unlock(&hc->enum_lock);
}

/**
 * usbblk_enum_rescan() - check every port now and wait until done
 * @hc: the controller
 *
 * Context: process context, not in the port work; sleeps.
 */
void usbblk_enum_rescan(struct usbblk_hc *hc)
{
	unsigned int port;

	might_sleep();
	for (port = 1; port <= hc->caps.max_ports; port++)
		set_bit(port, hc->port_changed);
	queue_work(hc->wq, &hc->port_work);
	flush_work(&hc->port_work);
}

/**
 * usbblk_enum_remove_all() - tear down every device (controller removal)
 * @hc: the controller, its port work flushed
 *
 * Context: process context; sleeps.
 */
void usbblk_enum_remove_all(struct usbblk_hc *hc)
{
	struct usbblk_udev *udev;

	mutex_lock(&hc->enum_lock);
	/* root devices first: a hub takes its children with it */
	while (!list_empty(&hc->devices)) {
		udev = list_first_entry(&hc->devices, struct usbblk_udev, node);
		while (udev->parent)
			udev = udev->parent;
		usbblk_udev_disconnect(udev);
	}
	mutex_unlock(&hc->enum_lock);
}

/*
 * enum_snapshot() - copy the device list, for user space
 * @hc:		the controller
 * @max:	entries wanted at most
 * @count:	devices present (may exceed @max)
 *
 * The copy is made under the enumeration lock; the caller copies it to
 * user space after dropping its locks (a user page fault must never hold
 * up enumeration or teardown).
 *
 * Return: kmalloc'ed array of min(@count, @max) entries (NULL when that
 * is 0), or an ERR_PTR.
 */
static struct usbblk_device_info *enum_snapshot(struct usbblk_hc *hc, u32 max, u32 *count)
{
	struct usbblk_device_info *out = NULL;
	struct usbblk_udev *udev;
	u32 n = 0;

	max = min_t(u32, max, USBBLK_MAX_SLOTS);	/* more devices than slots cannot exist */
	if (max) {
		out = kcalloc(max, sizeof(*out), GFP_KERNEL);
		if (!out)
			return ERR_PTR(-ENOMEM);
	}
	mutex_lock(&hc->enum_lock);
	list_for_each_entry(udev, &hc->devices, node) {
		if (n < max)
			out[n] = udev->info;
		n++;
	}
	mutex_unlock(&hc->enum_lock);
	*count = n;
	return out;
}

/**
 * usbblk_enum_ioctl() - USBBLK_IOC_ENUMERATE, on a controller or LUN node
 * @hc:   the controller
 * @argp: the user's struct usbblk_enumerate
 *
 * Context: an ioctl; sleeps (a rescan, user copies).
 *
 * Return: 0 or a negative errno.
 */
long usbblk_enum_ioctl(struct usbblk_hc *hc, void __user *argp)
{
	struct usbblk_device_info *snap = NULL;
	struct usbblk_enumerate *e;
	struct usbblk_device_info __user *devs;
	u32 flags, max_devices, ndevices;
	u64 devices;
	unsigned int i;
	long ret;

	might_sleep();
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
	if (usbblk_hc_gone(hc)) {
		up_read(&hc->gone_lock);
		ret = -ENODEV;
		goto out;
	}
	if (!(flags & USBBLK_ENUM_NO_RESCAN))
		usbblk_enum_rescan(hc);
	usbblk_xhci_fill_info(hc, &e->hc);
	e->nports = hc->caps.max_ports;
	for (i = 0; i < e->nports; i++)
		usbblk_port_decode(&e->ports[i], i + 1, usbblk_xhci_portsc(hc, i + 1),
				   hc->port_major[i]);
	snap = enum_snapshot(hc, devs ? max_devices : 0, &ndevices);
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
