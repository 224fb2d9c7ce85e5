// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for drivers/usbblk/xhci-caps.c and the uapi layout.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <linux/usb/ch9.h>
#include "xhci-regs.h"
#include "xhci-caps.h"
#include "kselftest_harness.h"

/* QEMU's versal DWC3: CAPLENGTH 0x40, HCIVERSION 1.00, 2 slots, 1 intr, 8 ports. */
#define VERSAL_W0	0x01000040
#define VERSAL_HCS1	0x08000102

TEST(decode_qemu_versal)
{
	struct usbblk_caps c;

	usbblk_caps_decode(&c, VERSAL_W0, VERSAL_HCS1, 0, 0x00087001);
	EXPECT_EQ(0x40, c.caplength);
	EXPECT_EQ(0x100, c.hci_version);
	EXPECT_EQ(2, c.max_slots);
	EXPECT_EQ(1, c.max_intrs);
	EXPECT_EQ(8, c.max_ports);
	EXPECT_EQ(0, c.max_scratchpads);
	EXPECT_TRUE(c.ac64);
	EXPECT_FALSE(c.csz);
	EXPECT_FALSE(c.ppc);
	EXPECT_EQ(0x8 * 4, c.xecp);
	EXPECT_EQ(0, usbblk_caps_check(&c, 0x10000));
}

TEST(scratchpads_hi_lo_joined)
{
	struct usbblk_caps c;

	/* Hi = 1 (bits 25:21), Lo = 3 (bits 31:27): 1 << 5 | 3 = 35 */
	usbblk_caps_decode(&c, VERSAL_W0, VERSAL_HCS1, (1u << 21) | (3u << 27), 0);
	EXPECT_EQ(35, c.max_scratchpads);
	usbblk_caps_decode(&c, VERSAL_W0, VERSAL_HCS1, 0xffffffff, 0);
	EXPECT_EQ(1023, c.max_scratchpads);
	EXPECT_TRUE(c.max_scratchpads <= 1023);
}

TEST(csz_and_ppc)
{
	struct usbblk_caps c;

	usbblk_caps_decode(&c, VERSAL_W0, VERSAL_HCS1, 0, XHCI_HCC1_CSZ | XHCI_HCC1_PPC);
	EXPECT_FALSE(c.ac64);
	EXPECT_TRUE(c.csz);
	EXPECT_TRUE(c.ppc);
	EXPECT_EQ(0, c.xecp);
}

TEST(check_rejects_nonsense)
{
	struct usbblk_caps c;

	usbblk_caps_decode(&c, 0x00950040, VERSAL_HCS1, 0, 0);	/* 0.95 */
	EXPECT_EQ(-ENODEV, usbblk_caps_check(&c, 0x10000));
	usbblk_caps_decode(&c, 0x00960040, VERSAL_HCS1, 0, 0);	/* 0.96 ok */
	EXPECT_EQ(0, usbblk_caps_check(&c, 0x10000));
	usbblk_caps_decode(&c, 0xffffffff, 0xffffffff, 0, 0);	/* dead device */
	EXPECT_EQ(-ENODEV, usbblk_caps_check(&c, 0x10000));
	usbblk_caps_decode(&c, 0x01000010, VERSAL_HCS1, 0, 0);	/* caplength too small */
	EXPECT_EQ(-ENODEV, usbblk_caps_check(&c, 0x10000));
	usbblk_caps_decode(&c, VERSAL_W0, 0x08000100, 0, 0);	/* no slots */
	EXPECT_EQ(-ENODEV, usbblk_caps_check(&c, 0x10000));
	usbblk_caps_decode(&c, VERSAL_W0, 0x00000102, 0, 0);	/* no ports */
	EXPECT_EQ(-ENODEV, usbblk_caps_check(&c, 0x10000));
	usbblk_caps_decode(&c, VERSAL_W0, 0x00000002 | (0u << 8) | (1u << 24), 0, 0);
	EXPECT_EQ(-ENODEV, usbblk_caps_check(&c, 0x10000));	/* no interrupters */
	/* 255 ports: the last PORTSC lies past a 4 KiB window */
	usbblk_caps_decode(&c, VERSAL_W0, 0xff000102, 0, 0);
	EXPECT_EQ(-ENODEV, usbblk_caps_check(&c, 0x1000));
	EXPECT_EQ(0, usbblk_caps_check(&c, 0x10000));
	/* xECP outside the window */
	usbblk_caps_decode(&c, VERSAL_W0, VERSAL_HCS1, 0, 0xffff0000);
	EXPECT_EQ(-ENODEV, usbblk_caps_check(&c, 0x10000));
}

TEST(xcap_walk)
{
	EXPECT_EQ(0, usbblk_xcap_next(0x20, 0x00000002));
	EXPECT_EQ(0x20 + 4 * 4, usbblk_xcap_next(0x20, 0x00000402));
	EXPECT_EQ(0x20 + 255 * 4, usbblk_xcap_next(0x20, 0x0000ff01));
}

TEST(protocol_ranges)
{
	u8 major[8] = { 0 };
	u8 zero[8] = { 0 };

	/* USB 2.0 on ports 1-4, USB 3.0 on ports 5-8 (QEMU versal) */
	EXPECT_EQ(0, usbblk_proto_apply(major, 8, 0x02000802, 0x00000401));
	EXPECT_EQ(0, usbblk_proto_apply(major, 8, 0x03000802, 0x00000405));
	EXPECT_EQ(2, major[0]);
	EXPECT_EQ(2, major[3]);
	EXPECT_EQ(3, major[4]);
	EXPECT_EQ(3, major[7]);

	memset(major, 0, sizeof(major));
	EXPECT_EQ(-EINVAL, usbblk_proto_apply(major, 8, 0x03000802, 0x00000406)); /* 6..9 */
	EXPECT_EQ(-EINVAL, usbblk_proto_apply(major, 8, 0x03000802, 0x00000400)); /* port 0 */
	EXPECT_EQ(-EINVAL, usbblk_proto_apply(major, 8, 0x03000802, 0x00000001)); /* count 0 */
	EXPECT_EQ(-EINVAL, usbblk_proto_apply(major, 8, 0x01000802, 0x00000101)); /* USB 1 */
	EXPECT_EQ(-EINVAL, usbblk_proto_apply(major, 8, 0x03000802, 0x0000ffff));
	EXPECT_EQ(0, memcmp(major, zero, sizeof(major)));
}

TEST(speed_ids)
{
	EXPECT_EQ(USB_SPEED_FULL, usbblk_psiv_to_speed(2, XHCI_PSIV_FULL));
	EXPECT_EQ(USB_SPEED_LOW, usbblk_psiv_to_speed(2, XHCI_PSIV_LOW));
	EXPECT_EQ(USB_SPEED_HIGH, usbblk_psiv_to_speed(2, XHCI_PSIV_HIGH));
	EXPECT_EQ(USB_SPEED_SUPER, usbblk_psiv_to_speed(3, XHCI_PSIV_SUPER));
	EXPECT_EQ(USB_SPEED_SUPER_PLUS, usbblk_psiv_to_speed(3, XHCI_PSIV_SUPER_PLUS));
	/* unknown protocol: trust the ID */
	EXPECT_EQ(USB_SPEED_HIGH, usbblk_psiv_to_speed(0, XHCI_PSIV_HIGH));
	EXPECT_EQ(USB_SPEED_SUPER, usbblk_psiv_to_speed(0, XHCI_PSIV_SUPER));
	/* an ID that does not fit the port's protocol */
	EXPECT_EQ(USB_SPEED_UNKNOWN, usbblk_psiv_to_speed(2, XHCI_PSIV_SUPER));
	EXPECT_EQ(USB_SPEED_UNKNOWN, usbblk_psiv_to_speed(3, XHCI_PSIV_HIGH));
	EXPECT_EQ(USB_SPEED_UNKNOWN, usbblk_psiv_to_speed(3, 0));
	EXPECT_EQ(USB_SPEED_UNKNOWN, usbblk_psiv_to_speed(3, 15));
}

TEST(port_decode)
{
	struct usbblk_port p;

	/* what QEMU shows: a SuperSpeed stick on a USB 3 port, U0, enabled */
	memset(&p, 0xa5, sizeof(p));
	usbblk_port_decode(&p, 5, 0x00021203, 3);
	EXPECT_EQ(5, p.port);
	EXPECT_EQ(USB_SPEED_SUPER, p.speed);
	EXPECT_EQ(USBBLK_PORT_CONNECTED | USBBLK_PORT_ENABLED | USBBLK_PORT_POWERED |
		  USBBLK_PORT_USB3, p.flags);
	EXPECT_EQ(0, p.link_state);
	EXPECT_EQ(0x00021203, p.portsc);

	/* empty USB 2 port in RxDetect: no speed whatever the field says */
	usbblk_port_decode(&p, 1, 0x000202a0 | (3u << 10), 2);
	EXPECT_EQ(USB_SPEED_UNKNOWN, p.speed);
	EXPECT_EQ(USBBLK_PORT_POWERED, p.flags);
	EXPECT_EQ(5, p.link_state);

	/* over-current on an unpowered port */
	usbblk_port_decode(&p, 2, XHCI_PORTSC_OCA, 2);
	EXPECT_EQ(USBBLK_PORT_OVERCURRENT, p.flags);

	/* high-speed device on a USB 2 port */
	usbblk_port_decode(&p, 1, XHCI_PORTSC_CCS | XHCI_PORTSC_PP | (3u << 10), 2);
	EXPECT_EQ(USB_SPEED_HIGH, p.speed);
}

TEST(page_size)
{
	EXPECT_EQ(4096, usbblk_pagesize_bytes(0x1));
	EXPECT_EQ(16384, usbblk_pagesize_bytes(0x4));
	EXPECT_EQ(4096, usbblk_pagesize_bytes(0xffff));
	EXPECT_EQ(1u << 27, usbblk_pagesize_bytes(0x8000));
	EXPECT_EQ(0, usbblk_pagesize_bytes(0));
	EXPECT_EQ(0, usbblk_pagesize_bytes(0xffff0000));
}

TEST(uapi_layout)
{
	/* The ABI: sizes and offsets must never change. */
	EXPECT_EQ(8, sizeof(struct usbblk_port));
	EXPECT_EQ(72, sizeof(struct usbblk_hc_info));
	EXPECT_EQ(2152, sizeof(struct usbblk_enumerate));
	EXPECT_EQ(8, offsetof(struct usbblk_enumerate, devices));
	EXPECT_EQ(24, offsetof(struct usbblk_enumerate, reserved));
	EXPECT_EQ(256, sizeof(struct usbblk_device_info));
	EXPECT_EQ(40, offsetof(struct usbblk_device_info, enum_ns));
	EXPECT_EQ(48, offsetof(struct usbblk_device_info, manufacturer));
	EXPECT_EQ(40, offsetof(struct usbblk_enumerate, hc));
	EXPECT_EQ(112, offsetof(struct usbblk_enumerate, ports));
	EXPECT_EQ(40, offsetof(struct usbblk_hc_info, name));
	EXPECT_EQ(0xB5, _IOC_TYPE(USBBLK_IOC_ENUMERATE));
	EXPECT_EQ(sizeof(struct usbblk_enumerate), _IOC_SIZE(USBBLK_IOC_ENUMERATE));
	EXPECT_EQ(_IOC_READ | _IOC_WRITE, _IOC_DIR(USBBLK_IOC_ENUMERATE));
}

TEST_HARNESS_MAIN
