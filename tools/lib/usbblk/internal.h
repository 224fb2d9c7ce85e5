/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libusbblk internals: the system seam usbblk_enumerate() is built on.
 *
 * The tree builder reaches the system only through struct usbblk_sys: the
 * library passes the real one (readdir, open, ioctl, close), the host
 * unit tests pass one that answers ENUMERATE and GET_INFO from prepared
 * data, so the tree logic (matching, hub links, growing the device array,
 * nodes that vanish) is tested without hardware.  Not installed, not
 * exported (the symbol map hides usbblk__*).
 *
 * The .c files are also compiled as one unit (the Go binding includes
 * them all into one cgo file): no static name may appear in two of them.
 */
#ifndef _LIBUSBBLK_INTERNAL_H
#define _LIBUSBBLK_INTERNAL_H

#include "libusbblk.h"

/**
 * struct usbblk_sys - what the tree builder needs of the system
 * @list:	the entry names of /dev beginning with "usbblk" (the caller
 *		frees each and the array); 0 or -errno
 * @open:	open(path, flags | O_CLOEXEC): a descriptor or -errno
 * @ioctl:	ioctl(fd, req, arg): 0 or -errno
 * @close:	close(fd)
 */
struct usbblk_sys {
	int (*list)(void *ctx, char ***names, unsigned int *n);
	int (*open)(void *ctx, const char *path, int flags);
	int (*ioctl)(void *ctx, int fd, unsigned long req, void *arg);
	void (*close)(void *ctx, int fd);
};

/* usbblk_enumerate() with a given system; usbblk_enumerate() passes the real one. */
int usbblk__enumerate_sys(const struct usbblk_sys *sys, void *ctx, unsigned int flags,
			  struct usbblk_tree **tree);

/* usbblk_buf_alloc() with an explicit alignment (a power of two) */
int usbblk__buf_alloc_aligned(size_t align, size_t size, unsigned int flags, void **buf);

#endif /* _LIBUSBBLK_INTERNAL_H */
