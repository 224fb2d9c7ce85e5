// SPDX-License-Identifier: GPL-2.0

package usbblk

import (
	"syscall"
	"time"

	"usbblk/uapi"
)

// Speed is a USB speed (enum usb_device_speed).
type Speed uint8

// State is what enumeration made of a device.
type State uint8

// Device states.
const (
	Failed     State = uapi.DevFailed     // enumeration failed: see Device.Err
	Addressed  State = uapi.DevAddressed  // addressed, descriptors read, left alone
	Configured State = uapi.DevConfigured // configured and driven by usbblk
)

// Info is a LUN's geometry and identity (GET_INFO).
type Info struct {
	Capacity     uint64 // logical blocks
	BlockSize    uint32 // bytes per logical block
	MaxSectors   uint32 // blocks per SCSI command (the driver splits larger requests)
	DMAAlignment uint32 // alignment a buffer needs for the zero-copy path

	WriteProtected bool // the medium is write-protected
	Removable      bool // INQUIRY: removable medium
	ZeroCopy       bool // the device DMAs to the caller's pages
	Bounce         bool // DMA is limited: swiotlb may bounce (not zero-copy)

	LUN, MaxLUN int
	Speed       Speed
	Path        string // port path, "5" or "5.2" (port 2 of a hub on root port 5)
	Controller  int    // N of /dev/usbblk-hcN
	VendorID    uint16
	ProductID   uint16
	SCSIType    uint8  // INQUIRY peripheral device type (0 = direct access)
	Vendor      string // INQUIRY vendor identification
	Product     string // INQUIRY product identification
	Revision    string // INQUIRY product revision level
	Serial      string // USB serial number

	// DeadlineFloor is the shortest deadline a request may carry
	// (ReadSectorsContext): shorter ones fail with ETIME unstarted.
	DeadlineFloor time.Duration
}

// Size is the LUN's size in bytes.
func (i Info) Size() int64 { return int64(i.Capacity) * int64(i.BlockSize) }

// Port is one root port of a controller.
type Port struct {
	Number                                         int // 1-based
	Speed                                          Speed
	Connected, Enabled, Powered, USB3, Overcurrent bool
	LinkState                                      uint8  // PORTSC.PLS
	PORTSC                                         uint32 // the raw register
	Device                                         *Device
}

// Device is one USB device on a controller (a stick, a hub, or a device
// usbblk addressed and left alone).
type Device struct {
	Controller string // its controller's node, "/dev/usbblk-hc0"
	Path       string // port path, "5" or "5.2"
	Parent     string // the port path of its hub, "" on a root port
	Depth      int    // hubs between it and the root port
	Speed      Speed
	State      State
	Err        error // why enumeration failed (a syscall.Errno), when State is Failed
	SlotID     int
	Route      uint32 // xHCI route string
	EnumTime   time.Duration

	VendorID, ProductID, BcdDevice, BcdUSB uint16
	Class, Subclass, Protocol              uint8 // bDeviceClass ...
	// The interface usbblk looked at (the mass-storage one if any).
	IfClass, IfSubclass, IfProtocol, IfNumber uint8
	ConfigValue                               uint8
	Hub, MassStorage                          bool

	Manufacturer, Product, Serial string
	LUNs                          []LUNNode
}

// LUNNode is one /dev/usbblkN of a device.
type LUNNode struct {
	Node  string // "/dev/usbblk0"
	Index int    // N
	Info  Info
}

// Controller is one xHCI controller usbblk drives (/dev/usbblk-hcN).
type Controller struct {
	Node       string // "/dev/usbblk-hc0"
	Index      int    // N
	Name       string // the device's name, "fe200000.usb" or "0000:00:02.0"
	HCIVersion uint16
	MaxSlots   int
	MaxPorts   int
	MaxIntrs   int
	PageSize   int
	IRQ        int
	SNPSID     uint32 // DWC3 GSNPSID, 0 for other cores
	Flags      uint32 // uapi.HC* bits
	Ports      []Port
	Devices    []Device // in attach order, hubs and what is behind them too
}

func infoFromABI(a *uapi.Info) Info {
	return Info{
		Capacity: a.Capacity, BlockSize: a.BlockSize, MaxSectors: a.MaxSectors,
		DMAAlignment:   a.DMAAlignment,
		WriteProtected: a.Flags&uapi.InfoWriteProtect != 0,
		Removable:      a.Flags&uapi.InfoRemovable != 0,
		ZeroCopy:       a.Flags&uapi.InfoZeroCopy != 0,
		Bounce:         a.Flags&uapi.InfoBounce != 0,
		LUN:            int(a.LUN), MaxLUN: int(a.MaxLUN), Speed: Speed(a.Speed),
		Path:       pathName(a.Path[:], int(a.Depth)),
		Controller: int(a.HC), VendorID: a.VendorID, ProductID: a.ProductID,
		SCSIType: a.SCSIType, Vendor: uapi.CString(a.Vendor[:]),
		Product: uapi.CString(a.Product[:]), Revision: uapi.CString(a.Revision[:]),
		Serial:        uapi.CString(a.Serial[:]),
		DeadlineFloor: time.Duration(a.DeadlineFloorUs) * time.Microsecond,
	}
}

func portFromABI(a *uapi.Port) Port {
	return Port{
		Number: int(a.Port), Speed: Speed(a.Speed),
		Connected:   a.Flags&uapi.PortConnected != 0,
		Enabled:     a.Flags&uapi.PortEnabled != 0,
		Powered:     a.Flags&uapi.PortPowered != 0,
		USB3:        a.Flags&uapi.PortUSB3 != 0,
		Overcurrent: a.Flags&uapi.PortOvercurrent != 0,
		LinkState:   a.LinkState, PORTSC: a.Portsc,
	}
}

func deviceFromABI(hc string, a *uapi.DeviceInfo) Device {
	d := Device{
		Controller: hc, Path: pathName(a.Path[:], int(a.Depth)), Depth: int(a.Depth),
		Speed: Speed(a.Speed), State: State(a.State), SlotID: int(a.SlotID),
		Route: a.Route, EnumTime: time.Duration(a.EnumNs),
		VendorID: a.VendorID, ProductID: a.ProductID, BcdDevice: a.BcdDevice,
		BcdUSB: a.BcdUSB, Class: a.DevClass, Subclass: a.DevSubclass,
		Protocol: a.DevProtocol, IfClass: a.IfClass, IfSubclass: a.IfSubclass,
		IfProtocol: a.IfProtocol, IfNumber: a.IfNumber, ConfigValue: a.ConfigValue,
		Hub: a.Flags&uapi.DevHub != 0, MassStorage: a.Flags&uapi.DevMassStorage != 0,
		Manufacturer: uapi.CString(a.Manufacturer[:]), Product: uapi.CString(a.Product[:]),
		Serial: uapi.CString(a.Serial[:]),
	}
	if a.Depth > 0 {
		d.Parent = pathName(a.Path[:], int(a.Depth)-1)
	}
	if a.Error != 0 {
		d.Err = syscall.Errno(a.Error)
	}
	return d
}

func controllerFromABI(node string, index int, a *uapi.HCInfo) Controller {
	return Controller{
		Node: node, Index: index, Name: uapi.CString(a.Name[:]), HCIVersion: a.HCIVersion,
		MaxSlots: int(a.MaxSlots), MaxPorts: int(a.MaxPorts), MaxIntrs: int(a.MaxIntrs),
		PageSize: int(a.PageSize), IRQ: int(a.IRQ), SNPSID: a.Snpsid, Flags: a.Flags,
	}
}
