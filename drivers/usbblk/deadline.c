// SPDX-License-Identifier: GPL-2.0
/*
 * Waiting for a completion until an absolute CLOCK_MONOTONIC time.
 *
 * A hard hrtimer armed at the deadline completes the completion itself,
 * which ends the wait to the timer's precision (microseconds with high
 * resolution timers, also on PREEMPT_RT, where a _HARD timer still runs
 * in hard interrupt context and complete() may be called there).  So the
 * waiter cannot tell from the wait alone whether the work or the timer
 * woke it: it must look at the work's own state (an endpoint still busy
 * means the timer did), and it must reinit_completion() before the next
 * use, since the late real completion leaves a count behind.  Its user
 * (bot.c) re-arms its completion before each command.
 *
 * And a lock whose waiters queue earliest deadline first (EDF): a LUN's
 * callers and a device's commands are served in the order of their
 * requests' deadlines, not of their arrival, and a caller gives up its
 * place when its deadline passes.  The release hands the lock to the
 * first waiter, so no later arrival slips in between.  A mutex offers
 * neither a timed lock nor that order; what it offers on PREEMPT_RT and
 * this lock does not, priority inheritance, is discussed in
 * Documentation/usbblk.rst, "Deadlines".
 */
#include <linux/hrtimer.h>
#include <linux/sched/signal.h>

#include "deadline.h"

struct deadline_timer {
	struct hrtimer timer;
	struct completion *done;
};

static enum hrtimer_restart deadline_fire(struct hrtimer *t)
{
	struct deadline_timer *d = container_of(t, struct deadline_timer, timer);

	complete(d->done);
	return HRTIMER_NORESTART;
}

/**
 * usbblk_wait_until() - wait for a completion, at most until @deadline
 * @done:	the completion
 * @deadline:	CLOCK_MONOTONIC time (ktime_get())
 *
 * Sleeps, killable.  Whether the work completed is for the caller to
 * check: a return of 0 may also be the deadline's timer (see the file
 * comment).
 *
 * Return: 0 (woken: by the work or by the deadline), -ETIMEDOUT (the
 * deadline passed before the wait started) or -EINTR (fatal signal).
 */
int usbblk_wait_until(struct completion *done, ktime_t deadline)
{
	struct deadline_timer d = { .done = done };
	int ret = 0;

	might_sleep();
	if (ktime_after(ktime_get(), deadline))
		return -ETIMEDOUT;
	hrtimer_init_on_stack(&d.timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	d.timer.function = deadline_fire;
	hrtimer_start(&d.timer, deadline, HRTIMER_MODE_ABS_HARD);
	if (wait_for_completion_killable(done))
		ret = -EINTR;
	hrtimer_cancel(&d.timer);
	destroy_hrtimer_on_stack(&d.timer);
	return ret;
}

/* A caller queued for a struct usbblk_edf_lock, on its stack. */
struct usbblk_edf_waiter {
	struct list_head node;
	struct task_struct *task;
	ktime_t deadline;		/* KTIME_MAX: none */
	bool granted;			/* the lock is ours now (handed over) */
};

/**
 * __usbblk_edf_lock_init() - set up an unlocked lock (use usbblk_edf_lock_init())
 * @l:		the lock
 * @name:	its lockdep name
 * @key:	its lockdep class
 */
void __usbblk_edf_lock_init(struct usbblk_edf_lock *l, const char *name,
			    struct lock_class_key *key)
{
	spin_lock_init(&l->wait_lock);
	l->owner = NULL;
	INIT_LIST_HEAD(&l->waiters);
	l->nr_waiters = 0;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	lockdep_init_map(&l->dep_map, name, key, 0);
#endif
}

/* Queue @w in deadline order; equal deadlines (and none) keep arrival order. */
static void edf_enqueue(struct usbblk_edf_lock *l, struct usbblk_edf_waiter *w)
{
	struct usbblk_edf_waiter *pos;

	WRITE_ONCE(l->nr_waiters, l->nr_waiters + 1);
	list_for_each_entry(pos, &l->waiters, node) {
		if (ktime_before(w->deadline, pos->deadline)) {
			list_add_tail(&w->node, &pos->node);
			return;
		}
	}
	list_add_tail(&w->node, &l->waiters);
}

static void edf_dequeue(struct usbblk_edf_lock *l, struct usbblk_edf_waiter *w)
{
	list_del(&w->node);
	WRITE_ONCE(l->nr_waiters, l->nr_waiters - 1);
}

static int edf_lock(struct usbblk_edf_lock *l, ktime_t deadline, unsigned int state)
{
	struct usbblk_edf_waiter w = {
		.task = current, .deadline = deadline ?: KTIME_MAX,
	};
	int ret = 0;

	might_sleep();
	lock_map_acquire(&l->dep_map);
	spin_lock(&l->wait_lock);
	if (!l->owner) {
		l->owner = current;	/* free: nobody can be queued */
		spin_unlock(&l->wait_lock);
		return 0;
	}
	edf_enqueue(l, &w);
	for (;;) {
		set_current_state(state);
		if (w.granted)
			break;
		if (state == TASK_KILLABLE && fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (deadline && !ktime_before(ktime_get(), deadline)) {
			ret = -ETIMEDOUT;
			break;
		}
		spin_unlock(&l->wait_lock);
		if (deadline)
			schedule_hrtimeout(&deadline, HRTIMER_MODE_ABS);
		else
			schedule();
		spin_lock(&l->wait_lock);
	}
	__set_current_state(TASK_RUNNING);
	if (ret)
		edf_dequeue(l, &w);	/* not handed over: still queued */
	spin_unlock(&l->wait_lock);
	if (ret)
		lock_map_release(&l->dep_map);
	return ret;
}

/**
 * usbblk_edf_lock() - take the lock, waiting at most until @deadline
 * @l:		the lock
 * @deadline:	ktime_get() time; 0 waits without a bound
 *
 * While it is held, callers queue earliest deadline first (callers
 * without one behind every caller with one) and the release hands it to
 * the first of them.  The wait is killable.  Unlike a mutex on
 * PREEMPT_RT, the holder does not inherit a waiter's priority
 * (Documentation/usbblk.rst, "Deadlines": who goes first).
 *
 * Return: 0 (held), -ETIMEDOUT (the deadline passed first) or -EINTR
 * (fatal signal).
 */
int usbblk_edf_lock(struct usbblk_edf_lock *l, ktime_t deadline)
{
	return edf_lock(l, deadline, TASK_KILLABLE);
}

/**
 * usbblk_edf_lock_uninterruptible() - take the lock, however long it takes
 * @l: the lock
 *
 * For the recovery worker and teardown, which must not give up: queued
 * behind every caller with a deadline, as a caller without one is.
 */
void usbblk_edf_lock_uninterruptible(struct usbblk_edf_lock *l)
{
	edf_lock(l, 0, TASK_UNINTERRUPTIBLE);
}

/**
 * usbblk_edf_unlock() - release the lock: to the first waiter, if any
 * @l: the lock, held by the caller
 */
void usbblk_edf_unlock(struct usbblk_edf_lock *l)
{
	struct usbblk_edf_waiter *w;

	lockdep_assert_held(l);
	lock_map_release(&l->dep_map);
	spin_lock(&l->wait_lock);
	WARN_ON_ONCE(l->owner != current);
	w = list_first_entry_or_null(&l->waiters, struct usbblk_edf_waiter, node);
	if (w) {
		edf_dequeue(l, w);
		l->owner = w->task;
		w->granted = true;
		/* under wait_lock: @w, on the waiter's stack, is still there */
		wake_up_process(w->task);
	} else {
		l->owner = NULL;
	}
	spin_unlock(&l->wait_lock);
}

/**
 * usbblk_edf_waiters() - how many callers wait for the lock now
 * @l: the lock
 *
 * Return: the count, a snapshot read without the lock.
 */
unsigned int usbblk_edf_waiters(const struct usbblk_edf_lock *l)
{
	return READ_ONCE(l->nr_waiters);
}
