// Package vmm holds what every VMM backend is given: typed values, never
// strings to split.
package vmm

// Accel is the CPU accelerator a VMM uses.
type Accel string

// Accelerators.
const (
	KVM Accel = "kvm"
	TCG Accel = "tcg"
)

// Port is a host<->guest byte stream, backed by an fd the VMM inherits.
type Port struct {
	Name string // the name the guest sees
	FD   int    // fd number in the VMM process
}

// NIC is the guest's network card, backed by a TAP queue fd.
type NIC struct {
	FD  int    // TAP fd in the VMM process
	MAC string // the pod interface's MAC
	MTU int
}

// Share is a host directory the guest mounts (9p for QEMU).
type Share struct {
	Tag      string // mount tag the guest uses
	Path     string // host directory
	ReadOnly bool
}

// Spec is one VM to launch.
type Spec struct {
	Name       string // for the VMM's process title and logs
	Accel      Accel
	MemoryMiB  int
	VCPUs      int
	Kernel     string // host path
	Initrd     string // host path, optional
	Cmdline    string
	ConsoleLog string // file receiving the guest console
	ControlFD  int    // fd of the VMM's control socket (QMP for QEMU)
	Ports      []Port
	NIC        *NIC    // nil: no network
	Shares     []Share // host directories shared with the guest
	Paused     bool    // start with vCPUs stopped until resumed
}
