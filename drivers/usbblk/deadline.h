/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Waiting for a completion or a lock until an absolute time, to the
 * microsecond (deadline.c): the jiffy-based waits round a 2 ms bound up to
 * a tick (4 ms at HZ=250), which a per-request deadline cannot afford.
 * The lock goes to its waiters earliest deadline first.
 */
#ifndef _USBBLK_DEADLINE_H
#define _USBBLK_DEADLINE_H

#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/spinlock.h>

struct task_struct;

/**
 * struct usbblk_edf_lock - a sleeping lock that goes to the earliest deadline
 * @wait_lock:	guards the fields below
 * @owner:	the task holding it, NULL when free
 * @waiters:	struct usbblk_edf_waiter, earliest deadline first; callers
 *		without a deadline last, in arrival order among themselves
 * @nr_waiters: how many (written under @wait_lock)
 * @dep_map:	lockdep's view (lockdep_assert_held() works on it)
 *
 * Release hands it to the first waiter (deadline.c), so the order is
 * kept: no caller that arrives later can take it in between.
 */
struct usbblk_edf_lock {
	spinlock_t wait_lock;		/* see @wait_lock above */
	struct task_struct *owner;
	struct list_head waiters;
	unsigned int nr_waiters;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map dep_map;
#endif
};

void __usbblk_edf_lock_init(struct usbblk_edf_lock *l, const char *name,
			    struct lock_class_key *key);
/* one lockdep class per place it is initialised, as mutex_init() does */
#define usbblk_edf_lock_init(l)						\
do {									\
	static struct lock_class_key __key;				\
	__usbblk_edf_lock_init((l), #l, &__key);			\
} while (0)

int usbblk_edf_lock(struct usbblk_edf_lock *l, ktime_t deadline);
void usbblk_edf_lock_uninterruptible(struct usbblk_edf_lock *l);
void usbblk_edf_unlock(struct usbblk_edf_lock *l);
unsigned int usbblk_edf_waiters(const struct usbblk_edf_lock *l);

int usbblk_wait_until(struct completion *done, ktime_t deadline);

#endif /* _USBBLK_DEADLINE_H */
