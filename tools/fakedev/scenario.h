/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scenario table: one list shared by fakedev (which fault to inject)
 * and the guest selftest selftests/fakedev_test.c (what the driver must
 * answer, and which recovery path of drivers/usbblk/ it drives).
 *
 * A fault "at the trigger" fires on the first READ or WRITE of the trigger
 * LBA (option trigger=, default 1000), as often as the option times= says
 * (default once; 0 = every time), so that LUN probing goes well and the
 * command after the faulty one shows whether the driver recovered.  Probe
 * faults (capacity, block size, INQUIRY, GET MAX LUN) act on every answer.
 */
#ifndef FAKEDEV_SCENARIO_H
#define FAKEDEV_SCENARIO_H

#include <errno.h>
#include <stdint.h>

enum fd_fault {
	FAULT_NONE,
	FAULT_CSW_SIGNATURE,	/* dCSWSignature wrong */
	FAULT_CSW_TAG,		/* dCSWTag not the CBW's */
	FAULT_CSW_12,		/* a 12-byte CSW (short packet) */
	FAULT_CSW_14,		/* a 14-byte CSW: more than the 13 asked */
	FAULT_CSW_RESIDUE,	/* dCSWDataResidue > dCBWDataTransferLength */
	FAULT_CSW_PHASE,	/* bCSWStatus 2 */
	FAULT_STALL_DATA,	/* STALL the data stage (IN or OUT), CSW FAILED */
	FAULT_STALL_CSW,	/* STALL the first CSW read, then answer it */
	FAULT_BABBLE,		/* more data than the data stage asked for */
	FAULT_SHORT_DATA,	/* half the data, CSW GOOD with the residue */
	FAULT_HOLD_CBW,		/* the CBW is never accepted (NAK forever) */
	FAULT_HOLD_DATA,	/* the data stage is never answered */
	FAULT_HOLD_CSW,		/* the CSW is never sent */
	FAULT_MAXLUN_LIE,	/* GET MAX LUN 15; LUNs 1..15 do not exist */
	FAULT_MAXLUN_SILENT,	/* GET MAX LUN 15; LUNs 1..15 never take a CBW */
	FAULT_RESET_FAIL,	/* phase error, and the Mass Storage Reset STALLs */
	FAULT_CAPACITY0,	/* READ CAPACITY: 0 blocks (last LBA 2^64 - 1) */
	FAULT_BLOCK_SIZE,	/* READ CAPACITY: block size = param */
	FAULT_INQUIRY_GARBAGE,	/* INQUIRY: random bytes (direct-access type) */
	FAULT_INQUIRY_SHORT,	/* INQUIRY: 5 bytes */
	FAULT_SENSE_GARBAGE,	/* CHECK CONDITION, REQUEST SENSE gives garbage */
	FAULT_SENSE_SHORT,	/* CHECK CONDITION, REQUEST SENSE gives 2 bytes */
	FAULT_UA_STORM,		/* UNIT ATTENTION on the next param commands */
	FAULT_MEDIUM_GONE,	/* NOT READY 3A for param commands, then back */
	FAULT_WP_MIDWAY,	/* from the trigger on, writes get DATA PROTECT */
	FAULT_DISCONNECT_CBW,	/* the device leaves instead of taking the CBW */
	FAULT_DISCONNECT_DATA,	/* ... during the data stage */
	FAULT_DISCONNECT_CSW,	/* ... before the CSW */
	FAULT_DISCONNECT_ENUM,	/* the device leaves during enumeration: param is
				 * enum fd_enum_stage (once; "good" comes back) */
	FAULT_DESC,		/* a broken descriptor: param is enum fd_desc_fault */
	FAULT_DESC_FUZZ,	/* each plug-in a mutated configuration (fuzz=N of them) */
	FAULT_RESET_VANISH,	/* the data stage is never answered, nor the Mass Storage
				 * Reset after it: the device leaves 1 s into the reset */
};

/* FAULT_DESC: which descriptor lies, and how. */
enum fd_desc_fault {
	DESC_DEV_SHORT = 1,	/* device descriptor: 8 of 18 bytes, bLength 18 */
	DESC_DEV_BLEN,		/* device descriptor bLength 255 */
	DESC_DEV_NOCONFIG,	/* bNumConfigurations 0 */
	DESC_DEV_MAXP0,		/* bMaxPacketSize0 0 */
	DESC_CFG_TRUNC,		/* configuration: 20 of the wTotalLength bytes */
	DESC_CFG_TOTAL_HUGE,	/* wTotalLength 65535 */
	DESC_CFG_TOTAL_SMALL,	/* wTotalLength 12: the interface cut in half */
	DESC_NUMIF_0,		/* bNumInterfaces 0 */
	DESC_NUMIF_255,		/* bNumInterfaces 255, one there */
	DESC_NUMEP_0,		/* the interface: bNumEndpoints 0, none there */
	DESC_NUMEP_30,		/* bNumEndpoints 30, two there */
	DESC_MAXP_0,		/* bulk wMaxPacketSize 0 */
	DESC_MAXP_HUGE,		/* bulk wMaxPacketSize 65535 */
	DESC_NO_COMPANION,	/* SuperSpeed, no endpoint companions */
	DESC_BAD_COMPANION,	/* companion bLength 2 (a loop for a naive walk) */
	DESC_ZERO_LENGTH,	/* a descriptor of bLength 0 inside the configuration */
	DESC_BLEN_OVER,		/* the interface's bLength runs past the end */
	DESC_STR_ODD,		/* serial string with an odd bLength */
	DESC_STR_UTF16,		/* serial string: lone surrogates, NUL, U+FFFF */
	DESC_STR_BLEN_HUGE,	/* product string bLength 255, 6 bytes returned */
	DESC_NO_LANGID,		/* string 0 STALLs */
	DESC_HUB255,		/* a hub whose hub descriptor says 255 ports */
};

/* FAULT_DISCONNECT_ENUM: the request the device vanishes at (unanswered). */
enum fd_enum_stage {
	ENUM_AT_DEV8 = 1,	/* GET_DESCRIPTOR(device), the first 8 bytes */
	ENUM_AT_DEV18,		/* GET_DESCRIPTOR(device), all 18 */
	ENUM_AT_CFG9,		/* GET_DESCRIPTOR(configuration), 9 bytes */
	ENUM_AT_CFG,		/* GET_DESCRIPTOR(configuration), wTotalLength */
	ENUM_AT_LANGID,		/* GET_DESCRIPTOR(string 0) */
	ENUM_AT_STRING,		/* the first GET_DESCRIPTOR(string n) */
	ENUM_AT_SET_CONFIG,	/* SET_CONFIGURATION */
	ENUM_AT_MAXLUN,		/* GET MAX LUN */
	ENUM_AT_INQUIRY,	/* the first INQUIRY's CBW */
	ENUM_AT_TUR,		/* the first TEST UNIT READY, before its CSW */
	ENUM_AT_READCAP,	/* the first READ CAPACITY, its data stage */
	ENUM_AT_LUN1,		/* GET MAX LUN 15; the first CBW to a LUN beyond 0 */
};

/* What the guest test does with a scenario (selftests/fakedev_test.c). */
enum fd_op {
	OP_NONE,	/* nothing beyond the LUN working (io tests) */
	OP_READ,	/* read the trigger LBA: expect the errno */
	OP_WRITE,	/* write the trigger LBA: expect the errno */
	OP_NO_LUN,	/* the device configured, its LUN refused: no node */
	OP_LUN0_ONLY,	/* LUN 0 works, no other LUN node */
	OP_INQUIRY,	/* the LUN is up, its strings printable */
	OP_RETRY,	/* read the trigger: the errno, repeated, then success */
	OP_ENUM,	/* enumeration fails cleanly: FAILED with errno, or left alone */
	OP_STRINGS,	/* bad strings: configured, LUN works, strings valid UTF-8 */
	OP_FUZZ,	/* N mutated enumerations, then the good stick again */
	OP_ENUM_GONE,	/* it vanished mid-enumeration: gone, the next stick works */
};

/* After the op: the next well-behaved command works, or the device left. */
enum fd_then { THEN_OK, THEN_GONE };

struct fd_scenario {
	const char *name;
	enum fd_fault fault;
	uint32_t param;
	enum fd_op op;
	int err;		/* expected errno of the op (positive), 0 = success */
	enum fd_then then;
	const char *path;	/* the recovery path of the driver it drives */
};

/*
 * S(name, fault, param, op, errno, then, recovery path)
 * Keep "path" naming the function and file that must handle it.
 */
#define FD_SCENARIOS \
S("good", FAULT_NONE, 0, OP_NONE, 0, THEN_OK, \
  "none: a well-behaved stick (io_test, usbblkctl)") \
S("csw-signature", FAULT_CSW_SIGNATURE, 0, OP_READ, EIO, THEN_OK, \
  "bot.c usbblk_bot_command: usbblk_csw_check() fails -> bot_reset_recovery()") \
S("csw-tag", FAULT_CSW_TAG, 0, OP_READ, EIO, THEN_OK, \
  "bot.c usbblk_bot_command: tag mismatch in usbblk_csw_check() -> bot_reset_recovery()") \
S("csw-12", FAULT_CSW_12, 0, OP_READ, EIO, THEN_OK, \
  "xfer.c short CSW transfer -> cbw.c usbblk_csw_check() length -> bot_reset_recovery()") \
S("csw-14", FAULT_CSW_14, 0, OP_READ, EIO, THEN_OK, \
  "xfer.c babble on the CSW -> bot.c bot_read_csw() error -> bot_reset_recovery()") \
S("csw-residue", FAULT_CSW_RESIDUE, 0, OP_READ, EIO, THEN_OK, \
  "cbw.c usbblk_csw_check(): residue > transfer (not meaningful) -> bot_reset_recovery()") \
S("csw-phase", FAULT_CSW_PHASE, 0, OP_READ, EIO, THEN_OK, \
  "cbw.c usbblk_csw_check(): phase error -> bot.c bot_reset_recovery()") \
S("stall-data-in", FAULT_STALL_DATA, 0, OP_READ, EIO, THEN_OK, \
  "bot.c data stage -EPIPE -> usbblk_ep_clear_halt(in) -> CSW FAILED -> REQUEST SENSE") \
S("stall-data-out", FAULT_STALL_DATA, 0, OP_WRITE, EIO, THEN_OK, \
  "bot.c data stage -EPIPE -> usbblk_ep_clear_halt(out) -> CSW FAILED -> REQUEST SENSE") \
S("stall-csw", FAULT_STALL_CSW, 0, OP_READ, 0, THEN_OK, \
  "bot.c bot_read_csw(): -EPIPE -> usbblk_ep_clear_halt(in) -> CSW read again") \
S("babble", FAULT_BABBLE, 0, OP_READ, EIO, THEN_OK, \
  "xfer.c babble completion on bulk IN -> bot.c bot_reset_recovery()") \
S("short-data", FAULT_SHORT_DATA, 0, OP_READ, EIO, THEN_OK, \
  "xfer.c short packet on the data stage; lun.c lun_rw_piece(): residue -> EIO") \
S("nak-cbw", FAULT_HOLD_CBW, 0, OP_READ, ETIMEDOUT, THEN_OK, \
  "xfer.c timeout on bulk OUT (stop endpoint) -> bot.c bot_reset_recovery()") \
S("nak-data", FAULT_HOLD_DATA, 0, OP_READ, ETIMEDOUT, THEN_OK, \
  "xfer.c timeout on the data stage (stop endpoint) -> bot.c bot_reset_recovery()") \
S("nak-csw", FAULT_HOLD_CSW, 0, OP_READ, ETIMEDOUT, THEN_OK, \
  "xfer.c timeout on the CSW (stop endpoint) -> bot.c bot_reset_recovery()") \
S("maxlun-lie", FAULT_MAXLUN_LIE, 0, OP_LUN0_ONLY, 0, THEN_OK, \
  "bot.c bot_max_lun() 15 -> lun.c usbblk_lun_probe() fails for LUNs 1..15") \
S("maxlun-silent", FAULT_MAXLUN_SILENT, 0, OP_LUN0_ONLY, 0, THEN_OK, \
  "msc.c msc_attach(): LUN 1's INQUIRY times out after MSC_PROBE_MS -> bot.c bot_reset_recovery(); LUNs 2..15 not probed") \
S("reset-vanish", FAULT_RESET_VANISH, 0, OP_READ, ETIMEDOUT, THEN_GONE, \
  "bot.c bot_recover_work(): its Mass Storage Reset unanswered, the device leaves: ENODEV to its waiters") \
S("reset-fail", FAULT_RESET_FAIL, 0, OP_READ, EIO, THEN_OK, \
  "bot.c bot_reset_recovery(): Mass Storage Reset STALLs -> clear halts anyway") \
S("capacity0", FAULT_CAPACITY0, 0, OP_NO_LUN, 0, THEN_OK, \
  "scsi.c usbblk_parse_capacity16(): last LBA 2^64-1 -> -EPROTO, no LUN") \
S("bs0", FAULT_BLOCK_SIZE, 0, OP_NO_LUN, 0, THEN_OK, \
  "scsi.c usbblk_parse_capacity10(): block size 0 -> -EPROTO, no LUN") \
S("bs1", FAULT_BLOCK_SIZE, 1, OP_NO_LUN, 0, THEN_OK, \
  "scsi.c usbblk_parse_capacity10(): block size 1 -> -EPROTO, no LUN") \
S("bs3", FAULT_BLOCK_SIZE, 3, OP_NO_LUN, 0, THEN_OK, \
  "scsi.c usbblk_parse_capacity10(): block size 3 -> -EPROTO, no LUN") \
S("bs1m", FAULT_BLOCK_SIZE, 1u << 20, OP_NO_LUN, 0, THEN_OK, \
  "scsi.c usbblk_parse_capacity10(): block size 1 MiB -> -EPROTO, no LUN") \
S("inquiry-garbage", FAULT_INQUIRY_GARBAGE, 0, OP_INQUIRY, 0, THEN_OK, \
  "scsi.c usbblk_parse_inquiry(): ascii_field() sanitises the strings") \
S("inquiry-short", FAULT_INQUIRY_SHORT, 0, OP_NO_LUN, 0, THEN_OK, \
  "scsi.c usbblk_parse_inquiry(): 5 bytes -> -EMSGSIZE, no LUN") \
S("sense-garbage", FAULT_SENSE_GARBAGE, 0, OP_READ, EIO, THEN_OK, \
  "lun.c lun_exec(): REQUEST SENSE -> scsi.c usbblk_parse_sense() -EPROTO -> EIO") \
S("sense-short", FAULT_SENSE_SHORT, 0, OP_READ, EIO, THEN_OK, \
  "lun.c lun_exec(): 2 bytes of sense -> usbblk_parse_sense() -EMSGSIZE -> EIO") \
S("ua-storm", FAULT_UA_STORM, 40, OP_RETRY, EAGAIN, THEN_OK, \
  "scsi.c usbblk_sense_errno(): UNIT ATTENTION -> EAGAIN on every command of the storm") \
S("medium-gone", FAULT_MEDIUM_GONE, 5, OP_RETRY, ENOMEDIUM, THEN_OK, \
  "scsi.c usbblk_sense_errno(): NOT READY 3A -> ENOMEDIUM, then UNIT ATTENTION -> EAGAIN") \
S("wp-midway", FAULT_WP_MIDWAY, 0, OP_WRITE, EROFS, THEN_OK, \
  "scsi.c usbblk_sense_errno(): DATA PROTECT -> EROFS; reads go on") \
S("unplug-cbw", FAULT_DISCONNECT_CBW, 0, OP_READ, ENODEV, THEN_GONE, \
  "event.c port change -> enum.c device gone -> xfer.c pending TD failed -> bot.c -ENODEV") \
S("unplug-data", FAULT_DISCONNECT_DATA, 0, OP_READ, ENODEV, THEN_GONE, \
  "enum.c device gone during the data stage -> pages unpinned after the slot is disabled") \
S("unplug-csw", FAULT_DISCONNECT_CSW, 0, OP_READ, ENODEV, THEN_GONE, \
  "enum.c device gone before the CSW -> bot.c -ENODEV, LUN removed") \
S("unplug-cbw-write", FAULT_DISCONNECT_CBW, 0, OP_WRITE, ENODEV, THEN_GONE, \
  "enum.c usbblk_udev_disconnect() -> xfer.c usbblk_ep_abort_all(): the WRITE's CBW TD -ENODEV") \
S("unplug-data-out", FAULT_DISCONNECT_DATA, 0, OP_WRITE, ENODEV, THEN_GONE, \
  "enum.c usbblk_udev_disconnect() during the bulk-OUT data stage -> xfer.c TD -ENODEV, unpinned") \
S("unplug-csw-write", FAULT_DISCONNECT_CSW, 0, OP_WRITE, ENODEV, THEN_GONE, \
  "enum.c usbblk_udev_disconnect() after the WRITE's data -> bot.c bot_read_csw() -ENODEV") \
S("unplug-enum-dev8", FAULT_DISCONNECT_ENUM, ENUM_AT_DEV8, OP_ENUM_GONE, 0, THEN_GONE, \
  "enum.c udev_address(): 8-byte device descriptor times out -> udev_setup() fresh slot -> FAILED") \
S("unplug-enum-dev18", FAULT_DISCONNECT_ENUM, ENUM_AT_DEV18, OP_ENUM_GONE, 0, THEN_GONE, \
  "enum.c udev_read_descriptors(): 18-byte read times out -> FAILED, freed at the port change") \
S("unplug-enum-cfg9", FAULT_DISCONNECT_ENUM, ENUM_AT_CFG9, OP_ENUM_GONE, 0, THEN_GONE, \
  "enum.c udev_read_descriptors(): 9-byte configuration read fails -> FAILED") \
S("unplug-enum-cfg", FAULT_DISCONNECT_ENUM, ENUM_AT_CFG, OP_ENUM_GONE, 0, THEN_GONE, \
  "enum.c udev_read_descriptors(): wTotalLength read fails -> FAILED") \
S("unplug-enum-langid", FAULT_DISCONNECT_ENUM, ENUM_AT_LANGID, OP_ENUM_GONE, 0, THEN_GONE, \
  "enum.c udev_read_descriptors(): string 0 times out -> udev_configure() times out -> FAILED") \
S("unplug-enum-string", FAULT_DISCONNECT_ENUM, ENUM_AT_STRING, OP_ENUM_GONE, 0, THEN_GONE, \
  "enum.c read_string(): each string times out -> udev_configure() times out -> FAILED") \
S("unplug-enum-setconfig", FAULT_DISCONNECT_ENUM, ENUM_AT_SET_CONFIG, OP_ENUM_GONE, 0, THEN_GONE, \
  "enum.c udev_configure(): SET_CONFIGURATION fails after Configure Endpoint -> FAILED") \
S("unplug-enum-maxlun", FAULT_DISCONNECT_ENUM, ENUM_AT_MAXLUN, OP_ENUM_GONE, 0, THEN_GONE, \
  "bot.c usbblk_bot_max_lun() times out -> 0 -> lun.c usbblk_lun_probe(0) times out -> no LUN") \
S("unplug-enum-inquiry", FAULT_DISCONNECT_ENUM, ENUM_AT_INQUIRY, OP_ENUM_GONE, 0, THEN_GONE, \
  "lun.c usbblk_lun_probe(): INQUIRY's CBW times out -> bot.c bot_reset_recovery() -> no LUN") \
S("unplug-enum-tur", FAULT_DISCONNECT_ENUM, ENUM_AT_TUR, OP_ENUM_GONE, 0, THEN_GONE, \
  "lun.c lun_wait_ready(): TEST UNIT READY's CSW never comes -> bot.c recovery -> no LUN") \
S("unplug-enum-readcap", FAULT_DISCONNECT_ENUM, ENUM_AT_READCAP, OP_ENUM_GONE, 0, THEN_GONE, \
  "lun.c lun_read_capacity(): data stage times out -> bot.c bot_reset_recovery() -> no LUN") \
S("unplug-enum-lun1", FAULT_DISCONNECT_ENUM, ENUM_AT_LUN1, OP_ENUM_GONE, 0, THEN_GONE, \
  "msc.c msc_attach(): LUN 0 up, LUN 1's INQUIRY unanswered (the device left) ends the probe -> detach") \
S("desc-dev-short", FAULT_DESC, DESC_DEV_SHORT, OP_ENUM, 0, THEN_OK, \
  "enum.c device descriptor read -> desc.c usbblk_parse_device_desc() -EMSGSIZE") \
S("desc-dev-blen", FAULT_DESC, DESC_DEV_BLEN, OP_ENUM, EPROTO, THEN_OK, \
  "desc.c usbblk_parse_device_desc(): bLength 255, not 18 -> -EPROTO") \
S("desc-dev-noconfig", FAULT_DESC, DESC_DEV_NOCONFIG, OP_ENUM, EPROTO, THEN_OK, \
  "desc.c usbblk_parse_device_desc(): bNumConfigurations 0 -> -EPROTO") \
S("desc-dev-maxp0", FAULT_DESC, DESC_DEV_MAXP0, OP_ENUM, 0, THEN_OK, \
  "desc.c usbblk_ep0_maxp_valid(): bMaxPacketSize0 0") \
S("desc-cfg-trunc", FAULT_DESC, DESC_CFG_TRUNC, OP_ENUM, 0, THEN_OK, \
  "enum.c full configuration read short -> desc.c usbblk_parse_config() -EMSGSIZE") \
S("desc-cfg-total-huge", FAULT_DESC, DESC_CFG_TOTAL_HUGE, OP_ENUM, 0, THEN_OK, \
  "desc.c usbblk_config_total_length(): wTotalLength 65535") \
S("desc-cfg-total-small", FAULT_DESC, DESC_CFG_TOTAL_SMALL, OP_ENUM, 0, THEN_OK, \
  "desc.c usbblk_parse_config(): the interface cut by wTotalLength") \
S("desc-numif-0", FAULT_DESC, DESC_NUMIF_0, OP_ENUM, 0, THEN_OK, \
  "desc.c usbblk_parse_config(): bNumInterfaces 0") \
S("desc-numif-255", FAULT_DESC, DESC_NUMIF_255, OP_ENUM, 0, THEN_OK, \
  "desc.c usbblk_parse_config(): bNumInterfaces 255, one present") \
S("desc-numep-0", FAULT_DESC, DESC_NUMEP_0, OP_ENUM, 0, THEN_OK, \
  "desc.c usbblk_walk_end_if(): mass storage without endpoints") \
S("desc-numep-30", FAULT_DESC, DESC_NUMEP_30, OP_ENUM, 0, THEN_OK, \
  "desc.c usbblk_walk_end_if(): bNumEndpoints 30, two present") \
S("desc-maxp-0", FAULT_DESC, DESC_MAXP_0, OP_ENUM, 0, THEN_OK, \
  "desc.c usbblk_walk_endpoint(): wMaxPacketSize 0") \
S("desc-maxp-huge", FAULT_DESC, DESC_MAXP_HUGE, OP_ENUM, EPROTO, THEN_OK, \
  "desc.c usbblk_walk_endpoint(): wMaxPacketSize 65535 (2047), over the speed's 1024 -> -EPROTO") \
S("desc-no-companion", FAULT_DESC, DESC_NO_COMPANION, OP_ENUM, 0, THEN_OK, \
  "desc.c usbblk_walk_endpoint(): SuperSpeed endpoint without companion") \
S("desc-bad-companion", FAULT_DESC, DESC_BAD_COMPANION, OP_ENUM, 0, THEN_OK, \
  "desc.c usbblk_walk_ss_comp()/usbblk_walk_one(): companion bLength 2") \
S("desc-zero-length", FAULT_DESC, DESC_ZERO_LENGTH, OP_ENUM, 0, THEN_OK, \
  "desc.c usbblk_walk_one(): bLength 0 (a loop for a naive walk)") \
S("desc-blen-over", FAULT_DESC, DESC_BLEN_OVER, OP_ENUM, 0, THEN_OK, \
  "desc.c usbblk_walk_one(): bLength past wTotalLength") \
S("desc-str-odd", FAULT_DESC, DESC_STR_ODD, OP_STRINGS, 0, THEN_OK, \
  "desc.c usbblk_string_check(): odd bLength") \
S("desc-str-utf16", FAULT_DESC, DESC_STR_UTF16, OP_STRINGS, 0, THEN_OK, \
  "desc.c usbblk_string_to_utf8(): lone surrogates, NUL, U+FFFF") \
S("desc-str-blen-huge", FAULT_DESC, DESC_STR_BLEN_HUGE, OP_STRINGS, 0, THEN_OK, \
  "desc.c usbblk_string_check(): bLength beyond what was returned") \
S("desc-no-langid", FAULT_DESC, DESC_NO_LANGID, OP_STRINGS, 0, THEN_OK, \
  "enum.c string 0 STALLs -> no strings, device still configured") \
S("hub-255-ports", FAULT_DESC, DESC_HUB255, OP_ENUM, 0, THEN_OK, \
  "hub.c hub descriptor -> desc.c usbblk_parse_hub_desc(): 255 ports") \
S("desc-fuzz", FAULT_DESC_FUZZ, 0, OP_FUZZ, 0, THEN_OK, \
  "enum.c/desc.c: mutated configurations, each FAILED with an errno or used, never a crash")

const struct fd_scenario *fd_scenario_find(const char *name);

#endif
