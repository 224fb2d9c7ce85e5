# SPDX-License-Identifier: GPL-2.0
#
# usbblk - top-level Makefile.  The module itself is described in Kbuild.
#
#   make             set up (tools/deps), build usbblk.ko for arm64 and
#                    x86_64, the DT overlays, and the static tools and
#                    selftests for both
#   make run         the main job: boot the arm64 target, load usbblk,
#                    show the controller and the stick's port
#   make libusbblk-check  the C library's host tests (tools/lib/usbblk)
#   make check       everything: unit tests, static checks, VM tests on
#                    both targets; ends with "N passed, N failed"
#   make bench       usbblk against the kernel's USB stack in QEMU
#                    [BENCH_ARCH=arm64|x86_64] [BENCH_BOOTS=3]
#                    [BENCH_READS=10000]; see Documentation/bench.rst
#   make soak        mixed I/O, unplugs and media errors on two sticks
#                    [SOAK_ARCH=arm64|x86_64] [SOAK_MINUTES=30]
#   make fuzz-ioctl  the ioctl fuzzer on both targets, stick hot-plugged
#                    [FUZZ_IOCTL_CALLS=100000] [FUZZ_IOCTL_SEED=N]
#   make fuzz-fakedev  descriptor fuzzing with tools/fakedev on x86_64
#                    [FAKEDEV_FUZZ=1000] mutated enumerations
#   make debug-kernel  build the debug kernels (KASAN, lockdep, kmemleak,
#                    DMA-API debugging) from linux-source-6.1, cached;
#                    see Documentation/debug-kernel.rst
#   make check-debug the VM steps of make check on the debug kernels
#                    [CHECK_DEBUG='vm-x86_64-*'] (long; not in CI)
#   make KDIR=/path/to/board/kernel/build [ARCH=arm64 CROSS_COMPILE=...]
#                    build usbblk.ko against your own kernel only
#   make install [KDIR=...] [DESTDIR=...] [PREFIX=/usr/local]
#                    the module (with KDIR=), udev rule, library, tools
#   make dkms-src    the module's sources to /usr/src/usbblk-VERSION for DKMS
#   make gobench [GOBENCH_N=10000]  the Go latency bench in both guests
#   make wal-powercut [WAL_CUTS=50]  power cuts under the Go WAL, both guests
#   make fs-perf     usbblk-fs against the kernel's vfat/exfat, both guests
#
# Downloads are cached in $(USBBLK_CACHE) (default ~/.cache/usbblk).

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build
export USBBLK_CACHE ?= $(HOME)/.cache/usbblk
ENV_MK := $(USBBLK_CACHE)/env.mk
ARCHES := arm64 x86_64
CROSS_arm64 := aarch64-linux-gnu-
CROSS_x86_64 :=
CC_arm64 := aarch64-linux-gnu-gcc
CC_x86_64 := gcc

MOD_SRCS := $(shell find $(TOP)/drivers $(TOP)/include -name '*.[ch]') $(TOP)/Kbuild
UAPI := $(TOP)/include/uapi

-include $(ENV_MK)
# written by tools/debug-kernel: KDIR_DEBUG_<arch>, KIMAGE_DEBUG_<arch>, ...
DEBUG_MK := $(USBBLK_CACHE)/debug-kernel.mk
-include $(DEBUG_MK)

.PHONY: fuzz-fakedev debug-kernel debug-modules check-debug deadline-campaign
.PHONY: all deps modules dtbs libs libusbblk-check man progs run check unit fuzz fuzz-ioctl soak static checkpatch sparse \
	coccicheck w1 vmtest clean help install install-module install-udev \
	install-lib install-progs dkms-src bench gocheck gobench wal-powercut fs-perf
.DEFAULT_GOAL := all

ifneq ($(KDIR),)
# A user's own kernel tree: just the module, in build/custom.
all:
	rm -rf $(BUILD)/custom && mkdir -p $(BUILD)/custom
	cp -rs $(TOP)/Kbuild $(TOP)/drivers $(TOP)/include $(BUILD)/custom/
	$(MAKE) -C $(KDIR) M=$(BUILD)/custom modules
	@echo "built $(BUILD)/custom/usbblk.ko"
else
all: modules dtbs libs progs man
endif

help:
	@sed -n '3,28p' $(TOP)/Makefile

# ---------------------------------------------------------------- set-up
# env.mk is remade (and make restarts) when missing; "deps" runs
# tools/deps again every time: it is cheap when everything is there, and
# notices a wiped cache or a missing host package.
$(ENV_MK): $(TOP)/tools/deps $(TOP)/tools/kernel.pin
	$(TOP)/tools/deps
deps:
	$(TOP)/tools/deps

# ---------------------------------------------------------------- module
# Each arch builds in its own mirror of the tree (symlinks), so the two
# builds never share objects and the source tree stays clean.
define mod_rules
$(BUILD)/$(1)/usbblk.ko: $(MOD_SRCS) | deps
	mkdir -p $(BUILD)/$(1)/mod
	cp -rsf $(TOP)/Kbuild $(TOP)/drivers $(TOP)/include $(BUILD)/$(1)/mod/
	$$(MAKE) -C $$(KDIR_$(1)) M=$(BUILD)/$(1)/mod ARCH=$(patsubst x86_64,x86,$(1)) \
		CROSS_COMPILE=$(CROSS_$(1)) $$(KBUILD_EXTRA) modules
	cp $(BUILD)/$(1)/mod/usbblk.ko $$@
endef
$(foreach a,$(ARCHES),$(eval $(call mod_rules,$(a))))

modules: $(foreach a,$(ARCHES),$(BUILD)/$(a)/usbblk.ko)

# ---------------------------------------------------------------- debug kernel
# tools/debug-kernel builds (once; cached by source version and config) a
# KASAN + lockdep + kmemleak + DMA-API-debug kernel per arch; the module
# is built against it into build/<arch>-debug, which tools/vm/run --kernel
# debug loads.
debug-kernel: | deps
	$(TOP)/tools/debug-kernel $(DEBUG_ARCHES)
DEBUG_ARCHES ?= $(ARCHES)
define debug_mod_rules
$(BUILD)/$(1)-debug/usbblk.ko: $(MOD_SRCS) debug-kernel
	mkdir -p $(BUILD)/$(1)-debug/mod
	cp -rsf $(TOP)/Kbuild $(TOP)/drivers $(TOP)/include $(BUILD)/$(1)-debug/mod/
	$$(MAKE) -C $$(shell sed -n 's/^KDIR_DEBUG_$(1) := //p' $(DEBUG_MK)) \
		M=$(BUILD)/$(1)-debug/mod ARCH=$(patsubst x86_64,x86,$(1)) \
		CROSS_COMPILE=$(CROSS_$(1)) modules
	cp $(BUILD)/$(1)-debug/mod/usbblk.ko $$@
endef
$(foreach a,$(ARCHES),$(eval $(call debug_mod_rules,$(a))))
debug-modules: $(foreach a,$(DEBUG_ARCHES),$(BUILD)/$(a)-debug/usbblk.ko)

# ---------------------------------------------------------------- overlays
DTSO := $(wildcard $(TOP)/dts/*.dtso)
DTBO := $(patsubst $(TOP)/dts/%.dtso,$(BUILD)/dts/%.dtbo,$(DTSO))
$(BUILD)/dts/%.dtbo: $(TOP)/dts/%.dtso | deps
	@mkdir -p $(@D)
	dtc -q -@ -I dts -O dtb -o $@ $<
dtbs: $(DTBO)

# ---------------------------------------------------------------- libusbblk
# tools/lib/usbblk/ has its own Makefile; it is built per target into
# build/<arch>/lib (static and shared; the guest programs link the .a).
LIBUSBBLK := $(TOP)/tools/lib/usbblk
LIBUSBBLK_DEPS := $(wildcard $(LIBUSBBLK)/*.[ch]) $(LIBUSBBLK)/Makefile \
	$(LIBUSBBLK)/libusbblk.map $(UAPI)/linux/usbblk.h
CC_armhf := arm-linux-gnueabihf-gcc
define lib_rules
$(BUILD)/$(1)/lib/libusbblk.a: $(LIBUSBBLK_DEPS)
	$$(MAKE) -C $(LIBUSBBLK) CC=$(CC_$(1)) OUT=$(BUILD)/$(1)/lib
libs: $(BUILD)/$(1)/lib/libusbblk.a
endef
$(foreach a,$(ARCHES) armhf,$(eval $(call lib_rules,$(a))))

# ---------------------------------------------------------------- programs
# Static binaries for the guests: tools/ and selftests/, one per .c file,
# each linked with libusbblk.
PROG_CFLAGS := -static -O2 -g -Wall -Wextra -Wno-sign-compare -Wno-unused-parameter -Werror -I$(UAPI) \
	-I$(TOP)/tools/lib -I$(LIBUSBBLK) -I$(LINUX_SRC)/tools/testing/selftests
PROG_SRCS := $(TOP)/tools/usbblkctl/usbblkctl.c $(wildcard $(TOP)/tools/demo/*.c) \
	$(wildcard $(TOP)/selftests/*.c) $(wildcard $(TOP)/tools/bench/*.c)
PROG_HDRS := $(UAPI)/linux/usbblk.h $(wildcard $(TOP)/tools/lib/*.h) $(LIBUSBBLK)/libusbblk.h \
	$(wildcard $(TOP)/tools/bench/*.h) $(TOP)/tools/fakedev/scenario.h
define prog_rules
$(BUILD)/$(1)/bin/$(basename $(notdir $(2))): $(2) $(PROG_HDRS) $(BUILD)/$(1)/lib/libusbblk.a | deps
	@mkdir -p $$(@D)
	$(CC_$(1)) $(PROG_CFLAGS) -o $$@ $$< $(BUILD)/$(1)/lib/libusbblk.a
progs: $(BUILD)/$(1)/bin/$(basename $(notdir $(2)))
endef
$(foreach a,$(ARCHES),$(foreach p,$(PROG_SRCS),$(eval $(call prog_rules,$(a),$(p)))))

# fakedev: a host program (QEMU's usb-redir peer), built with the host gcc
FAKEDEV_SRCS := $(wildcard $(TOP)/tools/fakedev/*.c) $(wildcard $(TOP)/tools/fakedev/*.h)
$(BUILD)/host/bin/fakedev: $(FAKEDEV_SRCS)
	@mkdir -p $(@D)
	gcc -O2 -g -Wall -Wextra -Werror $(shell pkg-config --cflags libusbredirparser-0.5) \
		-o $@ $(filter %.c,$(FAKEDEV_SRCS)) $(shell pkg-config --libs libusbredirparser-0.5) -lm
progs: $(BUILD)/host/bin/fakedev

# fakedev's descriptor fuzzing campaign on x86_64: FAKEDEV_FUZZ mutated
# enumerations, seeded from desc.c's libFuzzer corpus; the next one once
# the guest has been quiet FAKEDEV_FUZZ_IDLE ms (at most 2.5 s each)
FAKEDEV_FUZZ ?= 1000
FAKEDEV_FUZZ_IDLE ?= 800
# The corpus comes from make fuzz (or make check's fuzz smoke); on a tree
# that has run neither, fuzz_desc grows one first, for FAKEDEV_CORPUS_S
# seconds, so the campaign never falls back to fakedev's own seeds.
FAKEDEV_CORPUS_S ?= 60
DESC_CORPUS := $(BUILD)/unit/fuzz_desc.corpus
$(DESC_CORPUS): | deps
	$(MAKE) -C $(TOP)/selftests/unit LINUX_SRC=$(LINUX_SRC) $(BUILD)/unit/fuzz_desc
	rm -rf $@.new && mkdir -p $@.new
	$(BUILD)/unit/fuzz_desc -max_total_time=$(FAKEDEV_CORPUS_S) -print_final_stats=1 $@.new
	mv $@.new $@
fuzz-fakedev: all | $(DESC_CORPUS)
	$(TOP)/tools/check-image prepare $(BUILD)/fuzz-fakedev.img 512 67108864
	$(TOP)/tools/vm/run --arch x86_64 --timeout $$(( $(FAKEDEV_FUZZ) * 6 + 600 )) \
		--fakedev good,image=$(BUILD)/fuzz-fakedev.img,fuzz=$(FAKEDEV_FUZZ),fuzz_idle=$(FAKEDEV_FUZZ_IDLE),corpus=$(DESC_CORPUS),log=$(BUILD)/fuzz-fakedev.log \
		--env USBBLK_FAKEDEV_SCENARIOS=desc-fuzz -- fakedev_test

# 32-bit (armhf) builds of the ABI tests and of usbblkctl, run on the
# arm64 guest: the ioctls through compat_ioctl.
COMPAT_SRCS := $(TOP)/selftests/io_test.c $(TOP)/selftests/devices_test.c \
	$(TOP)/selftests/enumerate_test.c $(TOP)/tools/usbblkctl/usbblkctl.c
define compat_rules
$(BUILD)/arm64/bin/$(basename $(notdir $(1)))32: $(1) $(PROG_HDRS) $(BUILD)/armhf/lib/libusbblk.a | deps
	@mkdir -p $$(@D)
	$(CC_armhf) $(PROG_CFLAGS) -Wno-pointer-to-int-cast -Wno-int-to-pointer-cast \
		-o $$@ $$< $(BUILD)/armhf/lib/libusbblk.a -lpthread
progs: $(BUILD)/arm64/bin/$(basename $(notdir $(1)))32
endef
$(foreach p,$(COMPAT_SRCS),$(eval $(call compat_rules,$(p))))

# host unit tests of the library, its symbol map and pkg-config file
libusbblk-check: | deps
	$(MAKE) -C $(LIBUSBBLK) LINUX_SRC=$(LINUX_SRC) check

# ---------------------------------------------------------------- install
# Documentation/install.rst.  DESTDIR stages everything (packaging);
# PREFIX is for the library and the tools; udev rules go where udev reads
# them whatever PREFIX is.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(TOP)/dkms.conf)
PREFIX ?= /usr/local
UDEVDIR ?= $(or $(shell pkg-config --variable=udevdir udev 2>/dev/null),/lib/udev)
DKMS_SRC ?= /usr/src/usbblk-$(VERSION)
# the tools of the machine installed to (ARCH=arm64 for a board's root)
INSTALL_ARCH := $(if $(filter arm64 aarch64,$(or $(ARCH),$(shell uname -m))),arm64,x86_64)

install: install-module install-udev install-lib install-progs

# (signed only when the kernel tree has its signing key: a headers
# package has none)
ifneq ($(KDIR),)
install-module: all
	$(MAKE) -C $(KDIR) M=$(BUILD)/custom INSTALL_MOD_DIR=updates \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) \
		$(if $(wildcard $(KDIR)/certs/signing_key.pem),,CONFIG_MODULE_SIG_ALL=) modules_install
	@echo "install: usbblk.ko in $(DESTDIR)/lib/modules/<release>/updates; then depmod -a <release>"
else
install-module:
	@echo "install: no KDIR=, so no module (make install KDIR=..., or DKMS: Documentation/install.rst)"
endif

install-udev:
	install -D -m 644 $(TOP)/tools/udev/60-usbblk.rules $(DESTDIR)$(UDEVDIR)/rules.d/60-usbblk.rules

# libusbblk's own install: the library, its headers and <linux/usbblk.h>,
# the pkg-config file; built afresh for the machine installed to (the .pc
# names PREFIX)
install-lib:
	rm -rf $(BUILD)/install-$(INSTALL_ARCH)
	$(MAKE) -C $(LIBUSBBLK) CC=$(if $(CROSS_COMPILE),$(CROSS_COMPILE)gcc,$(CC)) \
		OUT=$(BUILD)/install-$(INSTALL_ARCH)/lib PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) install

install-progs:
	@if [ -x $(BUILD)/$(INSTALL_ARCH)/bin/usbblkctl ]; then \
		install -D -m 755 $(BUILD)/$(INSTALL_ARCH)/bin/usbblkctl $(DESTDIR)$(PREFIX)/bin/usbblkctl; \
	else echo "install: no $(BUILD)/$(INSTALL_ARCH)/bin/usbblkctl (run make first)"; fi
	@if [ -f $(BUILD)/man/usbblkctl.1 ]; then \
		install -D -m 644 $(BUILD)/man/usbblkctl.1 $(DESTDIR)$(PREFIX)/share/man/man1/usbblkctl.1; \
	else echo "install: no $(BUILD)/man/usbblkctl.1 (run make man)"; fi

# What DKMS builds from: Kbuild, dkms.conf and the module's sources.
dkms-src:
	rm -rf $(DESTDIR)$(DKMS_SRC) && mkdir -p $(DESTDIR)$(DKMS_SRC)
	cp -r $(TOP)/Kbuild $(TOP)/dkms.conf $(TOP)/drivers $(TOP)/include $(DESTDIR)$(DKMS_SRC)/

# ---------------------------------------------------------------- man page
MAN := $(BUILD)/man/usbblkctl.1
$(MAN): $(TOP)/Documentation/usbblkctl.rst | deps
	@mkdir -p $(@D)
	rst2man --halt=warning $< $@
man: $(MAN)

# ---------------------------------------------------------------- Go
# tools/go (module usbblk), cross-built with cgo ($CC compiles libusbblk's
# sources, so no prebuilt library) and linked static for the guests:
# "go test -c" of each package in GO_TESTS as build/<arch>/bin/usbblk-<pkg>.test
# (the root package: usbblk-go.test), each program in GO_PROGS as
# build/<arch>/bin/<its directory's name>.  Tests that need a device
# carry the build tag "guest".  Only the standard library: no proxy.
GO_DIR := $(TOP)/tools/go
GO_TESTS := . uapi rt
GO_PROGS := examples/seed cmd/usbblk-gobench cmd/usbblk-fs
GO_SRCS := $(shell find $(GO_DIR) -name '*.go' -o -name '*.[ch]' -o -name go.mod) \
	$(wildcard $(TOP)/tools/lib/usbblk/*.[ch]) $(UAPI)/linux/usbblk.h
GO_ENV := GOCACHE=$(BUILD)/go/cache GOPATH=$(BUILD)/go/path GOPROXY=off GOFLAGS= \
	CGO_ENABLED=1 GOOS=linux
GOARCH_arm64 := arm64
GOARCH_x86_64 := amd64
GO_STATIC := -tags netgo,osusergo,guest -ldflags '-s -w -linkmode external -extldflags -static'
go_test_name = usbblk-$(if $(filter .,$(1)),go,$(subst /,-,$(1))).test
define go_rules
$(BUILD)/$(1)/bin/$(call go_test_name,$(2)): $(GO_SRCS) | deps
	@mkdir -p $$(@D)
	cd $(GO_DIR) && $(GO_ENV) GOARCH=$(GOARCH_$(1)) CC=$(CC_$(1)) \
		go test -c $(GO_STATIC) -o $$@ ./$(2)
progs: $(BUILD)/$(1)/bin/$(call go_test_name,$(2))
endef
define go_prog_rules
$(BUILD)/$(1)/bin/$(notdir $(2)): $(GO_SRCS) | deps
	@mkdir -p $$(@D)
	cd $(GO_DIR) && $(GO_ENV) GOARCH=$(GOARCH_$(1)) CC=$(CC_$(1)) \
		go build $(GO_STATIC) -o $$@ ./$(2)
progs: $(BUILD)/$(1)/bin/$(notdir $(2))
endef
$(foreach a,$(ARCHES),$(foreach p,$(GO_TESTS),$(eval $(call go_rules,$(a),$(p)))))
$(foreach a,$(ARCHES),$(foreach p,$(GO_PROGS),$(eval $(call go_prog_rules,$(a),$(p)))))

# gofmt and go vet (host, and arm64 through the cross compiler) over the
# whole module, with and without the guest tag; the binding's
# hardware-free tests on the host (fat and wal have theirs in
# tools/go/check-go).
gocheck: | deps
	@cd $(GO_DIR) && out=$$(gofmt -l .) && [ -z "$$out" ] || { echo "gofmt: $$out"; exit 1; }
	cd $(GO_DIR) && $(GO_ENV) go vet ./... && $(GO_ENV) go vet -tags guest ./...
	cd $(GO_DIR) && $(GO_ENV) GOARCH=arm64 CC=$(CC_arm64) go vet -tags guest ./...
	cd $(GO_DIR) && $(GO_ENV) go test . ./uapi ./rt ./internal/...

# The Go latency bench's long form in both guests (make check runs 300
# reads a row): GOBENCH_N reads a row, tables in build/gobench/ARCH.txt.
GOBENCH_N ?= 10000
gobench: all
	@mkdir -p $(BUILD)/gobench
	set -o pipefail; for a in $(ARCHES); do rm -f $(BUILD)/gobench/$$a.img; truncate -s 64M $(BUILD)/gobench/$$a.img; \
		$(TOP)/tools/vm/run --arch $$a --timeout 3600 --disk $(BUILD)/gobench/$$a.img,serial=GOBENCH \
		-- usbblk-gobench -n $(GOBENCH_N) | tee $(BUILD)/gobench/$$a.txt || exit 1; done

# Power cuts under the Go write-ahead log: WAL_CUTS SIGKILLs of QEMU per
# target while usbblk-fs appends and syncs, each recovered and checked by
# the next boot (make check runs 2 per target).
WAL_CUTS ?= 50
wal-powercut: all
	$(TOP)/tools/go/wal-powercut arm64 $(WAL_CUTS)
	$(TOP)/tools/go/wal-powercut x86_64 $(WAL_CUTS)

# usbblk-fs against the kernel's own stack (FAT32 and exFAT, a 32 MiB read
# and a 1000-entry listing) on the same image in the same boot; make
# check runs it with a 4 MiB file (--short).  Ratios printed, not asserted.
fs-perf: all
	$(TOP)/tools/go/fs-perf x86_64
	$(TOP)/tools/go/fs-perf arm64

# ---------------------------------------------------------------- run
run: all
	$(TOP)/tools/run-demo

# ---------------------------------------------------------------- check
# Every part writes TAP-ish lines "ok N name" / "not ok N name" through
# tools/check; tools/check summarises them as "N passed, N failed".
check: all
	$(TOP)/tools/check

# The VM steps on the debug kernels: any KASAN/lockdep/DMA-API/kmemleak
# report fails a step; tools/check skips the steps listed in its
# DEBUG_SKIPPED (with the reason).  Not part of make check (its length:
# Documentation/debug-kernel.rst).
CHECK_DEBUG ?= $(foreach a,$(DEBUG_ARCHES),'vm-$(a)-*')
check-debug: all debug-modules
	USBBLK_KERNEL=debug $(TOP)/tools/check $(CHECK_DEBUG)

# ---------------------------------------------------------------- bench
# usbblk against the kernel's stack, same stick, same boot (tools/bench/run;
# table on stdout, results.json, raw.txt and latency.png in build/bench/).
BENCH_ARCH ?= arm64 x86_64
BENCH_BOOTS ?= 3
BENCH_READS ?= 10000
bench: all
	$(TOP)/tools/bench/run $(foreach a,$(BENCH_ARCH),--arch $(a)) \
		--boots $(BENCH_BOOTS) --reads $(BENCH_READS) $(BENCH_OPTS)

# ---------------------------------------------------------------- soak
# Mixed I/O on two sticks (a usb-storage one unplugged and re-plugged, a
# tools/fakedev one with its timing model and a media error) for
# SOAK_MINUTES per arch; acknowledged writes checked on the host.
SOAK_ARCH ?= arm64 x86_64
SOAK_MINUTES ?= 30
soak: all
	$(TOP)/tools/soak $(foreach a,$(SOAK_ARCH),--arch $(a)) --seconds $$(($(SOAK_MINUTES) * 60))

# The ioctl fuzzer's long form on both targets (selftests/ioctl_fuzz.c);
# make check runs its short form (5,000 calls).  FUZZ_IOCTL_SEED=N repeats
# a run (the seed is printed).
FUZZ_IOCTL_CALLS ?= 100000
fuzz-ioctl: all
	FUZZ_IOCTL_CALLS=$(FUZZ_IOCTL_CALLS) $(TOP)/tools/check 'vm-*-fuzz-ioctl'

# The deadline tests' long form (issue 13: 1000 of 1000 short-deadline reads
# ETIMEDOUT, overshoot printed) on both targets and both sticks; make check
# runs 100.
DEADLINE_TRIES ?= 1000
deadline-campaign: all
	DEADLINE_TRIES=$(DEADLINE_TRIES) $(TOP)/tools/check 'vm-*-deadline*'

unit: | deps
	$(MAKE) -C $(TOP)/selftests/unit LINUX_SRC=$(LINUX_SRC) run

# each libFuzzer target for FUZZ_SECONDS (default 60); corpora in build/unit
FUZZ_SECONDS ?= 60
fuzz: | deps
	$(MAKE) -C $(TOP)/selftests/unit LINUX_SRC=$(LINUX_SRC) FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz

# Static checks; each fails on its first warning.
CHECKPATCH_FILES := $(shell find $(TOP)/drivers -name '*.[ch]') $(UAPI)/linux/usbblk.h
# --root is a stand-in tree: the kernel's headers, so checkpatch learns
# the CamelCase names they define (USB descriptor fields), and our
# Documentation/, so it finds the DT binding and vendor prefix.
CPROOT := $(BUILD)/checkpatch-root
checkpatch: | deps
	@if [ ! -d $(CPROOT)/include ]; then mkdir -p $(CPROOT) && \
		cp -rs $(KROOT)/usr/src/linux-headers-$(KABI)-common-rt/include $(CPROOT)/; fi
	ln -sfn $(TOP)/Documentation $(CPROOT)/Documentation
	cd $(BUILD) && perl $(LINUX_SRC)/scripts/checkpatch.pl --strict --no-tree --terse \
		--show-types --root=$(CPROOT) -f $(CHECKPATCH_FILES)

# Sparse and W=1 build into their own mirror with a fresh tree each time.
define static_build
	rm -rf $(BUILD)/$(1) && mkdir -p $(BUILD)/$(1)
	cp -rs $(TOP)/Kbuild $(TOP)/drivers $(TOP)/include $(BUILD)/$(1)/
	set -o pipefail; $(MAKE) -s -C $(2) M=$(BUILD)/$(1) $(3) modules 2>&1 | tee $(BUILD)/$(1).log
	@if grep -E 'warning|error' $(BUILD)/$(1).log; then \
		echo "$(1): warnings found"; exit 1; fi
	@echo "$(1): clean"
endef
sparse: | deps
	$(call static_build,sparse,$(KDIR_x86_64),C=2)
w1: | deps
	$(call static_build,w1,$(KDIR_x86_64),W=1)
	$(call static_build,w1-arm64,$(KDIR_arm64),W=1 ARCH=arm64 CROSS_COMPILE=$(CROSS_arm64))

coccicheck: | deps
	$(TOP)/tools/coccicheck

static: checkpatch sparse w1 coccicheck

clean:
	rm -rf $(BUILD)
	$(MAKE) -C $(TOP)/selftests/unit clean
