/* SPDX-License-Identifier: GPL-2.0 */
/*
 * usbblk internal interfaces.
 *
 * The seams, top to bottom:
 *   lun.c          one misc device per LUN: the data path ioctls
 *   scsi.c, bot.c, cbw.c  SCSI commands over Bulk-Only Transport
 *   ctl.c          the controller's misc device: ENUMERATE
 *   enum.c, hub.c  ports, device slots, addressing, descriptors, hubs
 *   xfer.c         transfers on an endpoint's ring: control and bulk
 *   cmd.c          the command ring
 *   event.c        the event ring, walked by the threaded IRQ
 *   xhci.c         controller reset, run state, interrupter, hard IRQ
 *   core.c         module init, controller object lifetime
 *   of.c, pci.c    bus glue
 * and the hardware-free parts: xhci-caps.c, ring.c, desc.c.
 */
#ifndef _USBBLK_H
#define _USBBLK_H

#include <linux/completion.h>
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

#include "desc.h"
#include "ring.h"
#include "xhci-caps.h"

struct dentry;
struct usbblk_hc;
struct usbblk_hub;
struct usbblk_udev;

/* Every command and control transfer is bounded (5 s is what slow sticks need). */
#define USBBLK_CMD_TIMEOUT_MS	5000
#define USBBLK_CTRL_TIMEOUT_MS	5000
#define USBBLK_RING_TRBS	256	/* one 4 KiB segment */
#define USBBLK_EVENT_TRBS	256
#define USBBLK_MAX_SLOTS	256

/**
 * struct usbblk_ep - one endpoint and its transfer ring
 * @udev:	its device
 * @dci:	device context index (1 = EP0, 2 * number + direction)
 * @addr:	bEndpointAddress
 * @type:	EP_TYPE_* of the endpoint context
 * @maxp:	max packet size
 * @ring:	its transfer ring
 * @td:		the TD in flight
 * @busy:	a TD is queued and not yet completed (under hc->lock)
 * @data_idx:	control: index of the data stage TRB, -1 if none
 * @data_len:	control: length of the data stage
 * @short_seen:	control: the data stage ended short
 * @comp_code:	completion code of the finished TD
 * @actual:	bytes the finished TD transferred
 * @done:	completed by the event handler (or by teardown)
 * @complete:	for a transfer nobody waits for (usbblk_intr_submit()):
 *		called by the event thread, hc->lock held, instead of
 *		completing @done; must not sleep
 */
struct usbblk_ep {
	struct usbblk_udev *udev;
	u8 dci;
	u8 addr;
	u8 type;
	u16 maxp;
	struct usbblk_ring ring;
	struct usbblk_td td;
	bool busy;
	int data_idx;
	u32 data_len;
	bool short_seen;
	u32 comp_code;
	u32 actual;
	struct completion done;
	void (*complete)(struct usbblk_ep *ep);
};

/**
 * struct usbblk_udev - a USB device usbblk enumerated (or tried to)
 * @hc:		the controller
 * @node:	in @hc->devices, in attach order
 * @ref:	lifetime; the device list holds one, users of its I/O paths
 *		(LUNs, the hub worker) hold one each
 * @io_lock:	held for reading around every transfer; for writing by
 *		teardown, which so waits for transfers to leave
 * @gone:	disconnected or being torn down; new transfers get -ENODEV
 * @parent:	the hub it is attached to, NULL on a root port
 * @parent_port: the hub port it is attached to (0 on a root port)
 * @info:	what ENUMERATE reports about it
 * @connect_ns:	ktime_get_ns() of its connect event
 * @slot_id:	its device slot, 0 if none
 * @out_ctx:	output device context (owned by the controller)
 * @out_dma:	its bus address
 * @in_ctx:	input context for commands
 * @in_dma:	its bus address
 * @ctrl_buf:	DMA buffer for control transfer data (one page)
 * @ctrl_dma:	its bus address
 * @ctrl_lock:	serialises control transfers and @ctrl_buf
 * @intr_buf:	DMA buffer for interrupt IN transfers (a hub's status
 *		change bitmap), freed with the device
 * @intr_dma:	its bus address
 * @desc:	device descriptor
 * @cfg:	what the configuration descriptor said
 * @eps:	endpoints by device context index (0 unused, 1 = EP0)
 * @ep0:	the default control endpoint
 * @hub:	hub state if this is a hub
 * @scan_gen:	the port work pass that last scanned this hub
 * @class_data:	the class driver's (mass storage) state
 */
struct usbblk_udev {
	struct usbblk_hc *hc;
	struct list_head node;
	struct kref ref;
	struct rw_semaphore io_lock;
	bool gone;
	struct usbblk_udev *parent;
	u8 parent_port;
	struct usbblk_device_info info;
	u64 connect_ns;

	u8 slot_id;
	void *out_ctx;
	dma_addr_t out_dma;
	void *in_ctx;
	dma_addr_t in_dma;
	void *ctrl_buf;
	dma_addr_t ctrl_dma;
	struct mutex ctrl_lock;		/* see @ctrl_lock above */
	void *intr_buf;
	dma_addr_t intr_dma;

	struct usb_device_descriptor desc;
	struct usbblk_cfg_info cfg;
	struct usbblk_ep *eps[32];
	struct usbblk_ep ep0;
	struct usbblk_hub *hub;
	unsigned int scan_gen;
	void *class_data;
};

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
 * @cmd_ring:	the command ring
 * @cmd_trbs_dma: its bus address
 * @ev_ring:	interrupter 0's event ring (one segment)
 * @erst:	its segment table
 * @erst_dma:	its bus address
 * @running:	the controller was started (USBCMD.RS)
 * @lock:	protects the event handler's view of pending commands and
 *		TDs (@cmd_*, usbblk_ep.busy/td/comp_code, @slots); a
 *		spinlock_t, so it sleeps on PREEMPT_RT: taken only in
 *		process context and the IRQ thread, never in the hard handler
 * @cmd_mutex:	one command at a time
 * @cmd_pending: bus address of the command TRB waiting for completion
 * @cmd_code:	its completion code
 * @cmd_slot:	the slot ID its completion event carried
 * @cmd_done:	completed by the event handler
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
 * @gone:	the controller was removed; files get -ENODEV
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
	struct usbblk_ring cmd_ring;
	struct usbblk_ring ev_ring;
	__le64 *erst;
	dma_addr_t erst_dma;
	bool running;

	spinlock_t lock;		/* see @lock above */
	struct mutex cmd_mutex;		/* one command at a time */
	dma_addr_t cmd_pending;
	u32 cmd_code;
	u8 cmd_slot;
	struct completion cmd_done;
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

/* core.c */
struct usbblk_hc *usbblk_hc_alloc(struct device *dev, void __iomem *regs,
				  resource_size_t len, int irq, u32 bus_flags);
int usbblk_hc_probe(struct usbblk_hc *hc);
void usbblk_hc_remove(struct usbblk_hc *hc);
void usbblk_hc_put(struct usbblk_hc *hc);
void usbblk_hc_get(struct usbblk_hc *hc);

/* xhci.c */
int usbblk_xhci_init(struct usbblk_hc *hc);
int usbblk_xhci_start(struct usbblk_hc *hc);
void usbblk_xhci_stop(struct usbblk_hc *hc);
void usbblk_xhci_halt(struct usbblk_hc *hc);
u32 usbblk_xhci_portsc(struct usbblk_hc *hc, unsigned int port);
void usbblk_xhci_port_write(struct usbblk_hc *hc, unsigned int port, u32 portsc, u32 set);
void usbblk_xhci_ring_db(struct usbblk_hc *hc, unsigned int slot, unsigned int target);
irqreturn_t usbblk_xhci_irq(int irq, void *data);

/* event.c */
irqreturn_t usbblk_event_thread(int irq, void *data);

/* cmd.c */
int usbblk_cmd(struct usbblk_hc *hc, u64 param, u32 control, u8 *slot_out);
int usbblk_cmd_enable_slot(struct usbblk_hc *hc, u8 *slot_id);
int usbblk_cmd_disable_slot(struct usbblk_hc *hc, u8 slot_id);
int usbblk_cmd_address_device(struct usbblk_hc *hc, struct usbblk_udev *udev, bool bsr);
int usbblk_cmd_eval_context(struct usbblk_hc *hc, struct usbblk_udev *udev);
int usbblk_cmd_config_ep(struct usbblk_hc *hc, struct usbblk_udev *udev);
int usbblk_cmd_stop_ep(struct usbblk_hc *hc, struct usbblk_ep *ep);
int usbblk_cmd_reset_ep(struct usbblk_hc *hc, struct usbblk_ep *ep);
int usbblk_cmd_set_deq(struct usbblk_hc *hc, struct usbblk_ep *ep);
int usbblk_comp_errno(u32 code);

/* ctx.c */
__le32 *usbblk_ctx_in_control(struct usbblk_udev *udev);
__le32 *usbblk_ctx_in_slot(struct usbblk_udev *udev);
__le32 *usbblk_ctx_in_ep(struct usbblk_udev *udev, unsigned int dci);
__le32 *usbblk_ctx_out_slot(struct usbblk_udev *udev);
__le32 *usbblk_ctx_out_ep(struct usbblk_udev *udev, unsigned int dci);
void usbblk_ctx_clear_in(struct usbblk_udev *udev);
void usbblk_ctx_ep_setup(struct usbblk_udev *udev, struct usbblk_ep *ep,
			 const struct usbblk_ep_info *info);

/* xfer.c */
int usbblk_ep_alloc(struct usbblk_udev *udev, struct usbblk_ep *ep, u8 addr, u8 type,
		    u16 maxp);
void usbblk_ep_free(struct usbblk_udev *udev, struct usbblk_ep *ep);
int usbblk_control(struct usbblk_udev *udev, u8 type, u8 req, u16 value, u16 index,
		   void *data, u16 len, unsigned int timeout_ms);
int usbblk_bulk(struct usbblk_ep *ep, const struct usbblk_seg *segs, unsigned int nsegs,
		unsigned int timeout_ms, u32 *actual);
int usbblk_ep_recover(struct usbblk_ep *ep);
int usbblk_ep_clear_halt(struct usbblk_ep *ep);
int usbblk_intr_submit(struct usbblk_ep *ep, const struct usbblk_seg *seg);
void usbblk_ep_event(struct usbblk_hc *hc, struct usbblk_ep *ep, unsigned int idx,
		     u32 code, u32 residue);
void usbblk_ep_abort_all(struct usbblk_udev *udev);

/* enum.c */
void usbblk_port_work(struct work_struct *work);
void usbblk_enum_rescan(struct usbblk_hc *hc);
void usbblk_enum_remove_all(struct usbblk_hc *hc);
struct usbblk_udev *usbblk_udev_enumerate(struct usbblk_hc *hc, struct usbblk_udev *parent,
					  u8 port, unsigned int speed, u64 connect_ns);
void usbblk_udev_disconnect(struct usbblk_udev *udev);
void usbblk_udev_put(struct usbblk_udev *udev);
struct usbblk_device_info *usbblk_enum_snapshot(struct usbblk_hc *hc, u32 max, u32 *count);

/* bot.c: the mass-storage class */
int usbblk_msc_attach(struct usbblk_udev *udev);
void usbblk_msc_detach(struct usbblk_udev *udev);

/* hub.c */
int usbblk_hub_init(struct usbblk_udev *udev);
void usbblk_hub_scan(struct usbblk_udev *udev);
void usbblk_hub_free(struct usbblk_udev *udev);
void usbblk_hub_work(struct work_struct *work);

/* ctl.c */
long usbblk_ctl_enumerate(struct usbblk_hc *hc, void __user *argp);
int usbblk_ctl_register(struct usbblk_hc *hc);
void usbblk_ctl_unregister(struct usbblk_hc *hc);

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

#endif /* _USBBLK_H */
