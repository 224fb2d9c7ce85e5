// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libusbblk: the tree of controllers, root ports, devices and LUN nodes.
 *
 * ENUMERATE on each /dev/usbblk-hcN gives a controller, its root ports
 * and its devices (each with its port path); GET_INFO on each /dev/usbblkN
 * gives a LUN with the controller index and port path of its device.
 * The tree links them: a root port to the device on it, a device to its
 * hub (parent) and a hub to the devices on its ports (child, sibling, in
 * port order), a device to its LUN nodes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

#define DEV_DIR		"/dev"
#define HC_PREFIX	"usbblk-hc"
#define LUN_PREFIX	"usbblk"
/* ENUMERATE is retried (without rescanning) while devices keep arriving */
#define ENUM_TRIES	8

/* ---------------------------------------------------------------- the real system */

static int sys_list(void *ctx, char ***names, unsigned int *n)
{
	unsigned int cnt = 0, cap = 0;
	char **v = NULL, **nv;
	struct dirent *de;
	DIR *d;

	(void)ctx;
	d = opendir(DEV_DIR);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, LUN_PREFIX, strlen(LUN_PREFIX)))
			continue;
		if (cnt == cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				goto nomem;
			v = nv;
		}
		v[cnt] = strdup(de->d_name);
		if (!v[cnt])
			goto nomem;
		cnt++;
	}
	closedir(d);
	*names = v;
	*n = cnt;
	return 0;
nomem:
	while (cnt)
		free(v[--cnt]);
	free(v);
	closedir(d);
	return -ENOMEM;
}

static int sys_open(void *ctx, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	(void)ctx;
	return fd < 0 ? -errno : fd;
}

static int sys_ioctl(void *ctx, int fd, unsigned long req, void *arg)
{
	(void)ctx;
	return ioctl(fd, req, arg) ? -errno : 0;
}

static void sys_close(void *ctx, int fd)
{
	(void)ctx;
	close(fd);
}

static const struct usbblk_sys real_sys = {
	.list = sys_list,
	.open = sys_open,
	.ioctl = sys_ioctl,
	.close = sys_close,
};

/* ---------------------------------------------------------------- ENUMERATE */

static int hc_enumerate_sys(const struct usbblk_sys *sys, void *ctx, int fd,
			    unsigned int flags, struct usbblk_enumerate *e,
			    struct usbblk_device_info *devs, unsigned int max)
{
	memset(e, 0, sizeof(*e));
	e->flags = flags;
	e->devices = (uintptr_t)devs;
	e->max_devices = devs ? max : 0;
	return sys->ioctl(ctx, fd, USBBLK_IOC_ENUMERATE, e);
}

int usbblk_hc_enumerate(int fd, unsigned int flags, struct usbblk_enumerate *e,
			struct usbblk_device_info *devs, unsigned int max)
{
	if (!e)
		return -EINVAL;
	return hc_enumerate_sys(&real_sys, NULL, fd, flags, e, devs, max);
}

/* ---------------------------------------------------------------- building the tree */

/* N of PREFIX followed by 1-9 decimal digits and nothing else; -1 otherwise */
static long node_index(const char *name, const char *prefix)
{
	size_t len = strlen(prefix), i;
	long n = 0;

	if (strncmp(name, prefix, len) || !name[len] || strlen(name + len) > 9)
		return -1;
	for (i = len; name[i]; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		n = n * 10 + (name[i] - '0');
	}
	return n;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/* The indices of the nodes named PREFIX<N>, sorted; count or -ENOMEM. */
static int node_indices(char **names, unsigned int n, const char *prefix, unsigned int **out)
{
	unsigned int *v = calloc(n ? n : 1, sizeof(*v));
	unsigned int i, cnt = 0;

	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		long idx = node_index(names[i], prefix);

		if (idx >= 0)
			v[cnt++] = idx;
	}
	qsort(v, cnt, sizeof(*v), cmp_uint);
	*out = v;
	return cnt;
}

/* A node that vanished (or is vanishing) while we looked: leave it out. */
static int node_gone(int err)
{
	return err == -ENOENT || err == -ENODEV || err == -ENXIO;
}

static int same_path(const uint8_t *a, const uint8_t *b, unsigned int depth)
{
	return !memcmp(a, b, depth + 1);
}

/* Hang D under its hub (children in port order) or on its root port. */
static void link_device(struct usbblk_controller *c, struct usbblk_device *d)
{
	unsigned int depth = d->info.depth, i;
	struct usbblk_device **pos;

	if (!depth) {
		if (d->info.root_port >= 1 && d->info.root_port <= c->nports &&
		    !c->ports[d->info.root_port - 1].device)
			c->ports[d->info.root_port - 1].device = d;
		return;
	}
	for (i = 0; i < c->ndevices; i++) {
		struct usbblk_device *p = &c->devices[i];

		if (p != d && p->info.depth == depth - 1 &&
		    same_path(p->info.path, d->info.path, depth - 1)) {
			d->parent = p;
			break;
		}
	}
	if (!d->parent)
		return;
	for (pos = &d->parent->child; *pos; pos = &(*pos)->sibling)
		if ((*pos)->info.path[depth] > d->info.path[depth])
			break;
	d->sibling = *pos;
	*pos = d;
}

/* ENUMERATE on C->node, growing the device array until it all fits. */
static int load_controller(const struct usbblk_sys *sys, void *ctx, unsigned int flags,
			   struct usbblk_controller *c)
{
	struct usbblk_device_info *devs = NULL;
	struct usbblk_enumerate *e;
	unsigned int max = 16, i, tries;
	int fd, ret;

	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	fd = sys->open(ctx, c->node, O_RDONLY);
	if (fd < 0) {
		free(e);
		return fd;
	}
	for (tries = 0;; tries++) {
		free(devs);
		devs = calloc(max, sizeof(*devs));
		ret = -ENOMEM;
		if (!devs)
			goto out;
		ret = hc_enumerate_sys(sys, ctx, fd, flags, e, devs, max);
		if (ret || e->ndevices <= max)
			break;
		ret = -EAGAIN;
		if (tries == ENUM_TRIES)
			goto out;
		/* the rescan is done: only the report must fit */
		max = e->ndevices + 8;
		flags |= USBBLK_ENUM_NO_RESCAN;
	}
	if (ret)
		goto out;
	c->hc = e->hc;
	c->nports = e->nports < USBBLK_MAX_PORTS ? e->nports : USBBLK_MAX_PORTS;
	c->ports = calloc(c->nports ? c->nports : 1, sizeof(*c->ports));
	c->devices = calloc(e->ndevices ? e->ndevices : 1, sizeof(*c->devices));
	ret = -ENOMEM;
	if (!c->ports || !c->devices)
		goto out;
	for (i = 0; i < c->nports; i++)
		c->ports[i].port = e->ports[i];
	c->ndevices = e->ndevices;
	for (i = 0; i < c->ndevices; i++) {
		c->devices[i].info = devs[i];
		c->devices[i].controller = c;
		if (c->devices[i].info.depth > USBBLK_MAX_TIERS)
			c->devices[i].info.depth = USBBLK_MAX_TIERS;
	}
	for (i = 0; i < c->ndevices; i++)
		link_device(c, &c->devices[i]);
	ret = 0;
out:
	sys->close(ctx, fd);
	free(devs);
	free(e);
	return ret;
}

static int load_controllers(const struct usbblk_sys *sys, void *ctx, unsigned int flags,
			    char **names, unsigned int n, struct usbblk_tree *t)
{
	unsigned int *idx, i;
	int cnt, ret = 0;

	cnt = node_indices(names, n, HC_PREFIX, &idx);
	if (cnt < 0)
		return cnt;
	t->controllers = calloc(cnt ? cnt : 1, sizeof(*t->controllers));
	if (!t->controllers) {
		free(idx);
		return -ENOMEM;
	}
	for (i = 0; i < (unsigned int)cnt; i++) {
		struct usbblk_controller *c = &t->controllers[t->ncontrollers];

		snprintf(c->node, sizeof(c->node), DEV_DIR "/" HC_PREFIX "%u", idx[i]);
		c->index = idx[i];
		ret = load_controller(sys, ctx, flags, c);
		if (!ret) {
			t->ncontrollers++;
			continue;
		}
		free(c->ports);
		free(c->devices);
		memset(c, 0, sizeof(*c));
		if (!node_gone(ret))
			break;
		ret = 0;
	}
	free(idx);
	return ret;
}

static struct usbblk_device *lun_device(struct usbblk_tree *t, const struct usbblk_info *info)
{
	unsigned int i, j, depth = info->depth;

	if (depth > USBBLK_MAX_TIERS)
		return NULL;
	for (i = 0; i < t->ncontrollers; i++) {
		struct usbblk_controller *c = &t->controllers[i];

		if (c->index != info->hc)
			continue;
		for (j = 0; j < c->ndevices; j++)
			if (c->devices[j].info.depth == depth &&
			    same_path(c->devices[j].info.path, info->path, depth))
				return &c->devices[j];
	}
	return NULL;
}

static int cmp_lun(const void *a, const void *b)
{
	const struct usbblk_lun_node *x = a, *y = b;

	return x->info.lun != y->info.lun ? (x->info.lun > y->info.lun ? 1 : -1)
					  : cmp_uint(&x->index, &y->index);
}

/* GET_INFO on every LUN node; each goes to its device or to t->unmatched. */
static int load_luns(const struct usbblk_sys *sys, void *ctx, char **names, unsigned int n,
		     struct usbblk_tree *t)
{
	struct usbblk_lun_node *all;
	struct usbblk_device **owner;
	unsigned int *idx, i, j, nall = 0;
	int cnt, ret = 0;

	cnt = node_indices(names, n, LUN_PREFIX, &idx);
	if (cnt < 0)
		return cnt;
	all = calloc(cnt ? cnt : 1, sizeof(*all));
	owner = calloc(cnt ? cnt : 1, sizeof(*owner));
	t->unmatched = calloc(cnt ? cnt : 1, sizeof(*t->unmatched));
	ret = -ENOMEM;
	if (!all || !owner || !t->unmatched)
		goto out;
	for (i = 0; i < (unsigned int)cnt; i++) {
		struct usbblk_lun_node *l = &all[nall];
		int fd;

		snprintf(l->node, sizeof(l->node), DEV_DIR "/" LUN_PREFIX "%u", idx[i]);
		l->index = idx[i];
		fd = sys->open(ctx, l->node, O_RDONLY);
		ret = fd < 0 ? fd : sys->ioctl(ctx, fd, USBBLK_IOC_GET_INFO, &l->info);
		if (fd >= 0)
			sys->close(ctx, fd);
		if (ret && node_gone(ret))
			continue;
		if (ret)
			goto out;
		owner[nall] = lun_device(t, &l->info);
		if (owner[nall])
			owner[nall]->nluns++;
		else
			t->unmatched[t->nunmatched++] = *l;
		nall++;
	}
	ret = 0;
	for (i = 0; i < t->ncontrollers; i++) {
		struct usbblk_controller *c = &t->controllers[i];

		for (j = 0; j < c->ndevices; j++) {
			struct usbblk_device *d = &c->devices[j];
			unsigned int k, m = 0;

			if (!d->nluns)
				continue;
			d->luns = calloc(d->nluns, sizeof(*d->luns));
			if (!d->luns) {
				d->nluns = 0;
				ret = -ENOMEM;
				goto out;
			}
			for (k = 0; k < nall; k++)
				if (owner[k] == d)
					d->luns[m++] = all[k];
			qsort(d->luns, m, sizeof(*d->luns), cmp_lun);
			for (k = 0; k < m; k++)
				d->luns[k].device = d;
		}
	}
out:
	free(owner);
	free(all);
	free(idx);
	return ret;
}

int usbblk__enumerate_sys(const struct usbblk_sys *sys, void *ctx, unsigned int flags,
			  struct usbblk_tree **tree)
{
	struct usbblk_tree *t;
	char **names = NULL;
	unsigned int n = 0, i;
	int ret;

	if (!tree || (flags & ~USBBLK_ENUM_FLAGS))
		return -EINVAL;
	*tree = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	ret = sys->list(ctx, &names, &n);
	/* no /dev at all (a bare chroot): nothing to find */
	if (ret == -ENOENT) {
		ret = 0;
		names = NULL;
		n = 0;
	}
	if (!ret)
		ret = load_controllers(sys, ctx, flags, names, n, t);
	if (!ret)
		ret = load_luns(sys, ctx, names, n, t);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (ret) {
		usbblk_tree_free(t);
		return ret;
	}
	*tree = t;
	return 0;
}

int usbblk_enumerate(unsigned int flags, struct usbblk_tree **tree)
{
	return usbblk__enumerate_sys(&real_sys, NULL, flags, tree);
}

void usbblk_tree_free(struct usbblk_tree *tree)
{
	unsigned int i, j;

	if (!tree)
		return;
	for (i = 0; i < tree->ncontrollers; i++) {
		struct usbblk_controller *c = &tree->controllers[i];

		for (j = 0; j < c->ndevices; j++)
			free(c->devices[j].luns);
		free(c->devices);
		free(c->ports);
	}
	free(tree->controllers);
	free(tree->unmatched);
	free(tree);
}

static int class_match(int want, unsigned int have)
{
	return want == USBBLK_ANY || (unsigned int)want == have;
}

int usbblk_find_by_class(const struct usbblk_tree *tree, int cls, int subclass,
			 struct usbblk_device **devs, unsigned int max)
{
	unsigned int i, j;
	int n = 0;

	if (!tree || (max && !devs) || cls < USBBLK_ANY || cls > 0xff ||
	    subclass < USBBLK_ANY || subclass > 0xff)
		return -EINVAL;
	for (i = 0; i < tree->ncontrollers; i++) {
		const struct usbblk_controller *c = &tree->controllers[i];

		for (j = 0; j < c->ndevices; j++) {
			const struct usbblk_device_info *d = &c->devices[j].info;

			if (!(class_match(cls, d->if_class) && class_match(subclass, d->if_subclass)) &&
			    !(class_match(cls, d->dev_class) &&
			      class_match(subclass, d->dev_subclass)))
				continue;
			if ((unsigned int)n < max)
				devs[n] = &c->devices[j];
			n++;
		}
	}
	return n;
}
