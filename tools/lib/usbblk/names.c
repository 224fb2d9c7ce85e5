// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libusbblk: names - errnos, SCSI sense keys and additional sense codes,
 * USB speeds, device states and port paths - and usbblk_strerror().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/usb/ch9.h>

#include "libusbblk.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define E(x) { x, #x }
static const struct {
	int err;
	const char *name;
} errnos[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(EFBIG),
	E(ENOSPC), E(ESPIPE), E(EROFS), E(EPIPE), E(EDOM), E(ERANGE),
	E(EDEADLK), E(ENAMETOOLONG), E(ENOSYS), E(ENODATA), E(ETIME), E(EPROTO),
	E(EBADMSG), E(EOVERFLOW), E(EILSEQ), E(EOPNOTSUPP), E(ECONNRESET),
	E(ENOBUFS), E(ESHUTDOWN), E(ETIMEDOUT), E(EHOSTDOWN), E(EALREADY),
	E(EINPROGRESS), E(ESTALE), E(EREMOTEIO), E(EDQUOT), E(ENOMEDIUM),
	E(EMEDIUMTYPE), E(ECANCELED), E(ENOLINK), E(EMSGSIZE),
};
#undef E

const char *usbblk_errno_name(int err)
{
	unsigned int i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].err == err)
			return errnos[i].name;
	return NULL;
}

/* SPC-4 sense keys */
static const char *const sense_keys[16] = {
	"NO SENSE", "RECOVERED ERROR", "NOT READY", "MEDIUM ERROR",
	"HARDWARE ERROR", "ILLEGAL REQUEST", "UNIT ATTENTION", "DATA PROTECT",
	"BLANK CHECK", "VENDOR SPECIFIC", "COPY ABORTED", "ABORTED COMMAND",
	"RESERVED", "VOLUME OVERFLOW", "MISCOMPARE", "COMPLETED",
};

const char *usbblk_sense_key_name(unsigned int key)
{
	return key < ARRAY_SIZE(sense_keys) ? sense_keys[key] : "RESERVED";
}

#define ANY_ASCQ 0x100	/* the code's text for any qualifier not listed */
static const struct {
	unsigned short asc, ascq;
	const char *text;
} ascs[] = {
	{ 0x00, 0x00, "no additional sense information" },
	{ 0x00, 0x06, "I/O process terminated" },
	{ 0x04, 0x00, "logical unit not ready, cause not reportable" },
	{ 0x04, 0x01, "logical unit is in process of becoming ready" },
	{ 0x04, 0x02, "logical unit not ready, initializing command required" },
	{ 0x04, 0x03, "logical unit not ready, manual intervention required" },
	{ 0x04, ANY_ASCQ, "logical unit not ready" },
	{ 0x08, ANY_ASCQ, "logical unit communication failure" },
	{ 0x0c, 0x00, "write error" },
	{ 0x0c, ANY_ASCQ, "write error" },
	{ 0x10, ANY_ASCQ, "ID CRC or ECC error" },
	{ 0x11, 0x00, "unrecovered read error" },
	{ 0x11, 0x01, "read retries exhausted" },
	{ 0x11, ANY_ASCQ, "unrecovered read error" },
	{ 0x14, 0x01, "record not found" },
	{ 0x15, ANY_ASCQ, "positioning error" },
	{ 0x1a, 0x00, "parameter list length error" },
	{ 0x20, 0x00, "invalid command operation code" },
	{ 0x21, 0x00, "logical block address out of range" },
	{ 0x24, 0x00, "invalid field in CDB" },
	{ 0x25, 0x00, "logical unit not supported" },
	{ 0x26, ANY_ASCQ, "invalid field in parameter list" },
	{ 0x27, ANY_ASCQ, "write protected" },
	{ 0x28, 0x00, "not ready to ready change, medium may have changed" },
	{ 0x29, ANY_ASCQ, "power on, reset, or bus device reset occurred" },
	{ 0x2a, ANY_ASCQ, "parameters changed" },
	{ 0x30, ANY_ASCQ, "incompatible medium installed" },
	{ 0x31, ANY_ASCQ, "medium format corrupted" },
	{ 0x3a, 0x00, "medium not present" },
	{ 0x3a, 0x01, "medium not present, tray closed" },
	{ 0x3a, 0x02, "medium not present, tray open" },
	{ 0x3a, ANY_ASCQ, "medium not present" },
	{ 0x3e, 0x01, "logical unit failure" },
	{ 0x3e, ANY_ASCQ, "logical unit has not self-configured yet" },
	{ 0x44, ANY_ASCQ, "internal target failure" },
	{ 0x47, ANY_ASCQ, "SCSI parity error" },
	{ 0x4e, 0x00, "overlapped commands attempted" },
	{ 0x5d, ANY_ASCQ, "failure prediction threshold exceeded" },
	{ 0x65, 0x00, "voltage fault" },
};

const char *usbblk_asc_name(unsigned int asc, unsigned int ascq)
{
	const char *any = NULL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ascs); i++) {
		if (ascs[i].asc != asc)
			continue;
		if (ascs[i].ascq == ascq)
			return ascs[i].text;
		if (ascs[i].ascq == ANY_ASCQ)
			any = ascs[i].text;
	}
	return any;
}

/* The commands usbblk sends (SBC-3, SPC-4) */
static const char *opcode_name(unsigned int op)
{
	switch (op) {
	case 0x00:	return "TEST UNIT READY";
	case 0x03:	return "REQUEST SENSE";
	case 0x12:	return "INQUIRY";
	case 0x1a:	return "MODE SENSE(6)";
	case 0x1b:	return "START STOP UNIT";
	case 0x1e:	return "PREVENT ALLOW MEDIUM REMOVAL";
	case 0x25:	return "READ CAPACITY(10)";
	case 0x28:	return "READ(10)";
	case 0x2a:	return "WRITE(10)";
	case 0x35:	return "SYNCHRONIZE CACHE(10)";
	case 0x5a:	return "MODE SENSE(10)";
	case 0x88:	return "READ(16)";
	case 0x8a:	return "WRITE(16)";
	case 0x91:	return "SYNCHRONIZE CACHE(16)";
	case 0x9e:	return "READ CAPACITY(16)";
	default:	return NULL;
	}
}

const char *usbblk_strerror(int err, const struct usbblk_sense *sense, char *buf,
			    size_t size)
{
	const char *name, *asc, *op;
	size_t n;

	if (!buf || !size)
		return buf;
	if (err < 0)
		err = -err;
	name = usbblk_errno_name(err);
	if (name)
		n = snprintf(buf, size, "%s (%s)", name, strerror(err));
	else
		n = snprintf(buf, size, "errno %d (%s)", err, strerror(err));
	if (n >= size || !sense || sense->error != err || (!sense->key && !sense->asc))
		return buf;
	n += snprintf(buf + n, size - n, ": sense %s (%x/%02x/%02x", usbblk_sense_key_name(sense->key),
		      sense->key, sense->asc, sense->ascq);
	asc = usbblk_asc_name(sense->asc, sense->ascq);
	if (n < size && asc)
		n += snprintf(buf + n, size - n, ": %s", asc);
	if (n < size)
		n += snprintf(buf + n, size - n, ")");
	if (n < size && sense->info_valid)
		n += snprintf(buf + n, size - n, ", LBA %llu", (unsigned long long)sense->info);
	op = opcode_name(sense->opcode);
	if (n < size && op)
		snprintf(buf + n, size - n, ", %s", op);
	else if (n < size)
		snprintf(buf + n, size - n, ", opcode %#04x", sense->opcode);
	return buf;
}

static const struct {
	unsigned int speed;
	const char *name;
} speeds[] = {
	{ USB_SPEED_LOW, "low-speed" },
	{ USB_SPEED_FULL, "full-speed" },
	{ USB_SPEED_HIGH, "high-speed" },
	{ USB_SPEED_WIRELESS, "wireless" },
	{ USB_SPEED_SUPER, "super-speed" },
	{ USB_SPEED_SUPER_PLUS, "super-speed-plus" },
};

const char *usbblk_speed_name(unsigned int speed)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(speeds); i++)
		if (speeds[i].speed == speed)
			return speeds[i].name;
	return "unknown";
}

/* NAME equals FULL with its "-speed" left out ("super-plus", "high") */
static int short_speed(const char *name, const char *full)
{
	const char *dash = strstr(full, "-speed");
	size_t head;

	if (!dash)
		return 0;
	head = dash - full;
	return !strncmp(name, full, head) && !strcmp(name + head, dash + strlen("-speed"));
}

unsigned int usbblk_speed_from_name(const char *name)
{
	unsigned int i;

	if (!name)
		return USB_SPEED_UNKNOWN;
	for (i = 0; i < ARRAY_SIZE(speeds); i++)
		if (!strcmp(name, speeds[i].name) || short_speed(name, speeds[i].name))
			return speeds[i].speed;
	return USB_SPEED_UNKNOWN;
}

const char *usbblk_state_name(unsigned int state)
{
	switch (state) {
	case USBBLK_DEV_ADDRESSED:	return "addressed";
	case USBBLK_DEV_CONFIGURED:	return "configured";
	default:			return "failed";
	}
}

const char *usbblk_path_name(const uint8_t *path, unsigned int depth, char *buf,
			     size_t size)
{
	unsigned int i;
	size_t n;

	if (!buf || !size)
		return buf;
	n = snprintf(buf, size, "%u", path[0]);
	for (i = 1; i <= depth && i <= USBBLK_MAX_TIERS && n < size; i++)
		n += snprintf(buf + n, size - n, ".%u", path[i]);
	return buf;
}
