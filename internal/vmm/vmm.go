// Package vmm holds what every VMM backend is given: typed values, never
// strings to split, and the interface each backend implements.
package vmm

// Accel is the CPU accelerator a VMM uses.
type Accel string

// Accelerators.
const (
	KVM Accel = "kvm"
	TCG Accel = "tcg"
)

// Machine is a machine model hint; backends with one model ignore it.
type Machine string

// Machine models.
const (
	PC      Machine = "pc"      // guests whose virtio drivers need PCI (the Debian kernel)
	MicroVM Machine = "microvm" // guests with virtio-mmio command-line devices
)

// Port is a host<->guest byte stream, backed by an fd the VMM inherits.
type Port struct {
	Name string // the name the guest sees
	FD   int    // fd number in the VMM process
}

// NIC is the guest's network card on a TAP: an inherited queue fd when the
// backend takes one (Caps.TapFD), else the TAP's name.
type NIC struct {
	FD  int    // TAP fd in the VMM process; 0 when the VMM opens Tap by name
	Tap string // TAP name in the VMM's network namespace
	MAC string // the pod interface's MAC
	MTU int
}

// Share is a host directory the guest mounts (9p for QEMU).
type Share struct {
	Tag      string // mount tag the guest uses
	Path     string // host directory
	ReadOnly bool
}

// Disk is a block device backed by a host file.
type Disk struct {
	ID       string // device name where the VMM names devices (solo5: the manifest's name)
	Path     string // host file
	ReadOnly bool
}

// Spec is one VM to launch.
type Spec struct {
	Name       string // for the VMM's process title and logs
	Accel      Accel
	Machine    Machine // QEMU only: pc or microvm
	MemoryMiB  int
	VCPUs      int
	Kernel     string // host path
	Initrd     string // host path, optional
	Cmdline    string
	ConsoleLog string // file receiving the guest console; empty: the VMM's stdout
	ControlFD  int    // fd of the VMM's control socket (QMP for QEMU); 0: none
	ConfigFile string // where a backend that reads a config file (Firecracker) finds it
	Ports      []Port
	NIC        *NIC    // nil: no network
	Shares     []Share // host directories shared with the guest
	Disks      []Disk
	Paused     bool // start with vCPUs stopped until resumed (Caps.Paused)
	RNG        bool // an entropy device (virtio-rng): the guest's random numbers are ready at boot
	Seccomp    bool // keep the VMM's own seccomp filter on (Firecracker, Cloud Hypervisor)
	// Preconfig: the VMM reads the kernel and initrd and creates the machine
	// only when told on ControlFD (Caps.Preconfig): it can be started while
	// they are still being written.
	Preconfig bool
}

// Launch is a backend's invocation: the argv after the binary, and the
// files it reads (path -> content) that the caller writes before exec.
type Launch struct {
	Argv  []string
	Files map[string][]byte
}

// Caps says what a backend can do; a spec asking for more is refused.
type Caps struct {
	Paused  bool // launches with vCPUs stopped and resumes over ControlFD (QMP)
	TapFD   bool // takes an open TAP queue fd; else opens a persistent TAP by name
	Initrd  bool
	Disks   bool
	Shares  bool // 9p host directories
	Ports   bool // named virtio-serial ports (ukinit's stdio and control)
	Cmdline bool // passes a kernel command line
	RNG     bool // gives the guest an entropy device
	// Preconfig: starts before its boot files are complete and creates the
	// machine when told over ControlFD.
	Preconfig bool
}

// Backend builds one VMM's invocation.
type Backend interface {
	Name() string      // the dev.ukrun.vmm value: qemu, firecracker, cloud-hypervisor, hvt, spt
	Binary() string    // the program looked up in PATH when the config names none
	ConfigKey() string // the key of config.toml that names the binary
	Caps() Caps
	Build(Spec) (Launch, error)
}
