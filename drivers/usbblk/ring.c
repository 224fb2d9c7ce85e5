// SPDX-License-Identifier: GPL-2.0
/*
 * TRB ring arithmetic (xHCI 4.9).
 *
 * A producer ring (command ring, transfer rings) is one segment whose last
 * TRB is a Link TRB back to the start with Toggle Cycle set.  The producer
 * writes TRBs with its cycle state; the controller owns a TRB whose cycle
 * bit equals the controller's consumer cycle state.  Crossing the link
 * flips the producer cycle state.  The link TRB itself is handed over like
 * any other TRB, with the Chain bit copied from the TRB before it, so a TD
 * may wrap.
 *
 * A TD is made visible all at once: every TRB but the first is written
 * with the valid cycle bit, the first with the inverted one; after a write
 * barrier usbblk_ring_commit() flips the first.  The controller, parked on
 * the first TRB, never sees half a TD.
 *
 * Capacity: one TRB of the segment is the link, and one more is kept free
 * so that a full ring (enqueue + 1 == dequeue) is never mistaken for an
 * empty one.
 *
 * The event ring is the other way round: the controller produces, the
 * driver consumes TRBs while their cycle bit equals its consumer cycle
 * state, and flips that state at the end of the segment (event rings have
 * no link TRB; the ERST gives the segment size).
 *
 * Nothing here touches hardware or sleeps: the module and the host unit
 * tests run the same code.
 */
#include <linux/bitfield.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/barrier.h>

#include "ring.h"

static void trb_write(struct usbblk_trb *trb, u64 param, u32 status, u32 control)
{
	trb->w[0] = cpu_to_le32(lower_32_bits(param));
	trb->w[1] = cpu_to_le32(upper_32_bits(param));
	trb->w[2] = cpu_to_le32(status);
	/* the control word (with the cycle bit) last */
	WRITE_ONCE(trb->w[3], cpu_to_le32(control));
}

/**
 * usbblk_ring_init() - lay out an empty ring
 * @r:		the ring
 * @trbs:	its memory, @size TRBs, zeroed here
 * @dma:	bus address of @trbs
 * @size:	TRBs in the segment (at least 4 for a producer ring)
 * @producer:	true for a command or transfer ring (ends in a link TRB),
 *		false for an event ring
 */
void usbblk_ring_init(struct usbblk_ring *r, struct usbblk_trb *trbs, dma_addr_t dma,
		      unsigned int size, bool producer)
{
	memset(trbs, 0, size * sizeof(*trbs));
	r->trbs = trbs;
	r->dma = dma;
	r->size = size;
	r->enq = 0;
	r->deq = 0;
	r->used = 0;
	r->cycle = 1;
	if (producer)
		trb_write(&trbs[size - 1], dma, 0,
			  FIELD_PREP(TRB_TYPE, TRB_TYPE_LINK) | TRB_TC);
}

/**
 * usbblk_ring_free() - TRBs that can still be queued on a producer ring
 * @r: the ring
 *
 * Return: the count, link TRB and the spare TRB excluded.
 */
unsigned int usbblk_ring_free(const struct usbblk_ring *r)
{
	return r->size - 2 - r->used;
}

/**
 * usbblk_ring_dma() - bus address of a TRB
 * @r:   the ring
 * @idx: its index
 *
 * Return: the address.
 */
dma_addr_t usbblk_ring_dma(const struct usbblk_ring *r, unsigned int idx)
{
	return r->dma + (dma_addr_t)idx * USBBLK_TRB_SIZE;
}

/**
 * usbblk_ring_index() - which TRB of the ring a bus address names
 * @r:   the ring
 * @dma: an address the controller reported
 *
 * Return: the index, or -ERANGE if @dma is not a TRB of this ring.
 */
int usbblk_ring_index(const struct usbblk_ring *r, u64 dma)
{
	u64 off;

	if (dma < r->dma)
		return -ERANGE;
	off = dma - r->dma;
	if (off % USBBLK_TRB_SIZE || off / USBBLK_TRB_SIZE >= r->size)
		return -ERANGE;
	return off / USBBLK_TRB_SIZE;
}

/**
 * usbblk_ring_enqueue() - write one TRB at the enqueue pointer
 * @r:		a producer ring with room (usbblk_ring_free() > 0)
 * @param:	words 0-1
 * @status:	word 2
 * @control:	word 3 without the cycle bit
 * @first:	the first TRB of a TD: written with the inverted cycle bit, to
 *		be handed over by usbblk_ring_commit()
 *
 * Crosses the link TRB when it reaches it, handing it over with the Chain
 * bit of @control.
 *
 * Return: the index the TRB was written at.
 */
unsigned int usbblk_ring_enqueue(struct usbblk_ring *r, u64 param, u32 status, u32 control,
				 bool first)
{
	unsigned int idx = r->enq;
	u32 cycle = first ? !r->cycle : r->cycle;

	trb_write(&r->trbs[idx], param, status, (control & ~TRB_CYCLE) | cycle);
	r->used++;
	if (++r->enq == r->size - 1) {
		struct usbblk_trb *link = &r->trbs[r->enq];
		u32 lc = FIELD_PREP(TRB_TYPE, TRB_TYPE_LINK) | TRB_TC |
			 (control & TRB_CHAIN) | r->cycle;

		dma_wmb();
		WRITE_ONCE(link->w[3], cpu_to_le32(lc));
		r->enq = 0;
		r->cycle ^= 1;
	}
	return idx;
}

/**
 * usbblk_ring_commit() - hand a written TD to the controller
 * @r:     the ring
 * @first: index of the TD's first TRB, as usbblk_ring_enqueue() returned it
 *
 * The caller rings the doorbell afterwards.
 */
void usbblk_ring_commit(struct usbblk_ring *r, unsigned int first)
{
	struct usbblk_trb *trb = &r->trbs[first];

	dma_wmb();
	WRITE_ONCE(trb->w[3], trb->w[3] ^ cpu_to_le32(TRB_CYCLE));
}

/* Distance from @from forward to @to, skipping the link TRB. */
static unsigned int ring_distance(const struct usbblk_ring *r, unsigned int from,
				  unsigned int to)
{
	unsigned int n = r->size - 1;	/* usable TRBs */

	return (to + n - from) % n;
}

/**
 * usbblk_td_contains() - is this TRB one of the TD's?
 * @r:   the ring
 * @td:  the TD
 * @idx: a TRB index, e.g. from a transfer event
 *
 * Return: true if @idx lies between @td->first and @td->last (wrapping).
 */
bool usbblk_td_contains(const struct usbblk_ring *r, const struct usbblk_td *td,
			unsigned int idx)
{
	if (idx >= r->size - 1)
		return false;
	return ring_distance(r, td->first, idx) <= ring_distance(r, td->first, td->last);
}

/**
 * usbblk_td_bytes_before() - bytes the TD's TRBs before @idx carry
 * @r:   the ring
 * @td:  the TD
 * @idx: one of its TRBs
 *
 * Used to turn a short-packet event on TRB @idx into the bytes actually
 * transferred: this plus (@idx's length - the event's residue).
 *
 * Return: the sum of the transfer lengths of the TD's TRBs before @idx.
 */
u32 usbblk_td_bytes_before(const struct usbblk_ring *r, const struct usbblk_td *td,
			   unsigned int idx)
{
	unsigned int i = td->first;
	u32 sum = 0;

	while (i != idx) {
		sum += trb_len(&r->trbs[i]);
		if (++i == r->size - 1)
			i = 0;
	}
	return sum;
}

/**
 * usbblk_ring_retire() - the controller is done with a TD: free its TRBs
 * @r:  the ring
 * @td: the TD, the oldest on the ring
 */
void usbblk_ring_retire(struct usbblk_ring *r, const struct usbblk_td *td)
{
	r->deq = td->last + 1 == r->size - 1 ? 0 : td->last + 1;
	r->used -= td->ntrbs;
}

/**
 * usbblk_ring_set_deq() - forget every queued TD; the ring restarts at @idx
 * @r:   the ring
 * @idx: the TRB the controller's dequeue pointer now names (after a Set TR
 *	 Dequeue Pointer command, normally the enqueue pointer)
 */
void usbblk_ring_set_deq(struct usbblk_ring *r, unsigned int idx)
{
	r->deq = idx;
	r->used = ring_distance(r, idx, r->enq);
}

/**
 * usbblk_td_size() - the TD Size field of a transfer TRB (4.11.2.4)
 * @remaining:	bytes of the TD after this TRB (0 for the last TRB)
 * @maxp:	the endpoint's max packet size
 *
 * Return: packets still to transfer after this TRB, at most 31.
 */
u32 usbblk_td_size(u32 remaining, unsigned int maxp)
{
	u32 packets;

	if (!maxp)
		return 0;
	packets = remaining / maxp + !!(remaining % maxp);
	return packets > TRB_MAX_TD_SIZE ? TRB_MAX_TD_SIZE : packets;
}

/**
 * usbblk_trb_chunk() - bytes one TRB can carry from @addr
 * @addr: bus address
 * @len:  bytes left in the segment
 *
 * Return: @len, cut at the next 64 KiB boundary (a TRB buffer must not
 * cross one, 4.11.7.1).
 */
u32 usbblk_trb_chunk(u64 addr, u32 len)
{
	u32 to_boundary = USBBLK_TRB_MAX_LEN - (addr & (USBBLK_TRB_MAX_LEN - 1));

	return min(len, to_boundary);
}

/**
 * usbblk_td_count_trbs() - Normal TRBs a list of segments needs
 * @segs:  the segments
 * @nsegs: how many
 *
 * Return: the count.
 */
unsigned int usbblk_td_count_trbs(const struct usbblk_seg *segs, unsigned int nsegs)
{
	unsigned int i, n = 0;

	for (i = 0; i < nsegs; i++) {
		u64 addr = segs[i].addr;
		u32 left = segs[i].len;

		while (left) {
			u32 c = usbblk_trb_chunk(addr, left);

			addr += c;
			left -= c;
			n++;
		}
	}
	return n;
}

/**
 * usbblk_ring_queue_td() - queue a bulk TD of Normal TRBs (not committed)
 * @r:		a transfer ring
 * @segs:	the buffer's DMA segments, in order
 * @nsegs:	how many (0 for a zero-length TD)
 * @maxp:	the endpoint's max packet size, for TD Size
 * @td:		filled in: where the TD lies
 *
 * Each segment is cut at 64 KiB boundaries; every TRB chains to the next
 * and sets ISP (a short packet ends the TD with an event naming the TRB
 * it happened on); the last sets IOC.  A TD that would cross the link
 * TRB starts after it instead, the rest of the segment filled with No Op
 * TRBs, unless the ring has no room for that.  The caller commits the TD with
 * usbblk_ring_commit(r, td->first) and rings the doorbell.
 *
 * Return: 0, or -ENOSPC when the ring has no room (nothing is written).
 */
int usbblk_ring_queue_td(struct usbblk_ring *r, const struct usbblk_seg *segs,
			 unsigned int nsegs, unsigned int maxp, struct usbblk_td *td)
{
	unsigned int ntrbs = usbblk_td_count_trbs(segs, nsegs);
	unsigned int pad = 0, i, n = 0;
	u32 total = 0, done = 0;

	if (!ntrbs)
		ntrbs = 1;	/* a zero-length TD is one TRB */
	if (ntrbs > usbblk_ring_free(r))
		return -ENOSPC;
	/*
	 * 4.11.7.1: the part of a TD before a link TRB must be a whole number
	 * of max packets, which our TRB lengths (page pieces) need not be.
	 * Rather than split the TD at the link, start it after the link:
	 * fill the rest of the segment with No Op TRBs (silent, no IOC).
	 */
	if (r->enq + ntrbs > r->size - 1 &&
	    ntrbs + (r->size - 1 - r->enq) <= usbblk_ring_free(r))
		pad = r->size - 1 - r->enq;
	for (i = 0; i < pad; i++)
		usbblk_ring_enqueue(r, 0, 0, FIELD_PREP(TRB_TYPE, TRB_TYPE_NOOP), false);
	for (i = 0; i < nsegs; i++)
		total += segs[i].len;

	td->ntrbs = ntrbs + pad;	/* retired together with the TD */
	td->len = total;
	if (!nsegs) {
		td->first = usbblk_ring_enqueue(r, 0, 0, FIELD_PREP(TRB_TYPE, TRB_TYPE_NORMAL) |
						TRB_IOC, true);
		td->last = td->first;
		return 0;
	}
	for (i = 0; i < nsegs; i++) {
		u64 addr = segs[i].addr;
		u32 left = segs[i].len;

		while (left) {
			u32 c = usbblk_trb_chunk(addr, left);
			bool last = ++n == ntrbs;
			u32 status, control;
			unsigned int idx;

			done += c;
			status = FIELD_PREP(TRB_LEN, c) |
				 FIELD_PREP(TRB_TD_SIZE,
					    last ? 0 : usbblk_td_size(total - done, maxp));
			control = FIELD_PREP(TRB_TYPE, TRB_TYPE_NORMAL) | TRB_ISP |
				  (last ? TRB_IOC : TRB_CHAIN);
			idx = usbblk_ring_enqueue(r, addr, status, control, n == 1);
			if (n == 1)
				td->first = idx;
			td->last = idx;
			addr += c;
			left -= c;
		}
	}
	return 0;
}

/**
 * usbblk_ring_queue_ctrl_td() - queue a control transfer's TD (not committed)
 * @r:		EP0's transfer ring
 * @setup:	the setup packet (usbblk_setup_packet())
 * @data:	bus address of the data stage buffer (unused without one)
 * @td:		filled in: where the TD lies; @td->len is wLength
 * @data_idx:	the data stage TRB's index, -1 without a data stage
 *
 * Setup stage (IDT: the packet is in the TRB, TRT from the direction and
 * wLength), a data stage when wLength is not 0 (ISP, so a short one ends
 * with an event naming it), and the status stage, which goes the other
 * way (IN when there is no data stage) and sets IOC (xHCI 4.11.2.2).
 *
 * Return: 0, or -ENOSPC when the ring has no room (nothing is written).
 */
int usbblk_ring_queue_ctrl_td(struct usbblk_ring *r, u64 setup, u64 data,
			      struct usbblk_td *td, int *data_idx)
{
	u16 len = setup >> 48;
	bool in = setup & USBBLK_SETUP_DIR_IN;
	u32 trt = !len ? TRB_TRT_NO_DATA : in ? TRB_TRT_IN : TRB_TRT_OUT;

	if (usbblk_ring_free(r) < 3)
		return -ENOSPC;
	td->first = usbblk_ring_enqueue(r, setup, FIELD_PREP(TRB_LEN, 8),
					FIELD_PREP(TRB_TYPE, TRB_TYPE_SETUP) | TRB_IDT |
					FIELD_PREP(TRB_TRT, trt), true);
	*data_idx = -1;
	if (len)
		*data_idx = usbblk_ring_enqueue(r, data, FIELD_PREP(TRB_LEN, len),
						FIELD_PREP(TRB_TYPE, TRB_TYPE_DATA) | TRB_ISP |
						(in ? TRB_DIR_IN : 0), false);
	td->last = usbblk_ring_enqueue(r, 0, 0,
				       FIELD_PREP(TRB_TYPE, TRB_TYPE_STATUS) | TRB_IOC |
				       (in && len ? 0 : TRB_DIR_IN), false);
	td->ntrbs = len ? 3 : 2;
	td->len = len;
	return 0;
}

/**
 * usbblk_evring_ready() - does the event ring hold an unread event?
 * @r: the event ring
 *
 * Return: true if the TRB at the dequeue pointer has the consumer's cycle.
 */
bool usbblk_evring_ready(const struct usbblk_ring *r)
{
	return trb_cycle(&r->trbs[r->deq]) == r->cycle;
}

/**
 * usbblk_evring_advance() - consume the event at the dequeue pointer
 * @r: the event ring
 */
void usbblk_evring_advance(struct usbblk_ring *r)
{
	if (++r->deq == r->size) {
		r->deq = 0;
		r->cycle ^= 1;
	}
}

/**
 * usbblk_comp_errno() - an errno for a completion code
 * @code: COMP_*
 *
 * Return: 0 for Success and Short Packet, else a negative errno.
 */
int usbblk_comp_errno(u32 code)
{
	switch (code) {
	case COMP_SUCCESS:
	case COMP_SHORT_PACKET:
		return 0;
	case COMP_STALL:
		return -EPIPE;
	case COMP_BABBLE:
	case COMP_DATA_BUFFER_ERROR:
		return -EOVERFLOW;
	case COMP_TRANSACTION_ERROR:
		return -EPROTO;
	case COMP_NO_SLOTS:
		return -ENOSPC;
	case COMP_BANDWIDTH_ERROR:
	case COMP_RESOURCE_ERROR:
		return -EBUSY;
	case COMP_STOPPED:
	case COMP_STOPPED_LENGTH_INVALID:
	case COMP_STOPPED_SHORT_PACKET:
	case COMP_CMD_ABORTED:
		return -ECANCELED;
	case COMP_SLOT_NOT_ENABLED:
	case COMP_EP_NOT_ENABLED:
		return -ENODEV;
	default:
		return -EIO;
	}
}
