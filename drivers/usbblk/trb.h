/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xHCI Transfer Request Blocks, contexts and completion codes (xHCI 1.2,
 * sections 6.2 and 6.4).  Only definitions; compiles in user space too.
 */
#ifndef _USBBLK_TRB_H
#define _USBBLK_TRB_H

#include <linux/bits.h>
#include <linux/types.h>

/**
 * struct usbblk_trb - one TRB as the controller sees it (16 bytes)
 * @w: four little-endian words: parameter low/high, status, control
 */
struct usbblk_trb {
	__le32 w[4];
};

#define USBBLK_TRB_SIZE		16

/* word 2: status */
#define TRB_LEN			GENMASK(16, 0)	/* transfer TRBs */
#define TRB_TD_SIZE		GENMASK(21, 17)
#define TRB_INTR_TARGET		GENMASK(31, 22)
#define TRB_MAX_TD_SIZE		31
/* word 3: control */
#define TRB_CYCLE		BIT(0)
#define TRB_ENT			BIT(1)
#define TRB_TC			BIT(1)		/* link TRB: toggle cycle */
#define TRB_ISP			BIT(2)
#define TRB_NS			BIT(3)
#define TRB_CHAIN		BIT(4)
#define TRB_IOC			BIT(5)
#define TRB_IDT			BIT(6)
#define TRB_BSR			BIT(9)		/* Address Device: block SET_ADDRESS */
#define TRB_DC			BIT(9)		/* Configure Endpoint: deconfigure */
#define TRB_TSP			BIT(9)		/* Reset Endpoint: transfer state preserve */
#define TRB_TYPE		GENMASK(15, 10)
#define TRB_DIR_IN		BIT(16)		/* data stage */
#define TRB_TRT			GENMASK(17, 16)	/* setup stage: transfer type */
#define   TRB_TRT_NO_DATA	0
#define   TRB_TRT_OUT		2
#define   TRB_TRT_IN		3
#define TRB_EP_ID		GENMASK(20, 16)	/* commands and transfer events */
#define TRB_SLOT_TYPE		GENMASK(20, 16)	/* Enable Slot */
#define TRB_SP			BIT(23)		/* Stop Endpoint: suspend */
#define TRB_SLOT_ID		GENMASK(31, 24)
/* Set TR Dequeue Pointer: word 0 */
#define TRB_DCS			BIT(0)

/* event TRBs */
#define EVT_COMP_CODE		GENMASK(31, 24)	/* word 2 */
#define EVT_LEN			GENMASK(23, 0)	/* word 2: residue */
#define EVT_ED			BIT(2)		/* word 3: event data */
#define EVT_PORT_ID		GENMASK(31, 24)	/* port status change, word 0 */

/* 6.4.6 TRB types */
enum usbblk_trb_type {
	TRB_TYPE_NORMAL		= 1,
	TRB_TYPE_SETUP		= 2,
	TRB_TYPE_DATA		= 3,
	TRB_TYPE_STATUS		= 4,
	TRB_TYPE_LINK		= 6,
	TRB_TYPE_EVENT_DATA	= 7,
	TRB_TYPE_NOOP		= 8,
	TRB_TYPE_ENABLE_SLOT	= 9,
	TRB_TYPE_DISABLE_SLOT	= 10,
	TRB_TYPE_ADDRESS_DEVICE	= 11,
	TRB_TYPE_CONFIG_EP	= 12,
	TRB_TYPE_EVAL_CONTEXT	= 13,
	TRB_TYPE_RESET_EP	= 14,
	TRB_TYPE_STOP_EP	= 15,
	TRB_TYPE_SET_DEQ	= 16,
	TRB_TYPE_RESET_DEVICE	= 17,
	TRB_TYPE_NOOP_CMD	= 23,
	TRB_TYPE_TRANSFER_EV	= 32,
	TRB_TYPE_CMD_COMP_EV	= 33,
	TRB_TYPE_PORT_EV	= 34,
	TRB_TYPE_HC_EV		= 37,
};

/* 6.4.5 completion codes */
enum usbblk_comp_code {
	COMP_INVALID			= 0,
	COMP_SUCCESS			= 1,
	COMP_DATA_BUFFER_ERROR		= 2,
	COMP_BABBLE			= 3,
	COMP_TRANSACTION_ERROR		= 4,
	COMP_TRB_ERROR			= 5,
	COMP_STALL			= 6,
	COMP_RESOURCE_ERROR		= 7,
	COMP_BANDWIDTH_ERROR		= 8,
	COMP_NO_SLOTS			= 9,
	COMP_SLOT_NOT_ENABLED		= 11,
	COMP_EP_NOT_ENABLED		= 12,
	COMP_SHORT_PACKET		= 13,
	COMP_PARAMETER_ERROR		= 17,
	COMP_CONTEXT_STATE_ERROR	= 19,
	COMP_EVENT_RING_FULL		= 21,
	COMP_INCOMPATIBLE_DEVICE	= 22,
	COMP_CMD_RING_STOPPED		= 24,
	COMP_CMD_ABORTED		= 25,
	COMP_STOPPED			= 26,
	COMP_STOPPED_LENGTH_INVALID	= 27,
	COMP_STOPPED_SHORT_PACKET	= 28,
};

/* 6.2.2 slot context */
#define SLOT_ROUTE		GENMASK(19, 0)	/* word 0 */
#define SLOT_SPEED		GENMASK(23, 20)
#define SLOT_MTT		BIT(25)
#define SLOT_HUB		BIT(26)
#define SLOT_ENTRIES		GENMASK(31, 27)
#define SLOT_ROOT_PORT		GENMASK(23, 16)	/* word 1 */
#define SLOT_NUM_PORTS		GENMASK(31, 24)
#define SLOT_TT_HUB_SLOT	GENMASK(7, 0)	/* word 2 */
#define SLOT_TT_PORT		GENMASK(15, 8)
#define SLOT_TTT		GENMASK(17, 16)
#define SLOT_INTR_TARGET	GENMASK(31, 22)
#define SLOT_ADDRESS		GENMASK(7, 0)	/* word 3 */
#define SLOT_STATE		GENMASK(31, 27)

/* 6.2.3 endpoint context */
#define EP_STATE		GENMASK(2, 0)	/* word 0 */
#define   EP_STATE_DISABLED	0
#define   EP_STATE_RUNNING	1
#define   EP_STATE_HALTED	2
#define   EP_STATE_STOPPED	3
#define   EP_STATE_ERROR	4
#define EP_MULT			GENMASK(9, 8)
#define EP_INTERVAL		GENMASK(23, 16)
#define EP_MAX_ESIT_HI		GENMASK(31, 24)
#define EP_CERR			GENMASK(2, 1)	/* word 1 */
#define EP_TYPE			GENMASK(5, 3)
#define   EP_TYPE_BULK_OUT	2
#define   EP_TYPE_INT_OUT	3
#define   EP_TYPE_CONTROL	4
#define   EP_TYPE_BULK_IN	6
#define   EP_TYPE_INT_IN	7
#define EP_MAX_BURST		GENMASK(15, 8)
#define EP_MAX_PACKET		GENMASK(31, 16)
#define EP_DEQ_PTR		GENMASK_ULL(63, 4)	/* words 2-3, as one u64 */
#define EP_AVG_TRB_LEN		GENMASK(15, 0)	/* word 4 */
#define EP_MAX_ESIT_LO		GENMASK(31, 16)

/* 6.2.5.1 input control context */
#define ICC_DROP		0	/* word index */
#define ICC_ADD			1
#define ICC_SLOT		BIT(0)	/* add/drop flag of the slot context */

#endif /* _USBBLK_TRB_H */
