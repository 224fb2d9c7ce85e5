/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TRB rings: index and cycle-bit arithmetic, TD building.  Hardware-free:
 * the ring memory is passed in, so the same code runs in the module and
 * in the host unit tests.
 */
#ifndef _USBBLK_RING_H
#define _USBBLK_RING_H

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

#endif /* _USBBLK_RING_H */
