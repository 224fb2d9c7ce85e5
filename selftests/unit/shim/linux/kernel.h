/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for the few <linux/kernel.h> helpers the pure files use. */
#ifndef _USBBLK_SHIM_KERNEL_H
#define _USBBLK_SHIM_KERNEL_H
#include <linux/types.h>
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))
#define upper_32_bits(n)	((u32)(((u64)(n)) >> 32))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)		((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
