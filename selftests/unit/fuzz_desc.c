// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: whatever a device returns for a descriptor, the
 * parsers of drivers/usbblk/desc.c must neither read nor write out of
 * bounds, and what they report on success must be self-consistent.
 *
 * Input: byte 0 picks the speed (bits 2:0) and a template (bits 4:3),
 * byte 1 the output size for strings, the rest is the descriptor, fed to
 * every parser as it is, then as a configuration with its header made
 * valid, and behind a template (configuration header plus a mass storage
 * or hub interface) so that the walk and the success paths are reached
 * often without a seed corpus.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <asm/unaligned.h>
#include <linux/usb/ch9.h>
#include "desc.h"

#define CHECK(x)	do { if (!(x)) __builtin_trap(); } while (0)

static const unsigned int speeds[] = {
	USB_SPEED_LOW, USB_SPEED_FULL, USB_SPEED_HIGH, USB_SPEED_SUPER, USB_SPEED_SUPER_PLUS,
	USB_SPEED_UNKNOWN, USB_SPEED_WIRELESS, 200,
};

/* configuration + interface headers; wTotalLength is set to the real size */
static const u8 tmpl_bot[] = {
	9, USB_DT_CONFIG, 0, 0, 1, 1, 0, 0xc0, 50,
	9, USB_DT_INTERFACE, 0, 0, 2, USB_CLASS_MASS_STORAGE, 0x06, 0x50, 0,
};

static const u8 tmpl_hub[] = {
	9, USB_DT_CONFIG, 0, 0, 1, 1, 0, 0xe0, 0,
	9, USB_DT_INTERFACE, 0, 0, 1, USB_CLASS_HUB, 0, 0, 0,
};

static void check_errno(int ret)
{
	CHECK(ret == 0 || ret == -EINVAL || ret == -EMSGSIZE || ret == -EPROTO);
}

static int speed_ok(unsigned int speed)
{
	return speed == USB_SPEED_LOW || speed == USB_SPEED_FULL || speed == USB_SPEED_HIGH ||
	       speed == USB_SPEED_SUPER || speed == USB_SPEED_SUPER_PLUS;
}

static void check_ep(const struct usbblk_ep_info *ep, unsigned int speed, int dir_in,
		     unsigned int type)
{
	if (!ep->addr)
		return;
	CHECK(ep->addr & USB_ENDPOINT_NUMBER_MASK);
	CHECK(!!(ep->addr & USB_DIR_IN) == dir_in);
	CHECK((ep->attrs & USB_ENDPOINT_XFERTYPE_MASK) == type);
	CHECK(ep->max_packet && ep->max_packet <= USB_ENDPOINT_MAXP_MASK);
	CHECK(ep->max_burst <= 15);
	if (speed < USB_SPEED_SUPER)
		CHECK(!ep->max_burst);
}

static void fuzz_config(const u8 *d, size_t n, unsigned int speed)
{
	static const struct usbblk_cfg_info zero;
	struct usbblk_cfg_info ci;
	u16 total;
	int ret;

	memset(&ci, 0xa5, sizeof(ci));
	ret = usbblk_parse_config(d, n, speed, &ci);
	check_errno(ret);
	if (ret) {
		CHECK(!memcmp(&ci, &zero, sizeof(ci)));
		return;
	}
	CHECK(speed_ok(speed));
	CHECK(usbblk_config_total_length(d, n, &total) == 0 && total <= n);
	CHECK(ci.num_interfaces && ci.config_value && !ci.if_alt);
	CHECK(!(ci.mass_storage && ci.hub));
	check_ep(&ci.bulk_in, speed, 1, USB_ENDPOINT_XFER_BULK);
	check_ep(&ci.bulk_out, speed, 0, USB_ENDPOINT_XFER_BULK);
	check_ep(&ci.intr_in, speed, 1, USB_ENDPOINT_XFER_INT);
	if (ci.mass_storage) {
		CHECK(ci.bulk_in.addr && ci.bulk_out.addr && ci.num_eps >= 2);
		CHECK(ci.if_class == USB_CLASS_MASS_STORAGE);
		CHECK(ci.if_subclass == 0x06 && ci.if_protocol == 0x50);
	}
	if (ci.hub)
		CHECK(ci.intr_in.addr && ci.if_class == USB_CLASS_HUB);
	CHECK(!!ci.bulk_in.addr + !!ci.bulk_out.addr + !!ci.intr_in.addr <= ci.num_eps);
}

static void fuzz_string(const u8 *d, size_t n, size_t outlen)
{
	char *out = malloc(outlen);
	const unsigned char *p;
	int ret;

	CHECK(out);
	ret = usbblk_string_to_utf8(d, n, out, outlen);
	check_errno(ret < 0 ? ret : 0);
	CHECK(out[0] == '\0' || ret >= 0);
	if (ret >= 0) {
		CHECK((size_t)ret < outlen);
		CHECK(out[ret] == '\0' && strlen(out) == (size_t)ret);
		CHECK((size_t)ret <= 3 * (size_t)(d[0] - 2) / 2);
		/* well-formed UTF-8, nothing below U+0020, no surrogates */
		for (p = (const unsigned char *)out; *p; ) {
			unsigned int k, i;
			u32 cp;

			CHECK(*p >= 0x20);
			if (*p < 0x80) {
				p++;
				continue;
			}
			k = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : 3;
			CHECK((*p & 0xf8) != 0xf8 && (*p & 0xc0) == 0xc0);
			cp = *p & (0x3f >> k);
			for (i = 1; i <= k; i++) {
				CHECK((p[i] & 0xc0) == 0x80);
				cp = cp << 6 | (p[i] & 0x3f);
			}
			CHECK(cp >= (k == 1 ? 0x80u : k == 2 ? 0x800u : 0x10000u));
			CHECK(cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff));
			p += k + 1;
		}
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct usb_device_descriptor dd;
	struct usbblk_hub_info hub;
	unsigned int speed, s, tmpl;
	const u8 *d;
	size_t n;
	u16 total, id;
	u8 *fixed;
	int ret;

	if (size < 2)
		return 0;
	speed = speeds[data[0] & 7];
	d = data + 2;
	n = size - 2;

	for (s = USB_SPEED_UNKNOWN; s <= USB_SPEED_SUPER_PLUS; s++)
		check_errno(usbblk_ep0_maxp_valid(s, n ? d[0] : 0));

	ret = usbblk_parse_device_desc(d, n, speed, &dd);
	check_errno(ret);
	if (!ret) {
		CHECK(n >= USB_DT_DEVICE_SIZE && !memcmp(&dd, d, USB_DT_DEVICE_SIZE));
		CHECK(!usbblk_ep0_maxp_valid(speed, dd.bMaxPacketSize0));
		CHECK(dd.bNumConfigurations);
	}

	ret = usbblk_config_total_length(d, n, &total);
	check_errno(ret);
	if (!ret)
		CHECK(total >= USB_DT_CONFIG_SIZE);

	fuzz_config(d, n, speed);

	ret = usbblk_parse_langid(d, n, &id);
	check_errno(ret);
	if (!ret)
		CHECK(id && d[0] >= 4 && d[0] <= n);

	fuzz_string(d, n, data[1] ? data[1] : 1);
	fuzz_string(d, n, 512);

	ret = usbblk_parse_hub_desc(d, n, &hub);
	check_errno(ret);
	if (!ret) {
		CHECK(hub.nports >= 1 && hub.nports <= 15);
		CHECK(!(hub.pwr_on_2_good_ms & 1) && hub.pwr_on_2_good_ms <= 510);
		CHECK(hub.ss == (d[1] == 0x2a));
		CHECK(d[0] <= n);
	}

	/* The same bytes behind a valid configuration header, to reach the walk. */
	if (n >= USB_DT_CONFIG_SIZE && n <= 0xffff) {
		fixed = malloc(n);
		CHECK(fixed);
		memcpy(fixed, d, n);
		fixed[0] = USB_DT_CONFIG_SIZE;
		fixed[1] = USB_DT_CONFIG;
		put_unaligned_le16(n, fixed + 2);
		fuzz_config(fixed, n, speed);
		for (s = USB_SPEED_LOW; s <= USB_SPEED_SUPER_PLUS; s++)
			fuzz_config(fixed, n, s);
		free(fixed);
	}

	/* Behind a template: the fuzzer only has to supply the endpoints. */
	tmpl = (data[0] >> 3) & 3;
	if (tmpl == 1 || tmpl == 2) {
		const u8 *t = tmpl == 1 ? tmpl_bot : tmpl_hub;
		size_t tn = tmpl == 1 ? sizeof(tmpl_bot) : sizeof(tmpl_hub);

		if (tn + n > 0xffff)
			return 0;
		fixed = malloc(tn + n);
		CHECK(fixed);
		memcpy(fixed, t, tn);
		memcpy(fixed + tn, d, n);
		put_unaligned_le16(tn + n, fixed + 2);
		for (s = USB_SPEED_LOW; s <= USB_SPEED_SUPER_PLUS; s++)
			fuzz_config(fixed, tn + n, s);
		free(fixed);
	}
	return 0;
}
