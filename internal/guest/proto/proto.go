// Package proto is the contract between the host (monitor) and ukinit in a
// Linux guest: the app description packed into the initrd and the messages
// on the control port.
package proto

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Paths inside the initrd.
const (
	AppConfigPath = "/ukrun/app.json" // the App, as JSON
	RootfsDir     = "/rootfs"         // the bundle's rootfs, the app's root
	BindsDir      = "/ukrun/binds"    // copies of the bundle's bind mounts
)

// virtio-serial port names, found by the guest in /sys/class/virtio-ports.
const (
	PortCtl    = "ukrun.ctl"
	PortStdin  = "ukrun.stdin"
	PortStdout = "ukrun.stdout"
	PortStderr = "ukrun.stderr"
)

// Ports are the ports in the order the host adds them, which QEMU numbers
// from 1: the guest's i-th is vport0p<i+1>.
var Ports = []string{PortCtl, PortStdin, PortStdout, PortStderr}

// App is what ukinit runs: the OCI process of the bundle.
type App struct {
	Args     []string `json:"args"`
	Env      []string `json:"env,omitempty"`
	Cwd      string   `json:"cwd,omitempty"`
	UID      uint32   `json:"uid"`
	GID      uint32   `json:"gid"`
	Groups   []uint32 `json:"groups,omitempty"`
	Hostname string   `json:"hostname,omitempty"`
	Terminal bool     `json:"terminal,omitempty"`
	Modules  []string `json:"modules,omitempty"`  // .ko paths in the initrd, in load order
	Net      *Net     `json:"net,omitempty"`      // the NIC's addressing; nil: no NIC
	RootTag  string   `json:"root_tag,omitempty"` // 9p tag of the rootfs; empty: the initrd's copy
	RootRO   bool     `json:"root_ro,omitempty"`  // the app's root is read-only (OCI root.readonly)
	// Binds are the bundle's bind mounts: copies in the initrd that ukinit
	// mounts in the app's root.
	Binds []Bind `json:"binds,omitempty"`
	// ExitDisk, for VMMs without virtio-serial: the app's stdio is the
	// console, and its exit message goes to the start of this block device.
	ExitDisk string `json:"exit_disk,omitempty"`
}

// KernelDirs are the directories of the app's root that the guest kernel
// fills (ukinit mounts proc, sysfs and devtmpfs on them): no bind mount is
// carried under them.
var KernelDirs = []string{"/proc", "/sys", "/dev"}

// Under returns the first of dirs that the clean absolute path p is or
// lies under, or "".
func Under(p string, dirs ...string) string {
	for _, d := range dirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return d
		}
	}
	return ""
}

// Bind is one bind mount ukinit makes inside the app's root.
type Bind struct {
	From string `json:"from"` // the copy in the initrd
	To   string `json:"to"`   // absolute path inside the app's root
	RO   bool   `json:"ro,omitempty"`
}

// PowerOffParam, set to 1 on the kernel command line, tells ukinit to end
// the VM by power-off rather than restart; the kernel hands it to init in
// the environment, so ukinit sees it even before it can read anything.
const PowerOffParam = "ukrun_poweroff"

// ExitDiskSize is the size of the exit disk's file on the host.
const ExitDiskSize = 4096

// Net is the pod interface's addressing, taken over by the guest's NIC.
type Net struct {
	MAC     string `json:"mac"`
	IP      string `json:"ip"`
	Prefix  int    `json:"prefix"`
	Gateway string `json:"gateway,omitempty"`
	MTU     int    `json:"mtu,omitempty"`
}

// Message kinds on the control port, one per line: "<kind> <arg>".
const (
	MsgSignal = "signal" // host -> guest: deliver signal <n> to the app
	MsgExit   = "exit"   // guest -> host: the app exited with code <n>
	MsgError  = "error"  // guest -> host: ukinit failed; <text>
	// MsgTime asks the host's wall clock (guest -> host, no argument) and
	// answers it (host -> guest: <ns since the Unix epoch>).
	MsgTime = "time"
)

// Format renders one control message line.
func Format(kind, arg string) string { return kind + " " + arg + "\n" }

// Parse splits a control line into kind and argument.
func Parse(line string) (kind, arg string) {
	kind, arg, _ = strings.Cut(strings.TrimRight(line, "\r\n"), " ")
	return kind, arg
}

// TimeAnswer is the host's answer to a MsgTime request: its wall clock at t.
func TimeAnswer(t time.Time) string {
	return Format(MsgTime, strconv.FormatInt(t.UnixNano(), 10))
}

// Time parses the argument of a MsgTime answer.
func Time(arg string) (time.Time, error) {
	ns, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || ns <= 0 {
		return time.Time{}, fmt.Errorf("bad %s message argument %q", MsgTime, arg)
	}
	return time.Unix(0, ns), nil
}

// Int parses the numeric argument of a signal or exit message.
func Int(kind, arg string) (int, error) {
	n, err := strconv.Atoi(arg)
	if err != nil || n < 0 || n > 255 {
		return 0, fmt.Errorf("bad %s message argument %q", kind, arg)
	}
	return n, nil
}
