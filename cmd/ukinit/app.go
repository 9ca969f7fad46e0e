package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/guest/proto"
)

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// runApp starts the app inside /rootfs, forwards signals from the control
// port and reaps every child until the app exits. It returns the app's exit
// code (128+signal when a signal ended it).
func runApp(app *proto.App, p *ports, ctl *control) (int, error) {
	if app.Hostname != "" {
		if err := unix.Sethostname([]byte(app.Hostname)); err != nil {
			return 255, fmt.Errorf("set hostname: %w", err)
		}
	}
	path, err := resolve(app)
	if err != nil {
		return 127, err
	}
	stdio, closeTTY, err := appStdio(app, p)
	if err != nil {
		return 255, err
	}
	fds := make([]uintptr, len(stdio))
	for i, f := range stdio {
		fds[i] = f.Fd()
	}
	env := app.Env
	if env == nil {
		env = os.Environ() // as os.StartProcess does for a nil Env
	}
	// syscall, not os: os.StartProcess first probes pidfd support with a
	// throwaway child, 3 ms of boot under TCG, and ukinit reaps by pid.
	attr := &syscall.ProcAttr{
		Dir:   cwd(app),
		Env:   env,
		Files: fds,
		Sys: &syscall.SysProcAttr{
			Chroot:     proto.RootfsDir,
			Setsid:     true,
			Setctty:    app.Terminal,
			Credential: &syscall.Credential{Uid: app.UID, Gid: app.GID, Groups: app.Groups},
		},
	}
	if ctl != nil {
		ctl.setClock(time.Second)
	}
	pid, err := syscall.ForkExec(path, app.Args, attr)
	runtime.KeepAlive(stdio) // their fds were passed as numbers
	closeTTY()
	if err != nil {
		code := 126
		if errors.Is(err, os.ErrNotExist) {
			code = 127
		}
		return code, fmt.Errorf("start %s: fork/exec %s: %w", app.Args[0], path, err)
	}
	if ctl != nil {
		go ctl.forwardSignals(pid)
	}
	return reapUntil(pid), nil
}

func cwd(app *proto.App) string {
	if app.Cwd == "" {
		return "/"
	}
	return app.Cwd
}

// appStdio returns the app's fds 0, 1, 2: the ports themselves, or a pty
// relayed to them when the app wants a terminal. The returned func closes
// ukinit's copy of the pty slave.
func appStdio(app *proto.App, p *ports) ([]*os.File, func(), error) {
	if !app.Terminal {
		return []*os.File{p.stdin, p.stdout, p.stderr}, func() {}, nil
	}
	master, slave, err := pty.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("open pty: %w", err)
	}
	go io.Copy(master, p.stdin)
	go io.Copy(p.stdout, master)
	return []*os.File{slave, slave, slave}, func() { slave.Close() }, nil
}

// resolve finds the app's executable inside the rootfs as runc would, with
// the PATH from the app's environment.
func resolve(app *proto.App) (string, error) {
	name := app.Args[0]
	if strings.Contains(name, "/") {
		return name, nil
	}
	search := defaultPath
	for _, kv := range app.Env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			search = v
		}
	}
	for _, dir := range filepath.SplitList(search) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(filepath.Join(proto.RootfsDir, p)); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("executable file %q not found in $PATH", name)
}

// reapUntil reaps children (ukinit is pid 1) until pid exits.
func reapUntil(pid int) int {
	for {
		var ws unix.WaitStatus
		got, err := unix.Wait4(-1, &ws, 0, nil)
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return 255
		}
		if got != pid {
			continue
		}
		if ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ws.ExitStatus()
	}
}
