// SPDX-License-Identifier: GPL-2.0

package uapi_test

import (
	"reflect"
	"strings"
	"testing"

	"usbblk/internal/cabi"
	"usbblk/uapi"
)

// The Go type of each C structure.
var structs = map[string]reflect.Type{
	"usbblk_port":        reflect.TypeOf(uapi.Port{}),
	"usbblk_hc_info":     reflect.TypeOf(uapi.HCInfo{}),
	"usbblk_device_info": reflect.TypeOf(uapi.DeviceInfo{}),
	"usbblk_enumerate":   reflect.TypeOf(uapi.Enumerate{}),
	"usbblk_io":          reflect.TypeOf(uapi.IO{}),
	"usbblk_buf_reg":     reflect.TypeOf(uapi.BufReg{}),
	"usbblk_info":        reflect.TypeOf(uapi.Info{}),
	"usbblk_sense":       reflect.TypeOf(uapi.Sense{}),
}

// "dma_alignment" and "DMAAlignment" are both "dmaalignment".
func norm(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }

// Every structure and every field: the same size and offset as C's, and
// no field on one side only.
func TestLayoutMatchesC(t *testing.T) {
	seen := map[string]int{}
	for _, e := range cabi.Layout() {
		sname, fname, isField := strings.Cut(e.Name, ".")
		gt, ok := structs[sname]
		if !ok {
			t.Errorf("struct %s has no Go type", sname)
			continue
		}
		if !isField {
			if gt.Size() != e.Size {
				t.Errorf("sizeof(struct %s) = %d, %s is %d", sname, e.Size, gt, gt.Size())
			}
			continue
		}
		seen[sname]++
		var f reflect.StructField
		found := false
		for i := 0; i < gt.NumField(); i++ {
			if norm(gt.Field(i).Name) == norm(fname) {
				f, found = gt.Field(i), true
			}
		}
		if !found {
			t.Errorf("%s: no Go field for %s", gt, e.Name)
			continue
		}
		if f.Offset != e.Off || f.Type.Size() != e.Size {
			t.Errorf("%s: C offset %d size %d, Go %s.%s offset %d size %d",
				e.Name, e.Off, e.Size, gt, f.Name, f.Offset, f.Type.Size())
		}
	}
	for sname, gt := range structs {
		if seen[sname] != gt.NumField() {
			t.Errorf("struct %s: C lists %d fields, %s has %d", sname, seen[sname], gt, gt.NumField())
		}
	}
	t.Logf("%d structures, %d fields compared", len(structs), len(cabi.Layout())-len(structs))
}

func TestIoctlNumbersMatchC(t *testing.T) {
	want := cabi.Ioctls()
	got := map[string]uintptr{
		"ENUMERATE": uapi.IOCEnumerate, "READ_SECTOR": uapi.IOCReadSector,
		"WRITE_SECTOR": uapi.IOCWriteSector, "GET_INFO": uapi.IOCGetInfo,
		"SYNC": uapi.IOCSync, "GET_SENSE": uapi.IOCGetSense,
		"REGISTER_BUF": uapi.IOCRegisterBuf, "UNREGISTER_BUF": uapi.IOCUnregisterBuf,
		// constants ride in the same table
		"MAX_REGBUFS": uapi.MaxRegBufs, "REGBUF_MAX_LEN": uapi.RegBufMaxLen,
	}
	if len(want) != len(got) {
		t.Fatalf("C has %d ioctls, Go %d", len(want), len(got))
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("USBBLK_IOC_%s: C %#x, Go %#x", name, n, got[name])
		}
	}
}

func TestCString(t *testing.T) {
	for in, want := range map[string]string{"abc\x00def": "abc", "": "", "full": "full", "\x00": ""} {
		if got := uapi.CString([]byte(in)); got != want {
			t.Errorf("CString(%q) = %q, want %q", in, got, want)
		}
	}
}
