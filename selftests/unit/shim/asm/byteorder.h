/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in: the uapi byte order macros under their kernel names. */
#ifndef _USBBLK_SHIM_BYTEORDER_H
#define _USBBLK_SHIM_BYTEORDER_H
#include_next <asm/byteorder.h>
#define cpu_to_le16(x)	((__le16)__cpu_to_le16(x))
#define cpu_to_le32(x)	((__le32)__cpu_to_le32(x))
#define cpu_to_le64(x)	((__le64)__cpu_to_le64(x))
#define le16_to_cpu(x)	__le16_to_cpu(x)
#define le32_to_cpu(x)	__le32_to_cpu(x)
#define le64_to_cpu(x)	__le64_to_cpu(x)
#define cpu_to_be32(x)	((__be32)__cpu_to_be32(x))
#define be32_to_cpu(x)	__be32_to_cpu(x)
#define cpu_to_be16(x)	((__be16)__cpu_to_be16(x))
#define be16_to_cpu(x)	__be16_to_cpu(x)
#define cpu_to_be64(x)	((__be64)__cpu_to_be64(x))
#define be64_to_cpu(x)	__be64_to_cpu(x)
#endif
