package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// isELF tells whether the kernel is a real one (an ELF vmlinux), which the
// fake then boots with QEMU standing in for the VMM it impersonates.
func isELF(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	magic := make([]byte, 4)
	_, err = f.Read(magic)
	return err == nil && bytes.Equal(magic, []byte("\x7fELF"))
}

// standIn execs QEMU with the machine the impersonated VMM gives a guest:
// Cloud Hypervisor's virtio-pci devices and ACPI power-off on pc, or
// Firecracker's virtio-mmio command-line devices on microvm (where TCG
// needs acpi=off). The console is the serial port on stdout, as theirs.
func standIn(name string, v *vm) error {
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		return err
	}
	machine, dev, cmdline := "pc,accel=tcg", "pci", v.cmdline
	var extra []string
	if name == "firecracker" {
		machine, dev, cmdline = "microvm,accel=tcg,acpi=off", "device", cmdline+" acpi=off"
		// Firecracker's guests end with reboot=k through its minimal
		// i8042; microvm has none, and without it the guest's reset
		// falls back to slower ways that can spin for minutes.
		extra = []string{"-device", "i8042"}
	}
	argv := []string{qemu, "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
		"-machine", machine, "-m", "256M", "-kernel", v.kernel, "-append", cmdline,
		"-chardev", "stdio,id=con,signal=off", "-serial", "chardev:con"}
	argv = append(argv, extra...)
	if v.initrd != "" {
		argv = append(argv, "-initrd", v.initrd)
	}
	for i, d := range v.disks {
		argv = append(argv, "-drive", fmt.Sprintf("file=%s,if=none,id=d%d,format=raw", d, i),
			"-device", fmt.Sprintf("virtio-blk-%s,drive=d%d", dev, i))
	}
	if v.tap != "" || v.tapFD > 0 {
		netdev := fmt.Sprintf("tap,id=n0,fd=%d", v.tapFD)
		if v.tapFD == 0 {
			netdev = fmt.Sprintf("tap,id=n0,ifname=%s,script=no,downscript=no,vnet_hdr=on", v.tap)
		}
		argv = append(argv, "-netdev", netdev, "-device", fmt.Sprintf("virtio-net-%s,netdev=n0,mac=%s", dev, v.mac))
	}
	return syscall.Exec(qemu, argv, os.Environ())
}
