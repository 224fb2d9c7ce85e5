/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xHCI register map, as usbblk uses it.
 *
 * Section numbers refer to the eXtensible Host Controller Interface for
 * Universal Serial Bus (xHCI) Requirements Specification, revision 1.2.
 * Only definitions; no code.  Compiles in user space too (unit tests).
 */
#ifndef _USBBLK_XHCI_REGS_H
#define _USBBLK_XHCI_REGS_H

#include <linux/bits.h>

/* 5.3 Host Controller Capability Registers, offsets from the MMIO base */
#define XHCI_CAP_CAPLENGTH	0x00	/* CAPLENGTH (7:0), HCIVERSION (31:16) */
#define   XHCI_CAPLENGTH	GENMASK(7, 0)
#define   XHCI_HCIVERSION	GENMASK(31, 16)
#define XHCI_CAP_HCSPARAMS1	0x04	/* 5.3.3 */
#define   XHCI_HCS1_MAX_SLOTS	GENMASK(7, 0)
#define   XHCI_HCS1_MAX_INTRS	GENMASK(18, 8)
#define   XHCI_HCS1_MAX_PORTS	GENMASK(31, 24)
#define XHCI_CAP_HCSPARAMS2	0x08	/* 5.3.4 */
#define   XHCI_HCS2_IST		GENMASK(3, 0)
#define   XHCI_HCS2_ERST_MAX	GENMASK(7, 4)
#define   XHCI_HCS2_SPB_HI	GENMASK(25, 21)
#define   XHCI_HCS2_SPR		BIT(26)
#define   XHCI_HCS2_SPB_LO	GENMASK(31, 27)
#define XHCI_CAP_HCSPARAMS3	0x0c	/* 5.3.5 */
#define XHCI_CAP_HCCPARAMS1	0x10	/* 5.3.6 */
#define   XHCI_HCC1_AC64	BIT(0)
#define   XHCI_HCC1_CSZ		BIT(2)
#define   XHCI_HCC1_PPC		BIT(3)
#define   XHCI_HCC1_XECP	GENMASK(31, 16)	/* in 32-bit words */
#define XHCI_CAP_DBOFF		0x14	/* 5.3.7 */
#define   XHCI_DBOFF_MASK	GENMASK(31, 2)
#define XHCI_DB(n)		(4 * (n))	/* 5.6: doorbell n, 0 = the host's */
#define XHCI_CAP_RTSOFF		0x18	/* 5.3.8 */
#define   XHCI_RTSOFF_MASK	GENMASK(31, 5)
#define XHCI_CAP_HCCPARAMS2	0x1c	/* 5.3.9 */

/* 5.4 Host Controller Operational Registers, offsets from base + CAPLENGTH */
#define XHCI_OP_USBCMD		0x00	/* 5.4.1 */
#define   XHCI_CMD_RUN		BIT(0)
#define   XHCI_CMD_HCRST	BIT(1)
#define   XHCI_CMD_INTE		BIT(2)
#define   XHCI_CMD_HSEE		BIT(3)
#define XHCI_OP_USBSTS		0x04	/* 5.4.2 */
#define   XHCI_STS_HCH		BIT(0)
#define   XHCI_STS_HSE		BIT(2)
#define   XHCI_STS_EINT		BIT(3)
#define   XHCI_STS_PCD		BIT(4)
#define   XHCI_STS_CNR		BIT(11)
#define   XHCI_STS_HCE		BIT(12)
#define XHCI_OP_PAGESIZE	0x08	/* 5.4.3: bit n set = 2^(n+12) bytes */
#define   XHCI_PAGESIZE_MASK	GENMASK(15, 0)
#define XHCI_OP_DNCTRL		0x14	/* 5.4.4 */
#define XHCI_OP_CRCR		0x18	/* 5.4.5, 64 bits */
#define XHCI_OP_DCBAAP		0x30	/* 5.4.6, 64 bits */
#define XHCI_OP_CONFIG		0x38	/* 5.4.7 */
#define   XHCI_CONFIG_MAX_SLOTS_EN	GENMASK(7, 0)

/* 5.4.8 Port Status and Control, one register set per root port */
#define XHCI_OP_PORTSC(n)	(0x400 + 0x10 * ((n) - 1))	/* n is 1-based */
#define   XHCI_PORTSC_CCS	BIT(0)		/* current connect status */
#define   XHCI_PORTSC_PED	BIT(1)		/* port enabled (RW1C!) */
#define   XHCI_PORTSC_OCA	BIT(3)		/* over-current active */
#define   XHCI_PORTSC_PR	BIT(4)		/* port reset */
#define   XHCI_PORTSC_PLS	GENMASK(8, 5)	/* port link state */
#define   XHCI_PORTSC_PP	BIT(9)		/* port power */
#define   XHCI_PORTSC_SPEED	GENMASK(13, 10)	/* protocol speed ID */
#define   XHCI_PORTSC_PIC	GENMASK(15, 14)
#define   XHCI_PORTSC_LWS	BIT(16)
#define   XHCI_PORTSC_CSC	BIT(17)		/* change bits: RW1C */
#define   XHCI_PORTSC_PEC	BIT(18)
#define   XHCI_PORTSC_WRC	BIT(19)
#define   XHCI_PORTSC_OCC	BIT(20)
#define   XHCI_PORTSC_PRC	BIT(21)
#define   XHCI_PORTSC_PLC	BIT(22)
#define   XHCI_PORTSC_CEC	BIT(23)
#define   XHCI_PORTSC_CHANGES	GENMASK(23, 17)
#define   XHCI_PORTSC_WAKE	GENMASK(27, 25)	/* WCE, WDE, WOE */
/*
 * Bits that keep their value when written back unchanged.  A naive
 * read-modify-write of PORTSC would write 1 to PED (disabling the port)
 * and to the RW1C change bits: write (portsc & XHCI_PORTSC_KEEP) | what
 * you mean to set.
 */
#define   XHCI_PORTSC_KEEP	(XHCI_PORTSC_PP | XHCI_PORTSC_PIC | XHCI_PORTSC_WAKE)

/* 5.5 Runtime registers, offsets from base + RTSOFF */
#define XHCI_RT_IR(n)		(0x20 + 0x20 * (n))	/* interrupter n */
#define XHCI_IR_IMAN		0x00	/* 5.5.2.1 */
#define   XHCI_IMAN_IP		BIT(0)		/* RW1C */
#define   XHCI_IMAN_IE		BIT(1)
#define XHCI_IR_IMOD		0x04	/* 5.5.2.2 */
#define   XHCI_IMOD_INTERVAL	GENMASK(15, 0)	/* in 250 ns units */
#define   XHCI_IMOD_UNIT_NS	250
#define XHCI_IR_ERSTSZ		0x08	/* 5.5.2.3.1 */
#define XHCI_IR_ERSTBA		0x10	/* 5.5.2.3.2, 64 bits */
#define XHCI_IR_ERDP		0x18	/* 5.5.2.3.3, 64 bits */
#define   XHCI_ERDP_EHB		BIT(3)	/* event handler busy, RW1C */

/* 7 xHCI Extended Capabilities: the header word of each */
#define XHCI_XCAP_ID		GENMASK(7, 0)
#define XHCI_XCAP_NEXT		GENMASK(15, 8)	/* in 32-bit words, 0 = last */
#define XHCI_XCAP_PROTO_PORTS	0x08		/* 7.2: compatible port offset, count */
#define XHCI_XCAP_PROTO_BYTES	16		/* the longest capability we read */
#define XHCI_XCAP_ID_LEGACY	1		/* 7.1 USB Legacy Support */
#define   XHCI_LEGACY_BIOS_OWNED	BIT(16)
#define   XHCI_LEGACY_OS_OWNED		BIT(24)
#define XHCI_LEGACY_CTLSTS	0x04		/* 7.1.2, SMI enables 0, 4, 13..15 */
#define   XHCI_LEGACY_SMI_ENABLES	(BIT(0) | BIT(4) | GENMASK(15, 13))
#define XHCI_XCAP_ID_PROTOCOL	2		/* 7.2 Supported Protocol */
#define   XHCI_PROTO_MAJOR	GENMASK(31, 24)	/* word 0 */
#define   XHCI_PROTO_MINOR	GENMASK(23, 16)
#define   XHCI_PROTO_PORT_OFF	GENMASK(7, 0)	/* word 2 */
#define   XHCI_PROTO_PORT_CNT	GENMASK(15, 8)
#define   XHCI_PROTO_PSIC	GENMASK(31, 28)

/* 7.2.1 default Protocol Speed IDs, used when a protocol has PSIC = 0 */
#define XHCI_PSIV_FULL		1
#define XHCI_PSIV_LOW		2
#define XHCI_PSIV_HIGH		3
#define XHCI_PSIV_SUPER		4
#define XHCI_PSIV_SUPER_PLUS	5

#endif /* _USBBLK_XHCI_REGS_H */
