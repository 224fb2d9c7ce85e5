/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for the kernel's DMA barriers. */
#ifndef _USBBLK_SHIM_BARRIER_H
#define _USBBLK_SHIM_BARRIER_H
#define dma_wmb()	__sync_synchronize()
#define dma_rmb()	__sync_synchronize()
#endif
