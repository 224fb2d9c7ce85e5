/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for the kernel's <linux/string.h>. */
#ifndef _USBBLK_SHIM_LSTRING_H
#define _USBBLK_SHIM_LSTRING_H
#include <string.h>
#endif
