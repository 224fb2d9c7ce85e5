/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TRB rings: index and cycle-bit arithmetic, TD building, what a
 * completion code means as an errno.  Hardware-free:
 * the ring memory is passed in, so the same code runs in the module and
 * in the host unit tests.
 */
#ifndef _USBBLK_RING_H
#define _USBBLK_RING_H

#include <linux/bitfield.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/byteorder.h>

#include "trb.h"

/**
 * struct usbblk_ring - one ring segment
 * @trbs:	CPU address of the segment
 * @dma:	bus address of @trbs[0]
 * @size:	TRBs in the segment; on a producer ring the last one is the
 *		link TRB back to the start
 * @enq:	producer: next TRB to write
 * @deq:	producer: oldest TRB the controller may still own;
 *		consumer (event ring): next TRB to read
 * @used:	producer: TRBs queued and not yet retired
 * @cycle:	producer cycle state (producer) or consumer cycle state
 *		(event ring): the value of the cycle bit that means "valid"
 */
struct usbblk_ring {
	struct usbblk_trb *trbs;
	dma_addr_t dma;
	unsigned int size;
	unsigned int enq;
	unsigned int deq;
	unsigned int used;
	u32 cycle;
};

/**
 * struct usbblk_td - the TRBs of one transfer descriptor on a ring
 * @first:	index of its first TRB
 * @last:	index of its last TRB
 * @ntrbs:	TRBs it occupies (link TRBs not counted)
 * @len:	bytes it transfers
 */
struct usbblk_td {
	unsigned int first;
	unsigned int last;
	unsigned int ntrbs;
	u32 len;
};

/**
 * struct usbblk_seg - a DMA-mapped piece of a buffer
 * @addr:	bus address
 * @len:	bytes
 */
struct usbblk_seg {
	u64 addr;
	u32 len;
};

#define USBBLK_TRB_MAX_LEN	0x10000	/* TRB buffers never cross 64 KiB */

/*
 * TRBs of a bulk endpoint's ring (one segment, 16 KiB): a 1 MiB TD of page
 * segments is at most 257 Normal TRBs (plus one at each 64 KiB boundary a
 * merged segment crosses), and the No Op TRBs that move a TD past the link
 * TRB (usbblk_ring_queue_td()) can take as many again.
 */
#define USBBLK_BULK_RING_TRBS	1024

#define USBBLK_SETUP_DIR_IN	0x80	/* bmRequestType: device-to-host */

/**
 * usbblk_setup_packet() - a control request's setup packet (USB 2.0 9.3),
 * as the setup stage TRB carries it in words 0-1
 * @type:	bmRequestType
 * @req:	bRequest
 * @value:	wValue
 * @index:	wIndex
 * @len:	wLength
 *
 * Return: the eight bytes, byte 0 in bits 7:0.
 */
static inline u64 usbblk_setup_packet(u8 type, u8 req, u16 value, u16 index, u16 len)
{
	return type | (u64)req << 8 | (u64)value << 16 | (u64)index << 32 | (u64)len << 48;
}

void usbblk_ring_init(struct usbblk_ring *r, struct usbblk_trb *trbs, dma_addr_t dma,
		      unsigned int size, bool producer);
unsigned int usbblk_ring_free(const struct usbblk_ring *r);
dma_addr_t usbblk_ring_dma(const struct usbblk_ring *r, unsigned int idx);
int usbblk_ring_index(const struct usbblk_ring *r, u64 dma);
unsigned int usbblk_ring_enqueue(struct usbblk_ring *r, u64 param, u32 status, u32 control,
				 bool first);
void usbblk_ring_commit(struct usbblk_ring *r, unsigned int first);
bool usbblk_td_contains(const struct usbblk_ring *r, const struct usbblk_td *td,
			unsigned int idx);
u32 usbblk_td_bytes_before(const struct usbblk_ring *r, const struct usbblk_td *td,
			   unsigned int idx);
void usbblk_ring_retire(struct usbblk_ring *r, const struct usbblk_td *td);
void usbblk_ring_set_deq(struct usbblk_ring *r, unsigned int idx);

u32 usbblk_td_size(u32 remaining, unsigned int maxp);
u32 usbblk_trb_chunk(u64 addr, u32 len);
unsigned int usbblk_td_count_trbs(const struct usbblk_seg *segs, unsigned int nsegs);
int usbblk_ring_queue_td(struct usbblk_ring *r, const struct usbblk_seg *segs,
			 unsigned int nsegs, unsigned int maxp, struct usbblk_td *td);
int usbblk_ring_queue_ctrl_td(struct usbblk_ring *r, u64 setup, u64 data,
			      struct usbblk_td *td, int *data_idx);
int usbblk_comp_errno(u32 code);

bool usbblk_evring_ready(const struct usbblk_ring *r);
void usbblk_evring_advance(struct usbblk_ring *r);

/**
 * usbblk_trb_read() - one word of a TRB, in CPU order
 * @trb: the TRB
 * @i:   word index 0..3
 *
 * Return: the word.
 */
static inline u32 usbblk_trb_read(const struct usbblk_trb *trb, unsigned int i)
{
	return le32_to_cpu(READ_ONCE(trb->w[i]));
}

/*
 * TRB fields by name (xHCI 6.4), one fact each.  Events are read only
 * after their cycle bit said they are complete (usbblk_evring_ready()).
 */

/* Any TRB: its type (TRB_TYPE_*), word 3. */
static inline u32 trb_type(const struct usbblk_trb *trb)
{
	return FIELD_GET(TRB_TYPE, usbblk_trb_read(trb, 3));
}

/* A transfer TRB: its buffer's length, word 2. */
static inline u32 trb_len(const struct usbblk_trb *trb)
{
	return FIELD_GET(TRB_LEN, usbblk_trb_read(trb, 2));
}

/* An event: the TRB (command or transfer) it names, words 0-1. */
static inline u64 evt_trb_ptr(const struct usbblk_trb *ev)
{
	return (u64)usbblk_trb_read(ev, 1) << 32 | usbblk_trb_read(ev, 0);
}

/* An event: its completion code (COMP_*), word 2. */
static inline u32 evt_comp_code(const struct usbblk_trb *ev)
{
	return FIELD_GET(EVT_COMP_CODE, usbblk_trb_read(ev, 2));
}

/* A transfer event: bytes of the named TRB not transferred, word 2. */
static inline u32 evt_len(const struct usbblk_trb *ev)
{
	return FIELD_GET(EVT_LEN, usbblk_trb_read(ev, 2));
}

/* A transfer or command completion event: the slot ID, word 3. */
static inline u32 evt_slot(const struct usbblk_trb *ev)
{
	return FIELD_GET(TRB_SLOT_ID, usbblk_trb_read(ev, 3));
}

/* A transfer event: the endpoint's device context index, word 3. */
static inline u32 evt_ep(const struct usbblk_trb *ev)
{
	return FIELD_GET(TRB_EP_ID, usbblk_trb_read(ev, 3));
}

/* A transfer event: it came from an Event Data TRB (ED), word 3. */
static inline bool evt_is_event_data(const struct usbblk_trb *ev)
{
	return usbblk_trb_read(ev, 3) & EVT_ED;
}

/* A port status change event: the root port, word 0. */
static inline u32 evt_port(const struct usbblk_trb *ev)
{
	return FIELD_GET(EVT_PORT_ID, usbblk_trb_read(ev, 0));
}

/* Any TRB: its cycle bit, word 3. */
static inline u32 trb_cycle(const struct usbblk_trb *trb)
{
	return usbblk_trb_read(trb, 3) & TRB_CYCLE;
}

#endif /* _USBBLK_RING_H */
