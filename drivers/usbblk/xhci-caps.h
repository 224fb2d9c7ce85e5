/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of the xHCI capability registers, extended capabilities and
 * PORTSC: hardware-free, so it also compiles in user space for the unit
 * tests and fuzzers.
 */
#ifndef _USBBLK_XHCI_CAPS_H
#define _USBBLK_XHCI_CAPS_H

#include <linux/types.h>
#include <uapi/linux/usbblk.h>

/**
 * struct usbblk_caps - what the capability registers say
 * @caplength:		offset of the operational registers
 * @hci_version:	HCIVERSION, BCD (0x0100 = 1.0)
 * @max_slots:		device slots
 * @max_ports:		root ports
 * @max_intrs:		interrupters
 * @max_scratchpads:	scratchpad buffers the controller needs
 * @ac64:		64-bit addressing capable
 * @csz:		contexts are 64 bytes, not 32
 * @ppc:		port power is switched by software (PORTSC.PP)
 * @xecp:		byte offset of the first extended capability, 0 if none
 */
struct usbblk_caps {
	u8 caplength;
	u16 hci_version;
	u8 max_slots;
	u8 max_ports;
	u16 max_intrs;
	u16 max_scratchpads;
	bool ac64;
	bool csz;
	bool ppc;
	u32 xecp;
};

void usbblk_caps_decode(struct usbblk_caps *c, u32 caplength_word, u32 hcs1,
			u32 hcs2, u32 hcc1);
int usbblk_caps_check(const struct usbblk_caps *c, u32 mmio_len);
u32 usbblk_xcap_next(u32 off, u32 header);
int usbblk_proto_apply(u8 *port_major, unsigned int nports, u32 word0, u32 word2);
unsigned int usbblk_psiv_to_speed(u8 major, unsigned int psiv);
void usbblk_port_decode(struct usbblk_port *p, unsigned int port, u32 portsc, u8 major);
u32 usbblk_pagesize_bytes(u32 pagesize_reg);

#endif /* _USBBLK_XHCI_CAPS_H */
