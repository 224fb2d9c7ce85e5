/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The controller: its object and lifetime (core.c), reset, run state,
 * ports and doorbells (xhci.c), the event ring walked by the IRQ thread
 * (event.c), and the bus glue's entry points (of.c, pci.c).
 *
 * The layers of usbblk, top to bottom; each includes only the headers of
 * the layers it calls:
 *   lun.h    lun.c   one misc device per LUN: the data path ioctls
 *   msc.h    msc.c   the mass-storage class driver (LUNs of a BOT device)
 *            bot.c   Bulk-Only Transport, over scsi.c / cbw.c
 *   hub.h    hub.c   the hub class driver, a client of enumeration
 *   ctl.h    ctl.c   the controller's misc device
 *   class.h          struct usbblk_class_ops: what enumeration asks of a class
 *   enum.h   enum.c  ports, slots, addressing, descriptors, configuration
 *   ctx.h    ctx.c   device and input contexts
 *   xfer.h   xfer.c  transfers on an endpoint's ring: control and bulk
 *   cmd.h    cmd.c   the command ring
 *   hc.h             this file
 * and the hardware-free parts: xhci-caps.c, ring.c (trb.h, ring.h),
 * desc.c, scsi.c, cbw.c, dwc3-id.c.
 */
#ifndef _USBBLK_HC_H
#define _USBBLK_HC_H

#include <linux/device.h>
#include <linux/dmapool.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <uapi/linux/usbblk.h>

#include "cmd.h"
#include "ring.h"
#include "xhci-caps.h"

struct dentry;
struct usbblk_udev;

#define USBBLK_RING_TRBS	256	/* one 4 KiB segment */
#define USBBLK_EVENT_TRBS	256
#define USBBLK_MAX_SLOTS	256	/* slot IDs are 8 bits */
#define USBBLK_USB3_MAJOR	3	/* @port_major of a SuperSpeed root port */
#define USBBLK_ERST_BYTES	64	/* one 16-byte entry, 64-byte aligned (6.5) */
/* 6.2.1: a device context is a slot context and 31 endpoint contexts; */
#define USBBLK_DEV_CTX_ENTRIES	32
/* 6.2.5: an input context puts the input control context in front */
#define USBBLK_IN_CTX_ENTRIES	(USBBLK_DEV_CTX_ENTRIES + 1)
#define USBBLK_CTX_ALIGN	64	/* table 6-1 */

/**
 * struct usbblk_hc - one xHCI controller driven by usbblk
 * @dev:	the bus device (platform or PCI)
 * @regs:	MMIO base = capability registers
 * @op:		operational registers (@regs + CAPLENGTH)
 * @rt:		runtime registers (@regs + RTSOFF)
 * @db:		doorbell array (@regs + DBOFF)
 * @mmio_len:	size of the register window
 * @irq:	Linux IRQ of interrupter 0
 * @irq_flags:	extra request flags from the bus glue (IRQF_SHARED for INTx)
 * @bus_flags:	USBBLK_HC_OF or USBBLK_HC_PCI, and USBBLK_HC_DWC3 for a DWC3
 * @snpsid:	DWC3 GSNPSID, set by the bus glue; 0 for a plain xHCI
 * @caps:	decoded capability registers
 * @hcsparams1: raw HCSPARAMS1
 * @hcsparams2: raw HCSPARAMS2
 * @hcsparams3: raw HCSPARAMS3
 * @hccparams1: raw HCCPARAMS1
 * @page_size:	controller page size in bytes
 * @ctx_size:	32 or 64 bytes (HCCPARAMS1.CSZ)
 * @port_major:	USB major revision of each root port (index 0 = port 1)
 * @dcbaa:	Device Context Base Address Array
 * @dcbaa_dma:	its bus address
 * @sp_array:	scratchpad buffer array
 * @sp_array_dma: its bus address
 * @sp_bufs:	the scratchpad buffers
 * @sp_dma:	their bus addresses
 * @ctx_pool:	device and input contexts
 * @ring_pool:	transfer ring segments
 * @cmd:	the command ring and the command in flight (cmd.c's)
 * @ev_ring:	interrupter 0's event ring (one segment)
 * @erst:	its segment table
 * @erst_dma:	its bus address
 * @running:	the controller was started (USBCMD.RS)
 * @lock:	protects the event handler's view of pending commands and
 *		TDs (@cmd state, usbblk_ep.busy/td/comp_code, @slots); a
 *		spinlock_t, so it sleeps on PREEMPT_RT: taken only in
 *		process context and the IRQ thread, never in the hard handler
 * @ev_lock:	the consumer of @ev_ring: the IRQ thread, or a caller
 *		polling for its completion (usbblk_event_poll(), which only
 *		tries it); a mutex (both sleep-capable contexts), taken
 *		outside @lock
 * @slots:	device by slot ID, for event dispatch
 * @devices:	every device, in attach order (under @enum_lock)
 * @enum_lock:	serialises enumeration, teardown and the device list
 * @wq:		ordered workqueue for port work (enumeration)
 * @port_work:	scans the ports whose bits are set in @port_changed
 * @port_changed: root ports with a change event since the last scan
 * @port_connect_ns: when each root port's last connect event came
 * @hub_work:	periodic scan of external hubs' ports
 * @scan_gen:	counts port work passes
 * @ref:	lifetime: the bus device and every open file hold one
 * @gone:	the controller was removed; files get -ENODEV.  Set once,
 *		never cleared, by usbblk_hc_mark_gone() under @gone_lock
 *		for writing.  Read only through usbblk_hc_gone(): files hold
 *		@gone_lock for reading, so the answer lasts their call; the
 *		port and hub work read it without the lock, as an early stop
 *		(removal sets it before it flushes and cancels them)
 * @gone_lock:	held for reading around register access from files, for
 *		writing to set @gone, so removal waits for them
 * @id:		index in /dev/usbblk-hcN
 * @misc:	the controller's character device
 * @misc_name:	its name
 * @debugfs:	debugfs directory
 */
struct usbblk_hc {
	struct device *dev;
	void __iomem *regs;
	void __iomem *op;
	void __iomem *rt;
	void __iomem *db;
	resource_size_t mmio_len;
	int irq;
	unsigned long irq_flags;
	u32 bus_flags;
	u32 snpsid;

	struct usbblk_caps caps;
	u32 hcsparams1;
	u32 hcsparams2;
	u32 hcsparams3;
	u32 hccparams1;
	u32 page_size;
	unsigned int ctx_size;
	u8 port_major[USBBLK_MAX_PORTS];

	__le64 *dcbaa;
	dma_addr_t dcbaa_dma;
	__le64 *sp_array;
	dma_addr_t sp_array_dma;
	void **sp_bufs;
	dma_addr_t *sp_dma;
	struct dma_pool *ctx_pool;
	struct dma_pool *ring_pool;
	struct usbblk_cmdq cmd;
	struct usbblk_ring ev_ring;
	__le64 *erst;
	dma_addr_t erst_dma;
	bool running;

	spinlock_t lock;		/* see @lock above */
	struct mutex ev_lock;		/* see @ev_lock above */
	struct usbblk_udev *slots[USBBLK_MAX_SLOTS];

	struct list_head devices;
	struct mutex enum_lock;		/* see @enum_lock above */
	struct workqueue_struct *wq;
	struct work_struct port_work;
	DECLARE_BITMAP(port_changed, USBBLK_MAX_PORTS + 1);
	u64 port_connect_ns[USBBLK_MAX_PORTS + 1];
	struct delayed_work hub_work;
	unsigned int scan_gen;

	struct kref ref;
	bool gone;
	struct rw_semaphore gone_lock;

	int id;
	struct miscdevice misc;
	char misc_name[24];
	struct dentry *debugfs;
};

/**
 * usbblk_hc_gone() - was the controller removed?
 * @hc: the controller
 *
 * The one way to read @hc->gone (see struct usbblk_hc for the rule).
 *
 * Return: true once usbblk_hc_mark_gone() ran.
 */
static inline bool usbblk_hc_gone(const struct usbblk_hc *hc)
{
	return READ_ONCE(hc->gone);
}

/* core.c */
struct usbblk_hc *usbblk_hc_alloc(struct device *dev, void __iomem *regs,
				  resource_size_t len, int irq, u32 bus_flags);
int usbblk_hc_probe(struct usbblk_hc *hc);
void usbblk_hc_remove(struct usbblk_hc *hc);
void usbblk_hc_put(struct usbblk_hc *hc);
void usbblk_hc_get(struct usbblk_hc *hc);
void usbblk_hc_mark_gone(struct usbblk_hc *hc);

/* xhci.c */
int usbblk_xhci_init(struct usbblk_hc *hc);
int usbblk_xhci_start(struct usbblk_hc *hc);
void usbblk_xhci_stop(struct usbblk_hc *hc);
void usbblk_xhci_halt(struct usbblk_hc *hc);
u32 usbblk_xhci_portsc(struct usbblk_hc *hc, unsigned int port);
void usbblk_xhci_fill_info(struct usbblk_hc *hc, struct usbblk_hc_info *info);
void usbblk_xhci_port_write(struct usbblk_hc *hc, unsigned int port, u32 portsc, u32 set);
void usbblk_xhci_ring_db(struct usbblk_hc *hc, unsigned int slot, unsigned int target);
void usbblk_xhci_sync(struct usbblk_hc *hc);
irqreturn_t usbblk_xhci_irq(int irq, void *data);

/* event.c */
irqreturn_t usbblk_event_thread(int irq, void *data);
unsigned int usbblk_event_poll(struct usbblk_hc *hc);

/* pci.c */
#ifdef CONFIG_PCI
int usbblk_pci_register(void);
void usbblk_pci_unregister(void);
#else
static inline int usbblk_pci_register(void) { return 0; }
static inline void usbblk_pci_unregister(void) { }
#endif

/* of.c */
int usbblk_of_register(void);
void usbblk_of_unregister(void);

#endif /* _USBBLK_HC_H */
