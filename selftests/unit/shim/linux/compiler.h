/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for the kernel's READ_ONCE/WRITE_ONCE. */
#ifndef _USBBLK_SHIM_COMPILER_H
#define _USBBLK_SHIM_COMPILER_H
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#endif
