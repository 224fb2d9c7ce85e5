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
 * use, since the late real completion leaves a count behind.  Every user
 * (xfer.c) re-arms its completion before each submission.
 *
 * A mutex has no timed lock, so a caller with a deadline takes it with
 * trylock on a wait queue that every unlock wakes.  Such a waiter is not
 * in the mutex's own queue: on PREEMPT_RT, where a mutex is an rt_mutex,
 * it does not lend its priority to the owner as a caller blocked in
 * mutex_lock() does (Documentation/usbblk.rst, "Deadlines").
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
 * @deadline:	CLOCK_MONOTONIC time (ktime_get()); KTIME_MAX waits without
 *		a bound
 * @killable:	a fatal signal ends the wait
 *
 * Sleeps.  Whether the work completed is for the caller to check: a
 * return of 0 may also be the deadline's timer (see the file comment).
 *
 * Return: 0 (woken: by the work or by the deadline), -ETIMEDOUT (the
 * deadline passed before the wait started) or -EINTR (fatal signal).
 */
int usbblk_wait_until(struct completion *done, ktime_t deadline, bool killable)
{
	struct deadline_timer d = { .done = done };
	int ret = 0;

	might_sleep();
	if (deadline == KTIME_MAX) {
		if (!killable) {
			wait_for_completion(done);
			return 0;
		}
		return wait_for_completion_killable(done) ? -EINTR : 0;
	}
	if (ktime_after(ktime_get(), deadline))
		return -ETIMEDOUT;
	hrtimer_init_on_stack(&d.timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	d.timer.function = deadline_fire;
	hrtimer_start(&d.timer, deadline, HRTIMER_MODE_ABS_HARD);
	if (!killable)
		wait_for_completion(done);
	else if (wait_for_completion_killable(done))
		ret = -EINTR;
	hrtimer_cancel(&d.timer);
	destroy_hrtimer_on_stack(&d.timer);
	return ret;
}

/**
 * usbblk_mutex_lock_until() - take a mutex, waiting at most until @deadline
 * @m:		the mutex; every unlock of it goes through
 *		usbblk_mutex_unlock_wake() with @wq
 * @wq:		the wait queue its unlocks wake
 * @deadline:	ktime_get() time; 0 waits without a bound (killable)
 *
 * Return: 0 (held), -ETIMEDOUT, -EINTR (fatal signal, @deadline 0 only).
 */
int usbblk_mutex_lock_until(struct mutex *m, wait_queue_head_t *wq, ktime_t deadline)
{
	might_sleep();
	if (!deadline)
		return mutex_lock_killable(m) ? -EINTR : 0;
	if (mutex_trylock(m))
		return 0;
	return wait_event_hrtimeout(*wq, mutex_trylock(m), ktime_sub(deadline, ktime_get())) ?
	       -ETIMEDOUT : 0;
}

/**
 * usbblk_mutex_unlock_wake() - release a mutex others may take with
 * usbblk_mutex_lock_until()
 * @m:	the mutex, held
 * @wq:	their wait queue
 */
void usbblk_mutex_unlock_wake(struct mutex *m, wait_queue_head_t *wq)
{
	mutex_unlock(m);
	/* every command passes here: skip the queue's lock when nobody waits */
	if (wq_has_sleeper(wq))
		wake_up_all(wq);
}
