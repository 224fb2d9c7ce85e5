// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for drivers/usbblk/ring.c: cycle bits, link TRBs, capacity,
 * TD building (64 KiB splitting, TD Size), event ring consumption.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bitfield.h>
#include "ring.h"
#include "kselftest_harness.h"

#define RING_DMA	0x12340000ULL

static u32 w(const struct usbblk_ring *r, unsigned int i, unsigned int word)
{
	return usbblk_trb_read(&r->trbs[i], word);
}

FIXTURE(ring) {
	struct usbblk_trb trbs[16];
	struct usbblk_ring r;
};

FIXTURE_SETUP(ring)
{
	usbblk_ring_init(&self->r, self->trbs, RING_DMA, 16, true);
}

FIXTURE_TEARDOWN(ring)
{
}

TEST_F(ring, init_has_link_back)
{
	struct usbblk_ring *r = &self->r;

	EXPECT_EQ(TRB_TYPE_LINK, FIELD_GET(TRB_TYPE, w(r, 15, 3)));
	EXPECT_TRUE(w(r, 15, 3) & TRB_TC);
	EXPECT_EQ(0, w(r, 15, 3) & TRB_CYCLE);	/* not handed over yet */
	EXPECT_EQ((u32)RING_DMA, w(r, 15, 0));
	EXPECT_EQ(0, w(r, 15, 1));
	EXPECT_EQ(1, r->cycle);
	EXPECT_EQ(14, usbblk_ring_free(r));
}

TEST_F(ring, dma_and_index)
{
	struct usbblk_ring *r = &self->r;

	EXPECT_EQ(RING_DMA + 5 * 16, usbblk_ring_dma(r, 5));
	EXPECT_EQ(5, usbblk_ring_index(r, RING_DMA + 5 * 16));
	EXPECT_EQ(-ERANGE, usbblk_ring_index(r, RING_DMA + 5 * 16 + 4));
	EXPECT_EQ(-ERANGE, usbblk_ring_index(r, RING_DMA - 16));
	EXPECT_EQ(-ERANGE, usbblk_ring_index(r, RING_DMA + 16 * 16));
	EXPECT_EQ(15, usbblk_ring_index(r, RING_DMA + 15 * 16));
}

TEST_F(ring, first_trb_waits_for_commit)
{
	struct usbblk_ring *r = &self->r;
	unsigned int a, b;

	a = usbblk_ring_enqueue(r, 0x1000, 8, FIELD_PREP(TRB_TYPE, TRB_TYPE_NORMAL) |
				TRB_CHAIN, true);
	b = usbblk_ring_enqueue(r, 0x2000, 8, FIELD_PREP(TRB_TYPE, TRB_TYPE_NORMAL) |
				TRB_IOC, false);
	EXPECT_EQ(0, a);
	EXPECT_EQ(1, b);
	EXPECT_EQ(0, w(r, a, 3) & TRB_CYCLE);	/* controller must not run yet */
	EXPECT_EQ(1, w(r, b, 3) & TRB_CYCLE);
	usbblk_ring_commit(r, a);
	EXPECT_EQ(1, w(r, a, 3) & TRB_CYCLE);
	EXPECT_TRUE(w(r, a, 3) & TRB_CHAIN);
	EXPECT_EQ(0x1000, w(r, a, 0));
	EXPECT_EQ(12, usbblk_ring_free(r));
}

TEST_F(ring, wrap_through_link_toggles_cycle)
{
	struct usbblk_ring *r = &self->r;
	struct usbblk_td td = { 0 };
	unsigned int i, idx;

	/* fill and retire 14 single-TRB TDs: enqueue reaches the link */
	for (i = 0; i < 14; i++) {
		idx = usbblk_ring_enqueue(r, i, 0, FIELD_PREP(TRB_TYPE, TRB_TYPE_NOOP), true);
		usbblk_ring_commit(r, idx);
		td.first = td.last = idx;
		td.ntrbs = 1;
		usbblk_ring_retire(r, &td);
	}
	EXPECT_EQ(14, r->enq);
	idx = usbblk_ring_enqueue(r, 99, 0, FIELD_PREP(TRB_TYPE, TRB_TYPE_NOOP), false);
	EXPECT_EQ(14, idx);
	/* the link is handed over with the old cycle, the new cycle is 0 */
	EXPECT_EQ(1, w(r, 15, 3) & TRB_CYCLE);
	EXPECT_EQ(0, r->cycle);
	EXPECT_EQ(0, r->enq);
	idx = usbblk_ring_enqueue(r, 100, 0, FIELD_PREP(TRB_TYPE, TRB_TYPE_NOOP), false);
	EXPECT_EQ(0, idx);
	EXPECT_EQ(0, w(r, 0, 3) & TRB_CYCLE);
}

TEST_F(ring, td_that_would_cross_the_link_starts_after_it)
{
	struct usbblk_ring *r = &self->r;
	struct usbblk_seg seg = { .addr = 0x100000, .len = 3 * 512 };
	struct usbblk_seg segs[3] = {
		{ 0x200000, 512 }, { 0x300000, 512 }, { 0x400000, 512 },
	};
	struct usbblk_td td;
	unsigned int i;

	/* move to index 13: two TRBs before the link */
	for (i = 0; i < 13; i++) {
		struct usbblk_td one;

		ASSERT_EQ(0, usbblk_ring_queue_td(r, &seg, 0, 512, &one));
		usbblk_ring_commit(r, one.first);
		usbblk_ring_retire(r, &one);
	}
	ASSERT_EQ(13, r->enq);
	ASSERT_EQ(0, usbblk_ring_queue_td(r, segs, 3, 512, &td));
	/* 13 and 14 are No Ops, handed over at once; the TD is 0..2 */
	EXPECT_EQ(TRB_TYPE_NOOP, FIELD_GET(TRB_TYPE, w(r, 13, 3)));
	EXPECT_EQ(TRB_TYPE_NOOP, FIELD_GET(TRB_TYPE, w(r, 14, 3)));
	EXPECT_EQ(1, w(r, 13, 3) & TRB_CYCLE);
	EXPECT_FALSE(w(r, 13, 3) & (TRB_IOC | TRB_CHAIN));
	EXPECT_FALSE(w(r, 15, 3) & TRB_CHAIN);	/* the link ends no TD */
	EXPECT_EQ(1, w(r, 15, 3) & TRB_CYCLE);
	EXPECT_EQ(0, td.first);
	EXPECT_EQ(2, td.last);
	EXPECT_EQ(5, td.ntrbs);		/* 3 + 2 No Ops, retired together */
	EXPECT_EQ(1536, td.len);
	/* past the link the valid cycle is 0: the first TRB, held back, has 1 */
	EXPECT_EQ(0, r->cycle);
	EXPECT_EQ(1, w(r, 0, 3) & TRB_CYCLE);
	usbblk_ring_commit(r, td.first);
	EXPECT_EQ(0, w(r, 0, 3) & TRB_CYCLE);
	EXPECT_TRUE(usbblk_td_contains(r, &td, 0));
	EXPECT_TRUE(usbblk_td_contains(r, &td, 2));
	EXPECT_FALSE(usbblk_td_contains(r, &td, 13));
	EXPECT_FALSE(usbblk_td_contains(r, &td, 3));
	EXPECT_EQ(1024, usbblk_td_bytes_before(r, &td, 2));
	EXPECT_TRUE(w(r, 2, 3) & TRB_IOC);
	EXPECT_EQ(2, FIELD_GET(TRB_TD_SIZE, w(r, 0, 2)));
	usbblk_ring_retire(r, &td);
	EXPECT_EQ(3, r->deq);
	EXPECT_EQ(14, usbblk_ring_free(r));
}

TEST(td_wraps_through_the_link_when_no_room_to_pad)
{
	struct usbblk_trb trbs[8];
	struct usbblk_ring r;
	struct usbblk_seg segs[5] = {
		{ 0x10000, 512 }, { 0x20000, 512 }, { 0x30000, 512 }, { 0x40000, 512 },
		{ 0x50000, 512 },
	};
	struct usbblk_td td, one;
	struct usbblk_seg s = { 0x1000, 512 };

	/* 8 TRBs: 6 usable; at index 3 a 5-TRB TD cannot be padded (3 + 5 > 6) */
	usbblk_ring_init(&r, trbs, 0x9000, 8, true);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, usbblk_ring_queue_td(&r, &s, 1, 512, &one));
		usbblk_ring_retire(&r, &one);
	}
	ASSERT_EQ(0, usbblk_ring_queue_td(&r, segs, 5, 512, &td));
	EXPECT_EQ(3, td.first);
	EXPECT_EQ(0, td.last);
	EXPECT_EQ(5, td.ntrbs);
	EXPECT_TRUE(w(&r, 7, 3) & TRB_CHAIN);	/* the TD goes on after the link */
	EXPECT_TRUE(usbblk_td_contains(&r, &td, 6));
	EXPECT_TRUE(usbblk_td_contains(&r, &td, 0));
	EXPECT_FALSE(usbblk_td_contains(&r, &td, 7));
	EXPECT_EQ(2048, usbblk_td_bytes_before(&r, &td, 0));
}

TEST_F(ring, full_ring_refuses)
{
	struct usbblk_ring *r = &self->r;
	struct usbblk_seg seg = { 0x10000, 14 * 4096 };
	struct usbblk_seg big = { 0x10000, 15 * 4096 };
	struct usbblk_td td;

	/* 15 pages in one 64 KiB-aligned run: 1 TRB... use unaligned start */
	big.addr = 0xff00;
	EXPECT_EQ(2, usbblk_td_count_trbs(&big, 1));
	seg.addr = 0;
	seg.len = 0x10000 * 15;	/* 15 TRBs > 14 free */
	EXPECT_EQ(-ENOSPC, usbblk_ring_queue_td(r, &seg, 1, 512, &td));
	EXPECT_EQ(0, r->enq);
	EXPECT_EQ(0, r->used);
	seg.len = 0x10000 * 14;
	EXPECT_EQ(0, usbblk_ring_queue_td(r, &seg, 1, 512, &td));
	EXPECT_EQ(0, usbblk_ring_free(r));
	EXPECT_EQ(-ENOSPC, usbblk_ring_queue_td(r, &seg, 0, 512, &td));
}

TEST(chunk_64k_boundary)
{
	EXPECT_EQ(0x10000, usbblk_trb_chunk(0x0, 0x20000));
	EXPECT_EQ(0x100, usbblk_trb_chunk(0xff00, 0x20000));
	EXPECT_EQ(0x80, usbblk_trb_chunk(0xff00, 0x80));
	EXPECT_EQ(0x10000, usbblk_trb_chunk(0x1230000, 0x10000));
	EXPECT_EQ(1, usbblk_trb_chunk(0xffffffff, 5));
	EXPECT_EQ(0x8000, usbblk_trb_chunk(0x100008000ULL, 0x10000));
}

TEST(td_build_splits_and_sizes)
{
	struct usbblk_trb trbs[64];
	struct usbblk_ring r;
	/* 4 KiB pages, the second crossing a 64 KiB boundary */
	struct usbblk_seg segs[3] = {
		{ 0x0000a000, 4096 }, { 0x0001f800, 4096 }, { 0x00050000, 0x20000 },
	};
	struct usbblk_td td;
	u32 total = 0, sum = 0;
	unsigned int i, idx;

	usbblk_ring_init(&r, trbs, 0x9000, 64, true);
	ASSERT_EQ(0, usbblk_ring_queue_td(&r, segs, 3, 1024, &td));
	EXPECT_EQ(5, td.ntrbs);		/* 1 + 2 (split) + 2 (two 64 KiB) */
	EXPECT_EQ(4096 + 4096 + 0x20000, td.len);
	for (i = 0; i < td.ntrbs; i++) {
		u64 a = w(&r, i, 0) | (u64)w(&r, i, 1) << 32;
		u32 l = FIELD_GET(TRB_LEN, w(&r, i, 2));

		/* never crosses 64 KiB */
		EXPECT_EQ(a >> 16, (a + l - 1) >> 16);
		total += l;
		EXPECT_EQ(TRB_TYPE_NORMAL, FIELD_GET(TRB_TYPE, w(&r, i, 3)));
	}
	EXPECT_EQ(td.len, total);
	EXPECT_EQ(0x1f800, w(&r, 1, 0));
	EXPECT_EQ(0x800, FIELD_GET(TRB_LEN, w(&r, 1, 2)));
	EXPECT_EQ(0x20000, w(&r, 2, 0));
	EXPECT_EQ(0x800, FIELD_GET(TRB_LEN, w(&r, 2, 2)));
	/* TD Size: packets left after each TRB, clamped to 31, last 0 */
	for (idx = 0; idx < td.ntrbs; idx++) {
		u32 l = FIELD_GET(TRB_LEN, w(&r, idx, 2));
		u32 left;

		sum += l;
		left = td.len - sum;
		EXPECT_EQ(idx == td.ntrbs - 1 ? 0 : (left + 1023) / 1024 > 31 ? 31 :
			  (left + 1023) / 1024, FIELD_GET(TRB_TD_SIZE, w(&r, idx, 2)));
	}
}

TEST(td_size)
{
	EXPECT_EQ(0, usbblk_td_size(0, 512));
	EXPECT_EQ(1, usbblk_td_size(1, 512));
	EXPECT_EQ(1, usbblk_td_size(512, 512));
	EXPECT_EQ(2, usbblk_td_size(513, 512));
	EXPECT_EQ(31, usbblk_td_size(1 << 20, 512));
	EXPECT_EQ(0, usbblk_td_size(100, 0));
}

TEST(set_deq_forgets_tds)
{
	struct usbblk_trb trbs[8];
	struct usbblk_ring r;
	struct usbblk_seg s = { 0x1000, 512 };
	struct usbblk_td td;

	usbblk_ring_init(&r, trbs, 0x9000, 8, true);
	ASSERT_EQ(0, usbblk_ring_queue_td(&r, &s, 1, 512, &td));
	ASSERT_EQ(0, usbblk_ring_queue_td(&r, &s, 1, 512, &td));
	EXPECT_EQ(4, usbblk_ring_free(&r));
	usbblk_ring_set_deq(&r, r.enq);
	EXPECT_EQ(6, usbblk_ring_free(&r));
	EXPECT_EQ(2, r.deq);
}

TEST(event_ring_consumes_by_cycle)
{
	struct usbblk_trb ev[4];
	struct usbblk_ring r;
	unsigned int i;

	usbblk_ring_init(&r, ev, 0x8000, 4, false);
	EXPECT_FALSE(usbblk_evring_ready(&r));
	/* the controller writes 4 events with cycle 1, then wraps to 0 */
	for (i = 0; i < 4; i++)
		ev[i].w[3] = cpu_to_le32(TRB_CYCLE | FIELD_PREP(TRB_TYPE, TRB_TYPE_PORT_EV));
	for (i = 0; i < 4; i++) {
		EXPECT_TRUE(usbblk_evring_ready(&r));
		usbblk_evring_advance(&r);
	}
	EXPECT_EQ(0, r.deq);
	EXPECT_EQ(0, r.cycle);
	EXPECT_FALSE(usbblk_evring_ready(&r));	/* old cycle-1 TRB is stale */
	ev[0].w[3] = cpu_to_le32(FIELD_PREP(TRB_TYPE, TRB_TYPE_PORT_EV));
	EXPECT_TRUE(usbblk_evring_ready(&r));
}

/* GET_DESCRIPTOR(device, 18): setup IN, data IN, status OUT, byte-exact. */
TEST_F(ring, ctrl_td_in_with_data)
{
	struct usbblk_ring *r = &self->r;
	u64 setup = usbblk_setup_packet(0x80, 6, 0x0100, 0, 18);
	struct usbblk_td td;
	int data_idx;

	ASSERT_EQ(0, usbblk_ring_queue_ctrl_td(r, setup, 0xabc000, &td, &data_idx));
	EXPECT_EQ(0x0012000001000680ULL, setup);
	EXPECT_EQ(0, td.first);
	EXPECT_EQ(1, data_idx);
	EXPECT_EQ(2, td.last);
	EXPECT_EQ(3, td.ntrbs);
	EXPECT_EQ(18, td.len);
	/* setup stage: the packet itself, 8 bytes, IDT, TRT = IN, cycle held back */
	EXPECT_EQ(0x01000680, w(r, 0, 0));
	EXPECT_EQ(0x00120000, w(r, 0, 1));
	EXPECT_EQ(8, w(r, 0, 2));
	EXPECT_EQ(TRB_TYPE_SETUP << 10 | TRB_IDT | 3u << 16, w(r, 0, 3));
	/* data stage: the buffer, wLength, ISP, DIR IN */
	EXPECT_EQ(0xabc000, w(r, 1, 0));
	EXPECT_EQ(0, w(r, 1, 1));
	EXPECT_EQ(18, w(r, 1, 2));
	EXPECT_EQ(TRB_TYPE_DATA << 10 | TRB_ISP | TRB_DIR_IN | TRB_CYCLE, w(r, 1, 3));
	/* status stage: the other way (OUT), IOC */
	EXPECT_EQ(0, w(r, 2, 0));
	EXPECT_EQ(0, w(r, 2, 2));
	EXPECT_EQ(TRB_TYPE_STATUS << 10 | TRB_IOC | TRB_CYCLE, w(r, 2, 3));
	usbblk_ring_commit(r, td.first);
	EXPECT_EQ(TRB_CYCLE, w(r, 0, 3) & TRB_CYCLE);
}

/* SET_CONFIGURATION(1): no data stage, status IN, TRT = no data. */
TEST_F(ring, ctrl_td_no_data)
{
	struct usbblk_ring *r = &self->r;
	struct usbblk_td td;
	int data_idx;

	ASSERT_EQ(0, usbblk_ring_queue_ctrl_td(r, usbblk_setup_packet(0, 9, 1, 0, 0), 0xabc000,
					       &td, &data_idx));
	EXPECT_EQ(-1, data_idx);
	EXPECT_EQ(1, td.last);
	EXPECT_EQ(2, td.ntrbs);
	EXPECT_EQ(0, td.len);
	EXPECT_EQ(0x00010900, w(r, 0, 0));
	EXPECT_EQ(0, w(r, 0, 1));
	EXPECT_EQ(TRB_TYPE_SETUP << 10 | TRB_IDT, w(r, 0, 3));
	EXPECT_EQ(TRB_TYPE_STATUS << 10 | TRB_IOC | TRB_DIR_IN | TRB_CYCLE, w(r, 1, 3));
	EXPECT_EQ(2, r->enq);
}

/* An OUT data stage: TRT = OUT, data without DIR, status IN. */
TEST_F(ring, ctrl_td_out_with_data)
{
	struct usbblk_ring *r = &self->r;
	struct usbblk_td td;
	int data_idx;

	ASSERT_EQ(0, usbblk_ring_queue_ctrl_td(r, usbblk_setup_packet(0x21, 0xff, 0, 0, 4),
					       0x1000, &td, &data_idx));
	EXPECT_EQ(TRB_TYPE_SETUP << 10 | TRB_IDT | 2u << 16, w(r, 0, 3));
	EXPECT_EQ(4, w(r, 1, 2));
	EXPECT_EQ(TRB_TYPE_DATA << 10 | TRB_ISP | TRB_CYCLE, w(r, 1, 3));
	EXPECT_EQ(TRB_TYPE_STATUS << 10 | TRB_IOC | TRB_DIR_IN | TRB_CYCLE, w(r, 2, 3));
}

/* No room for three TRBs: nothing written. */
TEST_F(ring, ctrl_td_no_room)
{
	struct usbblk_ring *r = &self->r;
	struct usbblk_td td;
	int data_idx;

	r->used = usbblk_ring_free(r) - 2 + r->used;
	ASSERT_EQ(-ENOSPC, usbblk_ring_queue_ctrl_td(r, usbblk_setup_packet(0x80, 6, 0x100, 0, 8),
						     0, &td, &data_idx));
	EXPECT_EQ(0, r->enq);
	EXPECT_EQ(0, w(r, 0, 3));
}

/* Named fields of an event, from words laid out as xHCI 6.4.2.1 has them. */
TEST(event_fields_by_name)
{
	struct usbblk_trb ev = { .w = {
		cpu_to_le32(0x89abcde0), cpu_to_le32(0x01234567),
		cpu_to_le32(13u << 24 | 0x00abcdef),
		cpu_to_le32(7u << 24 | 5u << 16 | TRB_TYPE_TRANSFER_EV << 10 | EVT_ED | TRB_CYCLE),
	} };

	EXPECT_EQ(0x0123456789abcde0ULL, evt_trb_ptr(&ev));
	EXPECT_EQ(COMP_SHORT_PACKET, evt_comp_code(&ev));
	EXPECT_EQ(0xabcdef, evt_len(&ev));
	EXPECT_EQ(7, evt_slot(&ev));
	EXPECT_EQ(5, evt_ep(&ev));
	EXPECT_TRUE(evt_is_event_data(&ev));
	EXPECT_EQ(TRB_TYPE_TRANSFER_EV, trb_type(&ev));
	EXPECT_EQ(1, trb_cycle(&ev));

	ev.w[3] = cpu_to_le32(TRB_TYPE_CMD_COMP_EV << 10 | 200u << 24);
	EXPECT_FALSE(evt_is_event_data(&ev));
	EXPECT_EQ(200, evt_slot(&ev));
	EXPECT_EQ(0, trb_cycle(&ev));
}

TEST(port_event_and_trb_len)
{
	struct usbblk_trb ev = { .w = { cpu_to_le32(12u << 24), 0, 0,
					cpu_to_le32(TRB_TYPE_PORT_EV << 10) } };
	struct usbblk_trb normal = { .w = { 0, 0, cpu_to_le32(3u << 22 | 4u << 17 | 0x10000),
					    cpu_to_le32(TRB_TYPE_NORMAL << 10) } };

	EXPECT_EQ(12, evt_port(&ev));
	EXPECT_EQ(TRB_TYPE_PORT_EV, trb_type(&ev));
	EXPECT_EQ(0x10000, trb_len(&normal));	/* TD Size and interrupter not included */
	EXPECT_EQ(TRB_TYPE_NORMAL, trb_type(&normal));
}

/* A 1 MiB TD of 257 scattered page segments (the buffer starts 512 bytes into a page). */
static unsigned int mib_segs(struct usbblk_seg *segs)
{
	unsigned int i, n = 0;
	u32 left = 1 << 20;

	for (i = 0; left; i++) {
		u32 off = i ? 0 : 512, len = 4096 - off < left ? 4096 - off : left;

		segs[n].addr = 0x100000000ULL + i * 0x3000 + off;	/* never contiguous */
		segs[n++].len = len;
		left -= len;
	}
	return n;
}

TEST(bulk_ring_holds_1mib_tds_back_to_back)
{
	static struct usbblk_trb trbs[USBBLK_BULK_RING_TRBS];
	struct usbblk_seg segs[300], csw = { .addr = 0x5000, .len = 13 };
	struct usbblk_ring r;
	struct usbblk_td td;
	unsigned int n = mib_segs(segs), i, padded = 0;

	ASSERT_EQ(257, n);
	EXPECT_EQ(257, usbblk_td_count_trbs(segs, n));
	usbblk_ring_init(&r, trbs, RING_DMA, USBBLK_BULK_RING_TRBS, true);
	/* a read's data TD, then its CSW, 20 commands: the ring wraps several times */
	for (i = 0; i < 20; i++) {
		unsigned int enq = r.enq;

		ASSERT_EQ(0, usbblk_ring_queue_td(&r, segs, n, 1024, &td));
		EXPECT_EQ(1 << 20, td.len);
		EXPECT_TRUE(usbblk_td_contains(&r, &td, td.first));
		EXPECT_TRUE(usbblk_td_contains(&r, &td, td.last));
		/* never split by the link: it starts after it instead */
		EXPECT_LE(td.first, td.last);
		EXPECT_EQ(td.last - td.first + 1, 257);
		if (td.first != enq)
			padded++;
		EXPECT_EQ(0, FIELD_GET(TRB_TD_SIZE, w(&r, td.last, 2)));
		EXPECT_TRUE(w(&r, td.last, 3) & TRB_IOC);
		EXPECT_EQ(1 << 20, usbblk_td_bytes_before(&r, &td, td.last) + 512);
		usbblk_ring_retire(&r, &td);
		ASSERT_EQ(0, usbblk_ring_queue_td(&r, &csw, 1, 1024, &td));
		usbblk_ring_retire(&r, &td);
		EXPECT_EQ(0, r.used);
	}
	EXPECT_LT(0, padded);
}

TEST(page_ring_cannot_hold_a_1mib_td)
{
	static struct usbblk_trb trbs[256];
	struct usbblk_seg segs[300];
	struct usbblk_ring r;
	struct usbblk_td td;
	unsigned int n = mib_segs(segs);

	usbblk_ring_init(&r, trbs, RING_DMA, 256, true);
	EXPECT_EQ(-ENOSPC, usbblk_ring_queue_td(&r, segs, n, 1024, &td));
	EXPECT_EQ(0, r.used);
}

TEST(merged_1mib_segment_splits_at_64k)
{
	static struct usbblk_trb trbs[USBBLK_BULK_RING_TRBS];
	struct usbblk_seg aligned = { .addr = 0x200000000ULL, .len = 1 << 20 };
	struct usbblk_seg unaligned = { .addr = 0x200000200ULL, .len = 1 << 20 };
	struct usbblk_ring r;
	struct usbblk_td td;
	unsigned int i;

	EXPECT_EQ(16, usbblk_td_count_trbs(&aligned, 1));
	EXPECT_EQ(17, usbblk_td_count_trbs(&unaligned, 1));
	usbblk_ring_init(&r, trbs, RING_DMA, USBBLK_BULK_RING_TRBS, true);
	ASSERT_EQ(0, usbblk_ring_queue_td(&r, &unaligned, 1, 1024, &td));
	EXPECT_EQ(17, td.ntrbs);
	EXPECT_EQ(0x10000 - 0x200, FIELD_GET(TRB_LEN, w(&r, td.first, 2)));
	for (i = td.first; i <= td.last; i++) {
		u64 a = (u64)w(&r, i, 1) << 32 | w(&r, i, 0);
		u32 l = FIELD_GET(TRB_LEN, w(&r, i, 2));

		EXPECT_EQ(a >> 16, (a + l - 1) >> 16);	/* no 64 KiB crossing */
	}
}

TEST(comp_errno_table)
{
	EXPECT_EQ(0, usbblk_comp_errno(COMP_SUCCESS));
	EXPECT_EQ(0, usbblk_comp_errno(COMP_SHORT_PACKET));
	EXPECT_EQ(-EPIPE, usbblk_comp_errno(COMP_STALL));
	EXPECT_EQ(-EOVERFLOW, usbblk_comp_errno(COMP_BABBLE));
	EXPECT_EQ(-EPROTO, usbblk_comp_errno(COMP_TRANSACTION_ERROR));
	EXPECT_EQ(-ECANCELED, usbblk_comp_errno(COMP_STOPPED));
	EXPECT_EQ(-ENODEV, usbblk_comp_errno(COMP_SLOT_NOT_ENABLED));
	EXPECT_EQ(-EIO, usbblk_comp_errno(COMP_INVALID));
}

TEST_HARNESS_MAIN
