package qemu

import (
	"strings"
	"testing"

	"github.com/ukrun/ukrun/internal/vmm"
)

func spec() vmm.Spec {
	return vmm.Spec{
		Name: "ukrun-c1", Accel: vmm.TCG, MemoryMiB: 256, VCPUs: 2,
		Kernel: "/cache/vmlinux", Initrd: "/run/c1/initrd.cpio", Cmdline: "console=ttyS0 rdinit=/init",
		ConsoleLog: "/run/c1,x/console.log", ControlFD: 3, Paused: true,
		Ports: []vmm.Port{{Name: "ukrun.ctl", FD: 4}, {Name: "ukrun.stdout", FD: 5}},
	}
}

func TestArgvPC(t *testing.T) {
	got, err := Argv(PC, spec())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"-name", "ukrun-c1", "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
		"-machine", "pc,accel=tcg", "-m", "256M", "-smp", "2",
		"-kernel", "/cache/vmlinux", "-append", "console=ttyS0 rdinit=/init",
		"-initrd", "/run/c1/initrd.cpio", "-S",
		"-chardev", "file,id=con,path=/run/c1,,x/console.log", "-serial", "chardev:con",
		"-chardev", "socket,id=qmp,fd=3", "-mon", "chardev=qmp,mode=control",
		"-device", "virtio-serial-pci,id=vser,max_ports=3",
		"-chardev", "socket,id=port0,fd=4", "-device", "virtserialport,bus=vser.0,chardev=port0,name=ukrun.ctl",
		"-chardev", "socket,id=port1,fd=5", "-device", "virtserialport,bus=vser.0,chardev=port1,name=ukrun.stdout",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("argv:\n%s\nwant:\n%s", strings.Join(got, " "), strings.Join(want, " "))
	}
}

// The entropy device sits on the machine's virtio transport.
func TestArgvRNG(t *testing.T) {
	for m, want := range map[Machine]string{PC: "-device virtio-rng-pci", MicroVM: "-device virtio-rng-device"} {
		s := spec()
		s.RNG = true
		got, err := Argv(m, s)
		if err != nil {
			t.Fatal(err)
		}
		if line := strings.Join(got, " "); !strings.Contains(line, want) {
			t.Errorf("%s argv %q lacks %q", m, line, want)
		}
	}
}

func TestArgvMicroVMKVM(t *testing.T) {
	s := spec()
	s.Accel, s.Paused = vmm.KVM, false
	got, err := Argv(MicroVM, s)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Join(got, " ")
	for _, want := range []string{"-machine microvm,accel=kvm,acpi=off", "-cpu host", "-device virtio-serial-device,id=vser,max_ports=3"} {
		if !strings.Contains(line, want) {
			t.Errorf("argv %q lacks %q", line, want)
		}
	}
	if strings.Contains(line, " -S") {
		t.Errorf("unpaused VM has -S: %s", line)
	}
}

func TestArgvSharesAndNIC(t *testing.T) {
	s := spec()
	s.Shares = []vmm.Share{{Tag: "rootfs", Path: "/b/rootfs", ReadOnly: true}}
	s.NIC = &vmm.NIC{FD: 8, MAC: "02:00:00:00:00:01", MTU: 1450}
	got, err := Argv(PC, s)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Join(got, " ")
	for _, want := range []string{
		"-fsdev local,id=fs0,path=/b/rootfs,security_model=none,readonly=on -device virtio-9p-pci,fsdev=fs0,mount_tag=rootfs",
		"-netdev tap,id=net0,fd=8 -device virtio-net-pci,netdev=net0,mac=02:00:00:00:00:01,host_mtu=1450",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("argv %q lacks %q", line, want)
		}
	}
	s.NIC.MAC = "not-a-mac"
	if _, err := Argv(PC, s); err == nil {
		t.Errorf("bad MAC accepted")
	}
}

func TestArgvRefusesBadSpecs(t *testing.T) {
	for name, mut := range map[string]func(*vmm.Spec){
		"no kernel":        func(s *vmm.Spec) { s.Kernel = "" },
		"no memory":        func(s *vmm.Spec) { s.MemoryMiB = 0 },
		"stdio control fd": func(s *vmm.Spec) { s.ControlFD = 1 },
		"comma in port":    func(s *vmm.Spec) { s.Ports[0].Name = "a,b" },
	} {
		s := spec()
		mut(&s)
		if _, err := Argv(PC, s); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// A unikernel's VM: console on QEMU's stdout, a disk, a TAP opened by
// name, the sandbox on, and no QMP when not paused.
func TestArgvUnikernel(t *testing.T) {
	s := vmm.Spec{Name: "u", Accel: vmm.TCG, MemoryMiB: 64, VCPUs: 1, Kernel: "/k", Cmdline: "-- app", Seccomp: true,
		Disks: []vmm.Disk{{ID: "storage", Path: "/d,1.img", ReadOnly: true}},
		NIC:   &vmm.NIC{Tap: "uk1", MAC: "02:00:00:00:00:01", MTU: 1500}}
	l, err := Backend{}.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(l.Argv, " ")
	want := "-name u -nodefaults -no-user-config -display none -no-reboot -machine pc,accel=tcg -m 64M -smp 1 " +
		"-kernel /k -append -- app -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny " +
		"-chardev stdio,id=con,signal=off -serial chardev:con " +
		"-drive file=/d,,1.img,if=none,id=disk0,format=raw,readonly=on -device virtio-blk-pci,drive=disk0 " +
		"-netdev tap,id=net0,ifname=uk1,script=no,downscript=no -device virtio-net-pci,netdev=net0,mac=02:00:00:00:00:01"
	if got != want {
		t.Fatalf("argv:\n%s\nwant:\n%s", got, want)
	}
	s.Paused = true
	if _, err := (Backend{}).Build(s); err == nil {
		t.Error("paused without a control socket accepted")
	}
	s.Paused, s.Preconfig = false, true
	if _, err := (Backend{}).Build(s); err == nil {
		t.Error("preconfig without a control socket accepted")
	}
}

// A VM started before its initrd is written waits in -preconfig, on QMP.
func TestArgvPreconfig(t *testing.T) {
	s := spec()
	s.Preconfig = true
	got, err := Argv(MicroVM, s)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Join(got, " ")
	if !strings.Contains(line, "-initrd /run/c1/initrd.cpio -S -preconfig ") || !strings.Contains(line, "-mon chardev=qmp,mode=control") {
		t.Errorf("argv %q lacks -preconfig after -S, or QMP", line)
	}
}
