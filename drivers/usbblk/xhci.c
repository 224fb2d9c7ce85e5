// SPDX-License-Identifier: GPL-2.0
/*
 * xHCI controller bring-up: capabilities, BIOS hand-off, halt and reset,
 * root-port protocols and power, and the interrupt handlers.
 *
 * Order (xHCI 4.2): read the capability registers; take the controller
 * from the firmware (7.1); clear USBCMD.RS and wait for USBSTS.HCH; set
 * USBCMD.HCRST and wait for it and USBSTS.CNR to clear.  Only then are
 * the operational registers in their reset state and safe to program.
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "hc.h"
#include "xhci-regs.h"

/* xHCI 5.4.2: HCH must follow RS = 0 within 16 ms; give it more. */
#define USBBLK_HALT_TIMEOUT_US		(32 * USEC_PER_MSEC)
/* No bound in the spec; real controllers take up to a few hundred ms. */
#define USBBLK_RESET_TIMEOUT_US		(1000 * USEC_PER_MSEC)
#define USBBLK_BIOS_TIMEOUT_US		(1000 * USEC_PER_MSEC)
/* 5.4.8: after PP is set, wait 20 ms for the port to be powered. */
#define USBBLK_PORT_POWER_MS		20
/* a bound on the extended capability walk, against a looping list */
#define USBBLK_XCAP_MAX			256
#define USBBLK_ERST_ENTRIES		1	/* one event ring segment */

static u32 op_readl(struct usbblk_hc *hc, u32 off)
{
	return readl(hc->op + off);
}

static void op_writel(struct usbblk_hc *hc, u32 off, u32 val)
{
	writel(val, hc->op + off);
}

/* Walk the extended capability list, bounded by the register window. */
static u32 xcap_find(struct usbblk_hc *hc, u32 from, unsigned int id)
{
	u32 off = from ? usbblk_xcap_next(from, readl(hc->regs + from)) : hc->caps.xecp;
	unsigned int guard = USBBLK_XCAP_MAX;

	while (off && off + XHCI_XCAP_PROTO_BYTES <= hc->mmio_len && guard--) {
		u32 hdr = readl(hc->regs + off);

		if (FIELD_GET(XHCI_XCAP_ID, hdr) == id)
			return off;
		off = usbblk_xcap_next(off, hdr);
	}
	return 0;
}

/* 4.22.1: ask the firmware to hand the controller over, then mask its SMIs. */
static int xhci_bios_handoff(struct usbblk_hc *hc)
{
	u32 off = xcap_find(hc, 0, XHCI_XCAP_ID_LEGACY);
	void __iomem *reg;
	u32 val;
	int ret;

	if (!off)
		return 0;
	reg = hc->regs + off;
	val = readl(reg);
	if (val & XHCI_LEGACY_BIOS_OWNED) {
		writel(val | XHCI_LEGACY_OS_OWNED, reg);
		ret = readl_poll_timeout(reg, val, !(val & XHCI_LEGACY_BIOS_OWNED),
					 1000, USBBLK_BIOS_TIMEOUT_US);
		if (ret) {
			dev_warn(hc->dev, "firmware did not release the controller, taking it\n");
			writel(val & ~XHCI_LEGACY_BIOS_OWNED, reg);
		}
	}
	val = readl(reg + XHCI_LEGACY_CTLSTS);
	writel(val & ~XHCI_LEGACY_SMI_ENABLES, reg + XHCI_LEGACY_CTLSTS);
	return 0;
}

/**
 * usbblk_xhci_halt() - stop the controller and wait until it has halted
 * @hc: the controller
 *
 * Clears USBCMD.RS and USBCMD.INTE; polls USBSTS.HCH.
 */
void usbblk_xhci_halt(struct usbblk_hc *hc)
{
	u32 sts;

	op_writel(hc, XHCI_OP_USBCMD, op_readl(hc, XHCI_OP_USBCMD) &
		  ~(XHCI_CMD_RUN | XHCI_CMD_INTE | XHCI_CMD_HSEE));
	if (readl_poll_timeout(hc->op + XHCI_OP_USBSTS, sts, sts & XHCI_STS_HCH,
			       100, USBBLK_HALT_TIMEOUT_US))
		dev_warn(hc->dev, "controller did not halt (USBSTS %#x)\n", sts);
}

static int xhci_reset(struct usbblk_hc *hc)
{
	u32 val;
	int ret;

	usbblk_xhci_halt(hc);
	if (!(op_readl(hc, XHCI_OP_USBSTS) & XHCI_STS_HCH))
		return -EIO;

	op_writel(hc, XHCI_OP_USBCMD, XHCI_CMD_HCRST);
	/* Some controllers hang if the register is read right after HCRST. */
	udelay(1);
	ret = readl_poll_timeout(hc->op + XHCI_OP_USBCMD, val, !(val & XHCI_CMD_HCRST),
				 1000, USBBLK_RESET_TIMEOUT_US);
	if (ret) {
		dev_err(hc->dev, "HCRST did not complete (USBCMD %#x)\n", val);
		return ret;
	}
	ret = readl_poll_timeout(hc->op + XHCI_OP_USBSTS, val, !(val & XHCI_STS_CNR),
				 1000, USBBLK_RESET_TIMEOUT_US);
	if (ret)
		dev_err(hc->dev, "controller not ready after reset (USBSTS %#x)\n", val);
	return ret;
}

/* Which ports speak USB 2 and which USB 3 (7.2 Supported Protocol). */
static void xhci_read_protocols(struct usbblk_hc *hc)
{
	u32 off = 0;

	while ((off = xcap_find(hc, off, XHCI_XCAP_ID_PROTOCOL))) {
		u32 w0 = readl(hc->regs + off);
		u32 w2 = readl(hc->regs + off + XHCI_XCAP_PROTO_PORTS);

		if (usbblk_proto_apply(hc->port_major, hc->caps.max_ports, w0, w2))
			dev_warn(hc->dev, "ignoring bad protocol capability %#x %#x\n", w0, w2);
	}
}

/*
 * With PPC, ports come out of reset unpowered: power them all.  PP reads
 * back as set at once, so there is no bit to poll: the 20 ms of 5.4.8 are
 * a fixed wait, taken only when a port was actually switched on.
 */
static void xhci_power_ports(struct usbblk_hc *hc)
{
	unsigned int i, powered = 0;

	if (!hc->caps.ppc)
		return;
	for (i = 1; i <= hc->caps.max_ports; i++) {
		u32 portsc = usbblk_xhci_portsc(hc, i);

		if (!(portsc & XHCI_PORTSC_PP)) {
			op_writel(hc, XHCI_OP_PORTSC(i),
				  (portsc & XHCI_PORTSC_KEEP) | XHCI_PORTSC_PP);
			powered++;
		}
	}
	if (powered)
		msleep(USBBLK_PORT_POWER_MS);
}

/**
 * usbblk_xhci_portsc() - read a root port's PORTSC
 * @hc:   the controller
 * @port: 1-based port number, at most caps.max_ports
 *
 * Return: the register value.
 */
u32 usbblk_xhci_portsc(struct usbblk_hc *hc, unsigned int port)
{
	return op_readl(hc, XHCI_OP_PORTSC(port));
}

/**
 * usbblk_xhci_init() - read the controller's facts, take it over and reset it
 * @hc: the controller, with @regs and @mmio_len set
 *
 * Leaves the controller halted and reset, its root ports powered, and
 * interrupts off.
 *
 * Return: 0 or a negative errno (-ENODEV when the registers do not look
 * like an xHCI controller usbblk can drive).
 */
int usbblk_xhci_init(struct usbblk_hc *hc)
{
	struct usbblk_caps *c = &hc->caps;
	u32 rtsoff, dboff;
	int ret;

	usbblk_caps_decode(c, readl(hc->regs + XHCI_CAP_CAPLENGTH),
			   readl(hc->regs + XHCI_CAP_HCSPARAMS1),
			   readl(hc->regs + XHCI_CAP_HCSPARAMS2),
			   readl(hc->regs + XHCI_CAP_HCCPARAMS1));
	ret = usbblk_caps_check(c, hc->mmio_len);
	if (ret) {
		dev_err(hc->dev, "not a usable xHCI controller (version %#x, caplength %#x)\n",
			c->hci_version, c->caplength);
		return ret;
	}
	hc->hcsparams1 = readl(hc->regs + XHCI_CAP_HCSPARAMS1);
	hc->hcsparams2 = readl(hc->regs + XHCI_CAP_HCSPARAMS2);
	hc->hcsparams3 = readl(hc->regs + XHCI_CAP_HCSPARAMS3);
	hc->hccparams1 = readl(hc->regs + XHCI_CAP_HCCPARAMS1);
	rtsoff = readl(hc->regs + XHCI_CAP_RTSOFF) & XHCI_RTSOFF_MASK;
	dboff = readl(hc->regs + XHCI_CAP_DBOFF) & XHCI_DBOFF_MASK;
	if (rtsoff + XHCI_RT_IR(1) > hc->mmio_len ||
	    dboff + XHCI_DB(c->max_slots + 1) > hc->mmio_len) {
		dev_err(hc->dev, "runtime or doorbell registers outside the window\n");
		return -ENODEV;
	}
	hc->op = hc->regs + c->caplength;
	hc->rt = hc->regs + rtsoff;
	hc->db = hc->regs + dboff;

	ret = xhci_bios_handoff(hc);
	if (ret)
		return ret;
	ret = xhci_reset(hc);
	if (ret)
		return ret;

	hc->page_size = usbblk_pagesize_bytes(op_readl(hc, XHCI_OP_PAGESIZE));
	if (!hc->page_size) {
		dev_err(hc->dev, "PAGESIZE reports no page size\n");
		return -ENODEV;
	}
	xhci_read_protocols(hc);
	xhci_power_ports(hc);

	dev_info(hc->dev,
		 "xHCI %x.%02x: %u slots, %u ports, %u interrupters, %u scratchpads, %s-bit DMA, %u-byte contexts\n",
		 c->hci_version >> 8, c->hci_version & 0xff, c->max_slots,
		 c->max_ports, c->max_intrs, c->max_scratchpads,
		 c->ac64 ? "64" : "32", c->csz ? 64 : 32);
	return 0;
}

/**
 * usbblk_xhci_fill_info() - what ENUMERATE reports about the controller
 * @hc:   the controller, its registers mapped
 * @info: filled in
 */
void usbblk_xhci_fill_info(struct usbblk_hc *hc, struct usbblk_hc_info *info)
{
	const struct usbblk_caps *c = &hc->caps;
	u32 sts = readl(hc->op + XHCI_OP_USBSTS);
	u32 cmd = readl(hc->op + XHCI_OP_USBCMD);

	info->hci_version = c->hci_version;
	info->max_slots = c->max_slots;
	info->max_ports = c->max_ports;
	info->max_intrs = c->max_intrs;
	info->max_scratchpads = c->max_scratchpads;
	info->flags = hc->bus_flags;
	if (c->ac64)
		info->flags |= USBBLK_HC_AC64;
	if (c->csz)
		info->flags |= USBBLK_HC_CSZ64;
	if ((cmd & XHCI_CMD_RUN) && !(sts & XHCI_STS_HCH))
		info->flags |= USBBLK_HC_RUNNING;
	info->hcsparams1 = hc->hcsparams1;
	info->hcsparams2 = hc->hcsparams2;
	info->hcsparams3 = hc->hcsparams3;
	info->hccparams1 = hc->hccparams1;
	info->page_size = hc->page_size;
	info->irq = hc->irq;
	info->snpsid = hc->snpsid;
	strscpy(info->name, dev_name(hc->dev), sizeof(info->name));
}

/**
 * usbblk_xhci_irq() - hard interrupt handler
 * @irq:  the IRQ
 * @data: the controller
 *
 * Runs in hard interrupt context, also on PREEMPT_RT (the IRQ is
 * requested with IRQF_ONESHOT, which is never force-threaded): it only
 * acknowledges the interrupt and wakes the thread.
 *
 * Return: IRQ_NONE when the controller did not interrupt (shared INTx),
 * else IRQ_WAKE_THREAD.
 */
irqreturn_t usbblk_xhci_irq(int irq, void *data)
{
	struct usbblk_hc *hc = data;
	void __iomem *iman = hc->rt + XHCI_RT_IR(0) + XHCI_IR_IMAN;
	u32 sts = readl(hc->op + XHCI_OP_USBSTS);

	if (sts == ~0U || !(sts & (XHCI_STS_EINT | XHCI_STS_HSE)))
		return IRQ_NONE;
	/* RW1C: write back only the bits to clear. */
	writel(sts & (XHCI_STS_EINT | XHCI_STS_HSE), hc->op + XHCI_OP_USBSTS);
	writel(readl(iman) | XHCI_IMAN_IP, iman);
	return IRQ_WAKE_THREAD;
}

/**
 * usbblk_xhci_port_write() - write PORTSC without clobbering it
 * @hc:     the controller
 * @port:   1-based root port
 * @portsc: the value last read
 * @set:    the bits to write as 1: RW1C change bits to clear, PR, PP, ...
 *
 * Writes back only the bits that keep their value (so PED, which a 1
 * would disable, and change bits not in @set are written as 0).
 */
void usbblk_xhci_port_write(struct usbblk_hc *hc, unsigned int port, u32 portsc, u32 set)
{
	op_writel(hc, XHCI_OP_PORTSC(port), (portsc & XHCI_PORTSC_KEEP) | set);
}

/**
 * usbblk_xhci_sync() - wait until the controller has finished what it was doing
 * @hc: the controller
 *
 * A register read, which returns only after the controller has finished
 * the work that produced the events already read.  On hardware that is
 * a posted read (under a microsecond); an emulated controller answers it
 * only once the device model has finished the step whose event the
 * driver saw (QEMU: the read waits for the lock that step holds).  See
 * the CSW stage in bot.c for why that matters.
 */
void usbblk_xhci_sync(struct usbblk_hc *hc)
{
	op_readl(hc, XHCI_OP_USBSTS);
}

/**
 * usbblk_xhci_ring_db() - ring a doorbell
 * @hc:     the controller
 * @slot:   0 for the command ring, else a device slot
 * @target: 0 for the command ring, else the endpoint's device context index
 */
void usbblk_xhci_ring_db(struct usbblk_hc *hc, unsigned int slot, unsigned int target)
{
	/*
	 * writel() is ordered after our earlier writes to normal memory (the
	 * TRBs): the controller sees them when it looks.
	 */
	writel(target, hc->db + XHCI_DB(slot));
}

static unsigned int imod_ns;
module_param(imod_ns, uint, 0444);
MODULE_PARM_DESC(imod_ns,
		 "interrupt moderation interval in ns (0 = an interrupt per event, lowest latency). Default: 0");

static void xhci_free_scratchpads(struct usbblk_hc *hc)
{
	unsigned int i;

	if (!hc->sp_bufs)
		return;
	for (i = 0; i < hc->caps.max_scratchpads; i++)
		if (hc->sp_bufs[i])
			dma_free_coherent(hc->dev, hc->page_size, hc->sp_bufs[i], hc->sp_dma[i]);
	dma_free_coherent(hc->dev, hc->caps.max_scratchpads * sizeof(u64), hc->sp_array,
			  hc->sp_array_dma);
	kfree(hc->sp_bufs);
	kfree(hc->sp_dma);
	hc->sp_bufs = NULL;
}

/* 4.20: the controller's private memory, pointed to by DCBAA[0]. */
static int xhci_alloc_scratchpads(struct usbblk_hc *hc)
{
	unsigned int i, n = hc->caps.max_scratchpads;

	if (!n)
		return 0;
	hc->sp_array = dma_alloc_coherent(hc->dev, n * sizeof(u64), &hc->sp_array_dma,
					  GFP_KERNEL);
	hc->sp_bufs = kcalloc(n, sizeof(*hc->sp_bufs), GFP_KERNEL);
	hc->sp_dma = kcalloc(n, sizeof(*hc->sp_dma), GFP_KERNEL);
	if (!hc->sp_array || !hc->sp_bufs || !hc->sp_dma)
		goto err;
	for (i = 0; i < n; i++) {
		/* page_size-aligned: dma_alloc_coherent aligns to the allocation's order */
		hc->sp_bufs[i] = dma_alloc_coherent(hc->dev, hc->page_size, &hc->sp_dma[i],
						    GFP_KERNEL);
		if (!hc->sp_bufs[i])
			goto err;
		hc->sp_array[i] = cpu_to_le64(hc->sp_dma[i]);
	}
	hc->dcbaa[0] = cpu_to_le64(hc->sp_array_dma);
	return 0;
err:
	if (hc->sp_array && hc->sp_bufs) {
		xhci_free_scratchpads(hc);
	} else {
		if (hc->sp_array)
			dma_free_coherent(hc->dev, n * sizeof(u64), hc->sp_array,
					  hc->sp_array_dma);
		kfree(hc->sp_bufs);
		kfree(hc->sp_dma);
		hc->sp_bufs = NULL;
	}
	return -ENOMEM;
}

static void xhci_free_mem(struct usbblk_hc *hc)
{
	xhci_free_scratchpads(hc);
	if (hc->erst)
		dma_free_coherent(hc->dev, USBBLK_ERST_BYTES, hc->erst, hc->erst_dma);
	if (hc->ev_ring.trbs)
		dma_free_coherent(hc->dev, USBBLK_EVENT_TRBS * USBBLK_TRB_SIZE,
				  hc->ev_ring.trbs, hc->ev_ring.dma);
	if (hc->cmd.ring.trbs)
		dma_free_coherent(hc->dev, USBBLK_RING_TRBS * USBBLK_TRB_SIZE,
				  hc->cmd.ring.trbs, hc->cmd.ring.dma);
	if (hc->dcbaa)
		dma_free_coherent(hc->dev, PAGE_SIZE, hc->dcbaa, hc->dcbaa_dma);
	dma_pool_destroy(hc->ring_pool);
	dma_pool_destroy(hc->ctx_pool);
	hc->erst = NULL;
	hc->ev_ring.trbs = NULL;
	hc->cmd.ring.trbs = NULL;
	hc->dcbaa = NULL;
	hc->ring_pool = NULL;
	hc->ctx_pool = NULL;
}

/*
 * Alignment and boundary rules (xHCI 6, table 6-1), all met by one page of
 * dma_alloc_coherent() or by the pools' parameters:
 *   DCBAA 64 B, page boundary; rings 64 B, 64 KiB boundary; ERST 64 B;
 *   contexts 64 B (32 B for 32-byte contexts), page boundary.
 */
static int xhci_alloc_mem(struct usbblk_hc *hc)
{
	struct usbblk_trb *trbs;
	dma_addr_t dma;

	hc->ctx_size = hc->caps.csz ? 64 : 32;
	hc->ctx_pool = dma_pool_create("usbblk-ctx", hc->dev,
				       USBBLK_IN_CTX_ENTRIES * hc->ctx_size, USBBLK_CTX_ALIGN,
				       hc->page_size);
	hc->ring_pool = dma_pool_create("usbblk-ring", hc->dev,
					USBBLK_RING_TRBS * USBBLK_TRB_SIZE,
					USBBLK_RING_TRBS * USBBLK_TRB_SIZE, SZ_64K);
	hc->dcbaa = dma_alloc_coherent(hc->dev, PAGE_SIZE, &hc->dcbaa_dma, GFP_KERNEL);
	if (!hc->ctx_pool || !hc->ring_pool || !hc->dcbaa)
		goto err;

	trbs = dma_alloc_coherent(hc->dev, USBBLK_RING_TRBS * USBBLK_TRB_SIZE, &dma,
				  GFP_KERNEL);
	if (!trbs)
		goto err;
	usbblk_ring_init(&hc->cmd.ring, trbs, dma, USBBLK_RING_TRBS, true);

	trbs = dma_alloc_coherent(hc->dev, USBBLK_EVENT_TRBS * USBBLK_TRB_SIZE, &dma,
				  GFP_KERNEL);
	if (!trbs)
		goto err;
	usbblk_ring_init(&hc->ev_ring, trbs, dma, USBBLK_EVENT_TRBS, false);

	hc->erst = dma_alloc_coherent(hc->dev, USBBLK_ERST_BYTES, &hc->erst_dma, GFP_KERNEL);
	if (!hc->erst)
		goto err;
	/* one segment: base address, then size in word 2 */
	hc->erst[0] = cpu_to_le64(hc->ev_ring.dma);
	hc->erst[1] = cpu_to_le64(USBBLK_EVENT_TRBS);

	if (xhci_alloc_scratchpads(hc))
		goto err;
	return 0;
err:
	xhci_free_mem(hc);
	return -ENOMEM;
}

/**
 * usbblk_xhci_start() - set up the run state and start the controller
 * @hc: a controller usbblk_xhci_init() reset
 *
 * DCBAA, scratchpads, command ring, interrupter 0 with its event ring,
 * then USBCMD.RS and .INTE (4.2).  The IRQ must be requested already.
 *
 * Return: 0 or a negative errno (everything undone).
 */
int usbblk_xhci_start(struct usbblk_hc *hc)
{
	void __iomem *ir = hc->rt + XHCI_RT_IR(0);
	u32 sts;
	int ret;

	ret = xhci_alloc_mem(hc);
	if (ret)
		return ret;

	op_writel(hc, XHCI_OP_CONFIG, FIELD_PREP(XHCI_CONFIG_MAX_SLOTS_EN,
						 min_t(u32, hc->caps.max_slots,
						       USBBLK_MAX_SLOTS - 1)));
	lo_hi_writeq(hc->dcbaa_dma, hc->op + XHCI_OP_DCBAAP);
	/* command ring: dequeue pointer with the ring cycle state (RCS) */
	lo_hi_writeq(hc->cmd.ring.dma | hc->cmd.ring.cycle, hc->op + XHCI_OP_CRCR);

	writel(USBBLK_ERST_ENTRIES, ir + XHCI_IR_ERSTSZ);
	lo_hi_writeq(hc->ev_ring.dma, ir + XHCI_IR_ERDP);
	lo_hi_writeq(hc->erst_dma, ir + XHCI_IR_ERSTBA);	/* last: 5.5.2.3.2 */
	writel(FIELD_PREP(XHCI_IMOD_INTERVAL, imod_ns / XHCI_IMOD_UNIT_NS), ir + XHCI_IR_IMOD);
	writel(XHCI_IMAN_IE | XHCI_IMAN_IP, ir + XHCI_IR_IMAN);

	op_writel(hc, XHCI_OP_USBSTS, XHCI_STS_EINT | XHCI_STS_PCD | XHCI_STS_HSE);
	/*
	 * The IRQ thread handles events once this is set: the first may come
	 * as soon as RS is, and an interrupt left unanswered (ERDP.EHB never
	 * written back) would be the last one.
	 */
	hc->running = true;
	op_writel(hc, XHCI_OP_USBCMD, XHCI_CMD_RUN | XHCI_CMD_INTE | XHCI_CMD_HSEE);
	ret = readl_poll_timeout(hc->op + XHCI_OP_USBSTS, sts, !(sts & XHCI_STS_HCH),
				 100, USBBLK_HALT_TIMEOUT_US);
	if (ret) {
		dev_err(hc->dev, "controller did not start (USBSTS %#x)\n", sts);
		usbblk_xhci_halt(hc);
		hc->running = false;
		synchronize_irq(hc->irq);
		xhci_free_mem(hc);
		return ret;
	}
	dev_dbg(hc->dev, "running, IMOD %u ns\n", imod_ns);
	return 0;
}

/**
 * usbblk_xhci_stop() - halt the controller and free its run state
 * @hc: the controller
 *
 * After this the controller touches no memory; every device must be
 * gone already.
 */
void usbblk_xhci_stop(struct usbblk_hc *hc)
{
	void __iomem *ir = hc->rt + XHCI_RT_IR(0);

	usbblk_xhci_halt(hc);
	hc->running = false;
	writel(XHCI_IMAN_IP, ir + XHCI_IR_IMAN);
	if (hc->dcbaa) {
		/* a reset makes the controller forget every pointer into our memory */
		xhci_reset(hc);
		xhci_free_mem(hc);
	}
}
