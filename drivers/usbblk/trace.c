// SPDX-License-Identifier: GPL-2.0
/*
 * The one place usbblk's tracepoints are instantiated.
 */
#include <uapi/linux/usbblk.h>

#define CREATE_TRACE_POINTS
#include "trace.h"
