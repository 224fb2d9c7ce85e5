/* SPDX-License-Identifier: GPL-2.0 */
/*
 * usbblk internal interfaces.
 *
 * The seams:
 *   bus glue (of.c, pci.c)  -> core.c: usbblk_hc_alloc(), usbblk_hc_probe(),
 *                              usbblk_hc_remove()
 *   core.c                  -> xhci.c: controller reset, facts, IRQ
 *   core.c                  -> ctl.c:  the controller's misc device
 */
#ifndef _USBBLK_H
#define _USBBLK_H

#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/rwsem.h>
#include <uapi/linux/usbblk.h>

#include "xhci-caps.h"

struct dentry;

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
 * @bus_flags:	USBBLK_HC_OF or USBBLK_HC_PCI
 * @caps:	decoded capability registers
 * @hcsparams1: raw HCSPARAMS1
 * @hcsparams2: raw HCSPARAMS2
 * @hcsparams3: raw HCSPARAMS3
 * @hccparams1: raw HCCPARAMS1
 * @page_size:	controller page size in bytes
 * @port_major:	USB major revision of each root port (index 0 = port 1)
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

	struct usbblk_caps caps;
	u32 hcsparams1;
	u32 hcsparams2;
	u32 hcsparams3;
	u32 hccparams1;
	u32 page_size;
	u8 port_major[USBBLK_MAX_PORTS];

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
void usbblk_xhci_halt(struct usbblk_hc *hc);
u32 usbblk_xhci_portsc(struct usbblk_hc *hc, unsigned int port);
irqreturn_t usbblk_xhci_irq(int irq, void *data);
irqreturn_t usbblk_xhci_irq_thread(int irq, void *data);

/* ctl.c */
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
