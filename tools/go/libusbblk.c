// SPDX-License-Identifier: GPL-2.0
/*
 * libusbblk's sources, compiled by cgo with $CC into package usbblk (so a
 * cross build needs no prebuilt library, and every program importing
 * usbblk links the C library exactly once).
 */
#include "../lib/usbblk/enumerate.c"
#include "../lib/usbblk/lun.c"
#include "../lib/usbblk/names.c"
