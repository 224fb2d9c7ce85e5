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

static int enumerate(const char *dev, struct usbblk_enumerate *e)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, dev, strerror(errno));
		return -1;
	}
	memset(e, 0, sizeof(*e));
	if (ioctl(fd, USBBLK_IOC_ENUMERATE, e)) {
		fprintf(stderr, "%s: %s: ENUMERATE: %s\n", prog, dev, strerror(errno));
		ret = -1;
	}
	close(fd);
	return ret;
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
	printf("]}\n");
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
