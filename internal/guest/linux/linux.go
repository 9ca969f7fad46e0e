// Package linux prepares a Linux guest: kernel, initrd with ukinit and
// modules, the app description and the kernel command line.
package linux

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ukrun/ukrun/internal/config"
	"github.com/ukrun/ukrun/internal/guest/linux/initrd"
	"github.com/ukrun/ukrun/internal/guest/linux/kernel"
	"github.com/ukrun/ukrun/internal/guest/proto"
	"github.com/ukrun/ukrun/internal/oci"
	"github.com/ukrun/ukrun/internal/vmm"
	"github.com/ukrun/ukrun/internal/vmm/qemu"
)

// modules are the drivers ukinit needs when the kernel has them as modules.
var modules = []string{"virtio_pci", "virtio_console", "virtio_net"}

// optionalModules are drivers the guest does without when its kernel
// lacks them: the entropy device's.
var optionalModules = []string{"virtio_rng"}

// ninePModules mount a 9p rootfs.
var ninePModules = []string{"9pnet_virtio", "9p"}

// RootTag is the 9p mount tag of a shared rootfs.
const RootTag = "rootfs"

// Boot is what the VMM needs to boot a prepared Linux guest.
type Boot struct {
	Kernel  string       // PVH ELF vmlinux
	Initrd  string       // per-container initrd
	Cmdline string       // kernel command line
	Machine qemu.Machine // pc, or microvm where the kernel allows it
	Shares  []vmm.Share  // the rootfs, when shared over 9p

	writeInitrd func() error
}

// WriteInitrd writes the initrd Prepare planned: the VMM may be started
// before, as long as it reads the initrd only after.
func (b *Boot) WriteInitrd() error {
	if err := b.writeInitrd(); err != nil {
		return fmt.Errorf("build initrd: %w", err)
	}
	return nil
}

// Request is one Linux guest to prepare.
type Request struct {
	Config   config.Config
	VM       *oci.VM
	Spec     *specs.Spec
	Rootfs   string     // bundle rootfs, host path
	Ukinit   string     // ukinit binary, host path
	InitrdTo string     // where to write the per-container initrd
	Net      *proto.Net // the NIC's addressing, nil without a NIC
	// ExitDisk is the guest's device for the exit disk when the VMM has no
	// virtio-serial (Firecracker, Cloud Hypervisor); empty on QEMU.
	ExitDisk string
	Accel    vmm.Accel // the accelerator the VMM uses
	TSCKHz   int       // the host's TSC frequency, 0 if unknown (TCG only)
}

// Prepare resolves the kernel and checks and plans the container's initrd,
// which Boot.WriteInitrd writes.
func Prepare(r Request) (*Boot, error) {
	kpath, modDir, kconf, err := pickKernel(r)
	if err != nil {
		return nil, err
	}
	vmlinux, err := kernel.PVH(kpath, filepath.Join(r.Config.CacheDir, "kernels"))
	if err != nil {
		return nil, fmt.Errorf("prepare kernel %s: %w", kpath, err)
	}
	machine, mods, args, err := Layout(r.VM.VMM, r.Accel, r.TSCKHz, kconf, r.VM.Cmdline)
	if err != nil {
		return nil, fmt.Errorf("kernel %s: %w", kpath, err)
	}
	share := r.VM.Rootfs == "9p"
	if share {
		mods = append(mods, ninePModules...)
	}
	var hostMods []string
	if modDir != "" {
		if hostMods, err = kernel.Modules(modDir, mods...); err != nil {
			return nil, fmt.Errorf("guest modules: %w", err)
		}
		hostMods = withOptional(modDir, hostMods, optionalModules...)
	}
	base, guestMods, err := initrd.Base(filepath.Join(r.Config.CacheDir, "initrd"), r.Ukinit, hostMods)
	if err != nil {
		return nil, fmt.Errorf("build initrd base: %w", err)
	}
	app := App(r.Spec)
	app.Modules, app.Net = guestMods, r.Net
	app.ExitDisk = r.ExitDisk
	boot := &Boot{Kernel: vmlinux, Initrd: r.InitrdTo, Cmdline: args, Machine: machine}
	copyRootfs := r.Rootfs
	app.RootRO = r.Spec.Root != nil && r.Spec.Root.Readonly
	if share {
		// The guest works on the bundle's rootfs itself, as a container does.
		app.RootTag, copyRootfs = RootTag, ""
		boot.Shares = []vmm.Share{{Tag: RootTag, Path: r.Rootfs, ReadOnly: app.RootRO}}
	}
	binds := Binds(r.Spec)
	if share && app.RootRO {
		if err := mountPointsExist(r.Rootfs, binds); err != nil {
			return nil, err
		}
	}
	boot.writeInitrd = func() error { return initrd.Write(r.InitrdTo, base, app, copyRootfs, binds) }
	return boot, nil
}

// pickKernel returns the kernel to boot, its module tree (empty when it has
// none on the host) and its build config (empty when unknown).
func pickKernel(r Request) (path, modDir string, kconf map[string]string, err error) {
	switch {
	case r.VM.Kernel != "":
		// A kernel shipped in the image carries its drivers built in.
		return r.VM.Kernel, "", map[string]string{}, nil
	case r.Config.Kernel != "":
		path = r.Config.Kernel
	case exists(OwnKernel):
		path = OwnKernel
	default:
		if path, _, err = kernel.Newest("/boot"); err != nil {
			return "", "", nil, fmt.Errorf("find a guest kernel (set kernel in %s): %w", config.DefaultPath, err)
		}
	}
	version := strings.TrimPrefix(filepath.Base(path), "vmlinuz-")
	if st, err := os.Stat(kernel.ModuleDir(version)); err == nil && st.IsDir() {
		modDir = kernel.ModuleDir(version)
	}
	return path, modDir, kconfigOf(path, version), nil
}

// kconfigOf reads a kernel's build config: config-<version> beside it, as
// /boot has, else a file named config in its directory, as ukrun's own
// kernel build leaves.
func kconfigOf(path, version string) map[string]string {
	dir := filepath.Dir(path)
	if m, ok := readKconfig(filepath.Join(dir, "config-"+version)); ok {
		return m
	}
	m, _ := readKconfig(filepath.Join(dir, "config"))
	return m
}

// kconfigKeys are the options Layout reads from a kernel's build config.
var kconfigKeys = []string{"CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES"}

// OwnKernel is ukrun's own guest kernel (`make kernel`), the default Linux
// guest kernel when present; the host's Debian kernel is the fallback.
const OwnKernel = "/var/lib/ukrun/kernel/vmlinux"

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// readKconfig reads the kconfigKeys of a kernel build config, and whether
// the file exists.
func readKconfig(path string) (map[string]string, bool) {
	m := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return m, false
	}
	defer f.Close()
	prefixes := make([][]byte, len(kconfigKeys))
	for i, k := range kconfigKeys {
		prefixes[i] = []byte(k + "=")
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		for i, p := range prefixes {
			if v, ok := bytes.CutPrefix(sc.Bytes(), p); ok {
				m[kconfigKeys[i]] = string(v)
			}
		}
	}
	return m, true
}

// Binds returns the spec's bind mounts whose content the guest gets as a
// copy taken at create (a VM cannot see host mounts): files such as CRI's
// /etc/hosts and /etc/resolv.conf, and directories, read-only when the
// mount is. Mounts under /proc, /sys and /dev stay the guest kernel's own.
func Binds(s *specs.Spec) []initrd.Bind {
	var out []initrd.Bind
	for _, m := range s.Mounts {
		if !isBind(m) || m.Destination == "" || m.Source == "" {
			continue
		}
		dest := filepath.Clean("/" + m.Destination)
		if dest == "/" || proto.Under(dest, proto.KernelDirs...) != "" {
			continue
		}
		out = append(out, initrd.Bind{Source: m.Source, Dest: dest, RO: readOnly(m.Options)})
	}
	return out
}

// readOnly tells whether mount options end up read-only (the last of "ro"
// and "rw" wins, as in mount(8); "rro" is "ro" for the whole tree, and
// the guest's copy has no submounts).
func readOnly(options []string) bool {
	ro := false
	for _, o := range options {
		switch o {
		case "ro", "rro":
			ro = true
		case "rw":
			ro = false
		}
	}
	return ro
}

// mountPointsExist checks that a rootfs the guest cannot write has the
// mount point of every bind and of /proc, /sys and /dev (ukinit makes
// missing ones in a rootfs it can write); one inside an earlier bind is
// made in that bind's copy.
func mountPointsExist(rootfs string, binds []initrd.Bind) error {
	for i, b := range binds {
		if slices.ContainsFunc(binds[:i], func(e initrd.Bind) bool { return proto.Under(b.Dest, e.Dest) != "" }) {
			continue
		}
		if err := inRootfs(rootfs, b.Dest); err != nil {
			return fmt.Errorf("bind mount %s: %w", b.Dest, err)
		}
	}
	for _, d := range proto.KernelDirs {
		if err := inRootfs(rootfs, d); err != nil {
			return fmt.Errorf("mount %s: %w", d, err)
		}
	}
	return nil
}

func inRootfs(rootfs, dest string) error {
	p, err := securejoin.SecureJoin(rootfs, dest)
	if err != nil {
		return err
	}
	if _, err := os.Stat(p); err != nil {
		return fmt.Errorf("the read-only 9p rootfs has no mount point for it (it must be in the image): %w", err)
	}
	return nil
}

// withOptional adds to the modules have those of names the kernel has,
// and their dependencies, each once.
func withOptional(modDir string, have []string, names ...string) []string {
	for _, n := range names {
		extra, err := kernel.Modules(modDir, n)
		if err != nil {
			continue // not in this kernel: the guest does without
		}
		for _, p := range extra {
			if !slices.Contains(have, p) {
				have = append(have, p)
			}
		}
	}
	return have
}

func isBind(m specs.Mount) bool {
	if m.Type == "bind" {
		return true
	}
	for _, o := range m.Options {
		if o == "bind" || o == "rbind" {
			return true
		}
	}
	return false
}

// App describes the spec's process for ukinit.
func App(s *specs.Spec) *proto.App {
	p := s.Process
	app := &proto.App{
		Args:     p.Args,
		Env:      p.Env,
		Cwd:      p.Cwd,
		UID:      p.User.UID,
		GID:      p.User.GID,
		Hostname: s.Hostname,
		Terminal: p.Terminal,
	}
	app.Groups = append(app.Groups, p.User.AdditionalGids...)
	return app
}

// Layout is what a Linux guest looks like on VMM vmmName with a kernel of build
// config kconf: QEMU's machine, the modules ukinit loads (when the kernel
// has them as modules) and the kernel command line, extra at its end.
func Layout(vmmName string, accel vmm.Accel, tscKHz int, kconf map[string]string, extra string) (vmm.Machine, []string, string, error) {
	mmio := kconf["CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES"] == "y"
	switch vmmName {
	case "firecracker":
		if !mmio {
			return "", nil, "", fmt.Errorf("firecracker needs a guest kernel with CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y (build ukrun's own with make kernel)")
		}
		return qemu.MicroVM, []string{"virtio_mmio", "virtio_net", "virtio_blk"}, consoleCmdline(extra, "panic=-1", "reboot=k", "pci=off"), nil
	case "cloud-hypervisor":
		// Cloud Hypervisor restarts a guest that resets: ukinit powers off
		// (told by the command line, read even when nothing else is), and a
		// panic halts rather than boots the app again.
		return qemu.PC, []string{"virtio_pci", "virtio_net", "virtio_blk"}, consoleCmdline(extra, "panic=0", proto.PowerOffParam+"=1"), nil
	}
	if mmio {
		return qemu.MicroVM, []string{"virtio_mmio", "virtio_console", "virtio_net"}, Cmdline(qemu.MicroVM, accel, tscKHz, extra), nil
	}
	return qemu.PC, modules, Cmdline(qemu.PC, accel, tscKHz, extra), nil
}

// consoleCmdline is the command line on a VMM without virtio-serial: the
// app's output on the serial console, which the VMM writes to its stdout,
// so the kernel logs only emergencies there.
func consoleCmdline(extra string, vmmArgs ...string) string {
	args := append([]string{"console=ttyS0", "loglevel=1", "rdinit=/init"}, vmmArgs...)
	if extra = strings.TrimSpace(extra); extra != "" {
		args = append(args, extra)
	}
	return strings.Join(args, " ")
}

// Cmdline is the guest kernel's command line: console on the first serial
// port (a file on the host) with errors and worse only (each byte traps to
// the VMM: 6-9 ms of boot under TCG; loglevel=7 in the extra arguments
// brings the boot log back), reboot to end the VM, ukinit as init, then the
// bundle's extra arguments. Under TCG, where rewriting kernel text and
// waiting on timers are slow, the guest skips calibrating its local APIC
// timer (about 220 ms of boot, measured; it ticks from the PIT), keeps its
// SMP lock prefixes on one vCPU instead of patching them out (80 ms), and
// skips a ten-tick wait that checks the timer interrupt arrives (18 ms; a
// KVM guest skips it by itself). Its TSC runs at the host's, so given
// tscKHz it skips calibrating the TSC and its delay loop against the
// emulated PIT (which fails or takes tens of ms) and keeps time on the TSC
// (tsc-early, then tsc) rather than on 4 ms jiffies.
func Cmdline(m qemu.Machine, accel vmm.Accel, tscKHz int, extra string) string {
	args := []string{"console=ttyS0", "quiet", "reboot=t", "panic=-1", "rdinit=/init"}
	if m == qemu.MicroVM {
		args = append(args, "acpi=off")
	}
	if accel == vmm.TCG {
		args = append(args, "noapictimer", "noreplace-smp", "no_timer_check")
		if tscKHz > 0 {
			args = append(args, fmt.Sprintf("tsc_early_khz=%d", tscKHz))
		}
	}
	if extra = strings.TrimSpace(extra); extra != "" {
		args = append(args, extra)
	}
	return strings.Join(args, " ")
}
