/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Waiting for a completion or a mutex until an absolute time, to the
 * microsecond (deadline.c): the jiffy-based waits round a 2 ms bound up to
 * a tick (4 ms at HZ=250), which a per-request deadline cannot afford.
 */
#ifndef _USBBLK_DEADLINE_H
#define _USBBLK_DEADLINE_H

#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/wait.h>

int usbblk_wait_until(struct completion *done, ktime_t deadline, bool killable);
int usbblk_mutex_lock_until(struct mutex *m, wait_queue_head_t *wq, ktime_t deadline);
void usbblk_mutex_unlock_wake(struct mutex *m, wait_queue_head_t *wq);

#endif /* _USBBLK_DEADLINE_H */
