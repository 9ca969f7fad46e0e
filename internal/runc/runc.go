// Package runc hands containers that are not VMs to runc. Each delegated
// container keeps runc's state in a root of its own, <root>/<id>/runc, so
// ukrun's and runc's state files never share a directory.
package runc

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/ukrun/ukrun/internal/proc"
)

// Runc runs runc with the caller's global flags.
type Runc struct {
	Path   string   // runc binary
	Global []string // global flags other than --root
}

// Root returns the runc root of a delegated container.
func Root(root, id string) string { return filepath.Join(root, id, "runc") }

// Delegated tells whether runc runs container id: its runc root exists.
func Delegated(root, id string) bool {
	st, err := os.Stat(Root(root, id))
	return err == nil && st.IsDir()
}

// pathFile records, beside runc's root, the runc binary that created the
// container: later commands use it, not a config changed since.
func pathFile(root, id string) string { return filepath.Join(root, id, "runc.path") }

// RecordPath resolves bin in PATH and records it for container id.
func RecordPath(root, id, bin string) (string, error) {
	p, err := exec.LookPath(bin)
	if err != nil {
		return "", fmt.Errorf("runc binary %q not found (set runc in the config file): %w", bin, err)
	}
	if p, err = filepath.Abs(p); err != nil {
		return "", err
	}
	return p, os.WriteFile(pathFile(root, id), []byte(p), 0o600)
}

// RecordedPath is the runc binary recorded for id, or def when none is.
func RecordedPath(root, id, def string) string {
	if b, err := os.ReadFile(pathFile(root, id)); err == nil && len(b) > 0 {
		return string(b)
	}
	return def
}

// Knows tells whether runc still has state for id in its root.
func Knows(root, id string) bool {
	_, err := os.Stat(filepath.Join(Root(root, id), id))
	return err == nil
}

func (r Runc) argv(root, id string, args []string) []string {
	a := append([]string{r.Path, "--root", Root(root, id)}, r.Global...)
	return append(a, args...)
}

// Exec replaces this process with runc.
func (r Runc) Exec(root, id string, args []string) error {
	path, err := exec.LookPath(r.Path)
	if err != nil {
		return fmt.Errorf("runc binary %q not found (set runc in the config file): %w", r.Path, err)
	}
	argv := r.argv(root, id, args)
	argv[0] = path
	return syscall.Exec(path, argv, os.Environ())
}

// Run runs runc as a child on this process's stdio, forwarding signals, and
// returns its exit code.
func (r Runc) Run(root, id string, args []string) (int, error) {
	argv := r.argv(root, id, args)
	cmd := exec.Command(r.Path, argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return -1, fmt.Errorf("runc binary %q (set runc in the config file): %w", r.Path, err)
	}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, proc.Forwarded...)
	defer signal.Stop(sigs)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case s := <-sigs:
			cmd.Process.Signal(s)
		case err := <-done:
			if cmd.ProcessState == nil {
				return -1, fmt.Errorf("wait for runc: %w", err)
			}
			return proc.ExitCode(cmd.ProcessState), nil
		}
	}
}
