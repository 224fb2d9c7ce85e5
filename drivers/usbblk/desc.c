// SPDX-License-Identifier: GPL-2.0
/*
 * USB descriptor parsing and validation: device, configuration (with its
 * interfaces, endpoints and SuperSpeed endpoint companions), string and
 * hub descriptors.
 *
 * Pure functions over the bytes a device returned: no hardware, no
 * allocation, no printk, so the same file builds into the module and into
 * the host unit tests and fuzzers (selftests/unit/).  Every length field is
 * checked against the buffer before it is used.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/usb/ch9.h>
#include <linux/usb/ch11.h>
#include <linux/usb/storage.h>
#include <asm/unaligned.h>

#include "desc.h"

/* SuperSpeed ep0: bMaxPacketSize0 is an exponent, 2^9 = 512 bytes */
#define USBBLK_SS_EP0_MAXP_EXP	9
/* SuperSpeed endpoint companion: bMaxBurst is 0..15 */
#define USBBLK_SS_MAX_BURST	15
/* a USB 2 hub descriptor has at least one DeviceRemovable and one PortPwrCtrlMask byte */
#define USBBLK_HUB_DESC_MIN	(USB_DT_HUB_NONVAR_SIZE + 2)
/* string descriptor 0: at least one LANGID */
#define USBBLK_LANGID_DESC_MIN	4
#define USBBLK_LANGID_EN_US	0x0409

/*
 * Byte offsets of the descriptor fields used here (USB 2.0 chapters 9 and
 * 11, USB 3.2 chapter 9).  They match the packed structs of
 * <linux/usb/ch9.h> and <linux/usb/ch11.h>; the fields are read by offset
 * so that the code does not depend on the size of those structs (bLength
 * may be shorter than sizeof() for endpoints and hubs).
 */
#define DESC_LEN		0	/* bLength, bDescLength */
#define DESC_TYPE		1	/* bDescriptorType */
#define DESC_DEV_MAXP0		7	/* bMaxPacketSize0 */
#define DESC_DEV_NUM_CFGS	17	/* bNumConfigurations */
#define DESC_CFG_TOTAL_LEN	2	/* wTotalLength */
#define DESC_CFG_NUM_IFS	4	/* bNumInterfaces */
#define DESC_CFG_VALUE		5	/* bConfigurationValue */
#define DESC_CFG_ATTRS		7	/* bmAttributes */
#define DESC_CFG_MAX_POWER	8	/* bMaxPower */
#define DESC_IF_NUMBER		2	/* bInterfaceNumber */
#define DESC_IF_ALT		3	/* bAlternateSetting */
#define DESC_IF_NUM_EPS		4	/* bNumEndpoints */
#define DESC_IF_CLASS		5	/* bInterfaceClass */
#define DESC_IF_SUBCLASS	6	/* bInterfaceSubClass */
#define DESC_IF_PROTOCOL	7	/* bInterfaceProtocol */
#define DESC_EP_ADDR		2	/* bEndpointAddress */
#define DESC_EP_ATTRS		3	/* bmAttributes */
#define DESC_EP_MAXP		4	/* wMaxPacketSize */
#define DESC_EP_INTERVAL	6	/* bInterval */
#define DESC_SSC_MAX_BURST	2	/* bMaxBurst */
#define DESC_HUB_NPORTS		2	/* bNbrPorts */
#define DESC_HUB_CHARS		3	/* wHubCharacteristics */
#define DESC_HUB_PWR_ON		5	/* bPwrOn2PwrGood */

static bool usbblk_speed_valid(unsigned int speed)
{
	switch (speed) {
	case USB_SPEED_LOW:
	case USB_SPEED_FULL:
	case USB_SPEED_HIGH:
	case USB_SPEED_SUPER:
	case USB_SPEED_SUPER_PLUS:
		return true;
	default:
		return false;
	}
}

/**
 * usbblk_ep0_maxp_valid() - check bMaxPacketSize0 against the device speed
 * @speed:	enum usb_device_speed of the device
 * @maxp0:	bMaxPacketSize0 from the device descriptor
 *
 * Low speed allows 8, full speed 8, 16, 32 or 64, high speed 64.  For
 * SuperSpeed and SuperSpeedPlus bMaxPacketSize0 is an exponent and must be
 * 9 (512 bytes).
 *
 * Return: 0 if valid, -EPROTO if not, -EINVAL for a speed usbblk does not
 * support (unknown, wireless, out of range).
 */
int usbblk_ep0_maxp_valid(unsigned int speed, unsigned int maxp0)
{
	switch (speed) {
	case USB_SPEED_LOW:
		return maxp0 == 8 ? 0 : -EPROTO;
	case USB_SPEED_FULL:
		if (maxp0 == 8 || maxp0 == 16 || maxp0 == 32 || maxp0 == 64)
			return 0;
		return -EPROTO;
	case USB_SPEED_HIGH:
		return maxp0 == 64 ? 0 : -EPROTO;
	case USB_SPEED_SUPER:
	case USB_SPEED_SUPER_PLUS:
		return maxp0 == USBBLK_SS_EP0_MAXP_EXP ? 0 : -EPROTO;
	default:
		return -EINVAL;
	}
}

/**
 * usbblk_parse_device_desc() - validate and copy a device descriptor
 * @buf:	the bytes the device returned
 * @len:	how many
 * @speed:	enum usb_device_speed of the device
 * @out:	filled in on success (multi-byte fields stay little-endian)
 *
 * The descriptor must be complete (18 bytes), have bLength 18, type
 * USB_DT_DEVICE, a bMaxPacketSize0 valid for @speed and at least one
 * configuration.  @out is not written on failure.
 *
 * Return: 0 on success, -EINVAL for a NULL pointer or unsupported speed,
 * -EMSGSIZE if @len < 18, -EPROTO for a malformed descriptor.
 */
int usbblk_parse_device_desc(const void *buf, size_t len, unsigned int speed,
			     struct usb_device_descriptor *out)
{
	const u8 *d = buf;
	int ret;

	if (!buf || !out || !usbblk_speed_valid(speed))
		return -EINVAL;
	if (len < USB_DT_DEVICE_SIZE)
		return -EMSGSIZE;
	if (d[DESC_LEN] != USB_DT_DEVICE_SIZE || d[DESC_TYPE] != USB_DT_DEVICE)
		return -EPROTO;
	ret = usbblk_ep0_maxp_valid(speed, d[DESC_DEV_MAXP0]);
	if (ret)
		return ret;
	if (!d[DESC_DEV_NUM_CFGS])
		return -EPROTO;
	memcpy(out, d, USB_DT_DEVICE_SIZE);
	return 0;
}

/**
 * usbblk_config_total_length() - wTotalLength of a configuration descriptor
 * @buf:	the bytes the device returned (the first 9 are enough)
 * @len:	how many
 * @total:	set to wTotalLength on success
 *
 * Return: 0 on success, -EINVAL for a NULL pointer, -EMSGSIZE if @len < 9,
 * -EPROTO if the header is not a configuration descriptor (type, bLength
 * < 9) or wTotalLength is smaller than bLength.
 */
int usbblk_config_total_length(const void *buf, size_t len, u16 *total)
{
	const u8 *c = buf;
	u16 t;

	if (!buf || !total)
		return -EINVAL;
	if (len < USB_DT_CONFIG_SIZE)
		return -EMSGSIZE;
	if (c[DESC_LEN] < USB_DT_CONFIG_SIZE || c[DESC_TYPE] != USB_DT_CONFIG)
		return -EPROTO;
	t = get_unaligned_le16(c + DESC_CFG_TOTAL_LEN);
	if (t < c[DESC_LEN])
		return -EPROTO;
	*total = t;
	return 0;
}

/* One interface descriptor (any alternate setting) and its endpoints. */
struct usbblk_walk_if {
	u8 number;
	u8 alt;
	u8 class;
	u8 subclass;
	u8 protocol;
	u8 num_eps;
	u8 seen_eps;
	u32 ep_map;		/* bit (IN ? 16 : 0) + number per endpoint seen */
	struct usbblk_ep_info bulk_in;
	struct usbblk_ep_info bulk_out;
	struct usbblk_ep_info intr_in;
};

enum {
	USBBLK_PICK_BOT,
	USBBLK_PICK_HUB,
	USBBLK_PICK_FIRST,
	USBBLK_PICK_NR,
};

struct usbblk_walk {
	unsigned int speed;
	bool in_if;
	struct usbblk_walk_if cur;
	/* an endpoint was just seen and SuperSpeed needs its companion next */
	bool need_comp;
	/* where that endpoint's bMaxBurst goes (NULL: not one usbblk keeps) */
	struct usbblk_ep_info *comp_for;
	u32 alt0_map[256 / 32];	/* interface numbers with an alt 0 seen */
	unsigned int num_alt0;
	bool have[USBBLK_PICK_NR];
	struct usbblk_walk_if pick[USBBLK_PICK_NR];
};

static bool usbblk_if_is_bot(const struct usbblk_walk_if *i)
{
	return i->class == USB_CLASS_MASS_STORAGE && i->subclass == USB_SC_SCSI &&
	       i->protocol == USB_PR_BULK && i->bulk_in.addr && i->bulk_out.addr;
}

static bool usbblk_if_is_hub(const struct usbblk_walk_if *i)
{
	return i->class == USB_CLASS_HUB && i->intr_in.addr;
}

static void usbblk_walk_pick(struct usbblk_walk *w, unsigned int which)
{
	if (w->have[which])
		return;
	w->have[which] = true;
	w->pick[which] = w->cur;
}

/* The current interface ends: check its endpoint count, remember it if it is a candidate. */
static int usbblk_walk_end_if(struct usbblk_walk *w)
{
	struct usbblk_walk_if *i = &w->cur;

	if (!w->in_if)
		return 0;
	w->in_if = false;
	if (i->seen_eps != i->num_eps)
		return -EPROTO;
	if (i->alt)
		return 0;
	usbblk_walk_pick(w, USBBLK_PICK_FIRST);
	if (usbblk_if_is_bot(i))
		usbblk_walk_pick(w, USBBLK_PICK_BOT);
	if (usbblk_if_is_hub(i))
		usbblk_walk_pick(w, USBBLK_PICK_HUB);
	return 0;
}

static int usbblk_walk_interface(struct usbblk_walk *w, const u8 *d)
{
	struct usbblk_walk_if *i = &w->cur;
	u32 bit;
	int ret;

	if (d[DESC_LEN] < USB_DT_INTERFACE_SIZE)
		return -EPROTO;
	ret = usbblk_walk_end_if(w);
	if (ret)
		return ret;
	memset(i, 0, sizeof(*i));
	i->number = d[DESC_IF_NUMBER];
	i->alt = d[DESC_IF_ALT];
	i->class = d[DESC_IF_CLASS];
	i->subclass = d[DESC_IF_SUBCLASS];
	i->protocol = d[DESC_IF_PROTOCOL];
	i->num_eps = d[DESC_IF_NUM_EPS];
	if (!i->alt) {
		bit = BIT(i->number % 32);
		if (w->alt0_map[i->number / 32] & bit)
			return -EPROTO;	/* two alt 0 settings of one interface */
		w->alt0_map[i->number / 32] |= bit;
		w->num_alt0++;
	}
	w->in_if = true;
	return 0;
}

/*
 * The largest wMaxPacketSize (bits 10:0) a bulk or interrupt endpoint may
 * have at a speed (USB 2.0 5.7.3, 5.8.3; USB 3.2 9.6.6); 0 for others.
 */
static u16 usbblk_ep_maxp_limit(unsigned int speed, u8 type)
{
	if (type == USB_ENDPOINT_XFER_BULK)
		return speed >= USB_SPEED_SUPER ? 1024 : speed == USB_SPEED_HIGH ? 512 :
		       speed == USB_SPEED_FULL ? 64 : 0;
	if (type == USB_ENDPOINT_XFER_INT)
		return speed >= USB_SPEED_HIGH ? 1024 : speed == USB_SPEED_FULL ? 64 : 8;
	return 0;
}

static int usbblk_walk_endpoint(struct usbblk_walk *w, const u8 *d)
{
	struct usbblk_walk_if *i = &w->cur;
	struct usbblk_ep_info *slot = NULL;
	u8 addr, type;
	u16 maxp;
	u32 bit;
	bool in;

	if (!w->in_if || d[DESC_LEN] < USB_DT_ENDPOINT_SIZE)
		return -EPROTO;
	addr = d[DESC_EP_ADDR];
	type = d[DESC_EP_ATTRS] & USB_ENDPOINT_XFERTYPE_MASK;
	in = addr & USB_DIR_IN;
	/* endpoint 0 is not described here; bits 6:4 are reserved */
	if (!(addr & USB_ENDPOINT_NUMBER_MASK) ||
	    (addr & ~(USB_ENDPOINT_DIR_MASK | USB_ENDPOINT_NUMBER_MASK)))
		return -EPROTO;
	maxp = get_unaligned_le16(d + DESC_EP_MAXP) & USB_ENDPOINT_MAXP_MASK;
	if ((type == USB_ENDPOINT_XFER_BULK || type == USB_ENDPOINT_XFER_INT) &&
	    (!maxp || maxp > usbblk_ep_maxp_limit(w->speed, type)))
		return -EPROTO;
	if (i->seen_eps == i->num_eps)
		return -EPROTO;	/* more than bNumEndpoints */
	i->seen_eps++;
	bit = BIT((in ? 16 : 0) + (addr & USB_ENDPOINT_NUMBER_MASK));
	if (i->ep_map & bit)
		return -EPROTO;	/* the same endpoint twice in one setting */
	i->ep_map |= bit;

	if (type == USB_ENDPOINT_XFER_BULK && in && !i->bulk_in.addr)
		slot = &i->bulk_in;
	else if (type == USB_ENDPOINT_XFER_BULK && !in && !i->bulk_out.addr)
		slot = &i->bulk_out;
	else if (type == USB_ENDPOINT_XFER_INT && in && !i->intr_in.addr)
		slot = &i->intr_in;
	if (slot) {
		slot->addr = addr;
		slot->attrs = d[DESC_EP_ATTRS];
		slot->max_packet = maxp;
		slot->interval = d[DESC_EP_INTERVAL];
		slot->max_burst = 0;
	}
	w->need_comp = w->speed >= USB_SPEED_SUPER;
	w->comp_for = slot;
	return 0;
}

static int usbblk_walk_ss_comp(struct usbblk_walk *w, const u8 *d)
{
	if (!w->need_comp)
		return 0;	/* not right after an endpoint, or not SuperSpeed: ignored */
	if (d[DESC_LEN] < USB_DT_SS_EP_COMP_SIZE || d[DESC_SSC_MAX_BURST] > USBBLK_SS_MAX_BURST)
		return -EPROTO;
	if (w->comp_for)
		w->comp_for->max_burst = d[DESC_SSC_MAX_BURST];
	w->need_comp = false;
	w->comp_for = NULL;
	return 0;
}

static int usbblk_walk_one(struct usbblk_walk *w, const u8 *p)
{
	u8 type = p[DESC_TYPE];

	/* SuperSpeed: the companion immediately follows its endpoint */
	if (w->need_comp && type != USB_DT_SS_ENDPOINT_COMP)
		return -EPROTO;
	switch (type) {
	case USB_DT_INTERFACE:
		return usbblk_walk_interface(w, p);
	case USB_DT_ENDPOINT:
		return usbblk_walk_endpoint(w, p);
	case USB_DT_SS_ENDPOINT_COMP:
		return usbblk_walk_ss_comp(w, p);
	default:
		return 0;	/* class-specific, IAD, OTG, ...: bound-checked only */
	}
}

/**
 * usbblk_parse_config() - validate a full configuration descriptor set
 * @buf:	the bytes the device returned
 * @len:	how many
 * @speed:	enum usb_device_speed of the device
 * @out:	zeroed, then filled in on success
 *
 * Walks the descriptors within wTotalLength (which must not exceed @len).
 * Every descriptor needs bLength >= 2 and must fit; interface descriptors
 * need bLength >= 9 and endpoint descriptors bLength >= 7 (extra bytes are
 * skipped).  The number of alternate-0 interfaces must equal bNumInterfaces
 * (at least 1), each interface setting must have exactly bNumEndpoints
 * endpoint descriptors (no endpoint may appear outside an interface or
 * twice in one setting), endpoint addresses must name a nonzero endpoint
 * with the reserved bits clear, bulk and interrupt endpoints need a nonzero
 * wMaxPacketSize no larger than their speed allows (bulk 64 at full speed,
 * 512 at high speed, 1024 at SuperSpeed; interrupt 8, 64, 1024), and at
 * SuperSpeed every endpoint must be immediately
 * followed by its companion (bMaxBurst <= 15).  bConfigurationValue 0 is
 * rejected: SET_CONFIGURATION(0) would unconfigure the device.  Unknown
 * descriptor types are skipped.
 *
 * The chosen interface is described in struct usbblk_cfg_info.
 *
 * Return: 0 on success, -EINVAL for a NULL pointer or unsupported speed,
 * -EMSGSIZE if @buf is shorter than 9 bytes or than wTotalLength, -EPROTO
 * for malformed contents.
 */
int usbblk_parse_config(const void *buf, size_t len, unsigned int speed,
			struct usbblk_cfg_info *out)
{
	const struct usbblk_walk_if *i;
	struct usbblk_walk w;
	const u8 *c = buf;
	unsigned int off;
	u16 total;
	int ret;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!buf || !usbblk_speed_valid(speed))
		return -EINVAL;
	ret = usbblk_config_total_length(buf, len, &total);
	if (ret)
		return ret;
	if (total > len)
		return -EMSGSIZE;
	if (!c[DESC_CFG_NUM_IFS] || !c[DESC_CFG_VALUE])
		return -EPROTO;

	memset(&w, 0, sizeof(w));
	w.speed = speed;
	for (off = c[DESC_LEN]; off < total; off += c[off + DESC_LEN]) {
		if (total - off < 2 || c[off + DESC_LEN] < 2 || c[off + DESC_LEN] > total - off)
			return -EPROTO;
		ret = usbblk_walk_one(&w, c + off);
		if (ret)
			return ret;
	}
	if (w.need_comp)
		return -EPROTO;
	ret = usbblk_walk_end_if(&w);
	if (ret)
		return ret;
	if (w.num_alt0 != c[DESC_CFG_NUM_IFS] || !w.have[USBBLK_PICK_FIRST])
		return -EPROTO;

	if (w.have[USBBLK_PICK_BOT])
		i = &w.pick[USBBLK_PICK_BOT];
	else if (w.have[USBBLK_PICK_HUB])
		i = &w.pick[USBBLK_PICK_HUB];
	else
		i = &w.pick[USBBLK_PICK_FIRST];

	out->config_value = c[DESC_CFG_VALUE];
	out->num_interfaces = c[DESC_CFG_NUM_IFS];
	out->attributes = c[DESC_CFG_ATTRS];
	out->max_power = c[DESC_CFG_MAX_POWER];
	out->if_number = i->number;
	out->if_alt = i->alt;
	out->if_class = i->class;
	out->if_subclass = i->subclass;
	out->if_protocol = i->protocol;
	out->num_eps = i->num_eps;
	out->mass_storage = usbblk_if_is_bot(i);
	out->hub = usbblk_if_is_hub(i);
	out->bulk_in = i->bulk_in;
	out->bulk_out = i->bulk_out;
	out->intr_in = i->intr_in;
	return 0;
}

/* Common checks of a string descriptor of at least @min bytes. */
static int usbblk_string_check(const u8 *b, size_t len, unsigned int min)
{
	if (len < min)
		return -EMSGSIZE;
	if (b[DESC_LEN] < min || (b[DESC_LEN] & 1) || b[DESC_TYPE] != USB_DT_STRING)
		return -EPROTO;
	if (b[DESC_LEN] > len)
		return -EMSGSIZE;
	return 0;
}

/**
 * usbblk_parse_langid() - choose a LANGID from string descriptor 0
 * @buf:	the bytes the device returned
 * @len:	how many
 * @langid:	set on success
 *
 * String descriptor 0 lists the supported LANGIDs.  US English (0x0409) is
 * preferred; otherwise the first nonzero LANGID is used.
 *
 * Return: 0 on success, -EINVAL for a NULL pointer, -EMSGSIZE if @len < 4
 * or bLength > @len, -EPROTO if bLength is < 4 or odd, the type is not
 * USB_DT_STRING or every LANGID listed is 0.
 */
int usbblk_parse_langid(const void *buf, size_t len, u16 *langid)
{
	const u8 *b = buf;
	unsigned int off;
	u16 first = 0, id;
	int ret;

	if (!buf || !langid)
		return -EINVAL;
	ret = usbblk_string_check(b, len, USBBLK_LANGID_DESC_MIN);
	if (ret)
		return ret;
	for (off = 2; off + 2 <= b[DESC_LEN]; off += 2) {
		id = get_unaligned_le16(b + off);
		if (id == USBBLK_LANGID_EN_US) {
			*langid = id;
			return 0;
		}
		if (!first)
			first = id;
	}
	if (!first)
		return -EPROTO;
	*langid = first;
	return 0;
}

static bool usbblk_is_high_surrogate(u32 u)
{
	return u >= 0xd800 && u <= 0xdbff;
}

static bool usbblk_is_low_surrogate(u32 u)
{
	return u >= 0xdc00 && u <= 0xdfff;
}

/**
 * usbblk_string_to_utf8() - convert a string descriptor to UTF-8
 * @buf:	the bytes the device returned
 * @len:	how many
 * @out:	the UTF-8 string, always NUL-terminated (also on error)
 * @outlen:	size of @out in bytes, including the NUL
 *
 * Converts the UTF-16LE code units of the descriptor.  Surrogate pairs
 * become one 4-byte sequence, lone surrogates U+FFFD, control characters
 * below U+0020 '?' (the strings are printed and handed to user space);
 * U+0000 ends the string.  If @out is too small the string is cut before
 * the first character that does not fit, never inside a UTF-8 sequence.
 *
 * Return: the number of bytes written to @out, not counting the NUL
 * (>= 0), on success; -EINVAL for a NULL pointer or @outlen 0, -EMSGSIZE
 * if @len < 2 or bLength > @len, -EPROTO if bLength is < 2 or odd or the
 * type is not USB_DT_STRING.
 */
int usbblk_string_to_utf8(const void *buf, size_t len, char *out, size_t outlen)
{
	const u8 *b = buf;
	unsigned int n, i, k;
	size_t pos = 0;
	u32 cp, lo;
	int ret;

	if (!out || !outlen)
		return -EINVAL;
	out[0] = '\0';
	if (!buf)
		return -EINVAL;
	ret = usbblk_string_check(b, len, 2);
	if (ret)
		return ret;

	n = (b[DESC_LEN] - 2) / 2;
	for (i = 0; i < n; i++) {
		cp = get_unaligned_le16(b + 2 + 2 * i);
		if (!cp)
			break;
		if (usbblk_is_high_surrogate(cp) && i + 1 < n) {
			lo = get_unaligned_le16(b + 2 + 2 * (i + 1));
			if (usbblk_is_low_surrogate(lo)) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i++;
			}
		}
		if (usbblk_is_high_surrogate(cp) || usbblk_is_low_surrogate(cp))
			cp = 0xfffd;
		else if (cp < 0x20)
			cp = '?';

		k = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (k > outlen - 1 - pos)
			break;
		switch (k) {
		case 1:
			out[pos] = cp;
			break;
		case 2:
			out[pos] = 0xc0 | (cp >> 6);
			out[pos + 1] = 0x80 | (cp & 0x3f);
			break;
		case 3:
			out[pos] = 0xe0 | (cp >> 12);
			out[pos + 1] = 0x80 | ((cp >> 6) & 0x3f);
			out[pos + 2] = 0x80 | (cp & 0x3f);
			break;
		default:
			out[pos] = 0xf0 | (cp >> 18);
			out[pos + 1] = 0x80 | ((cp >> 12) & 0x3f);
			out[pos + 2] = 0x80 | ((cp >> 6) & 0x3f);
			out[pos + 3] = 0x80 | (cp & 0x3f);
			break;
		}
		pos += k;
	}
	out[pos] = '\0';
	return pos;
}

/**
 * usbblk_parse_hub_desc() - validate a USB 2 or SuperSpeed hub descriptor
 * @buf:	the bytes the device returned
 * @len:	how many
 * @out:	filled in on success
 *
 * A USB 2 hub descriptor (type 0x29) needs bLength >= 7 plus the
 * DeviceRemovable bitmap (ports + 1 bits), and at least 9 (one byte each of
 * DeviceRemovable and the legacy PortPwrCtrlMask); a SuperSpeed one (type
 * 0x2a) bLength >= 12.  usbblk supports 1..15 ports a hub.
 *
 * Return: 0 on success, -EINVAL for a NULL pointer, -EMSGSIZE if @len < 7
 * or bLength > @len, -EPROTO for a wrong type, a short bLength or a port
 * count outside 1..15.
 */
int usbblk_parse_hub_desc(const void *buf, size_t len, struct usbblk_hub_info *out)
{
	const u8 *d = buf;
	unsigned int nports, need;

	if (!buf || !out)
		return -EINVAL;
	if (len < USB_DT_HUB_NONVAR_SIZE)
		return -EMSGSIZE;
	nports = d[DESC_HUB_NPORTS];
	if (!nports || nports > USBBLK_HUB_MAX_PORTS)
		return -EPROTO;
	if (d[DESC_TYPE] == USB_DT_HUB) {
		need = USB_DT_HUB_NONVAR_SIZE + (nports + 1 + 7) / 8;
		if (need < USBBLK_HUB_DESC_MIN)
			need = USBBLK_HUB_DESC_MIN;
	} else if (d[DESC_TYPE] == USB_DT_SS_HUB) {
		need = USB_DT_SS_HUB_SIZE;
	} else {
		return -EPROTO;
	}
	if (d[DESC_LEN] < need)
		return -EPROTO;
	if (d[DESC_LEN] > len)
		return -EMSGSIZE;

	out->nports = nports;
	out->characteristics = get_unaligned_le16(d + DESC_HUB_CHARS);
	out->pwr_on_2_good_ms = d[DESC_HUB_PWR_ON] * 2;
	out->ss = d[DESC_TYPE] == USB_DT_SS_HUB;
	return 0;
}
