/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for the kernel's <scsi/scsi_proto.h>: the opcodes and
 * sense keys the pure code uses, values from SPC/SBC as in the kernel header.
 */
#ifndef _USBBLK_SHIM_SCSI_PROTO_H
#define _USBBLK_SHIM_SCSI_PROTO_H
#define TEST_UNIT_READY		0x00
#define REQUEST_SENSE		0x03
#define INQUIRY			0x12
#define MODE_SENSE		0x1a
#define READ_CAPACITY		0x25
#define READ_10			0x28
#define WRITE_10		0x2a
#define SYNCHRONIZE_CACHE	0x35
#define READ_16			0x88
#define WRITE_16		0x8a
#define SERVICE_ACTION_IN_16	0x9e
#define SAI_READ_CAPACITY_16	0x10

#define NO_SENSE		0x00
#define RECOVERED_ERROR		0x01
#define NOT_READY		0x02
#define MEDIUM_ERROR		0x03
#define HARDWARE_ERROR		0x04
#define ILLEGAL_REQUEST		0x05
#define UNIT_ATTENTION		0x06
#define DATA_PROTECT		0x07
#define BLANK_CHECK		0x08
#define VENDOR_SPECIFIC		0x09
#define COPY_ABORTED		0x0a
#define ABORTED_COMMAND		0x0b
#define VOLUME_OVERFLOW		0x0d
#define MISCOMPARE		0x0e

#define TYPE_DISK		0x00
#endif
