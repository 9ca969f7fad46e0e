// Package e2e drives ukrun through a real containerd (Debian's 1.6) with
// ctr, as users do. TestMain starts a containerd of its own (own root,
// state and socket) and stops only what it started.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

const namespace = "ukrun-e2e"

var (
	binDir  string
	workDir string
	socket  string
)

func TestMain(m *testing.M) {
	if os.Geteuid() != 0 {
		fmt.Println("e2e tests need root")
		os.Exit(1)
	}
	wd, _ := os.Getwd()
	binDir = filepath.Join(wd, "..", "..", "bin")
	code, err := run(m)
	if err != nil {
		fmt.Println("e2e:", err)
		code = 1
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	var err error
	if workDir, err = os.MkdirTemp("", "ukrun-e2e"); err != nil {
		return 1, err
	}
	defer os.RemoveAll(workDir)
	// CRI puts containers under the k8s.io cgroup; remove it afterwards if
	// the tests made it.
	before, _ := filepath.Glob("/sys/fs/cgroup/*/k8s.io")
	defer func() {
		after, _ := filepath.Glob("/sys/fs/cgroup/*/k8s.io")
		for _, d := range after {
			if !slices.Contains(before, d) {
				os.Remove(d)
			}
		}
	}()
	if err := startContainerd(); err != nil {
		return 1, err
	}
	defer func() {
		stopContainerd()
		exec.Command("umount", "-R", filepath.Join(workDir, "root")).Run()
		exec.Command("umount", "-R", filepath.Join(workDir, "state")).Run()
		os.Remove(runtimeRoot())
		os.Remove(filepath.Join("/run/containerd/runc", criNS)) // only if empty: ours
	}()
	return m.Run(), nil
}

// stopContainerd stops the test containerd (shims and VMs go on).
var stopContainerd = func() {}

// startContainerd runs containerd with a config of its own and waits for
// its socket; stopContainerd then stops it.
func startContainerd() error {
	socket = filepath.Join(workDir, "containerd.sock")
	cfg := filepath.Join(workDir, "config.toml")
	conf := fmt.Sprintf(`version = 2
root = %q
state = %q
[grpc]
  address = %q
[plugins."io.containerd.grpc.v1.cri"]
  restrict_oom_score_adj = true
  sandbox_image = %q
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.ukrun]
    runtime_type = "io.containerd.ukrun.v2"
    container_annotations = ["dev.ukrun.*", "com.urunc.unikernel.*"]
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = %q
`, filepath.Join(workDir, "root"), filepath.Join(workDir, "state"), socket, pauseImage, filepath.Join(workDir, "cni"))
	if err := writeCNIConfig(filepath.Join(workDir, "cni")); err != nil {
		return err
	}
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		return err
	}
	logf, err := os.OpenFile(filepath.Join(workDir, "containerd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command("containerd", "--config", cfg)
	cmd.Env = append(os.Environ(), "PATH="+binDir+":"+os.Getenv("PATH"))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start containerd: %w", err)
	}
	stopContainerd = func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		logf.Close()
	}
	for i := 0; i < 100; i++ {
		if _, err := ctr("version"); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	stopContainerd()
	b, _ := os.ReadFile(logf.Name())
	return fmt.Errorf("containerd did not come up: %s", b)
}

// ctr runs ctr against the test containerd and returns its output.
func ctr(args ...string) (string, error) {
	out, err := ctrCmd(args...).CombinedOutput()
	return string(out), err
}

func ctrCmd(args ...string) *exec.Cmd {
	cmd := exec.Command("ctr", append([]string{"--address", socket, "-n", namespace}, args...)...)
	cmd.Env = append(os.Environ(), "PATH="+binDir+":"+os.Getenv("PATH"))
	return cmd
}

// exitCode returns a finished command's exit code.
func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// runtimeRoot is where containerd's shim keeps ukrun's state.
func runtimeRoot() string { return filepath.Join("/run/containerd/runc", namespace) }

// processes lists live processes whose argv (joined by spaces) matches re.
func processes(re string) []string {
	pat := regexp.MustCompile(re)
	var out []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || len(cmd) == 0 {
			continue // gone, or a zombie
		}
		line := strings.TrimRight(strings.ReplaceAll(string(cmd), "\x00", " "), " ")
		if pat.MatchString(line) {
			out = append(out, filepath.Base(d)+": "+line)
		}
	}
	return out
}

// assertNothingLeft fails if a container's state dir or processes remain.
func assertNothingLeft(t *testing.T, ids ...string) {
	t.Helper()
	for _, id := range ids {
		var left []string
		for i := 0; i < 50; i++ {
			left = nil
			if _, err := os.Stat(filepath.Join(runtimeRoot(), id)); err == nil {
				left = append(left, "state dir "+id)
			}
			if procs := processes(`ukrun-` + regexp.QuoteMeta(id) + ` |ukrun-monitor .*/` + regexp.QuoteMeta(id) + `$`); len(procs) > 0 {
				left = append(left, procs...)
			}
			if len(left) == 0 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if len(left) > 0 {
			t.Errorf("%s left: %v", id, left)
		}
	}
}

// packTestapp writes an image archive of testapp with ukrun-pack; extra
// are more of its arguments.
func packTestapp(t *testing.T, name, archive string, extra ...string) {
	t.Helper()
	args := append([]string{"--name", name, "--app", filepath.Join(binDir, "testapp"), "-o", archive}, extra...)
	if out, err := exec.Command(filepath.Join(binDir, "ukrun-pack"), args...).CombinedOutput(); err != nil {
		t.Fatalf("ukrun-pack: %v: %s", err, out)
	}
}
