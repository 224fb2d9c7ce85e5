#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# udev_test.sh - guest test of the LUN nodes' sysfs identity and of
# tools/udev/60-usbblk.rules, run with Debian's udevadm (make check packs
# it, its libraries and the rule into the guest).
#
# For every /dev/usbblkN: each attribute of /sys/class/misc/usbblkN equals
# what GET_INFO says (usbblkctl info --json); "udevadm test" on it creates
# the symlinks it reports in DEVLINKS, which must be exactly
#   /dev/usbblk/by-serial/SERIAL-lunL   (SERIAL with blanks as "_")
#   /dev/usbblk/by-path/ID_PATH-usb-PORTS-lunL
# each resolving to the node, and the node gets mode 0660, group disk.
# The controller nodes get the same mode and group.
#
# Environment:
#   USBBLK_UDEV_NODES    number of LUN nodes expected
#   USBBLK_UDEV_SERIALS  the serials the runner gave the sticks, one word
#                        each, "_" for a blank, one per node (any order)
#   USBBLK_UDEV_PATHS    the port paths expected, one per node (any order)
#   USBBLK_UDEV_ID_PATH  udev's path_id of the controller (pci-..., platform-...)
set -u
fail=0
n=0
say() { echo "udev_test: $*"; }
bad() { say "FAIL: $*"; fail=1; }

# json KEY: the value of "KEY" in the one-line JSON object in $js
json() { printf '%s\n' "$js" | sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\)\"\{0,1\}[,}].*/\1/p"; }
# take WORD LISTVAR: remove one WORD from the space-separated list, or fail
take() {
	eval "l=\" \$$2 \""
	case "$l" in
	*" $1 "*) eval "$2=\"\$(printf '%s' \"\$l\" | sed \"s/ $1 / /\")\"" ;;
	*) return 1 ;;
	esac
}

grep -q '^disk:' /etc/group || { say "no group disk in /etc/group"; exit 1; }
gid=$(sed -n 's/^disk:[^:]*:\([0-9]*\):.*/\1/p' /etc/group)
serials=${USBBLK_UDEV_SERIALS:-}
paths=${USBBLK_UDEV_PATHS:-}

for sys in /sys/class/misc/usbblk[0-9]*; do
	[ -e "$sys" ] || continue
	node=$(basename "$sys")
	dev=/dev/$node
	n=$((n + 1))
	js=$(usbblkctl info "$dev" --json) || { bad "$dev: usbblkctl info"; continue; }
	a() { cat "$sys/$1"; }
	wp=0; [ "$(json write_protect)" = true ] && wp=1
	rm=0; [ "$(json removable)" = true ] && rm=1
	for pair in vendor=vendor model=product rev=revision serial=serial lun=lun \
		capacity=capacity block_size=block_size max_sectors=max_sectors \
		vendor_id=vendor_id product_id=product_id port_path=path; do
		attr=${pair%%=*}
		want=$(json "${pair#*=}")
		got=$(a "$attr")
		[ "$got" = "$want" ] || bad "$node/$attr is '$got', GET_INFO says '$want'"
	done
	[ "$(a ro)" = $wp ] || bad "$node/ro is '$(a ro)', GET_INFO write_protect $wp"
	[ "$(a removable)" = $rm ] || bad "$node/removable is '$(a removable)', GET_INFO $rm"
	[ "$(a controller)" = "usbblk-hc$(json hc)" ] ||
		bad "$node/controller is '$(a controller)', GET_INFO hc $(json hc)"
	serial=$(a serial | tr ' ' _)
	take "${serial:-none}" serials || bad "$node: serial '$serial' not one the runner set"
	take "$(a port_path)" paths || bad "$node: port path '$(a port_path)' not expected"
	say "$node: $(for f in vendor model rev serial vendor_id product_id lun capacity \
		block_size max_sectors ro removable controller port_path; do
		printf '%s=%s ' "$f" "$(a "$f")"; done)"

	out=$(udevadm test "$sys" 2>&1) || { printf '%s\n' "$out"; bad "udevadm test $sys"; continue; }
	links=$(printf '%s\n' "$out" | sed -n 's/^DEVLINKS=//p')
	say "$node: DEVLINKS=$links"
	want="/dev/usbblk/by-path/$USBBLK_UDEV_ID_PATH-usb-$(a port_path)-lun$(a lun)"
	[ -n "$serial" ] && want="/dev/usbblk/by-serial/$serial-lun$(a lun) $want"
	[ "$(echo $links | tr ' ' '\n' | sort)" = "$(echo $want | tr ' ' '\n' | sort)" ] ||
		bad "$node: udevadm reported '$links', expected '$want'"
	for l in $links; do
		[ -L "$l" ] && [ "$(readlink -f "$l")" = "$dev" ] ||
			bad "$l is not a link to $dev"
	done
	[ "$(stat -c '%a %g' "$dev")" = "660 $gid" ] ||
		bad "$dev: mode/group $(stat -c '%a %g' "$dev"), expected 660 $gid"
done

for sys in /sys/class/misc/usbblk-hc*; do
	[ -e "$sys" ] || continue
	udevadm test "$sys" >/dev/null 2>&1 || bad "udevadm test $sys"
	dev=/dev/$(basename "$sys")
	[ "$(stat -c '%a %g' "$dev")" = "660 $gid" ] ||
		bad "$dev: mode/group $(stat -c '%a %g' "$dev"), expected 660 $gid"
done

[ "$n" = "${USBBLK_UDEV_NODES:-}" ] || bad "$n LUN nodes, expected ${USBBLK_UDEV_NODES:-?}"
[ -z "$(echo $serials)" ] || bad "no node had serial(s) $serials"
[ -z "$(echo $paths)" ] || bad "no node had port path(s) $paths"
find /dev/usbblk -type l | sort | while read -r l; do say "$l -> $(readlink "$l")"; done
[ $fail = 0 ] && say "ok: $n LUN nodes"
exit $fail
