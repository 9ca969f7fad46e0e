package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The app's stdout and stderr arrive apart, free of kernel messages; stdin
// reaches it; its exit code is the container's.
func TestRunStdioAndExitCode(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"out=hello", "err=oops", "cat", "env=GREETING", "exit=3"}, nil)
	r := e.ukrun("from stdin\n", "run", "--bundle", b, "stdio")
	if r.code != 3 {
		t.Fatalf("exit code %d, want 3 (stderr %q)", r.code, r.stderr)
	}
	if want := "hello\nfrom stdin\nGREETING=hi\n"; r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	if r.stderr != "oops\n" {
		t.Errorf("stderr %q, want %q", r.stderr, "oops\n")
	}
}

func TestRunExitZero(t *testing.T) {
	e := newEnv(t)
	// lo is up (IFF_UP|IFF_LOOPBACK), as in a container.
	r := e.ukrun("", "run", "--bundle", bundle(t, []string{"whoami", "file=/sys/class/net/lo/flags", "exit=0"}, nil), "zero")
	if r.code != 0 || r.stdout != "uid=0 gid=0 cwd=/\n0x9\n" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

// run passes the signals it gets on to the app, waits for the container to
// end and exits with the app's code.
func TestRunForwardsSignals(t *testing.T) {
	e := newEnv(t)
	cmd, out, done := startRun(t, e, []string{"trap", "sleep=600"}, "fwd")
	waitFileContains(t, out.Name(), "trapping\n", 60*time.Second)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := awaitRun(t, done); err != nil {
		t.Fatalf("run after TERM: %v, want exit 0", err)
	}
	waitFileContains(t, out.Name(), "got TERM\n", time.Second)
}

// A TERM that reaches run while it still creates the container does not
// cut create short: run finishes create and start, passes the TERM on,
// and cleans up, leaving nothing (the app has no trap: 128+15).
func TestRunSignalDuringCreate(t *testing.T) {
	e := newEnv(t)
	cmd, _, done := startRun(t, e, []string{"sleep=600"}, "early")
	// The state dir appears once create is under way, after run set up
	// its signal handling.
	dir := filepath.Join(e.root, "early")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, err := os.Stat(dir); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("run made no state dir within 30s")
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := awaitRun(t, done)
	if code := cmd.ProcessState.ExitCode(); code != 128+15 {
		t.Fatalf("run after an early TERM: %v (exit %d), want exit %d", err, code, 128+15)
	}
}

// startRun starts `ukrun run` of a bundle whose app runs args. If the test
// ends with it still running, its cleanup (which runs before newEnv's leak
// check) kills it, and a failed test logs its stderr.
func startRun(t *testing.T, e *env, args []string, id string) (*exec.Cmd, *os.File, chan error) {
	t.Helper()
	out, errb := tempFile(t), tempFile(t)
	cmd := ukrunCmd(e.root, "run", "--bundle", bundle(t, args, nil), id)
	cmd.Stdout, cmd.Stderr = out, errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("run's stderr: %s", readAll(t, errb))
		}
	})
	return cmd, out, done
}

// awaitRun returns how run ended, failing the test after a minute.
func awaitRun(t *testing.T, done chan error) error {
	t.Helper()
	select {
	case err := <-done:
		done <- err // for startRun's cleanup
		return err
	case <-time.After(60 * time.Second):
		t.Fatal("run did not end within 60s")
		return nil
	}
}

// created -> running -> stopped: kill is refused once stopped, delete until stopped,
// and a KILL that stops the VM at once with exit code 137.
func TestLifecycleKill(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"sleep=600"}, nil)
	pidFile := filepath.Join(t.TempDir(), "init.pid")
	e.must("create", "--bundle", b, "--pid-file", pidFile, "life")

	s := e.state("life")
	if s.Status != specs.StateCreated || s.Pid <= 0 {
		t.Fatalf("after create: %+v", s)
	}
	pidText, err := os.ReadFile(pidFile)
	if err != nil || strings.TrimSpace(string(pidText)) != strconv.Itoa(s.Pid) {
		t.Fatalf("pid file %q (%v), state pid %d", pidText, err, s.Pid)
	}
	// A second create of the id fails before it starts anything, and
	// leaves the first as it was.
	if r := e.ukrun("", "create", "--bundle", b, "--pid-file", pidFile, "life"); r.code == 0 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("create of an existing id: %+v", r)
	}
	if s2 := e.state("life"); s2.Status != specs.StateCreated || s2.Pid != s.Pid {
		t.Fatalf("after a refused create: %+v, want %+v", s2, s)
	}
	if pt, _ := os.ReadFile(pidFile); string(pt) != string(pidText) {
		t.Fatalf("a refused create rewrote the pid file: %q, was %q", pt, pidText)
	}
	// OCI: a created container takes signals; with no app yet it ends.
	e.must("kill", "life", "TERM")
	if code := waitExit(t, s.Pid, 30*time.Second); code != 128+15 {
		t.Fatalf("exit code after TERM of a created container: %d, want 143", code)
	}
	e.must("delete", "life")
	// OCI: delete of a container that is not stopped fails, without effect.
	e.must("create", "--bundle", b, "--pid-file", pidFile, "life")
	if r := e.ukrun("", "delete", "life"); r.code == 0 || !strings.Contains(r.stderr, "not stopped") {
		t.Fatalf("delete of created container: %+v", r)
	}
	if got := e.state("life").Status; got != specs.StateCreated {
		t.Fatalf("after a refused delete: %s", got)
	}
	s = e.state("life")
	e.must("start", "life")
	if got := e.state("life").Status; got != specs.StateRunning {
		t.Fatalf("after start: %s", got)
	}
	if r := e.ukrun("", "start", "life"); r.code == 0 {
		t.Fatalf("second start succeeded")
	}
	if r := e.ukrun("", "delete", "life"); r.code == 0 || !strings.Contains(r.stderr, "not stopped") {
		t.Fatalf("delete of running container without force: %+v", r)
	}
	e.must("kill", "life", "9")
	if code := waitExit(t, s.Pid, 30*time.Second); code != 137 {
		t.Fatalf("exit code %d, want 137", code)
	}
	e.waitStatus("life", specs.StateStopped, 5*time.Second)
	if r := e.ukrun("", "kill", "life", "KILL"); r.code == 0 || !strings.Contains(r.stderr, "container not running") {
		t.Fatalf("kill of stopped container: %+v", r)
	}
	e.must("delete", "life")
	if r := e.ukrun("", "state", "life"); r.code == 0 || !strings.Contains(r.stderr, "does not exist") {
		t.Fatalf("state after delete: %+v", r)
	}
}

// A signal sent to the pid file's process the moment create returns is
// the monitor's to handle: it ends the container as any signal before
// start does, rather than killing the monitor before its handlers are set.
// The last real-time signal is the last one the monitor's runtime enables.
func TestSignalRightAfterCreate(t *testing.T) {
	const sigRTMax = unix.Signal(64)
	e := newEnv(t)
	b := bundle(t, []string{"sleep=600"}, nil)
	log := filepath.Join(t.TempDir(), "ukrun.log")
	for i := range 3 {
		id := fmt.Sprintf("early%d", i)
		pidFile := filepath.Join(t.TempDir(), "pid")
		e.must("--log", log, "--log-format", "json", "create", "--bundle", b, "--pid-file", pidFile, id)
		pid, err := os.ReadFile(pidFile)
		if err != nil {
			t.Fatal(err)
		}
		monitor, _ := strconv.Atoi(string(pid))
		if err := unix.Kill(monitor, sigRTMax); err != nil {
			t.Fatal(err)
		}
		if code := waitExit(t, monitor, 30*time.Second); code != 128+int(sigRTMax) {
			t.Fatalf("exit code after signal %d: %d, want %d", sigRTMax, code, 128+int(sigRTMax))
		}
		e.must("delete", id)
	}
	text, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(text), "signal before start ends the container"); n != 3 {
		t.Fatalf("the monitor handled %d of 3 signals sent right after create; log:\n%s", n, text)
	}
}

// A signal sent with kill reaches the app in the guest: TERM lets it shut
// down cleanly in its own time; a signal that ends it reports 128+n.
func TestKillSignalReachesApp(t *testing.T) {
	for _, tc := range []struct {
		name, signal string
		args         []string
		ready, after string
		code         int
	}{
		{"TERM trapped", "15", []string{"trap", "sleep=600"}, "trapping\n", "got TERM\n", 0},
		{"HUP kills", "SIGHUP", []string{"out=ready", "sleep=600"}, "ready\n", "", 128 + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			out := filepath.Join(t.TempDir(), "out")
			e.createWithOutput(bundle(t, tc.args, nil), "sig", out)
			pid := e.state("sig").Pid
			e.must("start", "sig")
			waitFileContains(t, out, tc.ready, 60*time.Second)
			e.must("kill", "sig", tc.signal)
			if code := waitExit(t, pid, 30*time.Second); code != tc.code {
				t.Fatalf("exit code %d, want %d", code, tc.code)
			}
			waitFileContains(t, out, tc.after, time.Second)
			e.must("delete", "sig")
		})
	}
}

func TestDeleteForce(t *testing.T) {
	e := newEnv(t)
	e.must("delete", "--force", "never-existed")
	e.must("delete", "--force", "never-existed")
	if r := e.ukrun("", "delete", "never-existed"); r.code == 0 || !strings.Contains(r.stderr, "does not exist") {
		t.Fatalf("delete of unknown id: %+v", r)
	}

	b := bundle(t, []string{"sleep=600"}, nil)
	e.must("create", "--bundle", b, "forced")
	pid := e.state("forced").Pid
	e.must("start", "forced")
	e.must("delete", "--force", "forced")
	e.must("delete", "--force", "forced")
	waitExit(t, pid, 10*time.Second)
}

// createWithOutput runs create with the container's stdout and stderr
// going to a file.
func (e *env) createWithOutput(bundle, id, out string) {
	e.t.Helper()
	f, err := os.Create(out)
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	cmd := ukrunCmd(e.root, "create", "--bundle", bundle, id)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Run(); err != nil {
		e.t.Fatalf("create %s: %v (output in %s)", id, err, out)
	}
}

func waitFileContains(t *testing.T, path, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		b, _ := os.ReadFile(path)
		if strings.Contains(string(b), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s holds %q, want it to contain %q", path, b, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The monitor (and so the VMM) lives in the spec's cgroupsPath; delete
// removes the cgroup directories ukrun made.
func TestCgroupJoinedAndRemoved(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"sleep=600"}, nil)
	s := readSpec(t, b)
	cg := "/ukrun-it/" + filepath.Base(e.root)
	s.Linux.CgroupsPath = cg
	writeSpec(t, b, s)
	e.must("create", "--bundle", b, "cg")
	pid := e.state("cg").Pid
	own, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil || !strings.Contains(string(own), cg) {
		t.Fatalf("monitor cgroups %q (%v), want %s", own, err, cg)
	}
	e.must("kill", "cg", "KILL")
	waitExit(t, pid, 10*time.Second) // the shim reaps the monitor, then deletes
	e.must("delete", "cg")
	dirs, _ := filepath.Glob("/sys/fs/cgroup/*/ukrun-it")
	dirs2, _ := filepath.Glob("/sys/fs/cgroup/ukrun-it")
	if left := append(dirs, dirs2...); len(left) > 0 {
		t.Fatalf("cgroup dirs left: %v", left)
	}
}

// Hooks run at their OCI points, in order, with the state on stdin.
func TestHooks(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"exit=0"}, nil)
	log := filepath.Join(t.TempDir(), "hooks.log")
	hook := func(name string) specs.Hook {
		return specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c",
			`read -r s; st=$(echo "$s" | grep -o '"status":"[a-z]*"'); echo "` + name + ` $st" >> ` + log}}
	}
	s := readSpec(t, b)
	s.Hooks = &specs.Hooks{
		CreateRuntime: []specs.Hook{hook("createRuntime")},
		Poststart:     []specs.Hook{hook("poststart")},
		Poststop:      []specs.Hook{hook("poststop")},
	}
	writeSpec(t, b, s)
	if r := e.ukrun("", "run", "--bundle", b, "hooks"); r.code != 0 {
		t.Fatalf("run: %+v", r)
	}
	got, _ := os.ReadFile(log)
	want := "createRuntime \"status\":\"creating\"\npoststart \"status\":\"running\"\npoststop \"status\":\"stopped\"\n"
	if string(got) != want {
		t.Fatalf("hooks ran as\n%s\nwant\n%s", got, want)
	}

	// A failing create hook fails create and leaves nothing.
	s.Hooks = &specs.Hooks{CreateRuntime: []specs.Hook{{Path: "/bin/false"}}}
	writeSpec(t, b, s)
	if r := e.ukrun("", "create", "--bundle", b, "hookfail"); r.code == 0 || !strings.Contains(r.stderr, "createRuntime hook") {
		t.Fatalf("create with failing hook: %+v", r)
	}
}

// With dev.ukrun.rootfs=9p the guest works on the bundle's rootfs itself:
// what the app writes is there on the host afterwards, as with runc.
func TestRootfs9p(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"write=/output", "out=done", "exit=0"}, map[string]string{"dev.ukrun.rootfs": "9p"})
	if r := e.ukrun("", "run", "--bundle", b, "ninep"); r.code != 0 || r.stdout != "done\n" {
		t.Fatalf("run: %+v", r)
	}
	got, err := os.ReadFile(filepath.Join(b, "rootfs", "output"))
	if err != nil || string(got) != "written\n" {
		t.Fatalf("file the guest wrote: %q, %v", got, err)
	}
}

// Both Linux guest kernels run the same app alike: the host's Debian kernel
// (pc machine, virtio modules in the initrd) and ukrun's own (microvm, no
// modules), when it is built.
func TestBothKernels(t *testing.T) {
	onEachKernel(t, func(t *testing.T, name string, e *env, cfg string) {
		p := newPod(t)
		b := netBundle(t, p, []string{"out=up", "cat", "connect=" + p.PeerIP + ":9191", "exit=7"})
		peerServer(t, p, 9191)
		r := e.ukrun("in\n", "--config", cfg, "run", "--bundle", b, "k")
		if r.code != 7 || !strings.HasPrefix(r.stdout, "up\nin\nhello from ") || r.stderr != "" {
			t.Fatalf("run with the %s kernel: %+v", name, r)
		}
		p.AssertClean(0)
	})
}

// Bind mounts (CRI's /etc/hosts, resolv.conf, volumes) reach the guest as
// copies taken at create, read-only where the mount is.
func TestBindMountsCopiedIn(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"file=/etc/hosts", "file=/vol/data", "file=/vol/sub/key", "exit=0"}, nil)
	host := t.TempDir()
	os.WriteFile(filepath.Join(host, "hosts"), []byte("10.1.2.3 pod\n"), 0o644)
	os.MkdirAll(filepath.Join(host, "vol"), 0o755)
	os.WriteFile(filepath.Join(host, "vol", "data"), []byte("volume\n"), 0o644)
	os.WriteFile(filepath.Join(host, "key"), []byte("secret\n"), 0o644)
	s := readSpec(t, b)
	s.Mounts = append(s.Mounts,
		specs.Mount{Destination: "/etc/hosts", Type: "bind", Source: filepath.Join(host, "hosts"), Options: []string{"rbind", "ro"}},
		specs.Mount{Destination: "/vol", Type: "bind", Source: filepath.Join(host, "vol"), Options: []string{"rbind"}},
		// Inside the one before: its mount point is made in the volume's copy.
		specs.Mount{Destination: "/vol/sub/key", Type: "bind", Source: filepath.Join(host, "key"), Options: []string{"rbind"}})
	writeSpec(t, b, s)
	if r := e.ukrun("", "run", "--bundle", b, "binds"); r.code != 0 || r.stdout != "10.1.2.3 pod\nvolume\nsecret\n" {
		t.Fatalf("run: %+v", r)
	}
	s.Process.Args = []string{"testapp", "write=/vol/new", "out=rw", "write=/etc/hosts", "exit=0"}
	writeSpec(t, b, s)
	r := e.ukrun("", "run", "--bundle", b, "bindsro")
	if r.code != 1 || r.stdout != "rw\n" || !strings.Contains(r.stderr, "read-only file system") {
		t.Fatalf("writes to a rw and a ro bind: %+v", r)
	}
}

// root.readonly holds in the guest with the initrd's copy of the rootfs as
// with 9p: the app cannot write its root, but can write a rw bind in it.
func TestReadonlyRootfs(t *testing.T) {
	e := newEnv(t)
	host := t.TempDir()
	for _, rootfs := range []string{"initrd", "9p"} {
		b := bundle(t, []string{"write=/vol/new", "out=rw", "write=/new", "exit=0"}, map[string]string{"dev.ukrun.rootfs": rootfs})
		// A read-only 9p rootfs must hold its mount points, as images do.
		for _, d := range []string{"vol", "proc", "sys", "dev"} {
			os.MkdirAll(filepath.Join(b, "rootfs", d), 0o755)
		}
		s := readSpec(t, b)
		s.Root.Readonly = true
		s.Mounts = append(s.Mounts, specs.Mount{Destination: "/vol", Type: "bind", Source: host})
		writeSpec(t, b, s)
		r := e.ukrun("", "run", "--bundle", b, "ro"+rootfs)
		if r.code != 1 || r.stdout != "rw\n" || !strings.Contains(r.stderr, "read-only file system") {
			t.Errorf("%s rootfs: writes to a rw bind and to the read-only root: %+v", rootfs, r)
		}
	}
}

// With a 9p rootfs, bind mounts reach the guest as copies mounted over it.
// A missing mount point is made in the rootfs, as runc makes it; one behind
// a symlink in the image is made inside the rootfs, not where the link
// would lead on the host or in the initrd.
func TestBindMounts9p(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"file=/etc/hosts", "file=/etc/resolv.conf", "file=/vol/data", "file=/vol/sub/key", "exit=0"},
		map[string]string{"dev.ukrun.rootfs": "9p"})
	rootfs := filepath.Join(b, "rootfs")
	os.MkdirAll(filepath.Join(rootfs, "etc"), 0o755)
	os.Symlink("/run/resolv.conf", filepath.Join(rootfs, "etc", "resolv.conf"))
	host := t.TempDir()
	os.WriteFile(filepath.Join(host, "hosts"), []byte("10.1.2.3 pod\n"), 0o644)
	os.WriteFile(filepath.Join(host, "resolv.conf"), []byte("nameserver 10.0.0.10\n"), 0o644)
	os.MkdirAll(filepath.Join(host, "vol"), 0o755)
	os.WriteFile(filepath.Join(host, "vol", "data"), []byte("volume\n"), 0o644)
	s := readSpec(t, b)
	s.Mounts = append(s.Mounts,
		specs.Mount{Destination: "/etc/hosts", Type: "bind", Source: filepath.Join(host, "hosts"), Options: []string{"rbind", "ro"}},
		specs.Mount{Destination: "/etc/resolv.conf", Type: "bind", Source: filepath.Join(host, "resolv.conf")},
		specs.Mount{Destination: "/vol", Type: "bind", Source: filepath.Join(host, "vol"), Options: []string{"rbind", "ro"}},
		// Its mount point is made in the read-only volume's copy.
		specs.Mount{Destination: "/vol/sub/key", Type: "bind", Source: filepath.Join(host, "hosts")})
	writeSpec(t, b, s)
	r := e.ukrun("", "run", "--bundle", b, "binds9p")
	if r.code != 0 || r.stdout != "10.1.2.3 pod\nnameserver 10.0.0.10\nvolume\n10.1.2.3 pod\n" {
		t.Fatalf("run: %+v", r)
	}
	for _, p := range []string{"etc/hosts", "run/resolv.conf", "vol"} {
		if _, err := os.Stat(filepath.Join(rootfs, p)); err != nil {
			t.Errorf("mount point %s not made in the rootfs: %v", p, err)
		}
	}
}

// A bind mount ukinit cannot make fails the container with an error that
// names it: a file over a directory of the image, or a mount point missing
// from a read-only 9p rootfs (found at create, before anything is made).
func TestBindMountErrors(t *testing.T) {
	e := newEnv(t)
	host := filepath.Join(t.TempDir(), "hosts")
	os.WriteFile(host, []byte("10.1.2.3 pod\n"), 0o644)

	b := bundle(t, []string{"out=never", "exit=0"}, nil)
	os.MkdirAll(filepath.Join(b, "rootfs", "etc", "hosts"), 0o755)
	s := readSpec(t, b)
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/etc/hosts", Type: "bind", Source: host})
	writeSpec(t, b, s)
	r := e.ukrun("", "run", "--bundle", b, "bindkind")
	if r.code == 0 || r.stdout != "" || !strings.Contains(r.stderr, "bind mount /etc/hosts: the source is a file, the mount point /etc/hosts in the rootfs is a directory") {
		t.Fatalf("file over a directory: %+v", r)
	}
	e.must("delete", "--force", "bindkind")

	b = bundle(t, []string{"out=never", "exit=0"}, map[string]string{"dev.ukrun.rootfs": "9p"})
	s = readSpec(t, b)
	s.Root.Readonly = true
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/etc/hosts", Type: "bind", Source: host})
	writeSpec(t, b, s)
	r = e.ukrun("", "create", "--bundle", b, "bindro")
	if r.code == 0 || !strings.Contains(r.stderr, "bind mount /etc/hosts: the read-only 9p rootfs has no mount point for it") {
		t.Fatalf("create with a missing mount point in a read-only 9p rootfs: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(e.root, "bindro")); err == nil {
		t.Error("the failed create left its state")
	}
}

// run launches a VM with no hooks between create and start running from
// its first instruction; create launches it paused until start.
func TestRunStartsVMAtOnce(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"sleep=600"}, nil)
	e.must("run", "--detach", "--bundle", b, "atonce")
	e.must("create", "--bundle", b, "paused")
	for id, paused := range map[string]bool{"atonce": false, "paused": true} {
		var st struct {
			Argv []string `json:"vmm_argv"`
		}
		readJSON(t, filepath.Join(e.root, id, "state.json"), &st)
		if got := slices.Contains(st.Argv, "-S"); got != paused {
			t.Errorf("%s: VMM launched paused (-S) = %v, want %v: %q", id, got, paused, st.Argv)
		}
	}
	if s := e.state("atonce"); s.Status != specs.StateRunning {
		t.Errorf("after run --detach: %s", s.Status)
	}
	if s := e.state("paused"); s.Status != specs.StateCreated {
		t.Errorf("after create: %s", s.Status)
	}
	for _, id := range []string{"atonce", "paused"} {
		e.must("kill", id, "KILL")
		e.waitStatus(id, specs.StateStopped, 10*time.Second)
		e.must("delete", id)
	}
}
