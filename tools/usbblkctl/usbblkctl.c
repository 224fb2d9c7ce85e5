// SPDX-License-Identifier: GPL-2.0
/*
 * usbblkctl - command-line front end to the usbblk driver.
 *
 *   usbblkctl list                 controllers and their root ports
 *   usbblkctl info DEV [--json]    one controller (DEV = /dev/usbblk-hcN)
 *
 * Exit status: 0 on success, 1 on an error (errno reported), 2 on usage.
 */
#include <dirent.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/usbblk.h>
#include "usbblk-names.h"

static const char *prog = "usbblkctl";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s list\n"
		"       %s info DEV [--json]\n"
		"DEV is a usbblk device node, e.g. /dev/usbblk-hc0\n",
		prog, prog);
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

static const char *state_name(unsigned int state)
{
	switch (state) {
	case USBBLK_DEV_ADDRESSED:	return "addressed";
	case USBBLK_DEV_CONFIGURED:	return "configured";
	default:			return "failed";
	}
}

static void path_str(const struct usbblk_device_info *d, char *buf, size_t size)
{
	unsigned int i;
	int n = snprintf(buf, size, "%u", d->path[0]);

	for (i = 1; i <= d->depth && i <= USBBLK_MAX_TIERS && n < (int)size; i++)
		n += snprintf(buf + n, size - n, ".%u", d->path[i]);
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

		path_str(d, path, sizeof(path));
		printf("  device %-7s %04x:%04x %-11s %-10s slot %-3u %s%s\"%s\" \"%s\" serial \"%s\", class %02x/%02x/%02x, %llu us",
		       path, d->vendor_id, d->product_id, usbblk_speed_name(d->speed),
		       state_name(d->state), d->slot_id,
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

		path_str(d, path, sizeof(path));
		printf("%s{\"path\":\"%s\",\"root_port\":%u,\"depth\":%u,\"route\":%u,"
		       "\"slot\":%u,\"speed\":\"%s\",\"state\":\"%s\",\"mass_storage\":%s,"
		       "\"hub\":%s,\"vendor_id\":\"%04x\",\"product_id\":\"%04x\","
		       "\"bcd_device\":\"%04x\",\"bcd_usb\":\"%04x\","
		       "\"class\":[%u,%u,%u],\"interface_class\":[%u,%u,%u],"
		       "\"config\":%u,\"error\":%d,\"enum_ns\":%llu,\"manufacturer\":",
		       i ? "," : "", path, d->root_port, d->depth, d->route, d->slot_id,
		       usbblk_speed_name(d->speed), state_name(d->state),
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
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
