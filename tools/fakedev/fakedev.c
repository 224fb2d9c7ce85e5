// SPDX-License-Identifier: GPL-2.0
/*
 * fakedev - a programmable USB mass-storage stick for QEMU's usb-redir.
 *
 *   fakedev [-v] -s SOCKET SCENARIO[,key=value...]
 *
 * Listens on the unix socket SOCKET, takes one connection (QEMU's
 * "-chardev socket,path=SOCKET" + "-device usb-redir"), and plays the
 * usbredir "usb host" side of the device in model.c until QEMU hangs up.
 * Options: image=FILE (one a LUN, repeatable), luns=N (GET MAX LUN + 1),
 * speed=super|high, bs=BYTES, serial=TEXT, trigger=LBA, times=N, seed=N,
 * latency=US, pause=MS, pause_every=N, timing=stick, bad=LBA (reads of it
 * fail: MEDIUM ERROR), fuzz=N, corpus=DIR, fuzz_idle=MS (desc-fuzz: the
 * next mutated stick once the host has been quiet that long, rather than
 * after 2.5 s), verbose=1; the
 * scenarios are listed in scenario.h.  The log (stderr) has one line a
 * fault and a summary at the end.
 *
 * Only this file knows usbredir: the parser calls us for each packet,
 * the model answers, and the answer goes back either at once or, with
 * the timing model, when it is due (in order).  Requests the model holds
 * (NAK forever) are answered "cancelled" when QEMU cancels them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <usbredirparser.h>

#include "model.h"

struct pending {
	uint64_t id;
	uint64_t due_ns;
	struct usb_redir_bulk_packet_header h;
	uint8_t *data;
	int len;
	int held;		/* no due time: until cancelled */
};

#define MAX_PENDING 256

static struct fd_dev dev;
static struct usbredirparser *parser;
static int sock = -1;
static int eof;
static struct pending pend[MAX_PENDING];
static unsigned int npend;
static unsigned long held_total, cancelled_total, disconnects;
static int connected;
/* unplug / plug in again: at replug_ns, phase 1 unplugs, phase 2 plugs in */
static uint64_t replug_ns;
static int replug_phase;
static const struct fd_scenario *replug_scn;
/* desc-fuzz with fuzz_idle=MS: the last request of this plug-in */
static uint64_t last_request_ns;

static void schedule_replug(int phase, uint64_t in_ms, const struct fd_scenario *scn);
static void device_leaves(void);

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void log_cb(void *priv, int level, const char *msg)
{
	(void)priv;
	if (level <= usbredirparser_warning || dev.o.verbose)
		fprintf(stderr, "fakedev: usbredir: %s\n", msg);
}

static int read_cb(void *priv, uint8_t *data, int count)
{
	ssize_t n = read(sock, data, count);

	(void)priv;
	if (n == 0) {
		eof = 1;
		return -1;
	}
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	return n;
}

static int write_cb(void *priv, uint8_t *data, int count)
{
	ssize_t n = write(sock, data, count);

	(void)priv;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	return n;
}

static void announce(void)
{
	struct usb_redir_interface_info_header ii;
	struct usb_redir_ep_info_header ei;
	struct usb_redir_device_connect_header dc;
	int i;

	memset(&ii, 0, sizeof(ii));
	ii.interface_count = 1;
	ii.interface_class[0] = fd_dev_is_hub(&dev) ? 0x09 : 0x08;
	ii.interface_subclass[0] = fd_dev_is_hub(&dev) ? 0 : 0x06;
	ii.interface_protocol[0] = fd_dev_is_hub(&dev) ? 0 : 0x50;
	usbredirparser_send_interface_info(parser, &ii);

	/* index: OUT endpoint n at n, IN endpoint n at 0x10 + n */
	memset(&ei, 0, sizeof(ei));
	for (i = 0; i < 32; i++)
		ei.type[i] = usb_redir_type_invalid;
	ei.type[0] = ei.type[0x10] = usb_redir_type_control;
	ei.max_packet_size[0] = ei.max_packet_size[0x10] = fd_ep0_max_packet(&dev);
	ei.type[FD_EP_OUT & 0x0f] = usb_redir_type_bulk;
	ei.max_packet_size[FD_EP_OUT & 0x0f] = fd_bulk_max_packet(&dev);
	ei.type[0x10 | (FD_EP_IN & 0x0f)] = usb_redir_type_bulk;
	ei.max_packet_size[0x10 | (FD_EP_IN & 0x0f)] = fd_bulk_max_packet(&dev);
	if (fd_dev_is_hub(&dev)) {
		/* a hub: its status-change interrupt endpoint, no bulk */
		ei.type[FD_EP_OUT & 0x0f] = usb_redir_type_invalid;
		ei.type[0x10 | (FD_EP_IN & 0x0f)] = usb_redir_type_interrupt;
		ei.interval[0x10 | (FD_EP_IN & 0x0f)] = dev.o.speed == FD_SPEED_SUPER ? 8 : 12;
		ei.max_packet_size[0x10 | (FD_EP_IN & 0x0f)] = 2;
	}
	usbredirparser_send_ep_info(parser, &ei);

	memset(&dc, 0, sizeof(dc));
	dc.speed = dev.o.speed == FD_SPEED_SUPER ? usb_redir_speed_super : usb_redir_speed_high;
	dc.vendor_id = 0x1209;
	dc.product_id = 0xfa4e;
	dc.device_version_bcd = 0x0100;
	usbredirparser_send_device_connect(parser, &dc);
	connected = 1;
	/* a device that enumeration refuses: back to "good" after a while */
	if (dev.switched && dev.o.scn->op == OP_ENUM && !replug_phase)
		schedule_replug(1, 6000, fd_scenario_find("good"));
	fprintf(stderr, "fakedev: connected: scenario %s, %s speed, %u LUN(s), %u-byte blocks\n",
		dev.o.scn->name, dev.o.speed == FD_SPEED_SUPER ? "super" : "high", dev.nluns,
		dev.o.block_size);
}

static void hello_cb(void *priv, struct usb_redir_hello_header *h)
{
	(void)priv;
	fprintf(stderr, "fakedev: peer \"%.64s\"\n", h->version);
	if (!usbredirparser_peer_has_cap(parser, usb_redir_cap_64bits_ids))
		fprintf(stderr, "fakedev: peer lacks 64-bit ids\n");
	announce();
}

static void reset_cb(void *priv)
{
	(void)priv;
	fd_dev_reset(&dev);
}

static void set_config_cb(void *priv, uint64_t id, struct usb_redir_set_configuration_header *h)
{
	struct usb_redir_configuration_status_header st = {
		.status = h->configuration <= 1 ? usb_redir_success : usb_redir_stall,
		.configuration = h->configuration,
	};

	(void)priv;
	if (fd_enum_leave(&dev, ENUM_AT_SET_CONFIG)) {
		device_leaves();	/* unanswered: QEMU cancels it with the device */
		return;
	}
	if (h->configuration <= 1)
		fd_dev_set_config(&dev, h->configuration);
	usbredirparser_send_configuration_status(parser, id, &st);
}

static void get_config_cb(void *priv, uint64_t id)
{
	struct usb_redir_configuration_status_header st = {
		.status = usb_redir_success,
		.configuration = dev.config,
	};

	(void)priv;
	usbredirparser_send_configuration_status(parser, id, &st);
}

static void set_alt_cb(void *priv, uint64_t id, struct usb_redir_set_alt_setting_header *h)
{
	struct usb_redir_alt_setting_status_header st = {
		.status = h->alt == 0 && h->interface == 0 ? usb_redir_success : usb_redir_stall,
		.interface = h->interface,
		.alt = 0,
	};

	(void)priv;
	usbredirparser_send_alt_setting_status(parser, id, &st);
}

static void get_alt_cb(void *priv, uint64_t id, struct usb_redir_get_alt_setting_header *h)
{
	struct usb_redir_alt_setting_status_header st = {
		.status = h->interface == 0 ? usb_redir_success : usb_redir_stall,
		.interface = h->interface,
		.alt = 0,
	};

	(void)priv;
	usbredirparser_send_alt_setting_status(parser, id, &st);
}

static void device_leaves(void)
{
	unsigned int i;

	if (!connected)
		return;
	fprintf(stderr, "fakedev: device disconnects (scenario %s)\n", dev.o.scn->name);
	usbredirparser_send_device_disconnect(parser);
	connected = 0;
	disconnects++;
	/* after a disconnect QEMU takes every request as cancelled */
	for (i = 0; i < npend; i++)
		free(pend[i].data);
	npend = 0;
}

static void schedule_replug(int phase, uint64_t in_ms, const struct fd_scenario *scn)
{
	replug_phase = phase;
	replug_ns = now_ns() + in_ms * 1000000;
	replug_scn = scn;
}

/* A switch block, a probe fault shown, or a fault that unplugged: what next. */
static void after_request(void)
{
	if (connected)
		last_request_ns = now_ns();
	if (dev.switch_to && dev.state == BOT_CBW && !replug_phase) {
		schedule_replug(1, 0, dev.switch_to);
		dev.switch_to = NULL;
	} else if (dev.revert && !replug_phase) {
		schedule_replug(1, 4000, fd_scenario_find("good"));
		dev.revert = false;
	}
	/* a device that left (switched to, or vanishing mid-enumeration) comes back good */
	if (!connected && !replug_phase &&
	    (dev.switched || dev.o.scn->fault == FAULT_DISCONNECT_ENUM))
		schedule_replug(2, 3000, fd_scenario_find("good"));
}

static void replug_due(void)
{
	/*
	 * desc-fuzz, fuzz_idle=MS: the host has read the mutated stick and
	 * gone quiet (FAILED, or configured and probed): next one, before
	 * the 2.5 s are up
	 */
	if (replug_phase == 1 && dev.o.scn->fault == FAULT_DESC_FUZZ && dev.o.fuzz_idle_ms &&
	    last_request_ns && now_ns() > last_request_ns + dev.o.fuzz_idle_ms * 1000000ull)
		replug_ns = 0;
	if (!replug_phase || now_ns() < replug_ns)
		return;
	if (replug_phase == 1) {
		device_leaves();
		/* QEMU waits 200 ms before it attaches again anyway */
		schedule_replug(2, 500, replug_scn);
		return;
	}
	replug_phase = 0;
	if (replug_scn->fault == FAULT_DESC_FUZZ) {
		if (dev.o.scn->fault != FAULT_DESC_FUZZ)
			dev.fuzz_count = 0;
		if (dev.fuzz_count >= dev.o.fuzz) {
			fprintf(stderr, "fakedev: desc-fuzz: %u mutated enumerations done\n",
				dev.fuzz_count);
			replug_scn = fd_scenario_find("good");
		}
	}
	fd_dev_switch(&dev, replug_scn);
	if (replug_scn->fault == FAULT_DESC_FUZZ) {
		fd_fuzz_next(&dev);
		last_request_ns = 0;
		if (dev.o.verbose || dev.fuzz_count <= 3 || dev.fuzz_count % 100 == 0) {
			size_t i;

			fprintf(stderr, "fakedev: desc-fuzz %u:", dev.fuzz_count);
			for (i = 0; i < dev.fuzz_len; i++)
				fprintf(stderr, " %02x", dev.fuzz_cfg[i]);
			fputc('\n', stderr);
		}
		schedule_replug(1, 2500, replug_scn);
	}
	announce();
}

/* A hub's status-change endpoint: "receiving" starts and stops, nothing comes. */
static void int_status(uint64_t id, uint8_t ep)
{
	struct usb_redir_interrupt_receiving_status_header st = {
		.status = usb_redir_success, .endpoint = ep,
	};

	usbredirparser_send_interrupt_receiving_status(parser, id, &st);
}

static void start_int_cb(void *priv, uint64_t id,
			 struct usb_redir_start_interrupt_receiving_header *h)
{
	(void)priv;
	int_status(id, h->endpoint);
}

static void stop_int_cb(void *priv, uint64_t id,
			struct usb_redir_stop_interrupt_receiving_header *h)
{
	(void)priv;
	int_status(id, h->endpoint);
}

/* Seeds for desc-fuzz: every file of the directory (the libFuzzer corpus). */
static void load_seeds(const char *dir)
{
	struct dirent *e;
	DIR *dp = opendir(dir);
	uint8_t buf[512];

	if (!dp) {
		fprintf(stderr, "fakedev: corpus %s: %s\n", dir, strerror(errno));
		return;
	}
	while ((e = readdir(dp))) {
		char path[4096];
		ssize_t n;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n > 0)
			fd_fuzz_add_seed(&dev, buf, n);
	}
	closedir(dp);
	fprintf(stderr, "fakedev: %u seeds from %s\n", dev.nseeds, dir);
}

static void control_cb(void *priv, uint64_t id, struct usb_redir_control_packet_header *h,
		       uint8_t *data, int data_len)
{
	struct usb_redir_control_packet_header out = *h;
	struct fd_setup s = {
		.type = h->requesttype, .request = h->request,
		.value = h->value, .index = h->index, .length = h->length,
	};
	struct fd_reply r;

	(void)priv;
	fd_control(&dev, &s, data, &r);
	if (data)
		usbredirparser_free_packet_data(parser, data);
	(void)data_len;
	if (r.status == FD_DISCONNECT) {
		device_leaves();
		return;
	}
	if (r.status == FD_HOLD) {
		/* never answered: QEMU cancels it when the device leaves */
		held_total++;
		fprintf(stderr, "fakedev: holding control request %llu (%02x %02x)\n",
			(unsigned long long)id, h->requesttype, h->request);
		if (dev.vanish_ms && !replug_phase)
			schedule_replug(1, dev.vanish_ms, fd_scenario_find("good"));
		dev.vanish_ms = 0;
		return;
	}
	if (dev.o.verbose)
		fprintf(stderr, "fakedev: control %02x %02x %04x %04x %u -> %s %zu\n", h->requesttype,
			h->request, h->value, h->index, h->length,
			r.status == FD_OK ? "ok" : "stall", r.len);
	out.status = r.status == FD_OK ? usb_redir_success : usb_redir_stall;
	if (r.status != FD_OK) {
		out.length = 0;
		usbredirparser_send_control_packet(parser, id, &out, NULL, 0);
	} else if (h->requesttype & 0x80) {
		out.length = r.len;
		usbredirparser_send_control_packet(parser, id, &out, (uint8_t *)r.data, r.len);
	} else {
		usbredirparser_send_control_packet(parser, id, &out, NULL, 0);
	}
}

static void send_bulk(uint64_t id, struct usb_redir_bulk_packet_header *h, uint8_t *data, int len)
{
	usbredirparser_send_bulk_packet(parser, id, h, data, len);
}

/* Send the answers that are due, oldest first; stop at a held one. */
static void flush_due(void)
{
	uint64_t now = now_ns();

	while (npend && !pend[0].held && pend[0].due_ns <= now) {
		send_bulk(pend[0].id, &pend[0].h, pend[0].data, pend[0].len);
		free(pend[0].data);
		memmove(&pend[0], &pend[1], (npend - 1) * sizeof(pend[0]));
		npend--;
	}
}

static int queue_reply(uint64_t id, const struct usb_redir_bulk_packet_header *h,
		       const uint8_t *data, int len, uint64_t due, int held)
{
	struct pending *p;

	if (npend == MAX_PENDING) {
		fprintf(stderr, "fakedev: too many answers pending\n");
		return -1;
	}
	p = &pend[npend++];
	p->id = id;
	p->h = *h;
	p->len = len;
	p->data = NULL;
	if (len) {
		p->data = malloc(len);
		if (!p->data)
			abort();
		memcpy(p->data, data, len);
	}
	p->due_ns = due;
	p->held = held;
	return 0;
}

static void bulk_cb(void *priv, uint64_t id, struct usb_redir_bulk_packet_header *h,
		    uint8_t *data, int data_len)
{
	struct usb_redir_bulk_packet_header out = *h;
	uint32_t len = h->length | (uint32_t)h->length_high << 16;
	struct fd_reply r;
	uint64_t due;

	(void)priv;
	if (h->endpoint == FD_EP_OUT) {
		fd_bulk_out(&dev, data, data_len, &r);
	} else if (h->endpoint == FD_EP_IN) {
		fd_bulk_in(&dev, len, &r);
	} else {
		r.status = FD_STALL;
		r.len = 0;
		r.data = NULL;
		r.delay_us = 0;
	}
	if (data)
		usbredirparser_free_packet_data(parser, data);

	out.status = usb_redir_success;
	switch (r.status) {
	case FD_OK:
	case FD_BABBLE:		/* the data is longer than asked: QEMU says babble */
		break;
	case FD_STALL:
		out.status = usb_redir_stall;
		r.len = 0;
		break;
	case FD_DISCONNECT:
		/* the request is never answered: QEMU cancels it with the device */
		device_leaves();
		return;
	case FD_HOLD:
		held_total++;
		queue_reply(id, &out, NULL, 0, 0, 1);
		fprintf(stderr, "fakedev: holding request %llu on ep %#x (NAK)\n",
				(unsigned long long)id, h->endpoint);
		return;
	}
	out.length = r.len & 0xffff;
	out.length_high = r.len >> 16;
	due = now_ns() + r.delay_us * 1000;
	/* answers on an endpoint go back in order: behind anything pending */
	if (npend) {
		if (due < pend[npend - 1].due_ns)
			due = pend[npend - 1].due_ns;
		queue_reply(id, &out, h->endpoint & 0x80 ? r.data : NULL,
			    h->endpoint & 0x80 ? r.len : 0, due, pend[npend - 1].held);
		return;
	}
	if (r.delay_us) {
		queue_reply(id, &out, h->endpoint & 0x80 ? r.data : NULL,
			    h->endpoint & 0x80 ? r.len : 0, due, 0);
		return;
	}
	send_bulk(id, &out, h->endpoint & 0x80 ? (uint8_t *)r.data : NULL,
		  h->endpoint & 0x80 ? r.len : 0);
}

static void cancel_cb(void *priv, uint64_t id)
{
	unsigned int i;

	(void)priv;
	for (i = 0; i < npend; i++) {
		if (pend[i].id != id)
			continue;
		pend[i].h.status = usb_redir_cancelled;
		pend[i].h.length = pend[i].h.length_high = 0;
		send_bulk(id, &pend[i].h, NULL, 0);
		free(pend[i].data);
		memmove(&pend[i], &pend[i + 1], (npend - i - 1) * sizeof(pend[0]));
		npend--;
		cancelled_total++;
		fprintf(stderr, "fakedev: request %llu cancelled by the host\n",
			(unsigned long long)id);
		return;
	}
}

static int listen_on(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s, c;

	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "fakedev: socket path too long\n");
		return -1;
	}
	strcpy(a.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1)) {
		perror("fakedev: listen");
		return -1;
	}
	c = accept(s, NULL, NULL);
	close(s);
	unlink(path);
	if (c < 0)
		perror("fakedev: accept");
	return c;
}

static void usage(void)
{
	fprintf(stderr, "usage: fakedev [-v] -s SOCKET SCENARIO[,key=value...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint32_t caps[USB_REDIR_CAPS_SIZE] = { 0 };
	const char *path = NULL;
	struct fd_opts o;
	char err[256];
	int opt, verbose = 0;

	while ((opt = getopt(argc, argv, "s:v")) != -1) {
		if (opt == 's')
			path = optarg;
		else if (opt == 'v')
			verbose = 1;
		else
			usage();
	}
	if (!path || optind != argc - 1)
		usage();
	if (fd_opts_parse(&o, argv[optind], err, sizeof(err)) ||
	    (o.verbose |= verbose, fd_dev_init(&dev, &o, err, sizeof(err)))) {
		fprintf(stderr, "fakedev: %s\n", err);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	sock = listen_on(path);
	if (sock < 0)
		return 1;
	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);

	parser = usbredirparser_create();
	if (!parser)
		return 1;
	parser->priv = &dev;
	parser->log_func = log_cb;
	parser->read_func = read_cb;
	parser->write_func = write_cb;
	parser->hello_func = hello_cb;
	parser->reset_func = reset_cb;
	parser->set_configuration_func = set_config_cb;
	parser->get_configuration_func = get_config_cb;
	parser->set_alt_setting_func = set_alt_cb;
	parser->get_alt_setting_func = get_alt_cb;
	parser->control_packet_func = control_cb;
	parser->bulk_packet_func = bulk_cb;
	parser->cancel_data_packet_func = cancel_cb;
	parser->start_interrupt_receiving_func = start_int_cb;
	parser->stop_interrupt_receiving_func = stop_int_cb;
	if (dev.o.corpus)
		load_seeds(dev.o.corpus);
	usbredirparser_caps_set_cap(caps, usb_redir_cap_connect_device_version);
	usbredirparser_caps_set_cap(caps, usb_redir_cap_ep_info_max_packet_size);
	usbredirparser_caps_set_cap(caps, usb_redir_cap_64bits_ids);
	usbredirparser_caps_set_cap(caps, usb_redir_cap_32bits_bulk_length);
	usbredirparser_init(parser, "usbblk fakedev", caps, USB_REDIR_CAPS_SIZE,
			    usbredirparser_fl_usb_host);

	while (!eof) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		int timeout = -1;

		flush_due();
		replug_due();
		if (usbredirparser_has_data_to_write(parser))
			p.events |= POLLOUT;
		if (npend && !pend[0].held) {
			uint64_t now = now_ns();

			timeout = pend[0].due_ns > now ? (int)((pend[0].due_ns - now) / 1000000) + 1 : 0;
		}
		if (replug_phase) {
			uint64_t now = now_ns(), at = replug_ns;
			int t;

			if (dev.o.scn->fault == FAULT_DESC_FUZZ && dev.o.fuzz_idle_ms &&
			    last_request_ns && last_request_ns + dev.o.fuzz_idle_ms * 1000000ull < at)
				at = last_request_ns + dev.o.fuzz_idle_ms * 1000000ull;
			t = at > now ? (int)((at - now) / 1000000) + 1 : 0;

			if (timeout < 0 || t < timeout)
				timeout = t;
		}
		if (poll(&p, 1, timeout) < 0 && errno != EINTR)
			break;
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			int ret = usbredirparser_do_read(parser);

			if (ret == usbredirparser_read_io_error && !eof) {
				fprintf(stderr, "fakedev: read error\n");
				break;
			}
			after_request();
		}
		if (usbredirparser_has_data_to_write(parser) &&
		    usbredirparser_do_write(parser) == usbredirparser_write_io_error)
			break;
	}
	fprintf(stderr, "fakedev: done: %lu commands, %lu resets, %lu clear-halts, "
		"fault fired %u times, %lu held, %lu cancelled, %lu disconnects\n",
		dev.cmds, dev.resets, dev.clear_halts, dev.fired, held_total, cancelled_total,
		disconnects);
	usbredirparser_destroy(parser);
	fd_dev_free(&dev);
	return 0;
}
