/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for the kernel's <asm/unaligned.h>: memcpy + endian conversion. */
#ifndef _USBBLK_SHIM_ASM_UNALIGNED_H
#define _USBBLK_SHIM_ASM_UNALIGNED_H
#include <endian.h>
#include <string.h>
#include <linux/types.h>

static inline u16 get_unaligned_le16(const void *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

static inline u32 get_unaligned_le32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline u64 get_unaligned_le64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static inline void put_unaligned_le16(u16 val, void *p)
{
	val = htole16(val);
	memcpy(p, &val, sizeof(val));
}

static inline void put_unaligned_le32(u32 val, void *p)
{
	val = htole32(val);
	memcpy(p, &val, sizeof(val));
}

static inline void put_unaligned_le64(u64 val, void *p)
{
	val = htole64(val);
	memcpy(p, &val, sizeof(val));
}

static inline u16 get_unaligned_be16(const void *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return be16toh(v);
}

static inline u32 get_unaligned_be32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static inline u64 get_unaligned_be64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return be64toh(v);
}

static inline void put_unaligned_be16(u16 val, void *p)
{
	val = htobe16(val);
	memcpy(p, &val, sizeof(val));
}

static inline void put_unaligned_be32(u32 val, void *p)
{
	val = htobe32(val);
	memcpy(p, &val, sizeof(val));
}

static inline void put_unaligned_be64(u64 val, void *p)
{
	val = htobe64(val);
	memcpy(p, &val, sizeof(val));
}
#endif
