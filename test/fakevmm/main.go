// Command fakevmm stands in for Firecracker, Cloud Hypervisor and the Solo5
// tenders in lifecycle tests. Installed under the real binary's name, it
// checks the argv that name's tool documents, opens the TAP it was given
// the way the tool would, prints what it found, sleeps and exits with the
// code the guest command line asks for ("fake.sleep=<duration>",
// "fake.exit=<n>"). Given a real kernel, it boots it with QEMU instead.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// vm is what the fake found in its invocation.
type vm struct {
	kernel, initrd, cmdline, tap, mac string
	tapFD                             int
	disks                             []string
}

func main() {
	name := filepath.Base(os.Args[0])
	v, err := parse(name, os.Args[1:])
	if err != nil {
		fail("%s: bad invocation %q: %v", name, os.Args[1:], err)
	}
	if _, err := os.Stat(v.kernel); err != nil {
		fail("%s: kernel: %v", name, err)
	}
	for _, d := range v.disks {
		if _, err := os.Stat(d); err != nil {
			fail("%s: disk: %v", name, err)
		}
	}
	if isELF(v.kernel) {
		fail("%s: stand-in: %v", name, standIn(name, v))
	}
	fmt.Printf("fakevmm %s kernel=%s\n", name, filepath.Base(v.kernel))
	fmt.Printf("cmdline: %s\n", v.cmdline)
	if v.tap != "" || v.tapFD > 0 {
		tap, err := openTap(v)
		if err != nil {
			fail("%s: tap: %v", name, err)
		}
		fmt.Printf("tap %s mac %s\n", tap, v.mac)
	}
	for _, d := range v.disks {
		fmt.Printf("disk %s\n", filepath.Base(d))
	}
	sleep, code := wants(v.cmdline)
	time.Sleep(sleep)
	os.Exit(code)
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(70)
}

// wants reads fake.sleep and fake.exit from the guest command line.
func wants(cmdline string) (time.Duration, int) {
	var sleep time.Duration
	code := 0
	for _, f := range strings.Fields(strings.NewReplacer(`"`, " ", ",", " ").Replace(cmdline)) {
		if v, ok := strings.CutPrefix(f, "fake.sleep="); ok {
			sleep, _ = time.ParseDuration(v)
		}
		if v, ok := strings.CutPrefix(f, "fake.exit="); ok {
			code, _ = strconv.Atoi(v)
		}
	}
	return sleep, code
}

func parse(name string, args []string) (*vm, error) {
	switch name {
	case "firecracker":
		return parseFirecracker(args)
	case "cloud-hypervisor":
		return parseCloudHypervisor(args)
	case "solo5-hvt", "solo5-spt":
		return parseSolo5(args)
	}
	return nil, fmt.Errorf("unknown VMM name %q", name)
}

// parseFirecracker wants --no-api and --config-file with boot-source and
// network-interfaces as Firecracker documents them.
func parseFirecracker(args []string) (*vm, error) {
	var path string
	noAPI := false
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--no-api":
			noAPI = true
		case "--config-file":
			if i++; i < len(args) {
				path = args[i]
			}
		case "--id", "--level", "--log-path":
			i++
		case "--no-seccomp":
		default:
			return nil, fmt.Errorf("unknown option %q", args[i])
		}
	}
	if !noAPI || path == "" {
		return nil, fmt.Errorf("want --no-api and --config-file")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cfg struct {
		Boot struct {
			Kernel string `json:"kernel_image_path"`
			Args   string `json:"boot_args"`
			Initrd string `json:"initrd_path"`
		} `json:"boot-source"`
		Drives []struct {
			ID   string `json:"drive_id"`
			Path string `json:"path_on_host"`
			Root bool   `json:"is_root_device"`
			RO   bool   `json:"is_read_only"`
		} `json:"drives"`
		Machine struct {
			VCPUs int  `json:"vcpu_count"`
			Mem   int  `json:"mem_size_mib"`
			SMT   bool `json:"smt"`
		} `json:"machine-config"`
		Nets []struct {
			ID  string `json:"iface_id"`
			Tap string `json:"host_dev_name"`
			MAC string `json:"guest_mac"`
		} `json:"network-interfaces"`
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	if cfg.Machine.VCPUs < 1 || cfg.Machine.Mem < 1 {
		return nil, fmt.Errorf("machine-config %+v", cfg.Machine)
	}
	v := &vm{kernel: cfg.Boot.Kernel, cmdline: cfg.Boot.Args, initrd: cfg.Boot.Initrd}
	for _, d := range cfg.Drives {
		v.disks = append(v.disks, d.Path)
	}
	if len(cfg.Nets) > 0 {
		v.tap, v.mac = cfg.Nets[0].Tap, cfg.Nets[0].MAC
	}
	return v, nil
}

// parseCloudHypervisor reads --kernel, --cmdline, --disk path=, --net
// fd=|tap=,mac=.
func parseCloudHypervisor(args []string) (*vm, error) {
	v := &vm{}
	for i := 0; i+1 < len(args); i += 2 {
		opt, val := args[i], args[i+1]
		switch opt {
		case "--kernel":
			v.kernel = val
		case "--cmdline":
			v.cmdline = val
		case "--disk":
			v.disks = append(v.disks, kv(val)["path"])
		case "--net":
			m := kv(val)
			v.tap, v.mac = m["tap"], m["mac"]
			if fd := strings.Trim(m["fd"], "[]"); fd != "" {
				v.tapFD, _ = strconv.Atoi(fd)
			}
		case "--initramfs":
			v.initrd = val
		case "--cpus", "--memory", "--serial", "--console", "--seccomp":
		default:
			return nil, fmt.Errorf("unknown option %q", opt)
		}
	}
	if len(args)%2 != 0 {
		return nil, fmt.Errorf("option without value")
	}
	return v, nil
}

// parseSolo5 reads --mem=, --net:NAME=, --net-mac:NAME=, --block:NAME=,
// then "--", the unikernel and its arguments.
func parseSolo5(args []string) (*vm, error) {
	v := &vm{}
	for i, a := range args {
		if a == "--" {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("no unikernel after --")
			}
			v.kernel, v.cmdline = args[i+1], strings.Join(args[i+2:], " ")
			return v, nil
		}
		k, val, ok := strings.Cut(a, "=")
		switch {
		case !ok:
			return nil, fmt.Errorf("option %q without value", a)
		case k == "--mem":
		case strings.HasPrefix(k, "--net:"):
			v.tap = val
			if fd, ok := strings.CutPrefix(val, "@"); ok {
				v.tap = ""
				v.tapFD, _ = strconv.Atoi(fd)
			}
		case strings.HasPrefix(k, "--net-mac:"):
			v.mac = val
		case strings.HasPrefix(k, "--block:"):
			v.disks = append(v.disks, val)
		default:
			return nil, fmt.Errorf("unknown option %q", a)
		}
	}
	return nil, fmt.Errorf("no -- before the unikernel")
}

func kv(s string) map[string]string {
	m := map[string]string{}
	for _, p := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(p, "=")
		m[k] = v
	}
	return m
}

// openTap attaches to the TAP as the real tools do: an inherited fd, or
// TUNSETIFF by name (which fails while anyone else holds the TAP open).
// It returns the TAP's name.
func openTap(v *vm) (string, error) {
	fd := v.tapFD
	if fd == 0 {
		// TUNSETIFF would make a TAP that is missing: check it is ukrun's.
		link, err := netlink.LinkByName(v.tap)
		if err != nil {
			return "", fmt.Errorf("TAP %s: %w", v.tap, err)
		}
		if a := link.Attrs().Alias; !strings.HasPrefix(a, "ukrun:") {
			return "", fmt.Errorf("TAP %s is not ukrun's (alias %q)", v.tap, a)
		}
		if fd, err = unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0); err != nil {
			return "", err
		}
		ifr, err := unix.NewIfreq(v.tap)
		if err != nil {
			return "", err
		}
		ifr.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI | unix.IFF_VNET_HDR)
		if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
			return "", fmt.Errorf("TUNSETIFF %s: %w", v.tap, err)
		}
	}
	var ifr [unix.IFNAMSIZ + 64]byte
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.TUNGETIFF, uintptr(unsafe.Pointer(&ifr[0]))); errno != 0 {
		return "", fmt.Errorf("TUNGETIFF on fd %d: %w", fd, errno)
	}
	return unix.ByteSliceToString(ifr[:unix.IFNAMSIZ]), nil
}
