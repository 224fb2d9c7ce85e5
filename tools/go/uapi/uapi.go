// SPDX-License-Identifier: GPL-2.0

// Package uapi is include/uapi/linux/usbblk.h in Go: the structures the
// usbblk ioctls exchange, their flag bits and the ioctl numbers.
//
// The layouts are those of the C header on every architecture (fixed-width
// fields, explicit padding); uapi_test.go compares each size and offset
// with the C compiler's. Most programs want package usbblk instead; this
// one is for those who issue the ioctls themselves (the seed example does).
package uapi

import "unsafe"

// MaxPorts is USBBLK_MAX_PORTS, MaxTiers USBBLK_MAX_TIERS.
const (
	MaxPorts = 255
	MaxTiers = 5
)

// Port flags (Port.Flags).
const (
	PortConnected   = 1 << 0
	PortEnabled     = 1 << 1
	PortPowered     = 1 << 2
	PortUSB3        = 1 << 3
	PortOvercurrent = 1 << 4
)

// Controller flags (HCInfo.Flags).
const (
	HCAC64    = 1 << 0
	HCCSZ64   = 1 << 1
	HCPCI     = 1 << 2
	HCOF      = 1 << 3
	HCRunning = 1 << 4
	HCDWC3    = 1 << 5
)

// Device states (DeviceInfo.State) and flags (DeviceInfo.Flags).
const (
	DevFailed     = 0
	DevAddressed  = 1
	DevConfigured = 2

	DevMassStorage = 1 << 0
	DevHub         = 1 << 1
)

// Enumerate flags, I/O flags and LUN flags.
const (
	EnumNoRescan = 1 << 0

	IOFUA      = 1 << 0
	IODeadline = 1 << 1
	IONoWait   = 1 << 2
	IOPoll     = 1 << 3
	IOFixed    = 1 << 4

	LUNReady      = 0
	LUNRecovering = 1
	LUNFailed     = 2

	InfoWriteProtect = 1 << 0
	InfoRemovable    = 1 << 1
	InfoZeroCopy     = 1 << 2
	InfoBounce       = 1 << 3
)

// Port is struct usbblk_port.
type Port struct {
	Port      uint8
	Speed     uint8
	Flags     uint8
	LinkState uint8
	Portsc    uint32
}

// HCInfo is struct usbblk_hc_info.
type HCInfo struct {
	HCIVersion     uint16
	MaxSlots       uint8
	MaxPorts       uint8
	MaxIntrs       uint16
	MaxScratchpads uint16
	Flags          uint32
	Hcsparams1     uint32
	Hcsparams2     uint32
	Hcsparams3     uint32
	Hccparams1     uint32
	PageSize       uint32
	IRQ            uint32
	Snpsid         uint32
	Name           [32]byte
}

// DeviceInfo is struct usbblk_device_info.
type DeviceInfo struct {
	RootPort     uint8
	Depth        uint8
	Speed        uint8
	SlotID       uint8
	Path         [MaxTiers + 1]uint8
	State        uint8
	Flags        uint8
	Route        uint32
	VendorID     uint16
	ProductID    uint16
	BcdDevice    uint16
	BcdUSB       uint16
	DevClass     uint8
	DevSubclass  uint8
	DevProtocol  uint8
	NumConfigs   uint8
	IfClass      uint8
	IfSubclass   uint8
	IfProtocol   uint8
	IfNumber     uint8
	ConfigValue  uint8
	Pad0         [3]uint8
	Error        int32
	EnumNs       uint64
	Manufacturer [64]byte
	Product      [64]byte
	Serial       [64]byte
	Reserved     [4]uint32
}

// Enumerate is struct usbblk_enumerate. Devices holds a user pointer as a
// uint64: keep what it points to alive (runtime.KeepAlive) until the
// ioctl has returned.
type Enumerate struct {
	Flags      uint32
	NPorts     uint32
	Devices    uint64
	MaxDevices uint32
	NDevices   uint32
	Reserved   [4]uint32
	HC         HCInfo
	Ports      [MaxPorts]Port
}

// IO is struct usbblk_io, the argument of READ_SECTOR and WRITE_SECTOR.
// Buf holds a user pointer as a uint64 (see Enumerate).
type IO struct {
	LBA        uint64
	Buf        uint64
	Count      uint32
	Flags      uint32
	TimeoutMs  uint32
	DeadlineUs uint32
	Reserved   [2]uint32
}

// BufReg is struct usbblk_buf_reg, the argument of REGISTER_BUF. Addr
// holds a user pointer as a uint64 (see Enumerate).
type BufReg struct {
	Addr     uint64
	Len      uint64
	Index    uint32
	Flags    uint32
	Reserved [4]uint32
}

// Registered buffers: at most MaxRegBufs per open file, each at most
// RegBufMaxLen bytes.
const (
	MaxRegBufs   = 16
	RegBufMaxLen = 64 << 20
)

// Info is struct usbblk_info.
type Info struct {
	Capacity        uint64
	BlockSize       uint32
	MaxSectors      uint32
	Flags           uint32
	DMAAlignment    uint32
	LUN             uint8
	MaxLUN          uint8
	Speed           uint8
	Depth           uint8
	Path            [MaxTiers + 1]uint8
	HC              uint16
	VendorID        uint16
	ProductID       uint16
	SCSIType        uint8
	Pad0            [3]uint8
	Vendor          [12]byte
	Product         [20]byte
	Revision        [8]byte
	Serial          [64]byte
	State           uint32
	Recoveries      uint32
	DeadlineFloorUs uint32
	Reserved        [6]uint32
}

// Sense is struct usbblk_sense.
type Sense struct {
	Key       uint8
	ASC       uint8
	ASCQ      uint8
	Response  uint8
	Error     int32
	Info      uint64
	Opcode    uint8
	InfoValid uint8
	Pad0      [2]uint8
	Len       uint32
	Raw       [96]uint8
}

// The ioctl numbers: _IOC(dir, 0xB5, nr, size) as <asm-generic/ioctl.h>
// encodes it, which arm64 and x86_64 share.
const (
	IOCMagic = 0xB5

	iocNone  = 0
	iocWrite = 1
	iocRead  = 2

	IOCEnumerate   = (iocRead|iocWrite)<<30 | uintptr(unsafe.Sizeof(Enumerate{}))<<16 | IOCMagic<<8 | 0x00
	IOCReadSector  = iocWrite<<30 | uintptr(unsafe.Sizeof(IO{}))<<16 | IOCMagic<<8 | 0x10
	IOCWriteSector = iocWrite<<30 | uintptr(unsafe.Sizeof(IO{}))<<16 | IOCMagic<<8 | 0x11
	IOCGetInfo     = iocRead<<30 | uintptr(unsafe.Sizeof(Info{}))<<16 | IOCMagic<<8 | 0x12
	IOCSync        = iocNone<<30 | IOCMagic<<8 | 0x13
	IOCGetSense    = iocRead<<30 | uintptr(unsafe.Sizeof(Sense{}))<<16 | IOCMagic<<8 | 0x14
	IOCRegisterBuf = (iocRead|iocWrite)<<30 | uintptr(unsafe.Sizeof(BufReg{}))<<16 | IOCMagic<<8 | 0x15
	// UNREGISTER_BUF's argument points to the index, a __u32
	IOCUnregisterBuf = iocWrite<<30 | 4<<16 | IOCMagic<<8 | 0x16
)

// CString is the text of a NUL-terminated char array field.
func CString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
