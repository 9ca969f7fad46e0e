// Package integration runs ukrun for real, as root: QEMU guests, runc,
// namespaces. Every test ends by checking that nothing is left behind.
package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

var binDir string

func TestMain(m *testing.M) {
	if os.Geteuid() != 0 {
		fmt.Println("integration tests need root")
		os.Exit(1)
	}
	wd, _ := os.Getwd()
	binDir = filepath.Join(wd, "..", "..", "bin")
	for _, b := range []string{"ukrun", "ukinit", "testapp"} {
		if _, err := os.Stat(filepath.Join(binDir, b)); err != nil {
			fmt.Println("run `make build` first:", err)
			os.Exit(1)
		}
	}
	// Like containerd's shim: orphaned monitors become our children.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fmt.Println("subreaper:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// env is one test's runtime root and its leak check.
type env struct {
	t    *testing.T
	root string
}

func newEnv(t *testing.T) *env {
	e := &env{t: t, root: t.TempDir()}
	t.Cleanup(e.assertNothingLeft)
	return e
}

// result of one ukrun command.
type result struct {
	stdout, stderr string
	code           int
}

// ukrun runs the CLI with stdin and returns what it printed and its code.
func (e *env) ukrun(stdin string, args ...string) result {
	e.t.Helper()
	cmd := ukrunCmd(e.root, args...)
	cmd.Stdin = strings.NewReader(stdin)
	// Files, not pipes: a monitor inherits create's stdio and would hold a
	// pipe open, so waiting for its end of file would hang.
	out, errb := tempFile(e.t), tempFile(e.t)
	cmd.Stdout, cmd.Stderr = out, errb
	// A command that hangs fails its test, whose cleanup then removes what
	// it made; go test's own timeout would end the binary before cleanups.
	if err := cmd.Start(); err != nil {
		e.t.Fatalf("run ukrun %v: %v", args, err)
	}
	hung := time.AfterFunc(commandTimeout, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	if !hung.Stop() {
		e.t.Errorf("ukrun %v: killed after %s", args, commandTimeout)
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("run ukrun %v: %v", args, err)
	}
	return result{readAll(e.t, out), readAll(e.t, errb), code}
}

// must runs ukrun and fails the test unless it exits 0.
func (e *env) must(args ...string) result {
	e.t.Helper()
	r := e.ukrun("", args...)
	if r.code != 0 {
		e.t.Fatalf("ukrun %v: exit %d\nstdout: %s\nstderr: %s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

// state returns the OCI state of id.
func (e *env) state(id string) specs.State {
	e.t.Helper()
	r := e.must("state", id)
	var s specs.State
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		e.t.Fatalf("state %s: %v: %s", id, err, r.stdout)
	}
	return s
}

// bundle writes a VM bundle whose rootfs holds testapp, running args.
func bundle(t *testing.T, args []string, annotations map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	rootfs := filepath.Join(dir, "rootfs")
	if err := os.MkdirAll(filepath.Join(rootfs, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(binDir, "testapp"), filepath.Join(rootfs, "bin", "testapp"))
	a := map[string]string{"dev.ukrun.guest": "linux"}
	for k, v := range annotations {
		a[k] = v
	}
	spec := specs.Spec{
		Version:     specs.Version,
		Process:     &specs.Process{Args: append([]string{"testapp"}, args...), Env: []string{"PATH=/bin", "GREETING=hi"}, Cwd: "/"},
		Root:        &specs.Root{Path: "rootfs"},
		Hostname:    "vm",
		Annotations: a,
		Linux: &specs.Linux{Namespaces: []specs.LinuxNamespace{
			{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace}, {Type: specs.IPCNamespace},
			{Type: specs.UTSNamespace}, {Type: specs.MountNamespace},
		}},
	}
	writeSpec(t, dir, &spec)
	return dir
}

func writeSpec(t *testing.T, dir string, spec *specs.Spec) {
	t.Helper()
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readSpec(t *testing.T, dir string) *specs.Spec {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s specs.Spec
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

// waitExit reaps pid (our child as subreaper) and returns its exit code as
// a container exit code.
func waitExit(t *testing.T, pid int, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		var ws unix.WaitStatus
		got, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil)
		if err != nil {
			t.Fatalf("wait for pid %d: %v", pid, err)
		}
		if got == pid {
			if ws.Signaled() {
				return 128 + int(ws.Signal())
			}
			return ws.ExitStatus()
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("pid %d did not exit within %s", pid, timeout)
	return -1
}

// waitStatus polls state until id has the wanted status.
func (e *env) waitStatus(id string, want specs.ContainerState, timeout time.Duration) {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := e.state(id)
		if s.Status == want {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s: status %s, want %s", id, s.Status, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// commandTimeout bounds one ukrun command in a test: far above a guest's
// boot and run here, far below go test's timeout.
const commandTimeout = 3 * time.Minute

func ukrunCmd(root string, args ...string) *exec.Cmd {
	return exec.Command(filepath.Join(binDir, "ukrun"), append([]string{"--root", root}, args...)...)
}

func tempFile(t *testing.T) *os.File {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readAll(t *testing.T, f *os.File) string {
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
