/* SPDX-License-Identifier: GPL-2.0 */
/*
 * USB descriptor parsing and validation: hardware-free, compiled into the
 * module and into the host unit tests and fuzzers.
 *
 * Every function takes the buffer and the number of bytes the device
 * actually returned, validates every length field (bLength, wTotalLength,
 * bNumInterfaces, bNumEndpoints, string lengths) before using it, and never
 * reads outside [buf, buf + len).  A lying device gets -EPROTO (malformed)
 * or -EMSGSIZE (truncated), never an out-of-bounds read.
 */
#ifndef _USBBLK_DESC_H
#define _USBBLK_DESC_H

#include <linux/types.h>
#include <linux/usb/ch9.h>

/**
 * struct usbblk_ep_info - one endpoint usbblk may use
 * @addr:		bEndpointAddress (0 = not present)
 * @attrs:		bmAttributes
 * @max_packet:		wMaxPacketSize bits 10:0
 * @interval:		bInterval
 * @max_burst:		SuperSpeed companion bMaxBurst (0 without one)
 */
struct usbblk_ep_info {
	u8 addr;
	u8 attrs;
	u16 max_packet;
	u8 interval;
	u8 max_burst;
};

/**
 * struct usbblk_cfg_info - what usbblk needs of a configuration
 * @config_value:	bConfigurationValue, for SET_CONFIGURATION
 * @num_interfaces:	bNumInterfaces
 * @attributes:		bmAttributes
 * @max_power:		bMaxPower
 * @if_number:		bInterfaceNumber of the chosen interface
 * @if_alt:		its bAlternateSetting (always 0: alt 0 is chosen)
 * @if_class:		its class triple ...
 * @if_subclass:	...
 * @if_protocol:	...
 * @num_eps:		its bNumEndpoints
 * @mass_storage:	the chosen interface is mass storage, SCSI, Bulk-Only
 *			(class 0x08, subclass 0x06, protocol 0x50) with one
 *			bulk IN and one bulk OUT endpoint
 * @hub:		the chosen interface is a hub (class 0x09) with an
 *			interrupt IN endpoint
 * @bulk_in:		its first bulk IN endpoint
 * @bulk_out:		its first bulk OUT endpoint
 * @intr_in:		its first interrupt IN endpoint
 *
 * The chosen interface is the first alt-0 interface that is mass storage
 * BOT; failing that, the first alt-0 hub interface; failing that, the
 * first interface.
 */
struct usbblk_cfg_info {
	u8 config_value;
	u8 num_interfaces;
	u8 attributes;
	u8 max_power;
	u8 if_number;
	u8 if_alt;
	u8 if_class;
	u8 if_subclass;
	u8 if_protocol;
	u8 num_eps;
	bool mass_storage;
	bool hub;
	struct usbblk_ep_info bulk_in;
	struct usbblk_ep_info bulk_out;
	struct usbblk_ep_info intr_in;
};

/* the route string has 4 bits a tier, so usbblk supports 15 ports a hub */
#define USBBLK_HUB_MAX_PORTS	15

/**
 * struct usbblk_hub_info - what usbblk needs of a hub descriptor
 * @nports:		bNbrPorts (1..15: the route string has 4 bits a tier)
 * @characteristics:	wHubCharacteristics
 * @pwr_on_2_good_ms:	bPwrOn2PwrGood * 2
 * @ss:			a SuperSpeed hub descriptor (type 0x2a)
 */
struct usbblk_hub_info {
	u8 nports;
	u16 characteristics;
	u16 pwr_on_2_good_ms;
	bool ss;
};

int usbblk_ep0_maxp_valid(unsigned int speed, unsigned int maxp0);
int usbblk_parse_device_desc(const void *buf, size_t len, unsigned int speed,
			     struct usb_device_descriptor *out);
int usbblk_config_total_length(const void *buf, size_t len, u16 *total);
int usbblk_parse_config(const void *buf, size_t len, unsigned int speed,
			struct usbblk_cfg_info *out);
int usbblk_parse_langid(const void *buf, size_t len, u16 *langid);
int usbblk_string_to_utf8(const void *buf, size_t len, char *out, size_t outlen);
int usbblk_parse_hub_desc(const void *buf, size_t len, struct usbblk_hub_info *out);

#endif /* _USBBLK_DESC_H */
