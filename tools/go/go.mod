module usbblk

go 1.19
