// Package kernel holds ukrun's guest kernel configuration; this test checks
// it has what ukinit and the VMM backends rely on.
package kernel

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// needed maps each option to who needs it.
var needed = map[string]string{
	"CONFIG_PVH":                         "QEMU boots the ELF vmlinux through the PVH entry",
	"CONFIG_BLK_DEV_INITRD":              "ukinit and the rootfs arrive as an initramfs",
	"CONFIG_DEVTMPFS":                    "ukinit mounts /dev",
	"CONFIG_PROC_FS":                     "ukinit mounts /proc",
	"CONFIG_SYSFS":                       "ukinit finds virtio ports in /sys/class/virtio-ports",
	"CONFIG_UNIX98_PTYS":                 "a terminal app gets a pty",
	"CONFIG_SERIAL_8250_CONSOLE":         "the kernel console goes to console.log",
	"CONFIG_VIRTIO_PCI":                  "virtio devices on the pc machine",
	"CONFIG_VIRTIO_MMIO":                 "virtio devices on microvm",
	"CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES": "QEMU's microvm names its devices on the command line",
	"CONFIG_VIRTIO_CONSOLE":              "stdio and control ports (virtio-serial)",
	"CONFIG_VIRTIO_NET":                  "the pod NIC",
	"CONFIG_INET":                        "ukinit configures IPv4",
	"CONFIG_VIRTIO_BLK":                  "block rootfs",
	"CONFIG_NET_9P_VIRTIO":               "9p rootfs",
	"CONFIG_9P_FS":                       "9p rootfs",
	"CONFIG_EXT4_FS":                     "block rootfs",
	"CONFIG_VIRTIO_VSOCKETS":             "vsock channel",
	"CONFIG_BINFMT_ELF":                  "apps are ELF",
	"CONFIG_FUTEX":                       "Go and glibc apps",
	"CONFIG_EPOLL":                       "Go apps",
	"CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE": "boot time: -O2 boots 30-50 ms sooner under TCG than tinyconfig's -Os",
}

func TestGuestConfigHasWhatUkrunNeeds(t *testing.T) {
	f, err := os.Open("guest.config")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			set[k] = v
		}
	}
	for opt, why := range needed {
		if set[opt] != "y" {
			t.Errorf("%s=%q, want y: %s", opt, set[opt], why)
		}
	}
	if set["CONFIG_MODULES"] != "n" {
		t.Errorf("CONFIG_MODULES=%q: the guest kernel must need no modules", set["CONFIG_MODULES"])
	}
	for opt, why := range trimmed {
		if set[opt] != "n" {
			t.Errorf("%s=%q, want n: %s", opt, set[opt], why)
		}
	}
}

// trimmed maps options kept off to the boot time they cost under TCG
// (initcall_debug, 6.1).
var trimmed = map[string]string{
	"CONFIG_LEGACY_PTYS": "registering 256 legacy pty pairs: ~50 ms",
	"CONFIG_VT":          "a VT console nobody reads; it pulls in input",
	"CONFIG_SERIO":       "probing for an i8042 that is not there: ~45 ms",
	"CONFIG_IPV6_SIT":    "a sit0 tunnel device",
}
