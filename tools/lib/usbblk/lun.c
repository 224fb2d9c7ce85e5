// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libusbblk: an open LUN node - its cached geometry, zero-copy sector I/O,
 * SYNC, sense, and buffers the driver can DMA into directly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

struct usbblk {
	int fd;
	struct usbblk_info info;
};

int usbblk_open(const char *path, int oflags, struct usbblk **hp)
{
	struct usbblk *h;
	int ret;

	if (!path || !hp || (oflags != O_RDONLY && oflags != O_RDWR))
		return -EINVAL;
	*hp = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->fd = open(path, oflags | O_CLOEXEC);
	if (h->fd < 0) {
		ret = -errno;
		free(h);
		return ret;
	}
	if (ioctl(h->fd, USBBLK_IOC_GET_INFO, &h->info)) {
		ret = -errno;
		goto fail;
	}
	/* the driver never reports these; a caller would divide by them */
	ret = -EIO;
	if (!h->info.block_size || !h->info.dma_alignment)
		goto fail;
	*hp = h;
	return 0;
fail:
	close(h->fd);
	free(h);
	return ret;
}

void usbblk_close(struct usbblk *h)
{
	if (!h)
		return;
	close(h->fd);
	free(h);
}

int usbblk_fd(const struct usbblk *h)
{
	return h->fd;
}

int usbblk_info(const struct usbblk *h, struct usbblk_info *info)
{
	*info = h->info;
	return 0;
}

/* One READ_SECTOR or WRITE_SECTOR: the buffer goes to the driver as it is. */
static int lun_io(struct usbblk *h, unsigned long req, uint64_t lba, const void *buf,
		  uint32_t count, uint32_t flags, uint32_t timeout_ms, uint32_t deadline_us)
{
	struct usbblk_io r = {
		.lba = lba,
		.buf = (uintptr_t)buf,
		.count = count,
		.flags = flags | (deadline_us ? USBBLK_IO_DEADLINE : 0),
		.timeout_ms = timeout_ms,
		.deadline_us = deadline_us,
	};

	return ioctl(h->fd, req, &r) ? -errno : 0;
}

int usbblk_read(struct usbblk *h, uint64_t lba, void *buf, uint32_t count,
		uint32_t flags, uint32_t timeout_ms)
{
	return lun_io(h, USBBLK_IOC_READ_SECTOR, lba, buf, count, flags, timeout_ms, 0);
}

int usbblk_read_deadline(struct usbblk *h, uint64_t lba, void *buf, uint32_t count,
			 uint32_t flags, uint32_t deadline_us)
{
	if (!deadline_us)
		return -EINVAL;
	return lun_io(h, USBBLK_IOC_READ_SECTOR, lba, buf, count, flags, 0, deadline_us);
}

int usbblk_write(struct usbblk *h, uint64_t lba, const void *buf, uint32_t count,
		 uint32_t flags, uint32_t timeout_ms)
{
	return lun_io(h, USBBLK_IOC_WRITE_SECTOR, lba, buf, count, flags, timeout_ms, 0);
}

int usbblk_write_deadline(struct usbblk *h, uint64_t lba, const void *buf, uint32_t count,
			  uint32_t flags, uint32_t deadline_us)
{
	if (!deadline_us)
		return -EINVAL;
	return lun_io(h, USBBLK_IOC_WRITE_SECTOR, lba, buf, count, flags, 0, deadline_us);
}

int usbblk_register_buffer(struct usbblk *h, void *buf, size_t len, uint32_t *index)
{
	struct usbblk_buf_reg reg = { .addr = (uintptr_t)buf, .len = len };

	if (ioctl(h->fd, USBBLK_IOC_REGISTER_BUF, &reg))
		return -errno;
	*index = reg.index;
	return 0;
}

int usbblk_unregister_buffer(struct usbblk *h, uint32_t index)
{
	return ioctl(h->fd, USBBLK_IOC_UNREGISTER_BUF, &index) ? -errno : 0;
}

/* READ/WRITE_SECTOR with USBBLK_IO_FIXED: @offset in buffer @index. */
static int lun_io_fixed(struct usbblk *h, unsigned long req, uint64_t lba, uint32_t index,
			uint64_t offset, uint32_t count, uint32_t flags, uint32_t timeout_ms)
{
	struct usbblk_io r = {
		.lba = lba,
		.buf = offset,
		.count = count,
		.flags = flags | USBBLK_IO_FIXED,
		.timeout_ms = timeout_ms,
		.reserved = { index },
	};

	return ioctl(h->fd, req, &r) ? -errno : 0;
}

int usbblk_read_fixed(struct usbblk *h, uint64_t lba, uint32_t index, uint64_t offset,
		      uint32_t count, uint32_t flags, uint32_t timeout_ms)
{
	return lun_io_fixed(h, USBBLK_IOC_READ_SECTOR, lba, index, offset, count, flags,
			    timeout_ms);
}

int usbblk_write_fixed(struct usbblk *h, uint64_t lba, uint32_t index, uint64_t offset,
		       uint32_t count, uint32_t flags, uint32_t timeout_ms)
{
	return lun_io_fixed(h, USBBLK_IOC_WRITE_SECTOR, lba, index, offset, count, flags,
			    timeout_ms);
}

int usbblk_state(struct usbblk *h, uint32_t *state, uint32_t *recoveries)
{
	struct usbblk_info info;

	if (ioctl(h->fd, USBBLK_IOC_GET_INFO, &info))
		return -errno;
	*state = info.state;
	*recoveries = info.recoveries;
	return 0;
}

int usbblk_sync(struct usbblk *h)
{
	return ioctl(h->fd, USBBLK_IOC_SYNC) ? -errno : 0;
}

int usbblk_sense(struct usbblk *h, struct usbblk_sense *sense)
{
	memset(sense, 0, sizeof(*sense));
	return ioctl(h->fd, USBBLK_IOC_GET_SENSE, sense) ? -errno : 0;
}

static size_t page_size(void)
{
	long pg = sysconf(_SC_PAGESIZE);

	return pg > 0 ? (size_t)pg : 4096;
}

int usbblk__buf_alloc_aligned(size_t align, size_t size, unsigned int flags, void **bufp)
{
	size_t pg = page_size(), len, map, head;
	uint8_t *p, *start;
	int ret;

	if (!bufp || !size || (flags & ~USBBLK_BUF_MLOCK) || !align || (align & (align - 1)))
		return -EINVAL;
	*bufp = NULL;
	if (align < pg)
		align = pg;
	if (size > SIZE_MAX - pg - align)
		return -ENOMEM;
	len = (size + pg - 1) & ~(pg - 1);
	/* alignments above the page size: map more, trim both ends */
	map = len + align - pg;
	p = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	start = (uint8_t *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	head = start - p;
	if (head)
		munmap(p, head);
	if (map - head > len)
		munmap(start + len, map - head - len);
	if ((flags & USBBLK_BUF_MLOCK) && mlock(start, len)) {
		ret = -errno;
		munmap(start, len);
		return ret;
	}
	*bufp = start;
	return 0;
}

int usbblk_buf_alloc(const struct usbblk *h, size_t size, unsigned int flags, void **bufp)
{
	return usbblk__buf_alloc_aligned(h ? h->info.dma_alignment : 1, size, flags, bufp);
}

void usbblk_buf_free(void *buf, size_t size)
{
	size_t pg = page_size();

	if (buf && size)
		munmap(buf, (size + pg - 1) & ~(pg - 1));
}
