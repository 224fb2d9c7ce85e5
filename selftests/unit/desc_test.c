// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for drivers/usbblk/desc.c: real descriptors (QEMU's
 * usb-storage at high and super speed, usb-kbd, usb-hub, a composite mass
 * storage device, a multi-TT hub) and every malformed variant we could
 * think of.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <asm/unaligned.h>
#include <linux/usb/ch9.h>
#include <linux/usb/ch11.h>
#include "desc.h"
#include "kselftest_harness.h"

#define LE16(v)		((v) & 0xff), ((v) >> 8)
#define SS_COMP(burst)	6, USB_DT_SS_ENDPOINT_COMP, (burst), 0, 0, 0

/* QEMU usb-storage, high speed: VID 0x46f4 PID 0x0001, bMaxPacketSize0 64. */
static const u8 msc_hs_dev[] = {
	18, USB_DT_DEVICE, LE16(0x0200), 0, 0, 0, 64,
	LE16(0x46f4), LE16(0x0001), LE16(0x0000), 1, 2, 3, 1,
};

/* The same at super speed: bcdUSB 3.00, bMaxPacketSize0 2^9. */
static const u8 msc_ss_dev[] = {
	18, USB_DT_DEVICE, LE16(0x0300), 0, 0, 0, 9,
	LE16(0x46f4), LE16(0x0001), LE16(0x0000), 1, 2, 3, 1,
};

/* QEMU usb-storage configuration, high speed: 08/06/50, bulk IN 0x81, bulk OUT 0x02. */
static const u8 msc_hs_cfg[] = {
	9, USB_DT_CONFIG, LE16(32), 1, 1, 0, 0xc0, 50,
	9, USB_DT_INTERFACE, 0, 0, 2, 0x08, 0x06, 0x50, 0,
	7, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_BULK, LE16(512), 0,	/* offset 18 */
	7, USB_DT_ENDPOINT, 0x02, USB_ENDPOINT_XFER_BULK, LE16(512), 0,	/* offset 25 */
};

#define HS_EP1	18
#define HS_EP2	25

/* The same at super speed: maxp 1024 and a companion with bMaxBurst 15 each. */
static const u8 msc_ss_cfg[] = {
	9, USB_DT_CONFIG, LE16(44), 1, 1, 0, 0xc0, 12,
	9, USB_DT_INTERFACE, 0, 0, 2, 0x08, 0x06, 0x50, 0,
	7, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_BULK, LE16(1024), 0,	/* offset 18 */
	SS_COMP(15),								/* offset 25 */
	7, USB_DT_ENDPOINT, 0x02, USB_ENDPOINT_XFER_BULK, LE16(1024), 0,	/* offset 31 */
	SS_COMP(15),								/* offset 38 */
};

#define SS_COMP1	25
#define SS_COMP2	38

/* QEMU usb-kbd, full speed: HID boot keyboard 03/01/01, interrupt IN 0x81. */
static const u8 kbd_dev[] = {
	18, USB_DT_DEVICE, LE16(0x0100), 0, 0, 0, 8,
	LE16(0x0627), LE16(0x0001), LE16(0x0000), 1, 4, 5, 1,
};

static const u8 kbd_cfg[] = {
	9, USB_DT_CONFIG, LE16(34), 1, 1, 6, 0xa0, 50,
	9, USB_DT_INTERFACE, 0, 0, 1, 0x03, 0x01, 0x01, 0,
	9, 0x21, LE16(0x0111), 0, 1, 0x22, LE16(63),		/* HID */
	7, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_INT, LE16(8), 10,
};

/* QEMU usb-hub, full speed, 8 ports: interrupt IN 0x81, 2 bytes of status bits. */
static const u8 hub_dev[] = {
	18, USB_DT_DEVICE, LE16(0x0110), USB_CLASS_HUB, 0, 0, 8,
	LE16(0x0409), LE16(0x55aa), LE16(0x0101), 0, 0x10, 1, 1,
};

static const u8 hub_cfg[] = {
	9, USB_DT_CONFIG, LE16(25), 1, 1, 0, 0xe0, 0,
	9, USB_DT_INTERFACE, 0, 0, 1, USB_CLASS_HUB, 0, 0, 0,
	7, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_INT, LE16(2), 0xff,
};

/* Its hub descriptor: 2 bytes DeviceRemovable, 1 byte PortPwrCtrlMask. */
static const u8 hub_desc[] = {
	10, USB_DT_HUB, 8, LE16(0x000a), 0x01, 0x00, 0x00, 0x00, 0xff,
};

/* A high-speed multi-TT hub: alt 0 single TT (protocol 1), alt 1 multi TT (2). */
static const u8 mtt_hub_cfg[] = {
	9, USB_DT_CONFIG, LE16(41), 1, 1, 0, 0xe0, 50,
	9, USB_DT_INTERFACE, 0, 0, 1, USB_CLASS_HUB, 0, 1, 0,
	7, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_INT, LE16(1), 12,
	9, USB_DT_INTERFACE, 0, 1, 1, USB_CLASS_HUB, 0, 2, 0,
	7, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_INT, LE16(1), 12,
};

/*
 * A composite mass storage device: an IAD, a vendor interface with a
 * class-specific descriptor and a bulk IN, then the BOT interface 1 with
 * bulk IN 0x83 and bulk OUT 0x04 in the other order.
 */
static const u8 composite_cfg[] = {
	9, USB_DT_CONFIG, LE16(61), 2, 3, 0, 0x80, 250,
	8, USB_DT_INTERFACE_ASSOCIATION, 0, 1, 0xff, 0, 0, 0,
	9, USB_DT_INTERFACE, 0, 0, 1, 0xff, 0xff, 0xff, 0,
	5, 0x24, 0x01, 0x02, 0x03,					/* class-specific */
	7, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_BULK, LE16(512), 0,
	9, USB_DT_INTERFACE, 1, 0, 2, 0x08, 0x06, 0x50, 0,
	7, USB_DT_ENDPOINT, 0x04, USB_ENDPOINT_XFER_BULK, LE16(512), 0,
	7, USB_DT_ENDPOINT, 0x83, USB_ENDPOINT_XFER_BULK, LE16(512), 0,
};

/* A keyboard interface first, then a hub interface: the hub is chosen. */
static const u8 kbd_hub_cfg[] = {
	9, USB_DT_CONFIG, LE16(41), 2, 1, 0, 0xe0, 50,
	9, USB_DT_INTERFACE, 0, 0, 1, 0x03, 0x01, 0x01, 0,
	7, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_INT, LE16(8), 10,
	9, USB_DT_INTERFACE, 1, 0, 1, USB_CLASS_HUB, 0, 0, 0,
	7, USB_DT_ENDPOINT, 0x82, USB_ENDPOINT_XFER_INT, LE16(1), 12,
};

/* A hub interface first, then mass storage: mass storage is chosen. */
static const u8 hub_msc_cfg[] = {
	9, USB_DT_CONFIG, LE16(48), 2, 1, 0, 0xe0, 50,
	9, USB_DT_INTERFACE, 0, 0, 1, USB_CLASS_HUB, 0, 0, 0,
	7, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_INT, LE16(1), 12,
	9, USB_DT_INTERFACE, 1, 0, 2, 0x08, 0x06, 0x50, 0,
	7, USB_DT_ENDPOINT, 0x82, USB_ENDPOINT_XFER_BULK, LE16(512), 0,
	7, USB_DT_ENDPOINT, 0x03, USB_ENDPOINT_XFER_BULK, LE16(512), 0,
};

static const unsigned int all_speeds[] = {
	USB_SPEED_LOW, USB_SPEED_FULL, USB_SPEED_HIGH, USB_SPEED_SUPER, USB_SPEED_SUPER_PLUS,
};

/* Copy a descriptor into a scratch buffer that tests may modify. */
#define COPY(dst, src)	do {						\
	_Static_assert(sizeof(dst) >= sizeof(src), "COPY: " #dst " too small");	\
	memcpy(dst, src, sizeof(src));						\
} while (0)

static int cfg(const u8 *buf, size_t len, unsigned int speed)
{
	struct usbblk_cfg_info ci;

	return usbblk_parse_config(buf, len, speed, &ci);
}

/* Well-formed UTF-8, no truncated sequence, no control characters. */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n, i;

	while (*p) {
		if (*p < 0x20)
			return 0;
		if (*p < 0x80)
			n = 0;
		else if ((*p & 0xe0) == 0xc0)
			n = 1;
		else if ((*p & 0xf0) == 0xe0)
			n = 2;
		else if ((*p & 0xf8) == 0xf0)
			n = 3;
		else
			return 0;
		for (i = 1; i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += n + 1;
	}
	return 1;
}

/* Build a string descriptor from UTF-16 code units. */
static size_t mkstr(u8 *buf, const u16 *units, size_t n)
{
	size_t i;

	buf[0] = 2 + 2 * n;
	buf[1] = USB_DT_STRING;
	for (i = 0; i < n; i++)
		put_unaligned_le16(units[i], buf + 2 + 2 * i);
	return 2 + 2 * n;
}

/* ---- bMaxPacketSize0 ---- */

TEST(ep0_maxp_per_speed)
{
	unsigned int v;

	for (v = 0; v < 256; v++) {
		EXPECT_EQ(v == 8 ? 0 : -EPROTO, usbblk_ep0_maxp_valid(USB_SPEED_LOW, v));
		EXPECT_EQ(v == 8 || v == 16 || v == 32 || v == 64 ? 0 : -EPROTO,
			  usbblk_ep0_maxp_valid(USB_SPEED_FULL, v));
		EXPECT_EQ(v == 64 ? 0 : -EPROTO, usbblk_ep0_maxp_valid(USB_SPEED_HIGH, v));
		EXPECT_EQ(v == 9 ? 0 : -EPROTO, usbblk_ep0_maxp_valid(USB_SPEED_SUPER, v));
		EXPECT_EQ(v == 9 ? 0 : -EPROTO, usbblk_ep0_maxp_valid(USB_SPEED_SUPER_PLUS, v));
	}
	EXPECT_EQ(-EPROTO, usbblk_ep0_maxp_valid(USB_SPEED_SUPER, 512));
	EXPECT_EQ(-EINVAL, usbblk_ep0_maxp_valid(USB_SPEED_UNKNOWN, 64));
	EXPECT_EQ(-EINVAL, usbblk_ep0_maxp_valid(USB_SPEED_WIRELESS, 64));
	EXPECT_EQ(-EINVAL, usbblk_ep0_maxp_valid(USB_SPEED_SUPER_PLUS + 1, 9));
}

/* ---- device descriptor ---- */

TEST(device_qemu_storage_hs)
{
	struct usb_device_descriptor d;

	memset(&d, 0xa5, sizeof(d));
	ASSERT_EQ(0, usbblk_parse_device_desc(msc_hs_dev, sizeof(msc_hs_dev), USB_SPEED_HIGH, &d));
	EXPECT_EQ(0, memcmp(&d, msc_hs_dev, USB_DT_DEVICE_SIZE));
	EXPECT_EQ(0x46f4, get_unaligned_le16(&d.idVendor));
	EXPECT_EQ(0x0001, get_unaligned_le16(&d.idProduct));
	EXPECT_EQ(0x0200, get_unaligned_le16(&d.bcdUSB));
	EXPECT_EQ(64, d.bMaxPacketSize0);
	EXPECT_EQ(1, d.bNumConfigurations);
	EXPECT_EQ(3, d.iSerialNumber);
	/* a high-speed device would be wrong at super speed, and vice versa */
	EXPECT_EQ(-EPROTO, usbblk_parse_device_desc(msc_hs_dev, 18, USB_SPEED_SUPER, &d));
	EXPECT_EQ(0, usbblk_parse_device_desc(msc_hs_dev, 18, USB_SPEED_FULL, &d));
	EXPECT_EQ(-EPROTO, usbblk_parse_device_desc(msc_hs_dev, 18, USB_SPEED_LOW, &d));
}

TEST(device_qemu_storage_ss)
{
	struct usb_device_descriptor d;

	ASSERT_EQ(0, usbblk_parse_device_desc(msc_ss_dev, 18, USB_SPEED_SUPER, &d));
	EXPECT_EQ(9, d.bMaxPacketSize0);
	EXPECT_EQ(0x0300, get_unaligned_le16(&d.bcdUSB));
	EXPECT_EQ(0, usbblk_parse_device_desc(msc_ss_dev, 18, USB_SPEED_SUPER_PLUS, &d));
	EXPECT_EQ(-EPROTO, usbblk_parse_device_desc(msc_ss_dev, 18, USB_SPEED_HIGH, &d));
}

TEST(device_kbd_and_hub)
{
	struct usb_device_descriptor d;

	EXPECT_EQ(0, usbblk_parse_device_desc(kbd_dev, 18, USB_SPEED_FULL, &d));
	EXPECT_EQ(0, usbblk_parse_device_desc(kbd_dev, 18, USB_SPEED_LOW, &d));
	EXPECT_EQ(0, usbblk_parse_device_desc(hub_dev, 18, USB_SPEED_FULL, &d));
	EXPECT_EQ(USB_CLASS_HUB, d.bDeviceClass);
	EXPECT_EQ(0x55aa, get_unaligned_le16(&d.idProduct));
}

TEST(device_malformed)
{
	struct usb_device_descriptor d, before;
	u8 b[32];
	size_t n;

	for (n = 0; n < 18; n++)
		EXPECT_EQ(-EMSGSIZE, usbblk_parse_device_desc(msc_hs_dev, n, USB_SPEED_HIGH, &d));
	/* longer buffers are fine: only 18 bytes are used */
	memset(b, 0xee, sizeof(b));
	COPY(b, msc_hs_dev);
	EXPECT_EQ(0, usbblk_parse_device_desc(b, sizeof(b), USB_SPEED_HIGH, &d));

	COPY(b, msc_hs_dev);
	b[0] = 17;
	EXPECT_EQ(-EPROTO, usbblk_parse_device_desc(b, 18, USB_SPEED_HIGH, &d));
	b[0] = 19;	/* bLength is 18 exactly (fakedev's desc-dev-blen: 255) */
	EXPECT_EQ(-EPROTO, usbblk_parse_device_desc(b, sizeof(b), USB_SPEED_HIGH, &d));
	b[0] = 255;
	EXPECT_EQ(-EPROTO, usbblk_parse_device_desc(b, sizeof(b), USB_SPEED_HIGH, &d));
	b[0] = 0;
	EXPECT_EQ(-EPROTO, usbblk_parse_device_desc(b, 18, USB_SPEED_HIGH, &d));
	COPY(b, msc_hs_dev);
	b[1] = USB_DT_CONFIG;
	EXPECT_EQ(-EPROTO, usbblk_parse_device_desc(b, 18, USB_SPEED_HIGH, &d));
	COPY(b, msc_hs_dev);
	b[7] = 0;
	EXPECT_EQ(-EPROTO, usbblk_parse_device_desc(b, 18, USB_SPEED_HIGH, &d));
	b[7] = 512 & 0xff;
	EXPECT_EQ(-EPROTO, usbblk_parse_device_desc(b, 18, USB_SPEED_HIGH, &d));
	COPY(b, msc_hs_dev);
	b[17] = 0;	/* no configuration */
	memset(&d, 0x5a, sizeof(d));
	before = d;
	EXPECT_EQ(-EPROTO, usbblk_parse_device_desc(b, 18, USB_SPEED_HIGH, &d));
	EXPECT_EQ(0, memcmp(&d, &before, sizeof(d)));	/* untouched on error */

	EXPECT_EQ(-EINVAL, usbblk_parse_device_desc(NULL, 18, USB_SPEED_HIGH, &d));
	EXPECT_EQ(-EINVAL, usbblk_parse_device_desc(msc_hs_dev, 18, USB_SPEED_HIGH, NULL));
	EXPECT_EQ(-EINVAL, usbblk_parse_device_desc(msc_hs_dev, 18, USB_SPEED_UNKNOWN, &d));
	EXPECT_EQ(-EINVAL, usbblk_parse_device_desc(msc_hs_dev, 18, USB_SPEED_WIRELESS, &d));
	EXPECT_EQ(-EINVAL, usbblk_parse_device_desc(msc_hs_dev, 18, 99, &d));
}

/* ---- wTotalLength ---- */

TEST(config_total_length)
{
	u8 b[sizeof(msc_hs_cfg)];
	u16 t = 0;
	size_t n;

	EXPECT_EQ(0, usbblk_config_total_length(msc_hs_cfg, 9, &t));
	EXPECT_EQ(32, t);
	EXPECT_EQ(0, usbblk_config_total_length(msc_ss_cfg, sizeof(msc_ss_cfg), &t));
	EXPECT_EQ(44, t);
	for (n = 0; n < 9; n++)
		EXPECT_EQ(-EMSGSIZE, usbblk_config_total_length(msc_hs_cfg, n, &t));

	COPY(b, msc_hs_cfg);
	b[1] = USB_DT_DEVICE;
	EXPECT_EQ(-EPROTO, usbblk_config_total_length(b, 9, &t));
	COPY(b, msc_hs_cfg);
	b[0] = 8;
	EXPECT_EQ(-EPROTO, usbblk_config_total_length(b, 9, &t));
	COPY(b, msc_hs_cfg);
	b[2] = 8;
	EXPECT_EQ(-EPROTO, usbblk_config_total_length(b, 9, &t));
	b[2] = 9;	/* a configuration without interfaces: the walk rejects it */
	EXPECT_EQ(0, usbblk_config_total_length(b, 9, &t));
	EXPECT_EQ(9, t);
	b[0] = 10;	/* longer header, wTotalLength shorter than it */
	EXPECT_EQ(-EPROTO, usbblk_config_total_length(b, 16, &t));
	COPY(b, msc_hs_cfg);
	b[2] = 0xff;
	b[3] = 0xff;
	EXPECT_EQ(0, usbblk_config_total_length(b, 9, &t));
	EXPECT_EQ(0xffff, t);
	EXPECT_EQ(-EINVAL, usbblk_config_total_length(NULL, 9, &t));
	EXPECT_EQ(-EINVAL, usbblk_config_total_length(b, 9, NULL));
}

/* ---- configurations that parse ---- */

TEST(config_qemu_storage_hs)
{
	struct usbblk_cfg_info ci;

	ASSERT_EQ(0, usbblk_parse_config(msc_hs_cfg, sizeof(msc_hs_cfg), USB_SPEED_HIGH, &ci));
	EXPECT_EQ(1, ci.config_value);
	EXPECT_EQ(1, ci.num_interfaces);
	EXPECT_EQ(0xc0, ci.attributes);
	EXPECT_EQ(50, ci.max_power);
	EXPECT_EQ(0, ci.if_number);
	EXPECT_EQ(0, ci.if_alt);
	EXPECT_EQ(0x08, ci.if_class);
	EXPECT_EQ(0x06, ci.if_subclass);
	EXPECT_EQ(0x50, ci.if_protocol);
	EXPECT_EQ(2, ci.num_eps);
	EXPECT_TRUE(ci.mass_storage);
	EXPECT_FALSE(ci.hub);
	EXPECT_EQ(0x81, ci.bulk_in.addr);
	EXPECT_EQ(USB_ENDPOINT_XFER_BULK, ci.bulk_in.attrs);
	EXPECT_EQ(512, ci.bulk_in.max_packet);
	EXPECT_EQ(0, ci.bulk_in.max_burst);
	EXPECT_EQ(0x02, ci.bulk_out.addr);
	EXPECT_EQ(512, ci.bulk_out.max_packet);
	EXPECT_EQ(0, ci.intr_in.addr);
	/* the same bytes at full speed do not: bulk wMaxPacketSize 512 > 64 */
	EXPECT_EQ(-EPROTO, usbblk_parse_config(msc_hs_cfg, sizeof(msc_hs_cfg), USB_SPEED_FULL,
					       &ci));
}

TEST(config_qemu_storage_ss)
{
	struct usbblk_cfg_info ci;
	u8 b[sizeof(msc_ss_cfg)];

	ASSERT_EQ(0, usbblk_parse_config(msc_ss_cfg, sizeof(msc_ss_cfg), USB_SPEED_SUPER, &ci));
	EXPECT_TRUE(ci.mass_storage);
	EXPECT_EQ(0x81, ci.bulk_in.addr);
	EXPECT_EQ(1024, ci.bulk_in.max_packet);
	EXPECT_EQ(15, ci.bulk_in.max_burst);
	EXPECT_EQ(0x02, ci.bulk_out.addr);
	EXPECT_EQ(1024, ci.bulk_out.max_packet);
	EXPECT_EQ(15, ci.bulk_out.max_burst);
	EXPECT_EQ(12, ci.max_power);
	ASSERT_EQ(0, usbblk_parse_config(msc_ss_cfg, sizeof(msc_ss_cfg), USB_SPEED_SUPER_PLUS,
					 &ci));
	EXPECT_EQ(15, ci.bulk_out.max_burst);
	/* 1024-byte bulk packets exist at super speed only */
	EXPECT_EQ(-EPROTO, usbblk_parse_config(msc_ss_cfg, sizeof(msc_ss_cfg), USB_SPEED_HIGH,
					       &ci));
	/* below super speed, companions are just unknown descriptors */
	COPY(b, msc_ss_cfg);
	put_unaligned_le16(512, b + 18 + 4);
	put_unaligned_le16(512, b + 18 + 13 + 4);
	ASSERT_EQ(0, usbblk_parse_config(b, sizeof(b), USB_SPEED_HIGH, &ci));
	EXPECT_EQ(0, ci.bulk_in.max_burst);
	EXPECT_TRUE(ci.mass_storage);
}

TEST(config_ss_burst_per_endpoint)
{
	struct usbblk_cfg_info ci;
	u8 b[sizeof(msc_ss_cfg)];

	COPY(b, msc_ss_cfg);
	b[SS_COMP1 + 2] = 3;
	b[SS_COMP2 + 2] = 0;
	ASSERT_EQ(0, usbblk_parse_config(b, sizeof(b), USB_SPEED_SUPER, &ci));
	EXPECT_EQ(3, ci.bulk_in.max_burst);
	EXPECT_EQ(0, ci.bulk_out.max_burst);
}

TEST(config_keyboard)
{
	struct usbblk_cfg_info ci;

	ASSERT_EQ(0, usbblk_parse_config(kbd_cfg, sizeof(kbd_cfg), USB_SPEED_FULL, &ci));
	EXPECT_EQ(0x03, ci.if_class);
	EXPECT_EQ(0x01, ci.if_subclass);
	EXPECT_EQ(0x01, ci.if_protocol);
	EXPECT_EQ(1, ci.num_eps);
	EXPECT_FALSE(ci.mass_storage);
	EXPECT_FALSE(ci.hub);
	EXPECT_EQ(0x81, ci.intr_in.addr);
	EXPECT_EQ(USB_ENDPOINT_XFER_INT, ci.intr_in.attrs);
	EXPECT_EQ(8, ci.intr_in.max_packet);
	EXPECT_EQ(10, ci.intr_in.interval);
	EXPECT_EQ(0, ci.bulk_in.addr);
	EXPECT_EQ(0, ci.bulk_out.addr);
	EXPECT_EQ(0xa0, ci.attributes);
	EXPECT_EQ(0, usbblk_parse_config(kbd_cfg, sizeof(kbd_cfg), USB_SPEED_LOW, &ci));
}

TEST(config_qemu_hub)
{
	struct usbblk_cfg_info ci;

	ASSERT_EQ(0, usbblk_parse_config(hub_cfg, sizeof(hub_cfg), USB_SPEED_FULL, &ci));
	EXPECT_TRUE(ci.hub);
	EXPECT_FALSE(ci.mass_storage);
	EXPECT_EQ(USB_CLASS_HUB, ci.if_class);
	EXPECT_EQ(0x81, ci.intr_in.addr);
	EXPECT_EQ(2, ci.intr_in.max_packet);
	EXPECT_EQ(0xff, ci.intr_in.interval);
}

TEST(config_multi_tt_hub_alt_settings)
{
	struct usbblk_cfg_info ci;

	ASSERT_EQ(0, usbblk_parse_config(mtt_hub_cfg, sizeof(mtt_hub_cfg), USB_SPEED_HIGH, &ci));
	EXPECT_TRUE(ci.hub);
	EXPECT_EQ(1, ci.num_interfaces);
	EXPECT_EQ(0, ci.if_alt);
	EXPECT_EQ(1, ci.if_protocol);	/* alt 0: single TT */
	EXPECT_EQ(0x81, ci.intr_in.addr);
	EXPECT_EQ(12, ci.intr_in.interval);
}

TEST(config_composite_picks_mass_storage)
{
	struct usbblk_cfg_info ci;

	ASSERT_EQ(0, usbblk_parse_config(composite_cfg, sizeof(composite_cfg), USB_SPEED_HIGH,
					 &ci));
	EXPECT_TRUE(ci.mass_storage);
	EXPECT_EQ(2, ci.num_interfaces);
	EXPECT_EQ(3, ci.config_value);
	EXPECT_EQ(1, ci.if_number);
	EXPECT_EQ(2, ci.num_eps);
	EXPECT_EQ(0x83, ci.bulk_in.addr);
	EXPECT_EQ(0x04, ci.bulk_out.addr);
	EXPECT_EQ(250, ci.max_power);
}

TEST(config_preference)
{
	struct usbblk_cfg_info ci;
	u8 b[sizeof(hub_msc_cfg)];

	ASSERT_EQ(0, usbblk_parse_config(kbd_hub_cfg, sizeof(kbd_hub_cfg), USB_SPEED_HIGH, &ci));
	EXPECT_TRUE(ci.hub);
	EXPECT_EQ(1, ci.if_number);
	EXPECT_EQ(0x82, ci.intr_in.addr);

	ASSERT_EQ(0, usbblk_parse_config(hub_msc_cfg, sizeof(hub_msc_cfg), USB_SPEED_HIGH, &ci));
	EXPECT_TRUE(ci.mass_storage);
	EXPECT_FALSE(ci.hub);
	EXPECT_EQ(1, ci.if_number);
	EXPECT_EQ(0x82, ci.bulk_in.addr);
	EXPECT_EQ(0x03, ci.bulk_out.addr);
	EXPECT_EQ(0, ci.intr_in.addr);

	/* BOT triple but both bulk endpoints IN: not usable, the hub wins */
	COPY(b, hub_msc_cfg);
	b[9 + 16 + 9 + 7 + 2] = 0x83;
	ASSERT_EQ(0, usbblk_parse_config(b, sizeof(b), USB_SPEED_HIGH, &ci));
	EXPECT_TRUE(ci.hub);
	EXPECT_EQ(0, ci.if_number);

	/* a hub whose endpoint is OUT is not a hub: first interface, no flags */
	b[9 + 9 + 2] = 0x01;
	ASSERT_EQ(0, usbblk_parse_config(b, sizeof(b), USB_SPEED_HIGH, &ci));
	EXPECT_FALSE(ci.hub);
	EXPECT_FALSE(ci.mass_storage);
	EXPECT_EQ(0, ci.if_number);
	EXPECT_EQ(USB_CLASS_HUB, ci.if_class);

	/* mass storage with another protocol (UAS 0x62) is not BOT */
	COPY(b, hub_msc_cfg);
	b[9 + 16 + 7] = 0x62;
	ASSERT_EQ(0, usbblk_parse_config(b, sizeof(b), USB_SPEED_HIGH, &ci));
	EXPECT_TRUE(ci.hub);
}

TEST(config_longer_descriptors_and_trailing_bytes)
{
	/* bLength above the minimum: a 10-byte interface, audio-style 9-byte endpoints */
	static const u8 b[] = {
		9, USB_DT_CONFIG, LE16(37), 1, 1, 0, 0xc0, 50,
		10, USB_DT_INTERFACE, 0, 0, 2, 0x08, 0x06, 0x50, 0, 0xaa,
		9, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_BULK, LE16(512), 0, 0xbb, 0xcc,
		9, USB_DT_ENDPOINT, 0x02, USB_ENDPOINT_XFER_BULK, LE16(512), 0, 0xbb, 0xcc,
		0, 1, 0xff,	/* past wTotalLength: never looked at */
	};
	struct usbblk_cfg_info ci;

	ASSERT_EQ(0, usbblk_parse_config(b, sizeof(b), USB_SPEED_HIGH, &ci));
	EXPECT_TRUE(ci.mass_storage);
	EXPECT_EQ(0x81, ci.bulk_in.addr);
	EXPECT_EQ(0x02, ci.bulk_out.addr);
	EXPECT_EQ(0, usbblk_parse_config(b, 37, USB_SPEED_HIGH, &ci));
	EXPECT_EQ(-EMSGSIZE, usbblk_parse_config(b, 36, USB_SPEED_HIGH, &ci));
}

TEST(config_isoch_zero_maxp_allowed)
{
	/* a zero-bandwidth isochronous alt 0 is normal; bulk/interrupt maxp 0 is not */
	static const u8 b[] = {
		9, USB_DT_CONFIG, LE16(25), 1, 1, 0, 0x80, 50,
		9, USB_DT_INTERFACE, 0, 0, 1, 0x0e, 0x02, 0x00, 0,
		7, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_ISOC | 0x04, LE16(0), 1,
	};
	struct usbblk_cfg_info ci;

	ASSERT_EQ(0, usbblk_parse_config(b, sizeof(b), USB_SPEED_HIGH, &ci));
	EXPECT_EQ(0, ci.bulk_in.addr);
	EXPECT_EQ(0, ci.intr_in.addr);
	EXPECT_EQ(0x0e, ci.if_class);
}

TEST(config_maxp_upper_bits_masked)
{
	struct usbblk_cfg_info ci;
	u8 b[sizeof(kbd_cfg)];

	/* high-bandwidth interrupt: bits 12:11 are the extra transactions */
	COPY(b, kbd_cfg);
	put_unaligned_le16((2 << 11) | 1024, b + 9 + 9 + 9 + 4);
	ASSERT_EQ(0, usbblk_parse_config(b, sizeof(b), USB_SPEED_HIGH, &ci));
	EXPECT_EQ(1024, ci.intr_in.max_packet);
	/* bits 10:0 zero but upper bits set: still zero */
	put_unaligned_le16(0xf800, b + 9 + 9 + 9 + 4);
	EXPECT_EQ(-EPROTO, usbblk_parse_config(b, sizeof(b), USB_SPEED_HIGH, &ci));
}

/* ---- configurations that do not parse ---- */

/*
 * Whether the endpoints of a (valid) sample fit a speed's packet sizes:
 * bulk 64 / 512 / 1024 at full / high / super speed, interrupt 8 at low
 * speed, 64 at full, 1024 above.
 */
static bool sample_fits_speed(const u8 *b, size_t n, unsigned int speed)
{
	size_t at;

	for (at = 0; at + 7 <= n && b[at] >= 2; at += b[at]) {
		unsigned int type = b[at + 3] & 3, maxp = get_unaligned_le16(b + at + 4) & 0x7ff;
		unsigned int lim = 0;

		if (b[at + 1] != USB_DT_ENDPOINT)
			continue;
		if (type == USB_ENDPOINT_XFER_BULK)
			lim = speed >= USB_SPEED_SUPER ? 1024 : speed == USB_SPEED_HIGH ? 512 :
			      speed == USB_SPEED_FULL ? 64 : 0;
		else if (type == USB_ENDPOINT_XFER_INT)
			lim = speed >= USB_SPEED_HIGH ? 1024 : speed == USB_SPEED_FULL ? 64 : 8;
		else
			continue;
		if (maxp > lim)
			return false;
	}
	return true;
}

TEST(config_truncated_everywhere)
{
	const struct { const u8 *b; size_t n; } all[] = {
		{ msc_hs_cfg, sizeof(msc_hs_cfg) }, { msc_ss_cfg, sizeof(msc_ss_cfg) },
		{ kbd_cfg, sizeof(kbd_cfg) }, { hub_cfg, sizeof(hub_cfg) },
		{ mtt_hub_cfg, sizeof(mtt_hub_cfg) }, { composite_cfg, sizeof(composite_cfg) },
		{ kbd_hub_cfg, sizeof(kbd_hub_cfg) }, { hub_msc_cfg, sizeof(hub_msc_cfg) },
	};
	struct usbblk_cfg_info ci;
	unsigned int i, s;
	size_t n;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		for (n = 0; n < all[i].n; n++) {
			/* what a short read returns: a prefix of the real thing */
			u8 *copy = malloc(n ? n : 1);

			memcpy(copy, all[i].b, n);
			EXPECT_EQ(-EMSGSIZE, usbblk_parse_config(copy, n, USB_SPEED_HIGH, &ci));
			free(copy);
		}
		for (s = 0; s < sizeof(all_speeds) / sizeof(all_speeds[0]); s++) {
			int ret = usbblk_parse_config(all[i].b, all[i].n, all_speeds[s], &ci);

			/* every sample is fine at every speed its packet sizes allow,
			 * except without SS companions at super speed
			 */
			if ((all_speeds[s] >= USB_SPEED_SUPER && all[i].b != msc_ss_cfg) ||
			    !sample_fits_speed(all[i].b, all[i].n, all_speeds[s])) {
				EXPECT_EQ(-EPROTO, ret);
			} else {
				EXPECT_EQ(0, ret);
			}
		}
	}
}

TEST(config_wtotallength_lies)
{
	u8 b[sizeof(msc_hs_cfg) + 8];

	/* wTotalLength claims more than the device returned */
	COPY(b, msc_hs_cfg);
	b[2] = sizeof(msc_hs_cfg) + 1;
	EXPECT_EQ(-EMSGSIZE, cfg(b, sizeof(msc_hs_cfg), USB_SPEED_HIGH));
	b[2] = 0xff;
	b[3] = 0xff;
	EXPECT_EQ(-EMSGSIZE, cfg(b, sizeof(msc_hs_cfg), USB_SPEED_HIGH));
	/* wTotalLength cuts the last endpoint: it runs past the end */
	COPY(b, msc_hs_cfg);
	b[2] = sizeof(msc_hs_cfg) - 1;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(msc_hs_cfg), USB_SPEED_HIGH));
	/* wTotalLength drops the last endpoint entirely: count mismatch */
	b[2] = HS_EP2;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(msc_hs_cfg), USB_SPEED_HIGH));
	/* one stray byte after the last descriptor */
	memset(b, 0, sizeof(b));
	COPY(b, msc_hs_cfg);
	b[2] = sizeof(msc_hs_cfg) + 1;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
	b[sizeof(msc_hs_cfg)] = 1;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
	/* wTotalLength below the header */
	COPY(b, msc_hs_cfg);
	b[2] = 8;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(msc_hs_cfg), USB_SPEED_HIGH));
	/* header only: no interface at all */
	b[2] = 9;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(msc_hs_cfg), USB_SPEED_HIGH));
	/* config bLength runs past wTotalLength */
	COPY(b, msc_hs_cfg);
	b[0] = 40;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(msc_hs_cfg), USB_SPEED_HIGH));
}

TEST(config_bad_header)
{
	u8 b[sizeof(msc_hs_cfg)];

	COPY(b, msc_hs_cfg);
	b[1] = USB_DT_OTHER_SPEED_CONFIG;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
	COPY(b, msc_hs_cfg);
	b[0] = 8;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
	COPY(b, msc_hs_cfg);
	b[4] = 0;	/* bNumInterfaces */
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
	COPY(b, msc_hs_cfg);
	b[5] = 0;	/* bConfigurationValue */
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
}

TEST(config_walk_zero_and_one_length)
{
	u8 b[sizeof(msc_hs_cfg)];
	unsigned int off, v;
	const unsigned int starts[] = { 9, HS_EP1, HS_EP2 };

	for (off = 0; off < 3; off++) {
		for (v = 0; v < 2; v++) {
			COPY(b, msc_hs_cfg);
			b[starts[off]] = v;
			EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
		}
	}
	/* bLength runs past wTotalLength */
	COPY(b, msc_hs_cfg);
	b[HS_EP2] = 8;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
	b[HS_EP2] = 0xff;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
	COPY(b, msc_hs_cfg);
	b[9] = 0xff;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
}

TEST(config_short_interface_and_endpoint)
{
	/* interface bLength 8 with the endpoints still right behind it */
	static const u8 short_if[] = {
		9, USB_DT_CONFIG, LE16(31), 1, 1, 0, 0xc0, 50,
		8, USB_DT_INTERFACE, 0, 0, 2, 0x08, 0x06, 0x50,
		7, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_BULK, LE16(512), 0,
		7, USB_DT_ENDPOINT, 0x02, USB_ENDPOINT_XFER_BULK, LE16(512), 0,
	};
	static const u8 short_ep[] = {
		9, USB_DT_CONFIG, LE16(31), 1, 1, 0, 0xc0, 50,
		9, USB_DT_INTERFACE, 0, 0, 2, 0x08, 0x06, 0x50, 0,
		6, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_BULK, LE16(512),
		7, USB_DT_ENDPOINT, 0x02, USB_ENDPOINT_XFER_BULK, LE16(512), 0,
	};
	static const u8 short_comp[] = {
		9, USB_DT_CONFIG, LE16(43), 1, 1, 0, 0xc0, 50,
		9, USB_DT_INTERFACE, 0, 0, 2, 0x08, 0x06, 0x50, 0,
		7, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_BULK, LE16(1024), 0,
		5, USB_DT_SS_ENDPOINT_COMP, 15, 0, 0,
		7, USB_DT_ENDPOINT, 0x02, USB_ENDPOINT_XFER_BULK, LE16(1024), 0,
		SS_COMP(15),
	};
	u8 hs[sizeof(short_comp)];

	/* wTotalLength is right in all three: only the short descriptor is wrong */
	EXPECT_EQ(sizeof(short_if), short_if[2]);
	EXPECT_EQ(sizeof(short_ep), short_ep[2]);
	EXPECT_EQ(sizeof(short_comp), short_comp[2]);
	/* 2-byte interface/endpoint/companion descriptors last: nothing read past them */
	static const u8 tiny[][22] = {
		{ 9, USB_DT_CONFIG, LE16(20), 1, 1, 0, 0xc0, 50,
		  9, USB_DT_INTERFACE, 0, 0, 0, 0x08, 0x06, 0x50, 0, 2, USB_DT_INTERFACE },
		{ 9, USB_DT_CONFIG, LE16(20), 1, 1, 0, 0xc0, 50,
		  9, USB_DT_INTERFACE, 0, 0, 1, 0x08, 0x06, 0x50, 0, 2, USB_DT_ENDPOINT },
		{ 9, USB_DT_CONFIG, LE16(22), 1, 1, 0, 0xc0, 50,
		  9, USB_DT_INTERFACE, 0, 0, 0, 0x08, 0x06, 0x50, 0, 2, USB_DT_ENDPOINT,
		  2, USB_DT_SS_ENDPOINT_COMP },
	};
	unsigned int i, s;

	for (i = 0; i < 3; i++) {
		size_t n = tiny[i][2];
		u8 *b = malloc(n);	/* exact size, so ASan sees any overread */

		memcpy(b, tiny[i], n);
		for (s = 0; s < sizeof(all_speeds) / sizeof(all_speeds[0]); s++)
			EXPECT_EQ(-EPROTO, cfg(b, n, all_speeds[s]));
		free(b);
	}
	EXPECT_EQ(-EPROTO, cfg(short_if, sizeof(short_if), USB_SPEED_HIGH));
	EXPECT_EQ(-EPROTO, cfg(short_ep, sizeof(short_ep), USB_SPEED_HIGH));
	EXPECT_EQ(-EPROTO, cfg(short_comp, sizeof(short_comp), USB_SPEED_SUPER));
	/* below super speed the short companion is just an unknown descriptor */
	COPY(hs, short_comp);
	put_unaligned_le16(512, hs + 18 + 4);		/* the high-speed size */
	put_unaligned_le16(512, hs + 18 + 7 + 5 + 4);
	EXPECT_EQ(0, cfg(hs, sizeof(hs), USB_SPEED_HIGH));
}

TEST(config_interface_count_mismatch)
{
	u8 b[sizeof(composite_cfg)];

	COPY(b, msc_hs_cfg);
	b[4] = 2;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(msc_hs_cfg), USB_SPEED_HIGH));
	COPY(b, composite_cfg);
	b[4] = 1;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(composite_cfg), USB_SPEED_HIGH));
	b[4] = 3;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(composite_cfg), USB_SPEED_HIGH));
	/* alternate settings do not count */
	COPY(b, mtt_hub_cfg);
	b[4] = 2;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(mtt_hub_cfg), USB_SPEED_HIGH));
	/* two alt 0 settings of interface 0 (the second one was alt 1) */
	COPY(b, mtt_hub_cfg);
	b[9 + 16 + 3] = 0;
	b[4] = 2;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(mtt_hub_cfg), USB_SPEED_HIGH));
	/* only alternate settings, no alt 0 */
	COPY(b, mtt_hub_cfg);
	b[9 + 3] = 2;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(mtt_hub_cfg), USB_SPEED_HIGH));
}

TEST(config_endpoint_count_mismatch)
{
	u8 b[sizeof(composite_cfg)];

	COPY(b, msc_hs_cfg);
	b[9 + 4] = 3;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(msc_hs_cfg), USB_SPEED_HIGH));
	b[9 + 4] = 1;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(msc_hs_cfg), USB_SPEED_HIGH));
	b[9 + 4] = 0;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(msc_hs_cfg), USB_SPEED_HIGH));
	b[9 + 4] = 255;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(msc_hs_cfg), USB_SPEED_HIGH));
	/* the first interface of a composite claims the next one's endpoints */
	COPY(b, composite_cfg);
	b[17 + 4] = 2;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(composite_cfg), USB_SPEED_HIGH));
	/* an alternate setting with a wrong count */
	COPY(b, mtt_hub_cfg);
	b[9 + 16 + 4] = 2;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(mtt_hub_cfg), USB_SPEED_HIGH));
}

TEST(config_stray_endpoint)
{
	/* an endpoint before any interface */
	static const u8 b[] = {
		9, USB_DT_CONFIG, LE16(39), 1, 1, 0, 0xc0, 50,
		7, USB_DT_ENDPOINT, 0x83, USB_ENDPOINT_XFER_INT, LE16(8), 1,
		9, USB_DT_INTERFACE, 0, 0, 2, 0x08, 0x06, 0x50, 0,
		7, USB_DT_ENDPOINT, 0x81, USB_ENDPOINT_XFER_BULK, LE16(512), 0,
		7, USB_DT_ENDPOINT, 0x02, USB_ENDPOINT_XFER_BULK, LE16(512), 0,
	};

	EXPECT_EQ(sizeof(b), b[2]);
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
}

TEST(config_bad_endpoint_address)
{
	const u8 bad[] = { 0x00, 0x80, 0x10, 0x91, 0x7f & ~0x0f, 0x40 | 1, 0x20 | 0x80 | 2 };
	u8 b[sizeof(msc_hs_cfg)];
	unsigned int i;

	for (i = 0; i < sizeof(bad); i++) {
		COPY(b, msc_hs_cfg);
		b[HS_EP2 + 2] = bad[i];
		EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
	}
	/* the same endpoint twice; the same number in both directions is fine */
	COPY(b, msc_hs_cfg);
	b[HS_EP2 + 2] = 0x81;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
	b[HS_EP2 + 2] = 0x01;
	EXPECT_EQ(0, cfg(b, sizeof(b), USB_SPEED_HIGH));
	b[HS_EP2 + 2] = 0x0f;
	EXPECT_EQ(0, cfg(b, sizeof(b), USB_SPEED_HIGH));
}

TEST(config_zero_maxp)
{
	u8 b[sizeof(msc_hs_cfg)];

	COPY(b, msc_hs_cfg);
	b[HS_EP1 + 4] = 0;
	b[HS_EP1 + 5] = 0;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
	COPY(b, hub_cfg);
	b[18 + 4] = 0;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(hub_cfg), USB_SPEED_FULL));
}

/* wMaxPacketSize above what the speed allows (fakedev's desc-maxp-huge: 65535) */
TEST(config_maxp_over_speed_limit)
{
	u8 b[sizeof(msc_hs_cfg)], s[sizeof(msc_ss_cfg)];

	COPY(b, msc_hs_cfg);
	put_unaligned_le16(1024, b + HS_EP1 + 4);
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
	put_unaligned_le16(0xffff, b + HS_EP1 + 4);	/* 2047 once masked */
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(b), USB_SPEED_HIGH));
	put_unaligned_le16(64, b + HS_EP1 + 4);		/* smaller is allowed */
	EXPECT_EQ(0, cfg(b, sizeof(b), USB_SPEED_HIGH));
	put_unaligned_le16(64, b + HS_EP2 + 4);
	EXPECT_EQ(0, cfg(b, sizeof(b), USB_SPEED_FULL));
	COPY(s, msc_ss_cfg);
	EXPECT_EQ(0, cfg(s, sizeof(s), USB_SPEED_SUPER));
	put_unaligned_le16(0xffff, s + 9 + 9 + 4);
	EXPECT_EQ(-EPROTO, cfg(s, sizeof(s), USB_SPEED_SUPER));
	put_unaligned_le16(1025, s + 9 + 9 + 4);
	EXPECT_EQ(-EPROTO, cfg(s, sizeof(s), USB_SPEED_SUPER_PLUS));
	put_unaligned_le16(512, s + 9 + 9 + 4);
	EXPECT_EQ(0, cfg(s, sizeof(s), USB_SPEED_SUPER));
}

TEST(config_ss_companion)
{
	u8 b[sizeof(msc_ss_cfg) + 8];

	/* a high-speed configuration from a super-speed device: no companions */
	EXPECT_EQ(-EPROTO, cfg(msc_hs_cfg, sizeof(msc_hs_cfg), USB_SPEED_SUPER));
	EXPECT_EQ(-EPROTO, cfg(hub_cfg, sizeof(hub_cfg), USB_SPEED_SUPER_PLUS));
	/* the last companion missing */
	COPY(b, msc_ss_cfg);
	b[2] = sizeof(msc_ss_cfg) - 6;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(msc_ss_cfg), USB_SPEED_SUPER));
	/* a companion that is not right after its endpoint */
	COPY(b, msc_ss_cfg);
	memmove(b + SS_COMP1 + 2, b + SS_COMP1, sizeof(msc_ss_cfg) - SS_COMP1);
	b[SS_COMP1] = 2;
	b[SS_COMP1 + 1] = 0x24;
	b[2] += 2;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(msc_ss_cfg) + 2, USB_SPEED_SUPER));
	put_unaligned_le16(512, b + 18 + 4);		/* the high-speed size */
	put_unaligned_le16(512, b + 31 + 2 + 4);
	EXPECT_EQ(0, cfg(b, sizeof(msc_ss_cfg) + 2, USB_SPEED_HIGH));
	/* bMaxBurst out of range */
	COPY(b, msc_ss_cfg);
	b[SS_COMP2 + 2] = 16;
	EXPECT_EQ(-EPROTO, cfg(b, sizeof(msc_ss_cfg), USB_SPEED_SUPER));
	/* a second companion after one endpoint is ignored */
	COPY(b, msc_ss_cfg);
	memcpy(b + sizeof(msc_ss_cfg), b + SS_COMP2, 6);
	b[2] += 6;
	EXPECT_EQ(0, cfg(b, sizeof(msc_ss_cfg) + 6, USB_SPEED_SUPER));
}

TEST(config_bad_arguments_and_zeroed_out)
{
	struct usbblk_cfg_info ci;
	u8 b[sizeof(msc_hs_cfg)];

	EXPECT_EQ(-EINVAL, usbblk_parse_config(msc_hs_cfg, sizeof(msc_hs_cfg), USB_SPEED_HIGH,
					       NULL));
	memset(&ci, 0xa5, sizeof(ci));
	EXPECT_EQ(-EINVAL, usbblk_parse_config(NULL, 32, USB_SPEED_HIGH, &ci));
	EXPECT_EQ(0, ci.config_value);
	EXPECT_EQ(-EINVAL, usbblk_parse_config(msc_hs_cfg, sizeof(msc_hs_cfg),
					       USB_SPEED_UNKNOWN, &ci));
	EXPECT_EQ(-EINVAL, usbblk_parse_config(msc_hs_cfg, sizeof(msc_hs_cfg),
					       USB_SPEED_WIRELESS, &ci));
	/* a failure late in the walk leaves *out all zero */
	COPY(b, msc_hs_cfg);
	b[HS_EP2 + 2] = 0x80;
	memset(&ci, 0xa5, sizeof(ci));
	EXPECT_EQ(-EPROTO, usbblk_parse_config(b, sizeof(b), USB_SPEED_HIGH, &ci));
	EXPECT_EQ(0, ci.config_value);
	EXPECT_EQ(0, ci.bulk_in.addr);
	EXPECT_FALSE(ci.mass_storage);
}

/* ---- string descriptor 0 ---- */

TEST(langid)
{
	static const u8 us[] = { 4, USB_DT_STRING, LE16(0x0409) };
	static const u8 de_us[] = { 6, USB_DT_STRING, LE16(0x0407), LE16(0x0409) };
	static const u8 de_fr[] = { 6, USB_DT_STRING, LE16(0x0407), LE16(0x040c) };
	static const u8 zero_de[] = { 6, USB_DT_STRING, LE16(0), LE16(0x0407) };
	static const u8 zero[] = { 4, USB_DT_STRING, LE16(0) };
	u16 id = 0;
	u8 b[8];

	EXPECT_EQ(0, usbblk_parse_langid(us, sizeof(us), &id));
	EXPECT_EQ(0x0409, id);
	EXPECT_EQ(0, usbblk_parse_langid(de_us, sizeof(de_us), &id));
	EXPECT_EQ(0x0409, id);
	EXPECT_EQ(0, usbblk_parse_langid(de_fr, sizeof(de_fr), &id));
	EXPECT_EQ(0x0407, id);
	EXPECT_EQ(0, usbblk_parse_langid(zero_de, sizeof(zero_de), &id));
	EXPECT_EQ(0x0407, id);
	EXPECT_EQ(-EPROTO, usbblk_parse_langid(zero, sizeof(zero), &id));
	/* only bLength counts, not the buffer */
	EXPECT_EQ(0, usbblk_parse_langid(de_fr, 4 + 2, &id));
	COPY(b, de_us);
	b[0] = 4;
	EXPECT_EQ(0, usbblk_parse_langid(b, sizeof(de_us), &id));
	EXPECT_EQ(0x0407, id);

	EXPECT_EQ(-EMSGSIZE, usbblk_parse_langid(us, 0, &id));
	EXPECT_EQ(-EMSGSIZE, usbblk_parse_langid(us, 3, &id));
	EXPECT_EQ(-EMSGSIZE, usbblk_parse_langid(de_us, 5, &id));	/* bLength 6 > 5 */
	EXPECT_EQ(-EMSGSIZE, usbblk_parse_langid(de_us, 4, &id));
	COPY(b, de_us);
	b[0] = 5;
	EXPECT_EQ(-EPROTO, usbblk_parse_langid(b, sizeof(de_us), &id));
	b[0] = 2;
	EXPECT_EQ(-EPROTO, usbblk_parse_langid(b, sizeof(de_us), &id));
	b[0] = 0;
	EXPECT_EQ(-EPROTO, usbblk_parse_langid(b, sizeof(de_us), &id));
	COPY(b, de_us);
	b[1] = USB_DT_CONFIG;
	EXPECT_EQ(-EPROTO, usbblk_parse_langid(b, sizeof(de_us), &id));
	EXPECT_EQ(-EINVAL, usbblk_parse_langid(NULL, 4, &id));
	EXPECT_EQ(-EINVAL, usbblk_parse_langid(us, 4, NULL));
}

/* ---- strings ---- */

TEST(string_ascii)
{
	/* QEMU usb-storage's product string */
	static const u16 s[] = { 'Q', 'E', 'M', 'U', ' ', 'U', 'S', 'B', ' ',
				 'H', 'A', 'R', 'D', 'D', 'R', 'I', 'V', 'E' };
	char out[64];
	u8 b[64];
	size_t n = mkstr(b, s, 18);

	EXPECT_EQ(18, usbblk_string_to_utf8(b, n, out, sizeof(out)));
	EXPECT_STREQ("QEMU USB HARDDRIVE", out);
	/* truncated to outlen */
	EXPECT_EQ(4, usbblk_string_to_utf8(b, n, out, 5));
	EXPECT_STREQ("QEMU", out);
	EXPECT_EQ(0, usbblk_string_to_utf8(b, n, out, 1));
	EXPECT_STREQ("", out);
	/* empty string */
	n = mkstr(b, s, 0);
	EXPECT_EQ(0, usbblk_string_to_utf8(b, n, out, sizeof(out)));
	EXPECT_STREQ("", out);
}

TEST(string_multibyte_and_surrogates)
{
	/* a, e-acute, euro, U+1F600 as a pair, z */
	static const u16 s[] = { 'a', 0x00e9, 0x20ac, 0xd83d, 0xde00, 'z' };
	static const char want[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
	char out[64];
	u8 b[64];
	size_t n = mkstr(b, s, 6);
	size_t outlen;
	int ret;

	EXPECT_EQ(11, usbblk_string_to_utf8(b, n, out, sizeof(out)));
	EXPECT_STREQ(want, out);
	/* every outlen: a prefix of want ending at a character boundary */
	for (outlen = 1; outlen <= 12; outlen++) {
		const int cut[] = { 0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 11 };

		memset(out, 0x7f, sizeof(out));
		ret = usbblk_string_to_utf8(b, n, out, outlen);
		EXPECT_EQ(cut[outlen - 1], ret);
		EXPECT_EQ(0, out[ret]);
		EXPECT_EQ(0, memcmp(out, want, ret));
		EXPECT_TRUE(utf8_ok(out));
	}
}

TEST(string_lone_surrogates_and_controls)
{
	static const u16 s[] = { 0xd800, 'A', 0xdc00, 0xdbff, 0xdbff, 0xdfff, 0x0a, 0x1f, 0x20,
				 0x7f, 0xffff, 0xd83d };
	static const char want[] = "\xef\xbf\xbd" "A" "\xef\xbf\xbd" "\xef\xbf\xbd"
				   "\xf4\x8f\xbf\xbf" "?? \x7f\xef\xbf\xbf" "\xef\xbf\xbd";
	char out[64];
	u8 b[64];
	size_t n = mkstr(b, s, 12);

	EXPECT_EQ((int)strlen(want), usbblk_string_to_utf8(b, n, out, sizeof(out)));
	EXPECT_STREQ(want, out);
	EXPECT_TRUE(utf8_ok(out));
}

TEST(string_nul_ends)
{
	static const u16 s[] = { 'u', 's', 0, 'b' };
	char out[16];
	u8 b[16];
	size_t n = mkstr(b, s, 4);

	EXPECT_EQ(2, usbblk_string_to_utf8(b, n, out, sizeof(out)));
	EXPECT_STREQ("us", out);
}

TEST(string_long_truncated)
{
	u16 s[126];
	char out[256];
	u8 b[256];
	size_t n, outlen;
	unsigned int i;
	int ret;

	/* the longest string: 126 euro signs, 378 bytes of UTF-8 */
	for (i = 0; i < 126; i++)
		s[i] = 0x20ac;
	n = mkstr(b, s, 126);
	EXPECT_EQ(254, n);
	for (outlen = 1; outlen <= sizeof(out); outlen++) {
		ret = usbblk_string_to_utf8(b, n, out, outlen);
		EXPECT_EQ((outlen - 1) / 3 * 3, ret);
		EXPECT_TRUE(ret < (int)outlen);
		EXPECT_EQ(0, out[ret]);
		EXPECT_TRUE(utf8_ok(out));
	}
	/* 4-byte sequences */
	for (i = 0; i < 126; i += 2) {
		s[i] = 0xd83d;
		s[i + 1] = 0xde00;
	}
	n = mkstr(b, s, 126);
	for (outlen = 1; outlen <= sizeof(out); outlen++) {
		ret = usbblk_string_to_utf8(b, n, out, outlen);
		EXPECT_EQ((outlen - 1) / 4 * 4, ret);
		EXPECT_TRUE(utf8_ok(out));
	}
}

TEST(string_malformed)
{
	static const u16 s[] = { 'Q', 'E', 'M', 'U' };
	char out[16];
	u8 b[16];
	size_t n = mkstr(b, s, 4);

	EXPECT_EQ(-EMSGSIZE, usbblk_string_to_utf8(b, 0, out, sizeof(out)));
	EXPECT_EQ(-EMSGSIZE, usbblk_string_to_utf8(b, 1, out, sizeof(out)));
	EXPECT_EQ(-EMSGSIZE, usbblk_string_to_utf8(b, n - 1, out, sizeof(out)));
	EXPECT_EQ(-EMSGSIZE, usbblk_string_to_utf8(b, 2, out, sizeof(out)));
	/* errors still leave a terminated (empty) string */
	memset(out, 'x', sizeof(out));
	b[0] = n - 1;	/* odd */
	EXPECT_EQ(-EPROTO, usbblk_string_to_utf8(b, n, out, sizeof(out)));
	EXPECT_EQ(0, out[0]);
	b[0] = 1;
	EXPECT_EQ(-EPROTO, usbblk_string_to_utf8(b, n, out, sizeof(out)));
	b[0] = 0;
	EXPECT_EQ(-EPROTO, usbblk_string_to_utf8(b, n, out, sizeof(out)));
	b[0] = n;
	b[1] = USB_DT_DEVICE;
	EXPECT_EQ(-EPROTO, usbblk_string_to_utf8(b, n, out, sizeof(out)));
	b[1] = USB_DT_STRING;
	EXPECT_EQ(4, usbblk_string_to_utf8(b, n, out, sizeof(out)));
	/* bLength shorter than the buffer: only bLength counts */
	b[0] = 6;
	EXPECT_EQ(2, usbblk_string_to_utf8(b, n, out, sizeof(out)));
	EXPECT_STREQ("QE", out);
	EXPECT_EQ(-EINVAL, usbblk_string_to_utf8(NULL, n, out, sizeof(out)));
	EXPECT_EQ(-EINVAL, usbblk_string_to_utf8(b, n, NULL, sizeof(out)));
	EXPECT_EQ(-EINVAL, usbblk_string_to_utf8(b, n, out, 0));
}

/* ---- hub descriptors ---- */

TEST(hub_qemu_8_ports)
{
	struct usbblk_hub_info h;

	ASSERT_EQ(0, usbblk_parse_hub_desc(hub_desc, sizeof(hub_desc), &h));
	EXPECT_EQ(8, h.nports);
	EXPECT_EQ(0x000a, h.characteristics);
	EXPECT_EQ(2, h.pwr_on_2_good_ms);
	EXPECT_FALSE(h.ss);
	/* a longer buffer is fine */
	ASSERT_EQ(0, usbblk_parse_hub_desc(hub_desc, 71, &h));
}

TEST(hub_usb2_sizes)
{
	/* a typical 4-port hub: 9 bytes */
	static const u8 four[] = { 9, USB_DT_HUB, 4, LE16(0x00e9), 50, 100, 0x00, 0xff };
	struct usbblk_hub_info h;
	u8 b[16];
	unsigned int n;

	ASSERT_EQ(0, usbblk_parse_hub_desc(four, sizeof(four), &h));
	EXPECT_EQ(4, h.nports);
	EXPECT_EQ(0x00e9, h.characteristics);
	EXPECT_EQ(100, h.pwr_on_2_good_ms);
	for (n = 1; n <= 15; n++) {
		memset(b, 0, sizeof(b));
		COPY(b, four);
		b[2] = n;
		b[0] = 9;
		EXPECT_EQ(0, usbblk_parse_hub_desc(b, 9, &h));
		EXPECT_EQ(n, h.nports);
		b[0] = 8;
		EXPECT_EQ(-EPROTO, usbblk_parse_hub_desc(b, 9, &h));
	}
	COPY(b, four);
	b[5] = 0xff;
	ASSERT_EQ(0, usbblk_parse_hub_desc(b, sizeof(four), &h));
	EXPECT_EQ(510, h.pwr_on_2_good_ms);
}

TEST(hub_ss)
{
	static const u8 ss[] = { 12, USB_DT_SS_HUB, 4, LE16(0x0009), 50, 0, 0, LE16(0),
				 LE16(0) };
	struct usbblk_hub_info h;
	u8 b[16];

	ASSERT_EQ(0, usbblk_parse_hub_desc(ss, sizeof(ss), &h));
	EXPECT_EQ(4, h.nports);
	EXPECT_TRUE(h.ss);
	EXPECT_EQ(100, h.pwr_on_2_good_ms);
	EXPECT_EQ(0x0009, h.characteristics);
	COPY(b, ss);
	b[0] = 11;
	EXPECT_EQ(-EPROTO, usbblk_parse_hub_desc(b, sizeof(ss), &h));
	b[0] = 9;	/* big enough for a USB 2 hub, not for SS */
	EXPECT_EQ(-EPROTO, usbblk_parse_hub_desc(b, sizeof(ss), &h));
	EXPECT_EQ(-EMSGSIZE, usbblk_parse_hub_desc(ss, 11, &h));
	EXPECT_EQ(-EMSGSIZE, usbblk_parse_hub_desc(ss, 7, &h));
}

TEST(hub_malformed)
{
	struct usbblk_hub_info h;
	u8 b[16];
	size_t n;

	for (n = 0; n < sizeof(hub_desc); n++)
		EXPECT_EQ(-EMSGSIZE, usbblk_parse_hub_desc(hub_desc, n, &h));
	COPY(b, hub_desc);
	b[2] = 0;
	EXPECT_EQ(-EPROTO, usbblk_parse_hub_desc(b, sizeof(hub_desc), &h));
	b[2] = 16;
	EXPECT_EQ(-EPROTO, usbblk_parse_hub_desc(b, sizeof(hub_desc), &h));
	b[2] = 255;
	EXPECT_EQ(-EPROTO, usbblk_parse_hub_desc(b, sizeof(hub_desc), &h));
	COPY(b, hub_desc);
	b[1] = USB_DT_HUB & 0x1f;	/* 0x09: the configuration's type, not the hub's */
	EXPECT_EQ(-EPROTO, usbblk_parse_hub_desc(b, sizeof(hub_desc), &h));
	b[1] = USB_DT_DEVICE;
	EXPECT_EQ(-EPROTO, usbblk_parse_hub_desc(b, sizeof(hub_desc), &h));
	COPY(b, hub_desc);
	b[0] = 0;
	EXPECT_EQ(-EPROTO, usbblk_parse_hub_desc(b, sizeof(hub_desc), &h));
	b[0] = 7;
	EXPECT_EQ(-EPROTO, usbblk_parse_hub_desc(b, sizeof(hub_desc), &h));
	b[0] = 11;	/* longer than what was read */
	EXPECT_EQ(-EMSGSIZE, usbblk_parse_hub_desc(b, sizeof(hub_desc), &h));
	EXPECT_EQ(-EINVAL, usbblk_parse_hub_desc(NULL, sizeof(hub_desc), &h));
	EXPECT_EQ(-EINVAL, usbblk_parse_hub_desc(hub_desc, sizeof(hub_desc), NULL));
}

TEST_HARNESS_MAIN
