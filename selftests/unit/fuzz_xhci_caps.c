// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: whatever a controller puts in its capability
 * registers, the decoders must neither read nor write out of bounds.
 */
#include <stdint.h>
#include <string.h>

#include <linux/usb/ch9.h>
#include "xhci-caps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u32 w[8] = { 0 };
	u8 major[USBBLK_MAX_PORTS];
	struct usbblk_caps c;
	struct usbblk_port p;
	unsigned int i;

	memcpy(w, data, size < sizeof(w) ? size : sizeof(w));
	usbblk_caps_decode(&c, w[0], w[1], w[2], w[3]);
	if (usbblk_caps_check(&c, w[4] & 0xfffff))
		return 0;
	memset(major, 0, sizeof(major));
	usbblk_proto_apply(major, c.max_ports, w[5], w[6]);
	for (i = 0; i < c.max_ports; i++) {
		usbblk_port_decode(&p, i + 1, w[7] ^ i, major[i]);
		if (p.speed > USB_SPEED_SUPER_PLUS)
			__builtin_trap();
	}
	if (usbblk_xcap_next(c.xecp, w[7]) && usbblk_xcap_next(c.xecp, w[7]) <= c.xecp)
		__builtin_trap();
	return 0;
}
