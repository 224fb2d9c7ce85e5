/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for the kernel's <linux/bitfield.h> (no compile-time checks). */
#ifndef _USBBLK_SHIM_BITFIELD_H
#define _USBBLK_SHIM_BITFIELD_H
#include <linux/bits.h>
#define FIELD_GET(mask, reg) \
	((__typeof__(mask))(((reg) & (mask)) >> __builtin_ctzll(mask)))
#define FIELD_PREP(mask, val) \
	((__typeof__(mask))(((__typeof__(mask))(val) << __builtin_ctzll(mask)) & (mask)))
#define FIELD_FIT(mask, val) \
	(!((((__typeof__(mask))(val)) << __builtin_ctzll(mask)) & ~(mask)))
#endif
