// SPDX-License-Identifier: GPL-2.0
/*
 * xHCI capability, extended capability and PORTSC decoding.
 *
 * Pure functions over register values: nothing here touches hardware,
 * so the same file builds into the module and into the host unit tests
 * and fuzzers (selftests/unit/).  Every value comes from a device and is
 * checked before the rest of the driver trusts it.
 */
#include <linux/bitfield.h>
#include <linux/errno.h>
#include <linux/usb/ch9.h>

#include "xhci-regs.h"
#include "xhci-caps.h"

/**
 * usbblk_caps_decode() - decode the capability registers
 * @c:			filled in
 * @caplength_word:	the 32-bit word at offset 0 (CAPLENGTH, HCIVERSION)
 * @hcs1:		HCSPARAMS1
 * @hcs2:		HCSPARAMS2
 * @hcc1:		HCCPARAMS1
 */
void usbblk_caps_decode(struct usbblk_caps *c, u32 caplength_word, u32 hcs1,
			u32 hcs2, u32 hcc1)
{
	c->caplength = FIELD_GET(XHCI_CAPLENGTH, caplength_word);
	c->hci_version = FIELD_GET(XHCI_HCIVERSION, caplength_word);
	c->max_slots = FIELD_GET(XHCI_HCS1_MAX_SLOTS, hcs1);
	c->max_intrs = FIELD_GET(XHCI_HCS1_MAX_INTRS, hcs1);
	c->max_ports = FIELD_GET(XHCI_HCS1_MAX_PORTS, hcs1);
	c->max_scratchpads = FIELD_GET(XHCI_HCS2_SPB_HI, hcs2) << 5 |
			     FIELD_GET(XHCI_HCS2_SPB_LO, hcs2);
	c->ac64 = hcc1 & XHCI_HCC1_AC64;
	c->csz = hcc1 & XHCI_HCC1_CSZ;
	c->ppc = hcc1 & XHCI_HCC1_PPC;
	c->xecp = FIELD_GET(XHCI_HCC1_XECP, hcc1) * 4;
}

/**
 * usbblk_caps_check() - is this a controller usbblk can drive?
 * @c:		decoded capabilities
 * @mmio_len:	size of the register window the bus gave us
 *
 * Return: 0, or -ENODEV with nothing sensible in the registers (a
 * version before 0.96, no ports, no slots, no interrupter, or a register
 * block that would lie outside the window).
 */
int usbblk_caps_check(const struct usbblk_caps *c, u32 mmio_len)
{
	if (c->hci_version < 0x0096 || c->hci_version > 0x01ff)
		return -ENODEV;
	if (c->caplength < 0x20 || !c->max_slots || !c->max_ports || !c->max_intrs)
		return -ENODEV;
	/* the last PORTSC register set must lie inside the window */
	if ((u64)c->caplength + 0x400 + 0x10 * (u64)c->max_ports > mmio_len)
		return -ENODEV;
	if (c->xecp && c->xecp + 4 > mmio_len)
		return -ENODEV;
	return 0;
}

/**
 * usbblk_xcap_next() - offset of the extended capability after this one
 * @off:	byte offset of the current capability
 * @header:	its header word
 *
 * Return: the next capability's byte offset, or 0 at the end of the list.
 * The caller bounds the walk against the register window.
 */
u32 usbblk_xcap_next(u32 off, u32 header)
{
	u32 next = FIELD_GET(XHCI_XCAP_NEXT, header);

	return next ? off + next * 4 : 0;
}

/**
 * usbblk_proto_apply() - record which root ports a Supported Protocol
 * capability covers
 * @port_major:	per-port USB major revision, index 0 = port 1
 * @nports:	entries in @port_major (HCSPARAMS1.MaxPorts)
 * @word0:	capability word 0 (revision)
 * @word2:	capability word 2 (compatible port offset and count)
 *
 * Return: 0, or -EINVAL for a range outside 1..@nports or an unknown
 * major revision (ranges are then ignored).
 */
int usbblk_proto_apply(u8 *port_major, unsigned int nports, u32 word0, u32 word2)
{
	unsigned int major = FIELD_GET(XHCI_PROTO_MAJOR, word0);
	unsigned int first = FIELD_GET(XHCI_PROTO_PORT_OFF, word2);
	unsigned int count = FIELD_GET(XHCI_PROTO_PORT_CNT, word2);
	unsigned int i;

	if (major != 2 && major != 3)
		return -EINVAL;
	if (!first || !count || first + count - 1 > nports)
		return -EINVAL;
	for (i = first; i < first + count; i++)
		port_major[i - 1] = major;
	return 0;
}

/**
 * usbblk_psiv_to_speed() - a port's speed as enum usb_device_speed
 * @major:	USB major revision of the port (2 or 3; 0 when unknown)
 * @psiv:	PORTSC Port Speed, a Protocol Speed ID Value
 *
 * Uses the default Protocol Speed IDs of xHCI 7.2.2.1.1, which every
 * controller usbblk has met reports (PSIC = 0).
 *
 * Return: USB_SPEED_*; USB_SPEED_UNKNOWN for a value outside the
 * defaults or one that does not fit the port's protocol.
 */
unsigned int usbblk_psiv_to_speed(u8 major, unsigned int psiv)
{
	switch (psiv) {
	case XHCI_PSIV_FULL:
		return major == 3 ? USB_SPEED_UNKNOWN : USB_SPEED_FULL;
	case XHCI_PSIV_LOW:
		return major == 3 ? USB_SPEED_UNKNOWN : USB_SPEED_LOW;
	case XHCI_PSIV_HIGH:
		return major == 3 ? USB_SPEED_UNKNOWN : USB_SPEED_HIGH;
	case XHCI_PSIV_SUPER:
		return major == 2 ? USB_SPEED_UNKNOWN : USB_SPEED_SUPER;
	case XHCI_PSIV_SUPER_PLUS:
		return major == 2 ? USB_SPEED_UNKNOWN : USB_SPEED_SUPER_PLUS;
	default:
		return USB_SPEED_UNKNOWN;
	}
}

/**
 * usbblk_port_decode() - a root port's state for user space
 * @p:		filled in completely
 * @port:	1-based port number
 * @portsc:	its PORTSC register
 * @major:	the port's USB major revision (0 when unknown)
 */
void usbblk_port_decode(struct usbblk_port *p, unsigned int port, u32 portsc, u8 major)
{
	bool connected = portsc & XHCI_PORTSC_CCS;

	p->port = port;
	p->flags = 0;
	if (connected)
		p->flags |= USBBLK_PORT_CONNECTED;
	if (portsc & XHCI_PORTSC_PED)
		p->flags |= USBBLK_PORT_ENABLED;
	if (portsc & XHCI_PORTSC_PP)
		p->flags |= USBBLK_PORT_POWERED;
	if (portsc & XHCI_PORTSC_OCA)
		p->flags |= USBBLK_PORT_OVERCURRENT;
	if (major == 3)
		p->flags |= USBBLK_PORT_USB3;
	p->speed = connected ?
		   usbblk_psiv_to_speed(major, FIELD_GET(XHCI_PORTSC_SPEED, portsc)) :
		   USB_SPEED_UNKNOWN;
	p->link_state = FIELD_GET(XHCI_PORTSC_PLS, portsc);
	p->portsc = portsc;
}

/**
 * usbblk_pagesize_bytes() - decode the PAGESIZE register
 * @pagesize_reg:	PAGESIZE; bit n set means 2^(n + 12) bytes
 *
 * Return: the smallest page size the controller supports, 0 if none.
 */
u32 usbblk_pagesize_bytes(u32 pagesize_reg)
{
	u32 bits = pagesize_reg & XHCI_PAGESIZE_MASK;
	unsigned int n;

	for (n = 0; n < 16; n++)
		if (bits & (1U << n))
			return 1U << (n + 12);
	return 0;
}
