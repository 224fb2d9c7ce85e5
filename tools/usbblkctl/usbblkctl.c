// SPDX-License-Identifier: GPL-2.0
/*
 * usbblkctl - command-line front end to the usbblk driver.
 *
 *   usbblkctl list                      controllers, ports, devices, LUNs
 *   usbblkctl info DEV [--json]         a controller (/dev/usbblk-hcN) or
 *                                       a LUN (/dev/usbblkN)
 *   usbblkctl read DEV --lba N --count N [-o FILE] [--timeout MS]
 *                                       blocks to FILE (default stdout)
 *   usbblkctl write DEV --lba N -i FILE [--fua] [--timeout MS]
 *                                       FILE (whole blocks) to the LUN
 *   usbblkctl sync DEV                  SYNCHRONIZE CACHE
 *   usbblkctl sense DEV                 the last failed command's sense
 *
 * Exit status: 0 on success, 1 on an error (errno reported), 2 on usage.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdint.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/usbblk.h>
#include "usbblk-names.h"
#include "usbblk-test.h"

static const char *prog = "usbblkctl";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s list\n"
		"       %s info DEV [--json]\n"
		"       %s read DEV --lba N --count N [-o FILE] [--timeout MS]\n"
		"       %s write DEV --lba N -i FILE [--fua] [--timeout MS]\n"
		"       %s sync DEV\n"
		"       %s sense DEV\n"
		"DEV is a usbblk device node: /dev/usbblk-hcN (a controller) or\n"
		"/dev/usbblkN (a LUN)\n",
		prog, prog, prog, prog, prog, prog);
}

#define MAX_DEVICES 64
static struct usbblk_device_info devs[MAX_DEVICES];

static int enumerate(const char *dev, struct usbblk_enumerate *e)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, dev, strerror(errno));
		return -1;
	}
	memset(e, 0, sizeof(*e));
	memset(devs, 0, sizeof(devs));
	e->devices = (uintptr_t)devs;
	e->max_devices = MAX_DEVICES;
	if (ioctl(fd, USBBLK_IOC_ENUMERATE, e)) {
		fprintf(stderr, "%s: %s: ENUMERATE: %s\n", prog, dev, strerror(errno));
		ret = -1;
	}
	close(fd);
	return ret;
}

/* JSON string: escape what JSON requires, pass UTF-8 through */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_devices_text(const struct usbblk_enumerate *e)
{
	unsigned int i, n = e->ndevices < MAX_DEVICES ? e->ndevices : MAX_DEVICES;

	for (i = 0; i < n; i++) {
		const struct usbblk_device_info *d = &devs[i];
		char path[32];

		usbblk_path_name(d->path, d->depth, path, sizeof(path));
		printf("  device %-7s %04x:%04x %-11s %-10s slot %-3u %s%s\"%s\" \"%s\" serial \"%s\", class %02x/%02x/%02x, %llu us",
		       path, d->vendor_id, d->product_id, usbblk_speed_name(d->speed),
		       usbblk_state_name(d->state), d->slot_id,
		       d->flags & USBBLK_DEV_MASS_STORAGE ? "mass-storage " : "",
		       d->flags & USBBLK_DEV_HUB ? "hub " : "",
		       d->manufacturer, d->product, d->serial, d->if_class, d->if_subclass,
		       d->if_protocol, (unsigned long long)d->enum_ns / 1000);
		if (d->error)
			printf(", error: %s", strerror(d->error));
		printf("\n");
	}
}

static void print_devices_json(const struct usbblk_enumerate *e)
{
	unsigned int i, n = e->ndevices < MAX_DEVICES ? e->ndevices : MAX_DEVICES;

	printf(",\"devices\":[");
	for (i = 0; i < n; i++) {
		const struct usbblk_device_info *d = &devs[i];
		char path[32];

		usbblk_path_name(d->path, d->depth, path, sizeof(path));
		printf("%s{\"path\":\"%s\",\"root_port\":%u,\"depth\":%u,\"route\":%u,"
		       "\"slot\":%u,\"speed\":\"%s\",\"state\":\"%s\",\"mass_storage\":%s,"
		       "\"hub\":%s,\"vendor_id\":\"%04x\",\"product_id\":\"%04x\","
		       "\"bcd_device\":\"%04x\",\"bcd_usb\":\"%04x\","
		       "\"class\":[%u,%u,%u],\"interface_class\":[%u,%u,%u],"
		       "\"config\":%u,\"error\":%d,\"enum_ns\":%llu,\"manufacturer\":",
		       i ? "," : "", path, d->root_port, d->depth, d->route, d->slot_id,
		       usbblk_speed_name(d->speed), usbblk_state_name(d->state),
		       d->flags & USBBLK_DEV_MASS_STORAGE ? "true" : "false",
		       d->flags & USBBLK_DEV_HUB ? "true" : "false",
		       d->vendor_id, d->product_id, d->bcd_device, d->bcd_usb,
		       d->dev_class, d->dev_subclass, d->dev_protocol,
		       d->if_class, d->if_subclass, d->if_protocol, d->config_value,
		       d->error, (unsigned long long)d->enum_ns);
		json_str(d->manufacturer);
		printf(",\"product\":");
		json_str(d->product);
		printf(",\"serial\":");
		json_str(d->serial);
		printf("}");
	}
	printf("]");
}

static void print_text(const char *dev, const struct usbblk_enumerate *e)
{
	const struct usbblk_hc_info *hc = &e->hc;
	unsigned int i;

	printf("%s: %s, xHCI %x.%02x, %u slots, %u ports, %u interrupters, %u scratchpads, %s-bit DMA, %u-byte contexts, %s, irq %u%s\n",
	       dev, hc->name, hc->hci_version >> 8, hc->hci_version & 0xff,
	       hc->max_slots, hc->max_ports, hc->max_intrs, hc->max_scratchpads,
	       hc->flags & USBBLK_HC_AC64 ? "64" : "32",
	       hc->flags & USBBLK_HC_CSZ64 ? 64 : 32,
	       hc->flags & USBBLK_HC_PCI ? "pci" : "of", hc->irq,
	       hc->flags & USBBLK_HC_RUNNING ? ", running" : ", halted");
	for (i = 0; i < e->nports; i++) {
		const struct usbblk_port *p = &e->ports[i];

		printf("  port %-3u USB%c %-13s %s%s%s link %-2u portsc %08x\n",
		       p->port, p->flags & USBBLK_PORT_USB3 ? '3' : '2',
		       p->flags & USBBLK_PORT_CONNECTED ? "connected" : "-",
		       p->flags & USBBLK_PORT_CONNECTED ? usbblk_speed_name(p->speed) : "",
		       p->flags & USBBLK_PORT_ENABLED ? " enabled" : "",
		       p->flags & USBBLK_PORT_POWERED ? " powered" : " unpowered",
		       p->link_state, p->portsc);
	}
	print_devices_text(e);
}

static void print_json(const char *dev, const struct usbblk_enumerate *e)
{
	const struct usbblk_hc_info *hc = &e->hc;
	unsigned int i;

	printf("{\"device\":\"%s\",\"name\":\"%s\",\"hci_version\":%u,"
	       "\"max_slots\":%u,\"max_ports\":%u,\"max_intrs\":%u,"
	       "\"max_scratchpads\":%u,\"ac64\":%s,\"csz64\":%s,\"bus\":\"%s\","
	       "\"running\":%s,\"irq\":%u,\"page_size\":%u,\"ports\":[",
	       dev, hc->name, hc->hci_version, hc->max_slots, hc->max_ports,
	       hc->max_intrs, hc->max_scratchpads,
	       hc->flags & USBBLK_HC_AC64 ? "true" : "false",
	       hc->flags & USBBLK_HC_CSZ64 ? "true" : "false",
	       hc->flags & USBBLK_HC_PCI ? "pci" : "of",
	       hc->flags & USBBLK_HC_RUNNING ? "true" : "false",
	       hc->irq, hc->page_size);
	for (i = 0; i < e->nports; i++) {
		const struct usbblk_port *p = &e->ports[i];

		printf("%s{\"port\":%u,\"usb3\":%s,\"connected\":%s,\"enabled\":%s,"
		       "\"powered\":%s,\"speed\":\"%s\",\"link_state\":%u,\"portsc\":%u}",
		       i ? "," : "", p->port,
		       p->flags & USBBLK_PORT_USB3 ? "true" : "false",
		       p->flags & USBBLK_PORT_CONNECTED ? "true" : "false",
		       p->flags & USBBLK_PORT_ENABLED ? "true" : "false",
		       p->flags & USBBLK_PORT_POWERED ? "true" : "false",
		       usbblk_speed_name(p->speed), p->link_state, p->portsc);
	}
	printf("]");
	print_devices_json(e);
	printf("}\n");
}

static int lun_open(const char *dev, int flags, struct usbblk_info *info)
{
	int fd = open(dev, flags | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, dev, strerror(errno));
		return -1;
	}
	memset(info, 0, sizeof(*info));
	if (ioctl(fd, USBBLK_IOC_GET_INFO, info)) {
		fprintf(stderr, "%s: %s: GET_INFO: %s%s\n", prog, dev, strerror(errno),
			errno == ENOTTY ? " (not a LUN node?)" : "");
		close(fd);
		return -1;
	}
	return fd;
}

static void print_lun(const char *dev, const struct usbblk_info *i, int json)
{
	char path[32];

	usbblk_path_name(i->path, i->depth, path, sizeof(path));
	if (!json) {
		printf("%s: \"%s %s %s\" lun %u/%u, %" PRIu64 " blocks of %u bytes (%.1f MiB), %s, hc%u port %s, %04x:%04x serial \"%s\", max %u blocks a command, alignment %u%s%s%s%s\n",
		       dev, i->vendor, i->product, i->revision, i->lun, i->max_lun,
		       (uint64_t)i->capacity, i->block_size,
		       (double)i->capacity * i->block_size / (1 << 20),
		       usbblk_speed_name(i->speed), i->hc, path, i->vendor_id, i->product_id,
		       i->serial, i->max_sectors, i->dma_alignment,
		       i->flags & USBBLK_INFO_WRITE_PROTECT ? ", write-protected" : "",
		       i->flags & USBBLK_INFO_REMOVABLE ? ", removable" : "",
		       i->flags & USBBLK_INFO_ZERO_COPY ? ", zero-copy" : "",
		       i->flags & USBBLK_INFO_BOUNCE ? ", DMA-limited (may bounce)" : "");
		return;
	}
	printf("{\"device\":\"%s\",\"capacity\":%" PRIu64 ",\"block_size\":%u,"
	       "\"bytes\":%" PRIu64 ",\"max_sectors\":%u,\"dma_alignment\":%u,"
	       "\"lun\":%u,\"max_lun\":%u,\"speed\":\"%s\",\"hc\":%u,\"path\":\"%s\","
	       "\"vendor_id\":\"%04x\",\"product_id\":\"%04x\",\"scsi_type\":%u,"
	       "\"write_protect\":%s,\"removable\":%s,\"zero_copy\":%s,\"bounce\":%s,"
	       "\"vendor\":",
	       dev, (uint64_t)i->capacity, i->block_size,
	       (uint64_t)i->capacity * i->block_size, i->max_sectors, i->dma_alignment,
	       i->lun, i->max_lun, usbblk_speed_name(i->speed), i->hc, path,
	       i->vendor_id, i->product_id, i->scsi_type,
	       i->flags & USBBLK_INFO_WRITE_PROTECT ? "true" : "false",
	       i->flags & USBBLK_INFO_REMOVABLE ? "true" : "false",
	       i->flags & USBBLK_INFO_ZERO_COPY ? "true" : "false",
	       i->flags & USBBLK_INFO_BOUNCE ? "true" : "false");
	json_str(i->vendor);
	printf(",\"product\":");
	json_str(i->product);
	printf(",\"revision\":");
	json_str(i->revision);
	printf(",\"serial\":");
	json_str(i->serial);
	printf("}\n");
}

static int cmd_list(void)
{
	struct usbblk_enumerate e;
	struct dirent **names;
	int n, i, ret = 0, found = 0;

	n = scandir("/dev", &names, NULL, alphasort);
	if (n < 0) {
		perror("/dev");
		return 1;
	}
	for (i = 0; i < n; i++) {
		char path[300];

		if (!strncmp(names[i]->d_name, "usbblk-hc", 9)) {
			snprintf(path, sizeof(path), "/dev/%s", names[i]->d_name);
			found++;
			if (enumerate(path, &e))
				ret = 1;
			else
				print_text(path, &e);
		}
		free(names[i]);
	}
	free(names);
	n = scandir("/dev", &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		char path[300];
		struct usbblk_info info;
		int fd;

		if (!strncmp(names[i]->d_name, "usbblk", 6) &&
		    names[i]->d_name[6] >= '0' && names[i]->d_name[6] <= '9') {
			snprintf(path, sizeof(path), "/dev/%s", names[i]->d_name);
			fd = lun_open(path, O_RDONLY, &info);
			if (fd < 0) {
				ret = 1;
			} else {
				print_lun(path, &info, 0);
				close(fd);
			}
		}
		free(names[i]);
	}
	free(names);
	if (!found)
		printf("no usbblk controllers\n");
	return ret;
}

static int cmd_info(int argc, char **argv)
{
	struct usbblk_enumerate e;
	const char *dev = NULL;
	int json = 0, i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!dev && argv[i][0] != '-')
			dev = argv[i];
		else
			goto bad;
	}
	if (!dev)
		goto bad;
	{
		struct usbblk_info info;
		int fd = open(dev, O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			memset(&info, 0, sizeof(info));
			if (!ioctl(fd, USBBLK_IOC_GET_INFO, &info)) {
				print_lun(dev, &info, json);
				close(fd);
				return 0;
			}
			close(fd);
		}
	}
	if (enumerate(dev, &e))
		return 1;
	if (json)
		print_json(dev, &e);
	else
		print_text(dev, &e);
	return 0;
bad:
	usage(stderr);
	return 2;
}

struct rw_args {
	const char *dev, *file;
	unsigned long long lba, count;
	unsigned int timeout;
	int have_lba, have_count, fua;
};

static int parse_rw(int argc, char **argv, struct rw_args *a, int write)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		const char *o = argv[i];
		char *end;

		if (!strcmp(o, "--fua") && write) {
			a->fua = 1;
		} else if (i + 1 < argc && (!strcmp(o, "--lba") || !strcmp(o, "--count") ||
					    !strcmp(o, "--timeout"))) {
			unsigned long long v = strtoull(argv[++i], &end, 0);

			if (*end)
				return -1;
			if (o[2] == 'l') {
				a->lba = v;
				a->have_lba = 1;
			} else if (o[2] == 'c') {
				a->count = v;
				a->have_count = 1;
			} else {
				a->timeout = v;
			}
		} else if (i + 1 < argc && !strcmp(o, write ? "-i" : "-o")) {
			a->file = argv[++i];
		} else if (!a->dev && o[0] != '-') {
			a->dev = o;
		} else {
			return -1;
		}
	}
	if (!a->dev || !a->have_lba || (write ? !a->file : !a->have_count))
		return -1;
	return 0;
}

static int do_io(int fd, const char *dev, unsigned long req, uint64_t lba, void *buf,
		 uint32_t count, uint32_t flags, uint32_t timeout)
{
	int ret = usbblk_io(fd, req, lba, buf, count, flags, timeout);

	if (ret)
		fprintf(stderr, "%s: %s: %s at lba %" PRIu64 ": %s\n", prog, dev,
			req == USBBLK_IOC_READ_SECTOR ? "read" : "write", lba, strerror(-ret));
	return ret;
}

/* Move at most this much per ioctl so the buffer stays modest. */
#define CHUNK_BYTES (4u << 20)

static int cmd_read(int argc, char **argv)
{
	struct usbblk_info info;
	struct rw_args a;
	uint64_t done = 0;
	void *buf = NULL;
	int fd, out = 1, ret = 1;
	uint32_t per;

	if (parse_rw(argc, argv, &a, 0)) {
		usage(stderr);
		return 2;
	}
	fd = lun_open(a.dev, O_RDONLY, &info);
	if (fd < 0)
		return 1;
	if (a.file) {
		out = open(a.file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, a.file, strerror(errno));
			goto done;
		}
	}
	per = CHUNK_BYTES / info.block_size;
	if (posix_memalign(&buf, info.dma_alignment > 4096 ? info.dma_alignment : 4096,
			   (size_t)per * info.block_size))
		goto done;
	while (done < a.count) {
		uint32_t n = a.count - done < per ? a.count - done : per;
		size_t len = (size_t)n * info.block_size;

		if (do_io(fd, a.dev, USBBLK_IOC_READ_SECTOR, a.lba + done, buf, n, 0, a.timeout))
			goto done;
		if (write(out, buf, len) != (ssize_t)len) {
			fprintf(stderr, "%s: write: %s\n", prog, strerror(errno));
			goto done;
		}
		done += n;
	}
	ret = 0;
done:
	free(buf);
	if (out > 1)
		close(out);
	close(fd);
	return ret;
}

static int cmd_write(int argc, char **argv)
{
	struct usbblk_info info;
	struct rw_args a;
	struct stat st;
	uint64_t done = 0, count;
	void *buf = NULL;
	int fd, in = -1, ret = 1;
	uint32_t per;

	if (parse_rw(argc, argv, &a, 1)) {
		usage(stderr);
		return 2;
	}
	fd = lun_open(a.dev, O_RDWR, &info);
	if (fd < 0)
		return 1;
	in = open(a.file, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st)) {
		fprintf(stderr, "%s: %s: %s\n", prog, a.file, strerror(errno));
		goto done;
	}
	if (!st.st_size || st.st_size % info.block_size) {
		fprintf(stderr, "%s: %s: %lld bytes is not a whole number of %u-byte blocks\n",
			prog, a.file, (long long)st.st_size, info.block_size);
		goto done;
	}
	count = st.st_size / info.block_size;
	per = CHUNK_BYTES / info.block_size;
	if (posix_memalign(&buf, info.dma_alignment > 4096 ? info.dma_alignment : 4096,
			   (size_t)per * info.block_size))
		goto done;
	while (done < count) {
		uint32_t n = count - done < per ? count - done : per;
		size_t len = (size_t)n * info.block_size;

		if (read(in, buf, len) != (ssize_t)len) {
			fprintf(stderr, "%s: %s: short read\n", prog, a.file);
			goto done;
		}
		if (do_io(fd, a.dev, USBBLK_IOC_WRITE_SECTOR, a.lba + done, buf, n,
			  a.fua ? USBBLK_IO_FUA : 0, a.timeout))
			goto done;
		done += n;
	}
	ret = 0;
done:
	free(buf);
	if (in >= 0)
		close(in);
	close(fd);
	return ret;
}

static int cmd_sync(const char *dev)
{
	struct usbblk_info info;
	int fd = lun_open(dev, O_RDWR, &info);
	int ret = 0;

	if (fd < 0)
		return 1;
	if (ioctl(fd, USBBLK_IOC_SYNC)) {
		fprintf(stderr, "%s: %s: SYNC: %s\n", prog, dev, strerror(errno));
		ret = 1;
	}
	close(fd);
	return ret;
}

static int cmd_sense(const char *dev)
{
	struct usbblk_info info;
	struct usbblk_sense s;
	int fd = lun_open(dev, O_RDONLY, &info);

	if (fd < 0)
		return 1;
	memset(&s, 0, sizeof(s));
	if (ioctl(fd, USBBLK_IOC_GET_SENSE, &s)) {
		fprintf(stderr, "%s: %s: GET_SENSE: %s\n", prog, dev, strerror(errno));
		close(fd);
		return 1;
	}
	printf("%s: opcode %#04x: sense key %#x asc %#04x ascq %#04x (response %#x)%s, errno %d (%s)",
	       dev, s.opcode, s.key, s.asc, s.ascq, s.response, "", s.error,
	       s.error ? strerror(s.error) : "none");
	if (s.info_valid)
		printf(", information %" PRIu64, (uint64_t)s.info);
	printf("\n");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "list") && argc == 2)
		return cmd_list();
	if (!strcmp(argv[1], "info"))
		return cmd_info(argc - 2, argv + 2);
	if (!strcmp(argv[1], "read"))
		return cmd_read(argc - 2, argv + 2);
	if (!strcmp(argv[1], "write"))
		return cmd_write(argc - 2, argv + 2);
	if (!strcmp(argv[1], "sync") && argc == 3)
		return cmd_sync(argv[2]);
	if (!strcmp(argv[1], "sense") && argc == 3)
		return cmd_sense(argv[2]);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
