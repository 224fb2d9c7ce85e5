/* SPDX-License-Identifier: GPL-2.0 */
/*
 * usbblk-bench "trace": where the time of a 512 B read goes, from tracefs.
 *
 * Enables irq_handler_entry, sched_wakeup, sched_switch and the usbblk
 * events (when the stack is usbblk), runs reads with a trace_marker
 * "bench B i" before and "bench E i" after each, and reads the trace back
 * (timestamps in microseconds, the text format's resolution).  Per read:
 *
 *   trace_submit      B -> first usbblk_bulk (the first TD queued)
 *   trace_irq_thread  hard IRQ of the stack -> its IRQ thread running
 *   trace_wake_run    the caller woken -> the caller running
 *   trace_irq_caller  last hard IRQ -> the caller running
 *   trace_exit        the caller running for the last time -> E
 *   trace_td_rtt      a TD queued (usbblk_bulk) -> its transfer event handled
 *   trace_total       B -> E
 *   trace_irqs, trace_wakeups, trace_events   counts per read
 *
 * and, for the slowest reads, what else ran meanwhile ("O" lines: other
 * tasks switched in, other interrupts), which is what the documentation's
 * outlier explanations come from.
 */
#ifndef _BENCH_TRACE_H
#define _BENCH_TRACE_H

#define TRACE_MAX_IO	3000
#define TRACE_OUTLIERS	5
#define NSTAGES		9

static const char *tracefs(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		char p[80];

		snprintf(p, sizeof(p), "%s/trace_marker", dirs[i]);
		if (!access(p, W_OK))
			return dirs[i];
	}
	if (!system("mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null") &&
	    !access("/sys/kernel/tracing/trace_marker", W_OK))
		return dirs[0];
	return NULL;
}

static int tset(const char *dir, const char *file, const char *val)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return sysfs_write(p, val);
}

struct tio {		/* one traced read */
	double b, e, submit, last_irq, last_run;
	int irqs, wakeups, events;
	char others[160];
};

/* Append WHAT to the read's list of other activity (bounded). */
static void tio_other(struct tio *io, const char *what)
{
	size_t l = strlen(io->others);

	if (strstr(io->others, what) || l + strlen(what) + 2 >= sizeof(io->others))
		return;
	snprintf(io->others + l, sizeof(io->others) - l, "%s%s", l ? "," : "", what);
}

static int tparse(char *line, int *pid, double *ts, char **ev, char **rest)
{
	char *br = strstr(line, " ["), *p, *q, *dash;

	if (!br || line[0] == '#')
		return -1;
	*br = 0;
	dash = strrchr(line, '-');
	if (!dash)
		return -1;
	*pid = atoi(dash + 1);
	p = strchr(br + 1, ']');
	if (!p)
		return -1;
	p++;
	while (*p == ' ')
		p++;
	if (!strchr(p, ':'))
		return -1;
	if (!(*p >= '0' && *p <= '9')) {	/* the irq-info flags column */
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	*ts = strtod(p, &q) * 1e6;	/* seconds -> us */
	if (q == p || *q != ':')
		return -1;
	q++;
	while (*q == ' ')
		q++;
	*ev = q;
	q = strchr(q, ':');
	if (!q)
		return -1;
	*q = 0;
	*rest = q + 1;
	return 0;
}

static void trace_sample(uint64_t *v, size_t *n, double us)
{
	if (*n < TRACE_MAX_IO * 8 && us >= 0)
		v[(*n)++] = (uint64_t)(us * 1000.0 + 0.5);
}

static void cmd_trace(struct stick *s)
{
	const char *dir = tracefs();
	const char *irqname = is_usbblk(s->stack) ? "usbblk" : "xhci";
	unsigned long n = opt_n > TRACE_MAX_IO ? TRACE_MAX_IO : opt_n, i;
	uint64_t *st[NSTAGES];
	size_t cnt[NSTAGES] = { 0 };
	static const char *const names[NSTAGES] = {
		"trace_submit", "trace_irq_thread", "trace_wake_run", "trace_irq_caller",
		"trace_exit", "trace_total", "trace_irqs", "trace_wakeups", "trace_td_rtt"
	};
	double bulk = -1;
	struct tio *io = calloc(n, sizeof(*io)), *cur = NULL;
	uint8_t *buf = buf_alloc(BS);
	int mfd, me = getpid(), irq = -1, thr = -1;
	double irq_pending = -1, woke = -1;
	char path[160], *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (!dir) {
		printf("N %s: no tracefs, no trace figures\n", s->stack);
		return;
	}
	for (i = 0; i < NSTAGES; i++) {
		st[i] = calloc(TRACE_MAX_IO * 8, sizeof(uint64_t));
		if (!st[i])
			die("calloc");
	}
	if (!io)
		die("calloc");
	tset(dir, "tracing_on", "0");
	tset(dir, "trace", "");
	tset(dir, "buffer_size_kb", "16384");
	tset(dir, "trace_clock", "mono");
	tset(dir, "events/enable", "0");
	tset(dir, "events/irq/irq_handler_entry/enable", "1");
	tset(dir, "events/sched/sched_wakeup/enable", "1");
	tset(dir, "events/sched/sched_switch/enable", "1");
	if (is_usbblk(s->stack))
		tset(dir, "events/usbblk/enable", "1");
	snprintf(path, sizeof(path), "%s/trace_marker", dir);
	mfd = open(path, O_WRONLY);
	if (mfd < 0)
		die(path);
	tset(dir, "tracing_on", "1");
	for (i = 0; i < n; i++) {
		uint64_t lba = rnd() % s->blocks;
		int ret;

		dprintf(mfd, "bench B %lu", i);
		ret = stick_io(s, 0, lba, buf, 1, 0);
		dprintf(mfd, "bench E %lu", i);
		check_io(ret, "traced read", lba);
		check_data(buf, lba, 1);
	}
	tset(dir, "tracing_on", "0");
	close(mfd);
	tset(dir, "events/enable", "0");

	snprintf(path, sizeof(path), "%s/trace", dir);
	f = fopen(path, "r");
	if (!f)
		die(path);
	while (getline(&line, &cap, f) > 0) {
		char *ev, *rest, *p;
		double ts;
		int pid;

		if (tparse(line, &pid, &ts, &ev, &rest))
			continue;
		if (!strcmp(ev, "tracing_mark_write") && pid == me && (p = strstr(rest, "bench "))) {
			unsigned long k = strtoul(p + 8, NULL, 10);

			if (k >= n)
				continue;
			if (p[6] == 'B') {
				cur = &io[k];
				cur->b = ts;
				cur->submit = cur->last_irq = cur->last_run = -1;
				woke = -1;
			} else if (cur == &io[k]) {
				cur->e = ts;
				cur = NULL;
			}
			continue;
		}
		if (!strcmp(ev, "irq_handler_entry")) {
			p = strstr(rest, "name=");
			if (p && !strncmp(p + 5, irqname, strlen(irqname))) {
				irq = atoi(strstr(rest, "irq=") + 4);
				if (irq_pending < 0)
					irq_pending = ts;
				if (cur) {
					cur->irqs++;
					cur->last_irq = ts;
				}
			} else if (cur && p) {
				char w[40];

				snprintf(w, sizeof(w), "irq:%.30s", p + 5);
				w[strcspn(w, " \n")] = 0;
				tio_other(cur, w);
			}
			continue;
		}
		if (!strcmp(ev, "sched_wakeup")) {
			p = strstr(rest, " pid=");
			if (p && atoi(p + 5) == me) {
				woke = ts;
				if (cur)
					cur->wakeups++;
			}
			if (thr < 0 && irq >= 0 && (p = strstr(rest, "comm=irq/")) &&
			    atoi(p + 9) == irq && (p = strstr(rest, " pid=")))
				thr = atoi(p + 5);
			continue;
		}
		if (!strcmp(ev, "sched_switch")) {
			int next;

			p = strstr(rest, "next_pid=");
			if (!p)
				continue;
			next = atoi(p + 9);
			if (next == thr && irq_pending >= 0) {
				trace_sample(st[1], &cnt[1], ts - irq_pending);
				irq_pending = -1;
			} else if (next == me) {
				if (woke >= 0)
					trace_sample(st[2], &cnt[2], ts - woke);
				if (cur && cur->last_irq >= 0)
					trace_sample(st[3], &cnt[3], ts - cur->last_irq);
				if (cur)
					cur->last_run = ts;
				woke = -1;
			} else if (cur && next && next != thr) {
				char w[40];

				p = strstr(rest, "next_comm=");
				snprintf(w, sizeof(w), "%.30s", p ? p + 10 : "?");
				w[strcspn(w, " \n")] = 0;
				tio_other(cur, w);
			}
			if (next == thr)
				irq_pending = -1;
			continue;
		}
		if (cur && !strncmp(ev, "usbblk_", 7)) {
			if (!strcmp(ev, "usbblk_bulk")) {
				if (cur->submit < 0)
					cur->submit = ts;
				bulk = ts;
			}
			if (!strcmp(ev, "usbblk_xfer_event")) {
				cur->events++;
				if (bulk >= 0)
					trace_sample(st[8], &cnt[8], ts - bulk);
				bulk = -1;
			}
		}
	}
	fclose(f);
	free(line);
	tset(dir, "trace", "");

	for (i = 0; i < n; i++) {
		struct tio *t = &io[i];

		if (!t->e)
			continue;
		if (t->submit >= 0)
			trace_sample(st[0], &cnt[0], t->submit - t->b);
		if (t->last_run >= 0)
			trace_sample(st[4], &cnt[4], t->e - t->last_run);
		trace_sample(st[5], &cnt[5], t->e - t->b);
		trace_sample(st[6], &cnt[6], t->irqs / 1000.0);
		trace_sample(st[7], &cnt[7], t->wakeups / 1000.0);
	}
	for (i = 0; i < NSTAGES; i++)
		print_samples(s->stack, names[i], st[i], cnt[i]);
	if (is_usbblk(s->stack)) {
		uint64_t *ev = calloc(n, sizeof(*ev));
		size_t m = 0;

		for (i = 0; ev && i < n; i++)
			if (io[i].e)
				ev[m++] = io[i].events;
		print_samples(s->stack, "trace_xfer_events", ev, m);
		free(ev);
	}
	/* the slowest reads and what ran meanwhile */
	{
		unsigned int o;

		for (o = 0; o < TRACE_OUTLIERS; o++) {
			struct tio *w = NULL;

			for (i = 0; i < n; i++)
				if (io[i].e && io[i].e >= io[i].b &&
				    (!w || io[i].e - io[i].b > w->e - w->b))
					w = &io[i];
			if (!w)
				break;
			printf("O %s %s %.0f us: submit %.0f, irqs %d, wakeups %d, others: %s\n",
			       s->stack, opt_tag, w->e - w->b,
			       w->submit >= 0 ? w->submit - w->b : -1.0, w->irqs, w->wakeups,
			       w->others[0] ? w->others : "none");
			w->e = 0;
		}
	}
	for (i = 0; i < NSTAGES; i++)
		free(st[i]);
	free(io);
	free(buf);
}

#endif /* _BENCH_TRACE_H */
