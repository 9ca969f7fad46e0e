package container

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ukrun/ukrun/internal/guest/compat"
	"github.com/ukrun/ukrun/internal/guest/linux"
	"github.com/ukrun/ukrun/internal/netsetup"
	"github.com/ukrun/ukrun/internal/oci"
	"github.com/ukrun/ukrun/internal/vmm"
	"github.com/ukrun/ukrun/internal/vmm/backends"
)

// Every allowed guest × VMM pair, built as create builds it, with a
// pod NIC on a /26 and a gateway: the whole invocation, exactly. What each
// option means is checked against the tools' documentation in the backend
// and guest packages' own tests; this table checks how they combine.
func TestPairs(t *testing.T) {
	pod := &netsetup.Result{TapName: "uk0123456789abc", Pod: &netsetup.PodIf{
		IP: net.ParseIP("10.1.2.70").To4(), Prefix: 26, Gateway: net.ParseIP("10.1.2.65").To4(),
		MAC: net.HardwareAddr{0x02, 0, 0, 0, 0, 0x01}, MTU: 1450,
	}}
	for _, tc := range []struct {
		guest, vmm, rootfs string
	}{
		{guest: "linux", vmm: "qemu", rootfs: "initrd"},
		{guest: "linux", vmm: "qemu", rootfs: "9p"},
		{guest: "linux", vmm: "firecracker", rootfs: "initrd"},
		{guest: "linux", vmm: "cloud-hypervisor", rootfs: "initrd"},
		{guest: "unikraft", vmm: "qemu", rootfs: "initrd"},
		{guest: "unikraft", vmm: "firecracker", rootfs: "none"},
		{guest: "rumprun", vmm: "hvt", rootfs: "block"},
		{guest: "rumprun", vmm: "spt", rootfs: "none"},
		{guest: "mirage", vmm: "hvt", rootfs: "none"},
		{guest: "mirage", vmm: "spt", rootfs: "block"},
		{guest: "mirage", vmm: "qemu", rootfs: "none"},
		{guest: "mewz", vmm: "qemu", rootfs: "none"},
		{guest: "hermit", vmm: "qemu", rootfs: "initrd"},
	} {
		t.Run(tc.guest+"/"+tc.vmm, func(t *testing.T) {
			if err := compat.Check(tc.guest, tc.vmm, tc.rootfs); err != nil {
				t.Fatal(err)
			}
			b, _ := backends.Get(tc.vmm)
			vm := &oci.VM{Guest: tc.guest, VMM: tc.vmm, Rootfs: tc.rootfs, Kernel: "/b/rootfs/app",
				Cmdline: "serve --port 80", MemoryMiB: 128, VCPUs: 1, Seccomp: true}
			switch tc.rootfs {
			case "block":
				vm.Block, vm.BlockAt = "/b/rootfs/disk.img", "/data"
			case "initrd":
				vm.Initrd = "/b/rootfs/initrd"
			}
			req := &vmRequest{vm: vm, backend: b, spec: &specs.Spec{Process: &specs.Process{Env: []string{"A=1"}}}}
			var spec vmm.Spec
			var err error
			if tc.guest == "linux" {
				spec, err = linuxPairSpec(vm, b.Caps())
			} else {
				spec, err = unikernelSpec(req, pod)
			}
			if err != nil {
				t.Fatal(err)
			}
			caps := b.Caps()
			spec.Name, spec.Accel, spec.MemoryMiB, spec.VCPUs, spec.Seccomp = "ukrun-c", vmm.KVM, 128, 1, true
			if caps.Paused {
				spec.ControlFD, spec.Paused, spec.Preconfig = 3, true, caps.Preconfig && tc.guest == "linux"
			}
			spec.NIC = &vmm.NIC{Tap: pod.TapName, MAC: pod.Pod.MAC.String(), MTU: 1450}
			if caps.TapFD {
				spec.NIC.FD = 8
			}
			spec.ConfigFile = "/run/ukrun/c/vmm.json"
			l, err := b.Build(spec)
			if err != nil {
				t.Fatal(err)
			}
			// testdata/pairs/<guest>-<vmm>.txt: argv after the binary, one
			// element per line, then the config file, if any.
			got := strings.Join(l.Argv, "\n") + "\n"
			if f, ok := l.Files[spec.ConfigFile]; ok {
				got += "--- " + filepath.Base(spec.ConfigFile) + "\n" + string(f)
			}
			golden := filepath.Join("testdata", "pairs", tc.guest+"-"+tc.vmm+".txt")
			if tc.guest == "linux" {
				golden = filepath.Join("testdata", "pairs", tc.guest+"-"+tc.vmm+"-"+tc.rootfs+".txt")
			}
			if os.Getenv("UKRUN_UPDATE_GOLDEN") != "" {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				os.WriteFile(golden, []byte(got), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("invocation:\n%s\nwant (%s):\n%s", got, golden, want)
			}
		})
	}
}

// linuxPairSpec is the VM create makes for a Linux guest of ukrun's own
// kernel (virtio-mmio command-line devices), its initrd already written.
func linuxPairSpec(vm *oci.VM, caps vmm.Caps) (vmm.Spec, error) {
	vm.Kernel, vm.Cmdline = "", "loglevel=7"
	machine, _, cmdline, err := linux.Layout(vm.VMM, vmm.KVM, 0, map[string]string{"CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES": "y"}, vm.Cmdline)
	if err != nil {
		return vmm.Spec{}, err
	}
	boot := &linux.Boot{Kernel: "/var/cache/ukrun/kernels/vmlinux", Initrd: "/run/ukrun/c/initrd.cpio", Cmdline: cmdline, Machine: machine}
	if vm.Rootfs == "9p" {
		boot.Shares = []vmm.Share{{Tag: linux.RootTag, Path: "/b/rootfs"}}
	}
	var disks []vmm.Disk
	if !caps.Ports {
		disks = []vmm.Disk{{ID: "exit", Path: "/run/ukrun/c/exit.img"}}
	}
	return linuxVMSpec(boot, caps, "/run/ukrun/c/console.log", disks), nil
}

// Every pair the table refuses gives an error that names both.
func TestRefusedPairs(t *testing.T) {
	for _, g := range compat.Table {
		for _, v := range backends.Names() {
			if slices.Contains(g.VMMs, v) {
				continue
			}
			err := compat.Check(g.Name, v, g.Rootfs[0])
			if err == nil || !strings.Contains(err.Error(), "guest "+g.Name+" cannot run on VMM "+v) {
				t.Errorf("%s on %s: %v", g.Name, v, err)
			}
		}
	}
}

func TestHooksBeforeStart(t *testing.T) {
	hook := []specs.Hook{{Path: "/bin/true"}}
	for _, tc := range []struct {
		hooks *specs.Hooks
		want  bool
	}{
		{nil, false},
		{&specs.Hooks{Poststart: hook, Poststop: hook}, false},
		{&specs.Hooks{CreateRuntime: hook}, true},
		{&specs.Hooks{CreateContainer: hook}, true},
		{&specs.Hooks{StartContainer: hook}, true},
		{&specs.Hooks{Prestart: hook}, true}, //nolint:staticcheck // deprecated, still run
	} {
		if got := hooksBeforeStart(tc.hooks); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.hooks, got, tc.want)
		}
	}
}
