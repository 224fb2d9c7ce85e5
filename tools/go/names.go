// SPDX-License-Identifier: GPL-2.0

package usbblk

/*
#cgo CFLAGS: -I${SRCDIR}/../lib/usbblk -I${SRCDIR}/../../include/uapi -O2 -g
#include <stdlib.h>
#include "libusbblk.h"
*/
import "C"

import "unsafe"

// String is "high-speed", "super-speed" ... (usbblk_speed_name).
func (s Speed) String() string { return C.GoString(C.usbblk_speed_name(C.uint(s))) }

// String is "configured", "addressed" or "failed" (usbblk_state_name).
func (s State) String() string { return C.GoString(C.usbblk_state_name(C.uint(s))) }

// pathName is a port path as "5" or "5.2" (usbblk_path_name).
func pathName(path []uint8, depth int) string {
	var buf [3*(C.USBBLK_MAX_TIERS+1) + 3]C.char
	return C.GoString(C.usbblk_path_name((*C.uint8_t)(unsafe.Pointer(&path[0])), C.uint(depth),
		&buf[0], C.size_t(len(buf))))
}
