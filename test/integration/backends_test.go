package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// fakeVMMs installs test/fakevmm under each real tool's name and returns a
// config file naming them. With real, a tool in PATH is used itself when
// UKRUN_REAL_VMMS=1 (and KVM works): for guests the real tools can boot.
func fakeVMMs(t *testing.T, real ...bool) string {
	t.Helper()
	dir := t.TempDir()
	var cfg strings.Builder
	for key, name := range map[string]string{
		"firecracker": "firecracker", "cloud_hypervisor": "cloud-hypervisor",
		"solo5_hvt": "solo5-hvt", "solo5_spt": "solo5-spt",
	} {
		p := filepath.Join(dir, name)
		if found, err := exec.LookPath(name); err == nil && len(real) > 0 && real[0] && os.Getenv("UKRUN_REAL_VMMS") == "1" {
			t.Logf("using the real %s", found)
			p = found
		} else if err := os.Symlink(filepath.Join(binDir, "fakevmm"), p); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&cfg, "%s = %q\n", key, p)
	}
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// unikernelBundle is a bundle of guest type guest on vmm, in pod p (nil:
// no network), whose "unikernel" is a plain file the fake VMM checks.
func unikernelBundle(t *testing.T, p *pod, guest, vmm, cmdline string, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	rootfs := filepath.Join(dir, "rootfs")
	os.MkdirAll(rootfs, 0o755)
	for _, f := range []string{"unikernel", "disk.img", "initrd"} {
		if err := os.WriteFile(filepath.Join(rootfs, f), []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a := map[string]string{"dev.ukrun.guest": guest, "dev.ukrun.vmm": vmm,
		"dev.ukrun.kernel": "/unikernel", "dev.ukrun.cmdline": cmdline}
	for k, v := range extra {
		a[k] = v
	}
	ns := []specs.LinuxNamespace{{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace}}
	if p != nil {
		ns[1].Path = p.Path()
	}
	writeSpec(t, dir, &specs.Spec{
		Version: specs.Version, Process: &specs.Process{Args: []string{"/unikernel"}, Cwd: "/"},
		Root: &specs.Root{Path: "rootfs"}, Annotations: a, Linux: &specs.Linux{Namespaces: ns},
	})
	return dir
}

// ownKernelPath is ukrun's own guest kernel, the default when built.
const ownKernelPath = "/var/lib/ukrun/kernel/vmlinux"

// backendCase is a guest a VMM boots, with its storage.
type backendCase struct {
	vmm, guest string
	extra      map[string]string
	disk       bool
}

var backendCases = []backendCase{
	{vmm: "firecracker", guest: "unikraft", extra: map[string]string{"dev.ukrun.initrd": "/initrd"}},
	{vmm: "hvt", guest: "rumprun", extra: map[string]string{"dev.ukrun.block": "/disk.img", "dev.ukrun.block-mount": "/data"}, disk: true},
	{vmm: "spt", guest: "mirage", extra: map[string]string{"dev.ukrun.block": "/disk.img"}, disk: true},
}

// Each backend runs to completion: its argv checked by the stand-in, the
// TAP it opens is the container's, the guest gets the pod's address, the
// exit code is the guest's, and nothing is left.
func TestBackendsRunToCompletion(t *testing.T) {
	cfg := fakeVMMs(t)
	for _, tc := range backendCases {
		t.Run(tc.vmm, func(t *testing.T) {
			e := newEnv(t)
			p := newPod(t)
			b := unikernelBundle(t, p, tc.guest, tc.vmm, "fake.exit=3", tc.extra)
			r := e.ukrun("", "--config", cfg, "run", "--bundle", b, "bk")
			if r.code != 3 {
				t.Fatalf("run: exit %d, want 3\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
			for _, want := range []string{"fakevmm ", "kernel=unikernel", "tap uk", p.PodIP, "fake.exit=3"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("output lacks %q:\n%s", want, r.stdout)
				}
			}
			if tc.disk && !strings.Contains(r.stdout, "disk disk.img") {
				t.Errorf("no disk given:\n%s", r.stdout)
			}
			if !strings.Contains(r.stdout, "mac "+podMAC(t, p)) {
				t.Errorf("guest MAC is not the pod interface's:\n%s", r.stdout)
			}
			p.AssertClean(0)
		})
	}
}

// The lifecycle of a backend launched at start: created has no VMM yet,
// start launches it, TERM goes to the VMM, KILL of the VMM is cleaned up.
// Cloud Hypervisor runs a real Linux guest, QEMU standing in.
func TestBackendsLifecycle(t *testing.T) {
	cfg := fakeVMMs(t)
	cases := append(backendCases, backendCase{vmm: "cloud-hypervisor", guest: "linux"})
	for _, tc := range cases {
		t.Run(tc.vmm, func(t *testing.T) {
			e := newEnv(t)
			p := newPod(t)
			b := unikernelBundle(t, p, tc.guest, tc.vmm, "fake.sleep=600s", tc.extra)
			if tc.guest == "linux" {
				b = netBundle(t, p, []string{"sleep=600"})
				s := readSpec(t, b)
				s.Annotations["dev.ukrun.vmm"] = tc.vmm
				writeSpec(t, b, s)
			}
			e.must("--config", cfg, "create", "--bundle", b, "lc")
			if s := e.state("lc"); s.Status != specs.StateCreated {
				t.Fatalf("after create: %s", s.Status)
			}
			monitor := e.state("lc").Pid
			e.must("start", "lc")
			e.waitStatus("lc", specs.StateRunning, 10*time.Second)
			if e.vmmPid("lc") <= 0 {
				t.Fatal("start recorded no VMM pid")
			}
			e.must("kill", "lc", "TERM")
			if code := waitExit(t, monitor, 30*time.Second); code != 143 {
				t.Errorf("exit after TERM: %d, want 143", code)
			}
			e.must("delete", "lc")
			p.AssertClean(0)

			e.must("--config", cfg, "create", "--bundle", b, "lc")
			monitor = e.state("lc").Pid
			e.must("start", "lc")
			kill9(t, e.vmmPid("lc"))
			if code := waitExit(t, monitor, 30*time.Second); code != 137 {
				t.Errorf("exit after VMM kill -9: %d, want 137", code)
			}
			p.AssertClean(0) // the monitor cleaned up before exiting
			e.must("delete", "lc")

			// Killed before start: no VMM ever runs.
			e.must("--config", cfg, "create", "--bundle", b, "lc")
			monitor = e.state("lc").Pid
			e.must("kill", "lc", "KILL")
			waitExit(t, monitor, 30*time.Second)
			e.must("delete", "lc")
			p.AssertClean(0)

			// The monitor dies before start, then after it (the VMM follows
			// it): delete --force from a fresh process removes the rest.
			for _, started := range []bool{false, true} {
				e.must("--config", cfg, "create", "--bundle", b, "lc")
				monitor = e.state("lc").Pid
				if started {
					e.must("start", "lc")
				}
				kill9(t, monitor)
				waitExit(t, monitor, 30*time.Second)
				e.must("delete", "--force", "lc")
				p.AssertClean(0)
			}
		})
	}
}

// A missing VMM binary fails create naming the binary and the config key,
// and leaves nothing.
func TestBackendMissingBinary(t *testing.T) {
	e := newEnv(t)
	cfg := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(cfg, []byte("firecracker = \"/nonexistent/firecracker\"\n"), 0o644)
	b := unikernelBundle(t, nil, "unikraft", "firecracker", "", nil)
	r := e.ukrun("", "--config", cfg, "create", "--bundle", b, "nobin")
	if r.code == 0 || !strings.Contains(r.stderr, "/nonexistent/firecracker") || !strings.Contains(r.stderr, "set firecracker in") {
		t.Fatalf("create without the binary: %+v", r)
	}
}

func podMAC(t *testing.T, p *pod) string {
	t.Helper()
	b, err := exec.Command("ip", "netns", "exec", p.Name, "cat", "/sys/class/net/eth0/address").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// A Linux guest on a VMM without virtio-serial (Cloud Hypervisor,
// Firecracker) prints on the console and reports its exit code on the
// exit disk. The fake boots the real kernel with QEMU in the VMM's place,
// from the argv or config file ukrun made for the real tool.
func TestLinuxWithoutVirtioSerial(t *testing.T) {
	cfg := fakeVMMs(t, true)
	for _, vmm := range []string{"cloud-hypervisor", "firecracker"} {
		t.Run(vmm, func(t *testing.T) {
			e := newEnv(t)
			p := newPod(t)
			peerServer(t, p, 9090)
			b := netBundle(t, p, []string{"out=guest on " + vmm, "connect=" + p.PeerIP + ":9090", "exit=5"})
			s := readSpec(t, b)
			s.Annotations["dev.ukrun.vmm"] = vmm
			writeSpec(t, b, s)
			_, ownKernel := os.Stat(ownKernelPath)
			if vmm == "firecracker" && ownKernel != nil {
				// The Debian kernel has no virtio-mmio command-line devices.
				r := e.ukrun("", "--config", cfg, "create", "--bundle", b, "nosp")
				if r.code == 0 || !strings.Contains(r.stderr, "CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES") {
					t.Fatalf("firecracker with the Debian kernel: %+v", r)
				}
				return
			}
			r := e.ukrun("", "--config", cfg, "run", "--bundle", b, "nosp")
			if r.code != 5 {
				t.Errorf("exit code %d, want 5 (from the exit disk)\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
			for _, want := range []string{"guest on " + vmm + "\n", "hello from "} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("console output lacks %q: %q", want, r.stdout)
				}
			}
			p.AssertClean(0)
		})
	}
}

// A QEMU that dies at once, while create still writes the initrd, fails
// create with the monitor's account of it, and leaves nothing.
func TestVMMDyingAtOnceIsReported(t *testing.T) {
	e := newEnv(t)
	cfg := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(cfg, []byte("qemu = \"/bin/false\"\n"), 0o644)
	b := bundle(t, []string{"exit=0"}, nil)
	// 256 MiB to copy into the initrd: the monitor is gone before that.
	if err := os.Truncate(filepath.Join(b, "rootfs", "big"), 256<<20); err != nil {
		f, _ := os.Create(filepath.Join(b, "rootfs", "big"))
		f.Truncate(256 << 20)
		f.Close()
	}
	r := e.ukrun("", "--config", cfg, "create", "--bundle", b, "dies")
	if r.code == 0 || !strings.Contains(r.stderr, "ukrun: launch VM: VMM did not come up") {
		t.Fatalf("create with a QEMU that exits at once: %+v", r)
	}
}
