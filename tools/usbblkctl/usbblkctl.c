// SPDX-License-Identifier: GPL-2.0
/*
 * usbblkctl - command-line front end to the usbblk driver, on libusbblk.
 * Documentation/usbblkctl.rst is its manual (and man page).
 *
 *   usbblkctl list [--json] [--no-rescan]   controllers, ports, hubs, devices, LUNs
 *   usbblkctl info DEV [--json]             a controller or a LUN
 *   usbblkctl read DEV --lba N --count N [-o FILE] [--json] [--timeout MS]
 *   usbblkctl write DEV --lba N -i FILE [--fua] [--timeout MS]
 *   usbblkctl copy DEV FILE | FILE DEV [--lba N] [--count N] [--no-progress] [--json]
 *   usbblkctl verify DEV FILE [--lba N] [--count N] [--file-offset B] [--json]
 *   usbblkctl sync DEV
 *   usbblkctl sense DEV [--json]
 *   usbblkctl bench DEV [--reads N] [--seq-mib N] [--write] [--fifo PRIO] [--cpu N] [--json]
 *
 * Exit status: 0 success, 1 an operation failed, 2 usage, 3 verify found
 * a difference, 130 interrupted (SIGINT) during copy, verify or bench.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libusbblk.h"

#define EXIT_USAGE	2
#define EXIT_DIFFER	3
#define EXIT_SIGINT	130

/* Move at most this much per request so the buffer stays modest. */
#define CHUNK_BYTES	(4u << 20)

static const char *prog = "usbblkctl";
static volatile sig_atomic_t interrupted;

/* ---------------------------------------------------------------- output helpers */

static void err_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* "DEV: WHAT: EIO (Input/output error): sense ...", the sense taken now */
static int io_error(struct usbblk *h, const char *dev, int ret, const char *fmt, ...)
{
	struct usbblk_sense s, *sp = NULL;
	char what[128], msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (h && !usbblk_sense(h, &s))
		sp = &s;
	err_msg("%s: %s: %s", dev, what, usbblk_strerror(ret, sp, msg, sizeof(msg)));
	return 1;
}

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

static const char *json_bool(int v)
{
	return v ? "true" : "false";
}

/* 64.0M, 3.0T, 512: sizes as lsblk prints them */
static const char *human(uint64_t bytes, char *buf, size_t size)
{
	static const char units[] = "BKMGTPE";
	double v = bytes;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (!u)
		snprintf(buf, size, "%" PRIu64 "B", bytes);
	else
		snprintf(buf, size, "%.1f%c", v, units[u]);
	return buf;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static double mib_per_s(uint64_t bytes, uint64_t ns)
{
	return ns ? bytes / 1048576.0 / (ns / 1e9) : 0.0;
}

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void catch_sigint(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
}

/* ---------------------------------------------------------------- commands' usage */

struct cmd {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(int argc, char **argv);
};

static const struct cmd *cur;

static int usage_of(const struct cmd *c, FILE *f)
{
	fprintf(f, "usage: %s %s %s\n\n%s", prog, c->name, c->args, c->help);
	return f == stdout ? 0 : EXIT_USAGE;
}

static int bad_usage(const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fprintf(stderr, "%s %s: ", prog, cur->name);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	return usage_of(cur, stderr);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

/* Options every command shares; the rest are the command's own. */
struct opts {
	const char *dev, *file, *file2;
	uint64_t lba, count, file_offset, reads, seq_mib, timeout;
	int have_lba, have_count, have_file_offset;
	int json, fua, no_rescan, no_progress, do_write, fifo, cpu;
};

enum {
	OPT_JSON = 0x100, OPT_LBA, OPT_COUNT, OPT_TIMEOUT, OPT_FUA, OPT_NO_RESCAN,
	OPT_NO_PROGRESS, OPT_FILE_OFFSET, OPT_READS, OPT_SEQ_MIB, OPT_WRITE, OPT_FIFO,
	OPT_CPU, OPT_HELP,
};

static const struct option all_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "lba", required_argument, NULL, OPT_LBA },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "fua", no_argument, NULL, OPT_FUA },
	{ "no-rescan", no_argument, NULL, OPT_NO_RESCAN },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "file-offset", required_argument, NULL, OPT_FILE_OFFSET },
	{ "reads", required_argument, NULL, OPT_READS },
	{ "seq-mib", required_argument, NULL, OPT_SEQ_MIB },
	{ "write", no_argument, NULL, OPT_WRITE },
	{ "fifo", required_argument, NULL, OPT_FIFO },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/*
 * Parse ARGV for a command that takes the options ALLOWED (a string of
 * A(OPT_*) letters, and 'i' or 'o' for -i/-o) and NPOS positional
 * arguments.  Returns -1 to go on, or the exit status (help, usage).
 */
static int parse(int argc, char **argv, const char *allowed, int npos, struct opts *o)
{
	uint64_t v = 0;
	int c, li, pos = 0;

	memset(o, 0, sizeof(*o));
	o->reads = 1000;
	o->seq_mib = 16;
	o->cpu = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "i:o:h", all_opts, &li)) != -1) {
		if (c == 'h' || c == OPT_HELP)
			return usage_of(cur, stdout);
		if (c == '?' || c == ':')
			return bad_usage("bad option %s", argv[optind - 1]);
		if (c < 0x100 && !strchr(allowed, c))
			return bad_usage("no option -%c", c);
		if (c >= 0x100 && !strchr(allowed, 'A' + c - 0x100))
			return bad_usage("no option --%s", all_opts[li].name);
		if (optarg && c >= OPT_LBA && c != OPT_FIFO && c != OPT_CPU && parse_u64(optarg, &v))
			return bad_usage("not a number: %s", optarg);
		switch (c) {
		case 'i':
		case 'o':	o->file = optarg; break;
		case OPT_JSON:	o->json = 1; break;
		case OPT_LBA:	o->lba = v; o->have_lba = 1; break;
		case OPT_COUNT:	o->count = v; o->have_count = 1; break;
		case OPT_TIMEOUT: o->timeout = v; break;
		case OPT_FUA:	o->fua = 1; break;
		case OPT_NO_RESCAN: o->no_rescan = 1; break;
		case OPT_NO_PROGRESS: o->no_progress = 1; break;
		case OPT_FILE_OFFSET: o->file_offset = v; o->have_file_offset = 1; break;
		case OPT_READS:	o->reads = v; break;
		case OPT_SEQ_MIB: o->seq_mib = v; break;
		case OPT_WRITE:	o->do_write = 1; break;
		case OPT_FIFO:	o->fifo = atoi(optarg); break;
		case OPT_CPU:	o->cpu = atoi(optarg); break;
		}
	}
	for (; optind < argc; optind++, pos++) {
		if (pos == 0)
			o->dev = argv[optind];
		else if (pos == 1)
			o->file2 = argv[optind];
	}
	if (pos != npos)
		return bad_usage(pos < npos ? "missing argument" : "too many arguments");
	if (o->timeout > UINT32_MAX)
		return bad_usage("--timeout: too large");
	return -1;
}

/* the letter of a long option in parse()'s ALLOWED */
#define A(opt) ((char)('A' + (opt) - 0x100))

static int lun_open(const char *dev, int oflags, struct usbblk **h, struct usbblk_info *info)
{
	char msg[160];
	int ret = usbblk_open(dev, oflags, h);

	if (ret) {
		err_msg("%s: %s%s", dev, usbblk_strerror(ret, NULL, msg, sizeof(msg)),
			ret == -ENOTTY ? " (not a usbblk LUN node)" : "");
		return 1;
	}
	usbblk_info(*h, info);
	return 0;
}

/* ---------------------------------------------------------------- info */

static void print_hc_text(const char *dev, const struct usbblk_enumerate *e,
			  const struct usbblk_device_info *devs, unsigned int n)
{
	const struct usbblk_hc_info *hc = &e->hc;
	unsigned int i;

	printf("%s: %s, xHCI %x.%02x, %u slots, %u ports, %u interrupters, %u scratchpads, %s-bit DMA, %u-byte contexts, %s, irq %u%s\n",
	       dev, hc->name, hc->hci_version >> 8, hc->hci_version & 0xff,
	       hc->max_slots, hc->max_ports, hc->max_intrs, hc->max_scratchpads,
	       hc->flags & USBBLK_HC_AC64 ? "64" : "32", hc->flags & USBBLK_HC_CSZ64 ? 64 : 32,
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
			printf(", error: %s", usbblk_errno_name(d->error) ?: strerror(d->error));
		printf("\n");
	}
}

static void print_device_json(const struct usbblk_device_info *d, const char *parent)
{
	char path[32];

	usbblk_path_name(d->path, d->depth, path, sizeof(path));
	printf("{\"path\":\"%s\",", path);
	if (parent)
		printf("\"parent\":%s%s%s,", *parent ? "\"" : "", *parent ? parent : "null",
		       *parent ? "\"" : "");
	printf("\"root_port\":%u,\"depth\":%u,\"route\":%u,"
	       "\"slot\":%u,\"speed\":\"%s\",\"state\":\"%s\",\"mass_storage\":%s,"
	       "\"hub\":%s,\"vendor_id\":\"%04x\",\"product_id\":\"%04x\","
	       "\"bcd_device\":\"%04x\",\"bcd_usb\":\"%04x\","
	       "\"class\":[%u,%u,%u],\"interface_class\":[%u,%u,%u],"
	       "\"config\":%u,\"error\":%d,\"enum_ns\":%llu,\"manufacturer\":",
	       d->root_port, d->depth, d->route, d->slot_id,
	       usbblk_speed_name(d->speed), usbblk_state_name(d->state),
	       json_bool(d->flags & USBBLK_DEV_MASS_STORAGE), json_bool(d->flags & USBBLK_DEV_HUB),
	       d->vendor_id, d->product_id, d->bcd_device, d->bcd_usb,
	       d->dev_class, d->dev_subclass, d->dev_protocol,
	       d->if_class, d->if_subclass, d->if_protocol, d->config_value,
	       d->error, (unsigned long long)d->enum_ns);
	json_str(d->manufacturer);
	printf(",\"product\":");
	json_str(d->product);
	printf(",\"serial\":");
	json_str(d->serial);
}

static void print_hc_json(const char *dev, const struct usbblk_enumerate *e)
{
	const struct usbblk_hc_info *hc = &e->hc;
	unsigned int i;

	printf("{\"device\":\"%s\",\"name\":", dev);
	json_str(hc->name);
	printf(",\"hci_version\":%u,\"max_slots\":%u,\"max_ports\":%u,\"max_intrs\":%u,"
	       "\"max_scratchpads\":%u,\"ac64\":%s,\"csz64\":%s,\"bus\":\"%s\","
	       "\"running\":%s,\"irq\":%u,\"page_size\":%u,\"snpsid\":%u,\"ports\":[",
	       hc->hci_version, hc->max_slots, hc->max_ports, hc->max_intrs, hc->max_scratchpads,
	       json_bool(hc->flags & USBBLK_HC_AC64), json_bool(hc->flags & USBBLK_HC_CSZ64),
	       hc->flags & USBBLK_HC_PCI ? "pci" : "of", json_bool(hc->flags & USBBLK_HC_RUNNING),
	       hc->irq, hc->page_size, hc->snpsid);
	for (i = 0; i < e->nports; i++) {
		const struct usbblk_port *p = &e->ports[i];

		printf("%s{\"port\":%u,\"usb3\":%s,\"connected\":%s,\"enabled\":%s,"
		       "\"powered\":%s,\"speed\":\"%s\",\"link_state\":%u,\"portsc\":%u}",
		       i ? "," : "", p->port, json_bool(p->flags & USBBLK_PORT_USB3),
		       json_bool(p->flags & USBBLK_PORT_CONNECTED),
		       json_bool(p->flags & USBBLK_PORT_ENABLED),
		       json_bool(p->flags & USBBLK_PORT_POWERED),
		       usbblk_speed_name(p->speed), p->link_state, p->portsc);
	}
	printf("]");
}

static void print_lun_json_fields(const char *dev, const struct usbblk_info *i)
{
	char path[32];

	usbblk_path_name(i->path, i->depth, path, sizeof(path));
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
	       json_bool(i->flags & USBBLK_INFO_WRITE_PROTECT),
	       json_bool(i->flags & USBBLK_INFO_REMOVABLE),
	       json_bool(i->flags & USBBLK_INFO_ZERO_COPY),
	       json_bool(i->flags & USBBLK_INFO_BOUNCE));
	json_str(i->vendor);
	printf(",\"product\":");
	json_str(i->product);
	printf(",\"revision\":");
	json_str(i->revision);
	printf(",\"serial\":");
	json_str(i->serial);
	printf("}");
}

static void print_lun(const char *dev, const struct usbblk_info *i, int json)
{
	char path[32];

	if (json) {
		print_lun_json_fields(dev, i);
		printf("\n");
		return;
	}
	usbblk_path_name(i->path, i->depth, path, sizeof(path));
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
}

/* ENUMERATE on a controller node, the device array grown to fit. */
static int hc_info(const char *dev, int json)
{
	struct usbblk_device_info *devs = NULL;
	struct usbblk_enumerate e;
	unsigned int max = 16, n, i;
	char msg[160];
	int fd, ret;

	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_msg("%s: %s", dev, usbblk_strerror(errno, NULL, msg, sizeof(msg)));
		return 1;
	}
	for (;;) {
		free(devs);
		devs = calloc(max, sizeof(*devs));
		ret = devs ? usbblk_hc_enumerate(fd, 0, &e, devs, max) : -ENOMEM;
		if (ret || e.ndevices <= max)
			break;
		max = e.ndevices + 8;
	}
	close(fd);
	if (ret) {
		free(devs);
		err_msg("%s: ENUMERATE: %s%s", dev, usbblk_strerror(ret, NULL, msg, sizeof(msg)),
			ret == -ENOTTY ? " (not a usbblk node)" : "");
		return 1;
	}
	n = e.ndevices;
	if (!json) {
		print_hc_text(dev, &e, devs, n);
	} else {
		print_hc_json(dev, &e);
		printf(",\"devices\":[");
		for (i = 0; i < n; i++) {
			printf("%s", i ? "," : "");
			print_device_json(&devs[i], NULL);
			printf("}");
		}
		printf("]}\n");
	}
	free(devs);
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	struct usbblk_info info;
	struct usbblk *h;
	struct opts o;
	int ret = parse(argc, argv, (char[]){ A(OPT_JSON), 0 }, 1, &o);

	if (ret >= 0)
		return ret;
	/* a LUN node answers GET_INFO; a controller node ENUMERATE */
	if (!usbblk_open(o.dev, O_RDONLY, &h)) {
		usbblk_info(h, &info);
		print_lun(o.dev, &info, o.json);
		usbblk_close(h);
		return 0;
	}
	return hc_info(o.dev, o.json);
}

/* ---------------------------------------------------------------- list */

/*
 * One line of the tree: NAME (indented by its tree prefix) and lsblk's
 * columns.
 */
static void list_row(const char *prefix, const char *branch, const char *name, const char *type,
		     const char *speed, const char *id, const char *size, const char *bs,
		     const char *state, const char *desc)
{
	char col[64];

	snprintf(col, sizeof(col), "%s%s%s", prefix, branch, name);
	printf("%-26s %-12s %-16s %-9s %7s %5s %-10s %s\n", col, type, speed, id, size, bs,
	       state, desc);
}

static void list_lun(const char *prefix, int last, const struct usbblk_lun_node *l)
{
	const struct usbblk_info *i = &l->info;
	char type[16], size[16], bs[16], desc[64];

	snprintf(type, sizeof(type), "lun %u", i->lun);
	human((uint64_t)i->capacity * i->block_size, size, sizeof(size));
	snprintf(bs, sizeof(bs), "%u", i->block_size);
	snprintf(desc, sizeof(desc), "%s %s %s", i->vendor, i->product, i->revision);
	list_row(prefix, last ? "`-" : "|-", l->node + strlen("/dev/"), type, "", "", size, bs,
		 i->flags & USBBLK_INFO_WRITE_PROTECT ? "ro" : "rw", desc);
}

static void list_device(const char *prefix, int last, const struct usbblk_device *d)
{
	const struct usbblk_device_info *di = &d->info;
	const struct usbblk_device *c;
	char path[32], id[16], desc[200], sub[64];
	unsigned int i;

	usbblk_path_name(di->path, di->depth, path, sizeof(path));
	snprintf(id, sizeof(id), "%04x:%04x", di->vendor_id, di->product_id);
	snprintf(desc, sizeof(desc), "\"%s\"%s%s%s", di->product, *di->serial ? " serial \"" : "",
		 di->serial, *di->serial ? "\"" : "");
	if (di->error)
		snprintf(desc + strlen(desc), sizeof(desc) - strlen(desc), " error %s",
			 usbblk_errno_name(di->error) ?: "?");
	list_row(prefix, last ? "`-" : "|-", path,
		 di->flags & USBBLK_DEV_HUB ? "hub" :
		 di->flags & USBBLK_DEV_MASS_STORAGE ? "disk" : "device",
		 usbblk_speed_name(di->speed), id, "", "", usbblk_state_name(di->state), desc);
	snprintf(sub, sizeof(sub), "%s%s", prefix, last ? "  " : "| ");
	for (c = d->child; c; c = c->sibling)
		list_device(sub, !c->sibling && !d->nluns, c);
	for (i = 0; i < d->nluns; i++)
		list_lun(sub, i + 1 == d->nluns, &d->luns[i]);
}

static void list_text(const struct usbblk_tree *t)
{
	unsigned int i, j;

	list_row("", "", "NAME", "TYPE", "SPEED", "ID", "SIZE", "BS", "STATE", "DESCRIPTION");
	for (i = 0; i < t->ncontrollers; i++) {
		const struct usbblk_controller *c = &t->controllers[i];
		unsigned int connected = 0, last = 0;
		char desc[128];

		for (j = 0; j < c->nports; j++) {
			connected += !!(c->ports[j].port.flags & USBBLK_PORT_CONNECTED);
			if (c->ports[j].device)
				last = j + 1;
		}
		snprintf(desc, sizeof(desc), "%s, xHCI %x.%02x, %s, %u ports (%u connected), %u slots",
			 c->hc.name, c->hc.hci_version >> 8, c->hc.hci_version & 0xff,
			 c->hc.flags & USBBLK_HC_PCI ? "pci" : "of", c->nports, connected,
			 c->hc.max_slots);
		list_row("", "", c->node + strlen("/dev/"), "controller", "", "", "", "",
			 c->hc.flags & USBBLK_HC_RUNNING ? "running" : "halted", desc);
		for (j = 0; j < c->nports; j++)
			if (c->ports[j].device)
				list_device("", j + 1 == last, c->ports[j].device);
	}
	for (i = 0; i < t->nunmatched; i++)
		list_lun("(unmatched) ", i + 1 == t->nunmatched, &t->unmatched[i]);
	if (!t->ncontrollers)
		printf("no usbblk controllers\n");
}

static void list_json(const struct usbblk_tree *t)
{
	unsigned int i, j, k;

	printf("{\"controllers\":[");
	for (i = 0; i < t->ncontrollers; i++) {
		const struct usbblk_controller *c = &t->controllers[i];
		struct usbblk_enumerate e;

		memset(&e, 0, sizeof(e));
		e.hc = c->hc;
		e.nports = c->nports;
		for (j = 0; j < c->nports; j++)
			e.ports[j] = c->ports[j].port;
		printf("%s", i ? "," : "");
		print_hc_json(c->node, &e);
		printf(",\"devices\":[");
		for (j = 0; j < c->ndevices; j++) {
			const struct usbblk_device *d = &c->devices[j];
			char parent[32] = "";

			if (d->parent)
				usbblk_path_name(d->parent->info.path, d->parent->info.depth, parent,
						 sizeof(parent));
			printf("%s", j ? "," : "");
			print_device_json(&d->info, parent);
			printf(",\"luns\":[");
			for (k = 0; k < d->nluns; k++) {
				printf("%s", k ? "," : "");
				print_lun_json_fields(d->luns[k].node, &d->luns[k].info);
			}
			printf("]}");
		}
		printf("]}");
	}
	printf("],\"unmatched\":[");
	for (i = 0; i < t->nunmatched; i++) {
		printf("%s", i ? "," : "");
		print_lun_json_fields(t->unmatched[i].node, &t->unmatched[i].info);
	}
	printf("]}\n");
}

static int cmd_list(int argc, char **argv)
{
	struct usbblk_tree *t;
	struct opts o;
	char msg[160];
	int ret = parse(argc, argv, (char[]){ A(OPT_JSON), A(OPT_NO_RESCAN), 0 }, 0, &o);

	if (ret >= 0)
		return ret;
	ret = usbblk_enumerate(o.no_rescan ? USBBLK_ENUM_NO_RESCAN : 0, &t);
	if (ret) {
		err_msg("enumerate: %s", usbblk_strerror(ret, NULL, msg, sizeof(msg)));
		return 1;
	}
	if (o.json)
		list_json(t);
	else
		list_text(t);
	usbblk_tree_free(t);
	return 0;
}

/* ---------------------------------------------------------------- read, write */

/* hexdump -C lines; a run of lines equal to the one before is one "*" */
static void hexdump(const uint8_t *buf, size_t len, uint64_t base)
{
	size_t off, i;
	int starred = 0;

	for (off = 0; off < len; off += 16) {
		size_t n = len - off < 16 ? len - off : 16;

		if (off && n == 16 && !memcmp(buf + off, buf + off - 16, 16)) {
			if (!starred)
				printf("*\n");
			starred = 1;
			continue;
		}
		starred = 0;
		printf("%08" PRIx64 " ", base + off);
		for (i = 0; i < 16; i++) {
			printf("%s", i == 8 ? "  " : " ");
			if (i < n)
				printf("%02x", buf[off + i]);
			else
				printf("  ");
		}
		printf("  |");
		for (i = 0; i < n; i++)
			putchar(buf[off + i] >= 0x20 && buf[off + i] < 0x7f ? buf[off + i] : '.');
		printf("|\n");
	}
	printf("%08" PRIx64 "\n", base + len);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Whole-block reads of a file; short only at its end. */
static ssize_t read_full(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + done, len - done, off + done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		done += n;
	}
	return done;
}

static int cmd_read(int argc, char **argv)
{
	struct usbblk_info info;
	struct usbblk *h;
	uint64_t done = 0;
	uint32_t per;
	void *buf;
	struct opts o;
	int out = -1, ret;

	ret = parse(argc, argv, (char[]){ 'o', A(OPT_LBA), A(OPT_COUNT), A(OPT_TIMEOUT),
			       A(OPT_JSON), 0 }, 1, &o);
	if (ret >= 0)
		return ret;
	if (!o.have_lba || !o.have_count || !o.count)
		return bad_usage("--lba and --count (at least 1) are needed");
	if (lun_open(o.dev, O_RDONLY, &h, &info))
		return 1;
	ret = 1;
	per = CHUNK_BYTES / info.block_size;
	if (o.file && strcmp(o.file, "-")) {
		out = open(o.file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out < 0) {
			err_msg("%s: %s", o.file, strerror(errno));
			goto close;
		}
	} else if (o.file) {
		out = 1;
	} else if (o.count * info.block_size > CHUNK_BYTES) {
		err_msg("%s: a hexdump of at most %u blocks; use -o FILE", o.dev, per);
		goto close;
	}
	if (usbblk_buf_alloc(h, (size_t)per * info.block_size, 0, &buf)) {
		err_msg("out of memory");
		goto close;
	}
	if (o.json && !o.file)
		printf("{\"device\":\"%s\",\"lba\":%" PRIu64 ",\"count\":%" PRIu64
		       ",\"block_size\":%u,\"data\":\"", o.dev, o.lba, o.count, info.block_size);
	while (done < o.count) {
		uint32_t n = o.count - done < per ? o.count - done : per;
		size_t len = (size_t)n * info.block_size;
		int r = usbblk_read(h, o.lba + done, buf, n, 0, o.timeout);

		if (r) {
			io_error(h, o.dev, r, "read at LBA %" PRIu64, o.lba + done);
			goto free;
		}
		if (out >= 0 && write_all(out, buf, len)) {
			err_msg("%s: %s", o.file, strerror(errno));
			goto free;
		}
		if (out < 0 && o.json) {
			for (size_t i = 0; i < len; i++)
				printf("%02x", ((uint8_t *)buf)[i]);
		} else if (out < 0) {
			hexdump(buf, len, (o.lba + done) * info.block_size);
		}
		done += n;
	}
	if (o.json && !o.file)
		printf("\"}\n");
	ret = 0;
free:
	usbblk_buf_free(buf, (size_t)per * info.block_size);
close:
	if (out > 2)
		close(out);
	usbblk_close(h);
	return ret;
}

static int cmd_write(int argc, char **argv)
{
	struct usbblk_info info;
	struct usbblk *h;
	uint64_t done = 0, count;
	struct stat st;
	uint32_t per;
	void *buf;
	struct opts o;
	int in, ret;

	ret = parse(argc, argv, (char[]){ 'i', A(OPT_LBA), A(OPT_TIMEOUT), A(OPT_FUA), 0 }, 1, &o);
	if (ret >= 0)
		return ret;
	if (!o.have_lba || !o.file)
		return bad_usage("--lba and -i FILE are needed");
	in = open(o.file, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st)) {
		err_msg("%s: %s", o.file, strerror(errno));
		return 1;
	}
	if (lun_open(o.dev, O_RDWR, &h, &info)) {
		close(in);
		return 1;
	}
	ret = 1;
	if (!st.st_size || st.st_size % info.block_size) {
		err_msg("%s: %lld bytes is not a whole number of %u-byte blocks", o.file,
			(long long)st.st_size, info.block_size);
		goto close;
	}
	count = st.st_size / info.block_size;
	per = CHUNK_BYTES / info.block_size;
	if (usbblk_buf_alloc(h, (size_t)per * info.block_size, 0, &buf)) {
		err_msg("out of memory");
		goto close;
	}
	while (done < count) {
		uint32_t n = count - done < per ? count - done : per;
		size_t len = (size_t)n * info.block_size;
		int r;

		if (read_full(in, buf, len, done * info.block_size) != (ssize_t)len) {
			err_msg("%s: short read", o.file);
			goto free;
		}
		r = usbblk_write(h, o.lba + done, buf, n, o.fua ? USBBLK_IO_FUA : 0, o.timeout);
		if (r) {
			io_error(h, o.dev, r, "write at LBA %" PRIu64, o.lba + done);
			goto free;
		}
		done += n;
	}
	ret = 0;
free:
	usbblk_buf_free(buf, (size_t)per * info.block_size);
close:
	close(in);
	usbblk_close(h);
	return ret;
}

/* ---------------------------------------------------------------- copy, verify */

struct progress {
	int on;
	uint64_t total, t0, last;
};

/* A bar on stderr if it is a terminal; SIGINT stops the loop. */
static uint64_t progress_start(struct progress *p, const struct opts *o, uint64_t total)
{
	p->on = !o->no_progress && isatty(2);
	p->total = total;
	p->t0 = now_ns();
	p->last = 0;
	catch_sigint();
	return p->t0;
}

static void progress_show(struct progress *p, uint64_t done, uint64_t lba, int final)
{
	uint64_t t = now_ns();
	double frac = p->total ? (double)done / p->total : 1;
	char bar[33];
	int i, fill = frac * 32;

	if (!p->on || (!final && (done == p->total || t - p->last < 200000000)))
		return;
	p->last = t;
	for (i = 0; i < 32; i++)
		bar[i] = i < fill ? '#' : ' ';
	bar[32] = 0;
	fprintf(stderr, "\r[%s] %3.0f%% %.1f of %.1f MiB, %.1f MiB/s, LBA %" PRIu64 "%s",
		bar, frac * 100, done / 1048576.0, p->total / 1048576.0,
		mib_per_s(done, t - p->t0), lba, final ? "\n" : "");
}

/* LBA range of a copy or verify: --lba/--count within the capacity. */
static int lba_range(const struct opts *o, const struct usbblk_info *info, uint64_t dflt,
		     uint64_t *count)
{
	*count = o->have_count ? o->count : dflt;
	if (o->lba > info->capacity || *count > info->capacity - o->lba) {
		err_msg("%s: LBA %" PRIu64 " + %" PRIu64 " blocks is beyond the capacity (%" PRIu64
			" blocks)", o->dev, o->lba, *count, (uint64_t)info->capacity);
		return -1;
	}
	return 0;
}

static void summary_json(const char *what, const struct opts *o, const char *dev,
			 const char *file, uint64_t lba, uint64_t blocks, uint32_t bs,
			 uint64_t ns)
{
	printf("{\"command\":\"%s\",\"device\":\"%s\",\"file\":", what, dev);
	json_str(file);
	printf(",\"lba\":%" PRIu64 ",\"count\":%" PRIu64 ",\"bytes\":%" PRIu64
	       ",\"seconds\":%.6f,\"mib_per_s\":%.3f", lba, blocks, blocks * bs, ns / 1e9,
	       mib_per_s(blocks * bs, ns));
	(void)o;
}

/*
 * copy DEV FILE: blocks to the file at the same offset (the file is an
 * image of the stick; it is never truncated, so a copy interrupted at LBA
 * N resumes with --lba N).  copy FILE DEV: the other way.
 */
static int cmd_copy(int argc, char **argv)
{
	struct progress pr = { 0 };
	struct usbblk_info info;
	const char *dev, *file;
	struct usbblk *h, *probe;
	uint64_t count, done = 0, t0, dflt;
	int to_file, fd, ret;
	uint32_t per;
	struct stat st;
	struct opts o;
	void *buf;

	ret = parse(argc, argv, (char[]){ A(OPT_LBA), A(OPT_COUNT), A(OPT_TIMEOUT), A(OPT_FUA),
			       A(OPT_NO_PROGRESS), A(OPT_JSON), 0 }, 2, &o);
	if (ret >= 0)
		return ret;
	/* whichever argument is a LUN node is the stick */
	to_file = !usbblk_open(o.dev, O_RDONLY, &probe);
	if (to_file)
		usbblk_close(probe);
	dev = to_file ? o.dev : o.file2;
	file = to_file ? o.file2 : o.dev;
	if (lun_open(dev, to_file ? O_RDONLY : O_RDWR, &h, &info))
		return 1;
	ret = 1;
	fd = open(file, to_file ? O_WRONLY | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC, 0644);
	if (fd < 0 || fstat(fd, &st)) {
		err_msg("%s: %s", file, strerror(errno));
		goto close;
	}
	o.dev = dev;
	if (!to_file && (st.st_size % info.block_size)) {
		err_msg("%s: %lld bytes is not a whole number of %u-byte blocks", file,
			(long long)st.st_size, info.block_size);
		goto close;
	}
	/* default: to the end of the stick, or of the file */
	dflt = to_file ? info.capacity : (uint64_t)st.st_size / info.block_size;
	dflt = dflt > o.lba ? dflt - o.lba : 0;
	if (lba_range(&o, &info, dflt, &count))
		goto close;
	if (!to_file && (o.lba + count) * info.block_size > (uint64_t)st.st_size) {
		err_msg("%s: ends before LBA %" PRIu64, file, o.lba + count);
		goto close;
	}
	per = CHUNK_BYTES / info.block_size;
	if (usbblk_buf_alloc(h, (size_t)per * info.block_size, 0, &buf)) {
		err_msg("out of memory");
		goto close;
	}
	t0 = progress_start(&pr, &o, count * info.block_size);
	while (done < count && !interrupted) {
		uint32_t n = count - done < per ? count - done : per;
		uint64_t lba = o.lba + done;
		size_t len = (size_t)n * info.block_size;
		off_t off = lba * info.block_size;
		int r;

		if (to_file) {
			r = usbblk_read(h, lba, buf, n, 0, o.timeout);
			if (r) {
				io_error(h, dev, r, "read at LBA %" PRIu64, lba);
				break;
			}
			if (pwrite(fd, buf, len, off) != (ssize_t)len) {
				err_msg("%s: %s", file, strerror(errno));
				break;
			}
		} else {
			if (read_full(fd, buf, len, off) != (ssize_t)len) {
				err_msg("%s: short read at %lld", file, (long long)off);
				break;
			}
			r = usbblk_write(h, lba, buf, n, o.fua ? USBBLK_IO_FUA : 0, o.timeout);
			if (r) {
				io_error(h, dev, r, "write at LBA %" PRIu64, lba);
				break;
			}
		}
		done += n;
		progress_show(&pr, done * info.block_size, o.lba + done, 0);
	}
	progress_show(&pr, done * info.block_size, o.lba + done, 1);
	if (done == count && !to_file) {
		int r = usbblk_sync(h);

		if (r)
			io_error(h, dev, r, "sync");
		else
			ret = 0;
	} else if (done == count) {
		ret = fsync(fd) ? 1 : 0;
		if (ret)
			err_msg("%s: %s", file, strerror(errno));
	}
	if (o.json) {
		summary_json("copy", &o, dev, file, o.lba, done, info.block_size, now_ns() - t0);
		printf(",\"direction\":\"%s\",\"complete\":%s}\n",
		       to_file ? "to-file" : "to-device", json_bool(done == count));
	}
	if (done < count) {
		err_msg("%s: copy stopped at LBA %" PRIu64 "; resume with --lba %" PRIu64
			" --count %" PRIu64, dev, o.lba + done, o.lba + done, count - done);
		ret = interrupted ? EXIT_SIGINT : 1;
	}
	usbblk_buf_free(buf, (size_t)per * info.block_size);
close:
	if (fd >= 0)
		close(fd);
	usbblk_close(h);
	return ret;
}

/* verify DEV FILE: the LBA range against the file (an image by default). */
static int cmd_verify(int argc, char **argv)
{
	struct progress pr = { 0 };
	struct usbblk_info info;
	uint64_t count, done = 0, t0, base, differ = UINT64_MAX, at = 0;
	struct usbblk *h;
	uint8_t *buf = NULL, *chk = NULL;
	struct stat st;
	uint32_t per;
	struct opts o;
	int fd, ret;

	ret = parse(argc, argv, (char[]){ A(OPT_LBA), A(OPT_COUNT), A(OPT_TIMEOUT),
			       A(OPT_FILE_OFFSET), A(OPT_NO_PROGRESS), A(OPT_JSON), 0 }, 2, &o);
	if (ret >= 0)
		return ret;
	if (lun_open(o.dev, O_RDONLY, &h, &info))
		return 1;
	ret = 1;
	fd = open(o.file2, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err_msg("%s: %s", o.file2, strerror(errno));
		goto close;
	}
	base = o.have_file_offset ? o.file_offset : o.lba * info.block_size;
	if ((uint64_t)st.st_size < base || (st.st_size - base) % info.block_size) {
		err_msg("%s: %lld bytes from offset %" PRIu64 " is not a whole number of %u-byte blocks",
			o.file2, (long long)st.st_size - (long long)base, base, info.block_size);
		goto close;
	}
	if (lba_range(&o, &info, (st.st_size - base) / info.block_size, &count))
		goto close;
	if (base + count * info.block_size > (uint64_t)st.st_size) {
		err_msg("%s: shorter than %" PRIu64 " blocks from offset %" PRIu64, o.file2, count,
			base);
		goto close;
	}
	per = CHUNK_BYTES / info.block_size;
	if (usbblk_buf_alloc(h, (size_t)per * info.block_size, 0, (void **)&buf) ||
	    !(chk = malloc((size_t)per * info.block_size))) {
		err_msg("out of memory");
		goto free;
	}
	t0 = progress_start(&pr, &o, count * info.block_size);
	while (done < count && !interrupted && differ == UINT64_MAX) {
		uint32_t n = count - done < per ? count - done : per;
		size_t len = (size_t)n * info.block_size, i;
		int r = usbblk_read(h, o.lba + done, buf, n, 0, o.timeout);

		if (r) {
			io_error(h, o.dev, r, "read at LBA %" PRIu64, o.lba + done);
			goto free;
		}
		if (read_full(fd, chk, len, base + done * info.block_size) != (ssize_t)len) {
			err_msg("%s: short read", o.file2);
			goto free;
		}
		if (memcmp(buf, chk, len))
			for (i = 0; i < len; i++)
				if (buf[i] != chk[i]) {
					differ = o.lba + done + i / info.block_size;
					at = i % info.block_size;
					break;
				}
		done = differ == UINT64_MAX ? done + n : differ - o.lba;
		progress_show(&pr, done * info.block_size, o.lba + done, 0);
	}
	progress_show(&pr, done * info.block_size, o.lba + done, 1);
	if (o.json) {
		summary_json("verify", &o, o.dev, o.file2, o.lba, done, info.block_size,
			     now_ns() - t0);
		printf(",\"file_offset\":%" PRIu64 ",\"match\":%s", base,
		       json_bool(differ == UINT64_MAX && done == count));
		if (differ != UINT64_MAX)
			printf(",\"first_difference\":{\"lba\":%" PRIu64 ",\"byte\":%" PRIu64 "}",
			       differ, at);
		printf("}\n");
	} else if (differ != UINT64_MAX) {
		printf("%s: LBA %" PRIu64 " differs from %s at byte %" PRIu64 " of the block\n",
		       o.dev, differ, o.file2, at);
	} else if (done == count) {
		printf("%s: %" PRIu64 " blocks from LBA %" PRIu64 " match %s\n", o.dev, count, o.lba,
		       o.file2);
	}
	ret = differ != UINT64_MAX ? EXIT_DIFFER : interrupted ? EXIT_SIGINT : 0;
free:
	if (buf)
		usbblk_buf_free(buf, (size_t)per * info.block_size);
	free(chk);
close:
	if (fd >= 0)
		close(fd);
	usbblk_close(h);
	return ret;
}

/* ---------------------------------------------------------------- sync, sense */

static int cmd_sync(int argc, char **argv)
{
	struct usbblk_info info;
	struct usbblk *h;
	struct opts o;
	int ret = parse(argc, argv, "", 1, &o);

	if (ret >= 0)
		return ret;
	if (lun_open(o.dev, O_RDWR, &h, &info))
		return 1;
	ret = usbblk_sync(h);
	if (ret)
		io_error(h, o.dev, ret, "sync");
	usbblk_close(h);
	return !!ret;
}

static int cmd_sense(int argc, char **argv)
{
	const char *asc;
	struct usbblk_info info;
	struct usbblk_sense s;
	struct usbblk *h;
	struct opts o;
	unsigned int i;
	char msg[256];
	int ret = parse(argc, argv, (char[]){ A(OPT_JSON), 0 }, 1, &o);

	if (ret >= 0)
		return ret;
	if (lun_open(o.dev, O_RDONLY, &h, &info))
		return 1;
	ret = usbblk_sense(h, &s);
	usbblk_close(h);
	if (ret) {
		err_msg("%s: GET_SENSE: %s", o.dev, usbblk_strerror(ret, NULL, msg, sizeof(msg)));
		return 1;
	}
	asc = usbblk_asc_name(s.asc, s.ascq);
	if (o.json) {
		printf("{\"device\":\"%s\",\"key\":%u,\"key_name\":\"%s\",\"asc\":%u,\"ascq\":%u,"
		       "\"asc_name\":", o.dev, s.key, usbblk_sense_key_name(s.key), s.asc, s.ascq);
		if (asc)
			json_str(asc);
		else
			printf("null");
		printf(",\"response\":%u,\"opcode\":%u,\"errno\":%d,\"errno_name\":", s.response,
		       s.opcode, s.error);
		if (usbblk_errno_name(s.error))
			json_str(usbblk_errno_name(s.error));
		else
			printf("null");
		printf(",\"info_valid\":%s,\"info\":%" PRIu64 ",\"raw\":\"",
		       json_bool(s.info_valid), (uint64_t)s.info);
		for (i = 0; i < s.len && i < sizeof(s.raw); i++)
			printf("%02x", s.raw[i]);
		printf("\"}\n");
		return 0;
	}
	if (!s.error && !s.key) {
		printf("%s: no failed command\n", o.dev);
		return 0;
	}
	printf("%s: last failed command: %s\n", o.dev,
	       usbblk_strerror(s.error, &s, msg, sizeof(msg)));
	printf("  sense key %#x %s, asc %#04x ascq %#04x%s%s, response %#x, %u bytes:", s.key,
	       usbblk_sense_key_name(s.key), s.asc, s.ascq, asc ? ": " : "", asc ?: "",
	       s.response, s.len);
	for (i = 0; i < s.len && i < sizeof(s.raw); i++)
		printf(" %02x", s.raw[i]);
	printf("\n");
	return 0;
}

/* ---------------------------------------------------------------- bench */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* xorshift64*: the random LBAs, the same for every run */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static int bench_rt(const struct opts *o)
{
	struct sched_param sp = { .sched_priority = o->fifo };
	cpu_set_t set;

	if (o->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(o->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			err_msg("--cpu %d: %s", o->cpu, strerror(errno));
			return -1;
		}
	}
	if (o->fifo && sched_setscheduler(0, SCHED_FIFO, &sp)) {
		err_msg("--fifo %d: %s", o->fifo, strerror(errno));
		return -1;
	}
	return 0;
}

static double pct(const uint64_t *v, uint64_t n, double p)
{
	uint64_t i = (uint64_t)(p * n);

	return (i >= n ? v[n - 1] : v[i]) / 1e3;
}

static int cmd_bench(int argc, char **argv)
{
	uint64_t *lat = NULL, i, seq_blocks, seed = 0x9e3779b97f4a7c15ull, t0, rd_ns, wr_ns = 0;
	struct usbblk_info info;
	struct usbblk *h;
	struct opts o;
	uint32_t per;
	uint8_t *buf;
	int ret;

	ret = parse(argc, argv, (char[]){ A(OPT_READS), A(OPT_SEQ_MIB), A(OPT_WRITE),
			       A(OPT_FIFO), A(OPT_CPU), A(OPT_TIMEOUT), A(OPT_JSON), 0 }, 1, &o);
	if (ret >= 0)
		return ret;
	if (!o.reads || o.reads > 100000000)
		return bad_usage("--reads: 1 ... 100000000");
	if (lun_open(o.dev, o.do_write ? O_RDWR : O_RDONLY, &h, &info))
		return 1;
	ret = 1;
	per = (1u << 20) / info.block_size ? (1u << 20) / info.block_size : 1;
	seq_blocks = o.seq_mib * (1u << 20) / info.block_size;
	if (seq_blocks > info.capacity)
		seq_blocks = info.capacity;
	lat = calloc(o.reads, sizeof(*lat));
	if (!lat || usbblk_buf_alloc(h, (size_t)per * info.block_size, USBBLK_BUF_MLOCK,
				     (void **)&buf)) {
		err_msg("cannot allocate (and lock) the buffers");
		goto out;
	}
	if (bench_rt(&o))
		goto free;
	catch_sigint();
	/* random single-block reads, each timed */
	for (i = 0; i < o.reads && !interrupted; i++) {
		uint64_t lba = next_rand(&seed) % info.capacity;
		int r;

		t0 = now_ns();
		r = usbblk_read(h, lba, buf, 1, 0, o.timeout);
		lat[i] = now_ns() - t0;
		if (r) {
			io_error(h, o.dev, r, "read at LBA %" PRIu64, lba);
			goto free;
		}
	}
	o.reads = i;
	qsort(lat, o.reads, sizeof(*lat), cmp_u64);
	/* sequential: 1 MiB requests from LBA 0; with --write the same data back */
	t0 = now_ns();
	for (i = 0; i < seq_blocks && !interrupted; i += per) {
		uint32_t n = seq_blocks - i < per ? seq_blocks - i : per;
		int r = usbblk_read(h, i, buf, n, 0, o.timeout);

		if (r) {
			io_error(h, o.dev, r, "read at LBA %" PRIu64, i);
			goto free;
		}
		if (o.do_write) {
			uint64_t w0 = now_ns();

			r = usbblk_write(h, i, buf, n, 0, o.timeout);
			wr_ns += now_ns() - w0;
			if (r) {
				io_error(h, o.dev, r, "write at LBA %" PRIu64, i);
				goto free;
			}
		}
	}
	rd_ns = now_ns() - t0 - wr_ns;
	if (interrupted) {
		err_msg("interrupted");
		ret = EXIT_SIGINT;
		goto free;
	}
	if (o.json) {
		printf("{\"device\":\"%s\",\"block_size\":%u,\"random_reads\":%" PRIu64
		       ",\"read_us\":{\"min\":%.1f,\"p50\":%.1f,\"p99\":%.1f,\"p99.9\":%.1f,\"max\":%.1f}"
		       ",\"seq_bytes\":%" PRIu64 ",\"seq_read_mib_per_s\":%.3f",
		       o.dev, info.block_size, o.reads, lat[0] / 1e3, pct(lat, o.reads, 0.5),
		       pct(lat, o.reads, 0.99), pct(lat, o.reads, 0.999), lat[o.reads - 1] / 1e3,
		       seq_blocks * info.block_size, mib_per_s(seq_blocks * info.block_size, rd_ns));
		if (o.do_write)
			printf(",\"seq_write_mib_per_s\":%.3f",
			       mib_per_s(seq_blocks * info.block_size, wr_ns));
		printf(",\"fifo\":%d,\"cpu\":%d}\n", o.fifo, o.cpu);
	} else {
		printf("%s: %" PRIu64 " random %u-byte reads: min %.1f us, p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us\n",
		       o.dev, o.reads, info.block_size, lat[0] / 1e3, pct(lat, o.reads, 0.5),
		       pct(lat, o.reads, 0.99), pct(lat, o.reads, 0.999), lat[o.reads - 1] / 1e3);
		printf("%s: sequential read of %.1f MiB in 1 MiB requests: %.1f MiB/s\n", o.dev,
		       seq_blocks * info.block_size / 1048576.0,
		       mib_per_s(seq_blocks * info.block_size, rd_ns));
		if (o.do_write)
			printf("%s: sequential write (the same data back): %.1f MiB/s\n", o.dev,
			       mib_per_s(seq_blocks * info.block_size, wr_ns));
	}
	ret = 0;
free:
	usbblk_buf_free(buf, (size_t)per * info.block_size);
out:
	free(lat);
	usbblk_close(h);
	return ret;
}

/* ---------------------------------------------------------------- main */

static const struct cmd cmds[] = {
	{ "list", "[--json] [--no-rescan]",
	  "The tree of controllers, root ports, hubs, devices and LUN nodes, with their\n"
	  "size, block size, speed, id and state.  --no-rescan reports without\n"
	  "rescanning the ports first.\n", cmd_list },
	{ "info", "DEV [--json]",
	  "A LUN node's (/dev/usbblkN) geometry and identity, or a controller node's\n"
	  "(/dev/usbblk-hcN) facts, root ports and devices.\n", cmd_info },
	{ "read", "DEV --lba N --count N [-o FILE] [--json] [--timeout MS]",
	  "Read COUNT blocks from LBA: a hexdump on stdout, or the raw blocks to FILE\n"
	  "(\"-o -\" for stdout); --json prints them as hex in a JSON document.\n"
	  "--timeout bounds each transfer stage (default: the driver's io_timeout_ms).\n",
	  cmd_read },
	{ "write", "DEV --lba N -i FILE [--fua] [--timeout MS]",
	  "Write FILE (a whole number of blocks) from LBA.  --fua: each request is on\n"
	  "the medium when it completes.\n", cmd_write },
	{ "copy", "DEV FILE | FILE DEV [--lba N] [--count N] [--fua] [--no-progress] [--json]",
	  "The whole stick (or COUNT blocks from LBA) to FILE, or FILE back to the\n"
	  "stick, at the same offsets: FILE is an image and is never truncated, so a\n"
	  "copy that stopped at LBA N resumes with --lba N.  A progress bar on stderr\n"
	  "when it is a terminal.  Copies to the stick end with SYNC.\n", cmd_copy },
	{ "verify", "DEV FILE [--lba N] [--count N] [--file-offset BYTES] [--no-progress] [--json]",
	  "Compare COUNT blocks from LBA (default: as many as FILE holds) with FILE,\n"
	  "read from LBA * block size (an image) or from --file-offset.  Exit status 3\n"
	  "and the first differing LBA when they differ.\n", cmd_verify },
	{ "sync", "DEV", "SYNCHRONIZE CACHE: written data reaches the medium.\n", cmd_sync },
	{ "sense", "DEV [--json]",
	  "The sense data of the LUN's last failed command, decoded.\n", cmd_sense },
	{ "bench", "DEV [--reads N] [--seq-mib N] [--write] [--fifo PRIO] [--cpu N] [--json]",
	  "N (default 1000) random single-block reads, each timed: min, p50, p99,\n"
	  "p99.9, max; then a sequential read of --seq-mib MiB (default 16) in 1 MiB\n"
	  "requests, with --write each MiB written back as read.  --fifo runs it at\n"
	  "SCHED_FIFO priority PRIO, --cpu pins it to a CPU.  Buffers are mlock'ed.\n",
	  cmd_bench },
};

static int usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: %s COMMAND [ARGS]   (%s COMMAND --help for one)\n\n", prog, prog);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %s %s\n", cmds[i].name, cmds[i].args);
	fprintf(f, "\nDEV is a usbblk node: /dev/usbblkN (a LUN) or, for info, /dev/usbblk-hcN.\n"
		"Exit status: 0 success, 1 an operation failed (the errno's name and the\n"
		"decoded sense are printed), 2 usage, 3 verify found a difference,\n"
		"130 interrupted.\n");
	return f == stdout ? 0 : EXIT_USAGE;
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name)) {
			cur = &cmds[i];
			return cmds[i].run(argc - 1, argv + 1);
		}
	fprintf(stderr, "%s: unknown command \"%s\"\n", prog, argv[1]);
	return usage(stderr);
}
