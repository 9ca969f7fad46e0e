package oci

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/ukrun/ukrun/internal/guest/compat"
)

// Annotation keys of ukrun. A bundle is a VM bundle when KeyGuest is set.
const (
	ukrunPrefix = "dev.ukrun."

	KeyGuest   = "dev.ukrun.guest"
	KeyVMM     = "dev.ukrun.vmm"
	KeyKernel  = "dev.ukrun.kernel"
	KeyInitrd  = "dev.ukrun.initrd"
	KeyBlock   = "dev.ukrun.block"
	KeyRootfs  = "dev.ukrun.rootfs"
	KeyCmdline = "dev.ukrun.cmdline"
	KeyMemory  = "dev.ukrun.memory"
	KeyVCPUs   = "dev.ukrun.vcpus"
	KeyVersion = "dev.ukrun.unikernel-version" // the libOS version, for its argument style
	KeyBlockAt = "dev.ukrun.block-mount"       // where the guest mounts the block device
	KeySeccomp = "dev.ukrun.seccomp"           // the VMM's own seccomp filter: true (default) or false
	// KeyDMBlock carries urunc's useDMBlock (the devmapper snapshot as the
	// guest's block device), which ukrun refuses rather than ignores.
	KeyDMBlock = "dev.ukrun.devmapper-block"
)

// VM is what a VM bundle asks for. Paths are absolute host paths already
// resolved inside the rootfs; zero values mean "use the default".
type VM struct {
	Guest     string `json:"guest"`
	VMM       string `json:"vmm"`
	Kernel    string `json:"kernel,omitempty"`
	Initrd    string `json:"initrd,omitempty"`
	Rootfs    string `json:"rootfs"`
	Block     string `json:"block,omitempty"`
	BlockAt   string `json:"block_mount,omitempty"`
	Version   string `json:"version,omitempty"`
	Cmdline   string `json:"cmdline,omitempty"`
	MemoryMiB int    `json:"memory_mib,omitempty"`
	VCPUs     int    `json:"vcpus,omitempty"`
	Seccomp   bool   `json:"seccomp"`
}

// IsVM tells whether the annotations ask for a VM.
func IsVM(a map[string]string) bool {
	_, ok := a[KeyGuest]
	return ok
}

// ParseVM validates the ukrun annotations of a VM bundle whose rootfs is at
// rootfs. Every error names the annotation and the value at fault.
func ParseVM(a map[string]string, rootfs string) (*VM, error) {
	vm := &VM{Guest: a[KeyGuest], VMM: valueOr(a[KeyVMM], "qemu"), Version: a[KeyVersion]}
	row, err := compat.Lookup(vm.Guest)
	if err != nil {
		return nil, fmt.Errorf("annotation %s: %w", KeyGuest, err)
	}
	if !contains(compat.VMMs, vm.VMM) {
		return nil, badValue(KeyVMM, vm.VMM, strings.Join(compat.VMMs, ", "))
	}
	if vm.Kernel, err = imagePath(a, KeyKernel, rootfs); err != nil {
		return nil, err
	}
	if vm.Initrd, err = imagePath(a, KeyInitrd, rootfs); err != nil {
		return nil, err
	}
	if vm.Block, err = imagePath(a, KeyBlock, rootfs); err != nil {
		return nil, err
	}
	vm.Rootfs = valueOr(a[KeyRootfs], defaultRootfs(row.Rootfs[0], vm))
	if err := compat.Check(vm.Guest, vm.VMM, vm.Rootfs); err != nil {
		return nil, fmt.Errorf("annotations %s, %s, %s: %w", KeyGuest, KeyVMM, KeyRootfs, err)
	}
	if err := vm.checkStorage(); err != nil {
		return nil, err
	}
	if vm.BlockAt = a[KeyBlockAt]; vm.BlockAt != "" && !filepath.IsAbs(vm.BlockAt) {
		return nil, fmt.Errorf("annotation %s: %q is not an absolute path", KeyBlockAt, vm.BlockAt)
	}
	if vm.Seccomp, err = boolean(a, KeySeccomp, true); err != nil {
		return nil, err
	}
	if dm, err := boolean(a, KeyDMBlock, false); err != nil {
		return nil, err
	} else if dm {
		return nil, fmt.Errorf("annotation %s (urunc's useDMBlock): ukrun does not boot devmapper snapshots; "+
			"ship the block image in the rootfs and name it in %s (urunc's block)", KeyDMBlock, KeyBlock)
	}
	vm.Cmdline = a[KeyCmdline]
	if strings.ContainsAny(vm.Cmdline, "\x00\n") {
		return nil, fmt.Errorf("annotation %s: contains a NUL or newline", KeyCmdline)
	}
	if vm.MemoryMiB, err = positive(a, KeyMemory, 16, 1<<20); err != nil {
		return nil, err
	}
	if vm.VCPUs, err = positive(a, KeyVCPUs, 1, 255); err != nil {
		return nil, err
	}
	return vm, nil
}

// defaultRootfs is the storage a bundle uses when it names none: a
// unikernel uses the block device or initrd its image names.
func defaultRootfs(def string, vm *VM) string {
	switch {
	case vm.Guest == "linux":
		return def
	case vm.Block != "":
		return "block"
	case vm.Initrd != "":
		return "initrd"
	}
	return def
}

// checkStorage refuses image files the chosen storage mode leaves unused,
// and a mode without its file.
func (vm *VM) checkStorage() error {
	if vm.Guest == "linux" {
		if vm.Block != "" {
			return fmt.Errorf("annotation %s: linux guests take their rootfs as %s, not a block image", KeyBlock, KeyRootfs)
		}
		return nil
	}
	if vm.Kernel == "" {
		return fmt.Errorf("annotation %s: a %s guest needs its unikernel binary (or com.urunc.unikernel.binary)", KeyKernel, vm.Guest)
	}
	if (vm.Rootfs == "block") != (vm.Block != "") {
		return fmt.Errorf("annotations %s=%s and %s: rootfs mode block and a block image go together", KeyRootfs, vm.Rootfs, KeyBlock)
	}
	if (vm.Rootfs == "initrd") != (vm.Initrd != "") {
		return fmt.Errorf("annotations %s=%s and %s: rootfs mode initrd and an initrd go together", KeyRootfs, vm.Rootfs, KeyInitrd)
	}
	return nil
}

func boolean(a map[string]string, key string, def bool) (bool, error) {
	v, ok := a[key]
	if !ok {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("annotation %s: value %q: want true or false", key, v)
	}
	return b, nil
}

// imagePath resolves an annotation's path inside the rootfs. A path that
// climbs out of the rootfs with ".." is refused; symlinks are followed
// within the rootfs only.
func imagePath(a map[string]string, key, rootfs string) (string, error) {
	v, ok := a[key]
	if !ok {
		return "", nil
	}
	rel := filepath.Clean("/" + v)
	if v == "" || strings.Contains(v, "\x00") || escapes(v) {
		return "", fmt.Errorf("annotation %s: path %q escapes the rootfs", key, v)
	}
	p, err := securejoin.SecureJoin(rootfs, rel)
	if err != nil {
		return "", fmt.Errorf("annotation %s: resolve %q in rootfs: %w", key, v, err)
	}
	return p, nil
}

// escapes tells whether a relative walk of p ever rises above its start.
func escapes(p string) bool {
	depth := 0
	for _, part := range strings.Split(filepath.ToSlash(p), "/") {
		switch part {
		case "", ".":
		case "..":
			if depth--; depth < 0 {
				return true
			}
		default:
			depth++
		}
	}
	return false
}

func positive(a map[string]string, key string, lo, hi int) (int, error) {
	v, ok := a[key]
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("annotation %s: value %q: want an integer from %d to %d", key, v, lo, hi)
	}
	return n, nil
}

func badValue(key, v, want string) error {
	return fmt.Errorf("annotation %s: unsupported value %q (supported: %s)", key, v, want)
}

func valueOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// Limits returns the memory (MiB) and vCPUs the spec's resources imply, zero
// where the spec sets none.
func Limits(s *specs.Spec) (memMiB, vcpus int) {
	if s.Linux == nil || s.Linux.Resources == nil {
		return 0, 0
	}
	r := s.Linux.Resources
	if r.Memory != nil && r.Memory.Limit != nil && *r.Memory.Limit > 0 {
		memMiB = int(*r.Memory.Limit >> 20)
	}
	if c := r.CPU; c != nil && c.Quota != nil && *c.Quota > 0 && c.Period != nil && *c.Period > 0 {
		vcpus = int((uint64(*c.Quota) + *c.Period - 1) / *c.Period)
	}
	return memMiB, vcpus
}
