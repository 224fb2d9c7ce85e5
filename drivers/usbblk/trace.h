/* SPDX-License-Identifier: GPL-2.0 */
/*
 * usbblk tracepoints: every command, event, transfer and port change.
 *
 *   echo 1 > /sys/kernel/tracing/events/usbblk/enable
 *   cat /sys/kernel/tracing/trace_pipe
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM usbblk

#if !defined(_USBBLK_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _USBBLK_TRACE_H

#include <linux/tracepoint.h>

#include "ring.h"

struct usbblk_device_info;

DECLARE_EVENT_CLASS(usbblk_trb_class,
		    TP_PROTO(const struct usbblk_trb *trb, u32 type),
		    TP_ARGS(trb, type),
		    TP_STRUCT__entry(__field(u32, w0)
				     __field(u32, w1)
				     __field(u32, w2)
				     __field(u32, w3)
				     __field(u32, type)),
		    TP_fast_assign(__entry->w0 = usbblk_trb_read(trb, 0);
				   __entry->w1 = usbblk_trb_read(trb, 1);
				   __entry->w2 = usbblk_trb_read(trb, 2);
				   __entry->w3 = usbblk_trb_read(trb, 3);
				   __entry->type = type;),
		    TP_printk("type %u: %08x %08x %08x %08x", __entry->type,
			      __entry->w0, __entry->w1, __entry->w2, __entry->w3));

DEFINE_EVENT(usbblk_trb_class, usbblk_event,
	     TP_PROTO(const struct usbblk_trb *trb, u32 type),
	     TP_ARGS(trb, type));

DEFINE_EVENT(usbblk_trb_class, usbblk_cmd,
	     TP_PROTO(const struct usbblk_trb *trb, u32 type),
	     TP_ARGS(trb, type));

TRACE_EVENT(usbblk_cmd_done,
	    TP_PROTO(u32 control, u32 code, u8 slot),
	    TP_ARGS(control, code, slot),
	    TP_STRUCT__entry(__field(u32, type)
			     __field(u32, code)
			     __field(u8, slot)),
	    TP_fast_assign(__entry->type = (control >> 10) & 0x3f;
			   __entry->code = code;
			   __entry->slot = slot;),
	    TP_printk("command type %u: code %u slot %u",
		      __entry->type, __entry->code, __entry->slot));

TRACE_EVENT(usbblk_stale_event,
	    TP_PROTO(unsigned int slot, unsigned int dci, u64 ptr, u32 code),
	    TP_ARGS(slot, dci, ptr, code),
	    TP_STRUCT__entry(__field(unsigned int, slot)
			     __field(unsigned int, dci)
			     __field(u64, ptr)
			     __field(u32, code)),
	    TP_fast_assign(__entry->slot = slot;
			   __entry->dci = dci;
			   __entry->ptr = ptr;
			   __entry->code = code;),
	    TP_printk("slot %u ep %u trb %#llx code %u: no TD in flight there, dropped",
		      __entry->slot, __entry->dci, __entry->ptr, __entry->code));

TRACE_EVENT(usbblk_xfer_event,
	    TP_PROTO(u8 slot, u8 dci, unsigned int idx, u32 code, u32 residue),
	    TP_ARGS(slot, dci, idx, code, residue),
	    TP_STRUCT__entry(__field(u8, slot)
			     __field(u8, dci)
			     __field(unsigned int, idx)
			     __field(u32, code)
			     __field(u32, residue)),
	    TP_fast_assign(__entry->slot = slot;
			   __entry->dci = dci;
			   __entry->idx = idx;
			   __entry->code = code;
			   __entry->residue = residue;),
	    TP_printk("slot %u ep %u trb %u: code %u residue %u",
		      __entry->slot, __entry->dci, __entry->idx, __entry->code,
		      __entry->residue));

TRACE_EVENT(usbblk_control,
	    TP_PROTO(u8 slot, u8 type, u8 req, u16 value, u16 index, u16 len),
	    TP_ARGS(slot, type, req, value, index, len),
	    TP_STRUCT__entry(__field(u8, slot)
			     __field(u8, type)
			     __field(u8, req)
			     __field(u16, value)
			     __field(u16, index)
			     __field(u16, len)),
	    TP_fast_assign(__entry->slot = slot;
			   __entry->type = type;
			   __entry->req = req;
			   __entry->value = value;
			   __entry->index = index;
			   __entry->len = len;),
	    TP_printk("slot %u: %02x %02x %04x %04x %u",
		      __entry->slot, __entry->type, __entry->req, __entry->value,
		      __entry->index, __entry->len));

TRACE_EVENT(usbblk_bulk,
	    TP_PROTO(u8 slot, u8 dci, u32 len, unsigned int ntrbs),
	    TP_ARGS(slot, dci, len, ntrbs),
	    TP_STRUCT__entry(__field(u8, slot)
			     __field(u8, dci)
			     __field(u32, len)
			     __field(unsigned int, ntrbs)),
	    TP_fast_assign(__entry->slot = slot;
			   __entry->dci = dci;
			   __entry->len = len;
			   __entry->ntrbs = ntrbs;),
	    TP_printk("slot %u ep %u: %u bytes in %u TRBs",
		      __entry->slot, __entry->dci, __entry->len, __entry->ntrbs));

TRACE_EVENT(usbblk_bot_stage,
	    TP_PROTO(u8 slot, u32 tag, unsigned int stage, int err),
	    TP_ARGS(slot, tag, stage, err),
	    TP_STRUCT__entry(__field(u8, slot)
			     __field(u32, tag)
			     __field(unsigned int, stage)
			     __field(int, err)),
	    TP_fast_assign(__entry->slot = slot;
			   __entry->tag = tag;
			   __entry->stage = stage;
			   __entry->err = err;),
	    TP_printk("slot %u tag %u: stage %s, error %d",
		      __entry->slot, __entry->tag,
		      __print_symbolic(__entry->stage, { 0, "CBW" }, { 1, "data" },
				       { 2, "CSW" }, { 3, "done" }),
		      __entry->err));

TRACE_EVENT(usbblk_port,
	    TP_PROTO(unsigned int port, u32 portsc),
	    TP_ARGS(port, portsc),
	    TP_STRUCT__entry(__field(unsigned int, port)
			     __field(u32, portsc)),
	    TP_fast_assign(__entry->port = port;
			   __entry->portsc = portsc;),
	    TP_printk("root port %u: PORTSC %08x", __entry->port, __entry->portsc));

TRACE_EVENT(usbblk_enumerated,
	    TP_PROTO(const struct usbblk_device_info *info, int ret),
	    TP_ARGS(info, ret),
	    TP_STRUCT__entry(__field(u8, root_port)
			     __field(u32, route)
			     __field(u16, vid)
			     __field(u16, pid)
			     __field(u64, ns)
			     __field(int, ret)),
	    TP_fast_assign(__entry->root_port = info->root_port;
			   __entry->route = info->route;
			   __entry->vid = info->vendor_id;
			   __entry->pid = info->product_id;
			   __entry->ns = info->enum_ns;
			   __entry->ret = ret;),
	    TP_printk("root port %u route %05x: %04x:%04x in %llu ns, result %d",
		      __entry->root_port, __entry->route, __entry->vid, __entry->pid,
		      __entry->ns, __entry->ret));

#endif /* _USBBLK_TRACE_H */

/* out of tree: the trace header lives next to the sources (Kbuild adds -I) */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
