// Package container implements the OCI lifecycle of VM containers on top of
// state, the guest preparation and the monitor.
package container

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/ukrun/ukrun/internal/accel"
	"github.com/ukrun/ukrun/internal/config"
	"github.com/ukrun/ukrun/internal/tsc"
	"github.com/ukrun/ukrun/internal/vmm"
)

// Runtime carries the global flags and the host config of one command.
type Runtime struct {
	Root       string
	Config     config.Config
	ConfigPath string // the config file in force, for error messages
	Log        *slog.Logger
	MonitorArg []string // logging flags for ukrun-monitor

	accel *accel.Result // chosen once per command
	tsc   *tsc.Result   // measured once per host boot
}

// Accel is the accelerator new VMs use: the config's choice, or for "auto"
// what a probe that runs guest code proved (cached for a day).
func (r *Runtime) Accel() vmm.Accel {
	if r.accel == nil {
		res, err := accel.Choose(r.Config.Accel, filepath.Join(r.Config.CacheDir, "accel.json"))
		if err != nil {
			res = accel.Result{Accel: string(vmm.TCG), Reason: err.Error()}
		}
		r.Log.Debug("accelerator", "accel", res.Accel, "reason", res.Reason)
		r.accel = &res
	}
	return vmm.Accel(r.accel.Accel)
}

// TSCKHz is the host's TSC frequency for a TCG guest's clock, 0 when
// unknown or not needed.
func (r *Runtime) TSCKHz() int {
	if r.Accel() != vmm.TCG {
		return 0
	}
	if r.tsc == nil {
		res := tsc.Host(filepath.Join(r.Config.CacheDir, "tsc.json"))
		r.Log.Debug("host TSC", "khz", res.KHz, "reason", res.Reason)
		r.tsc = &res
	}
	return r.tsc.KHz
}

// TSCReason says how TSCKHz was found, or why it is 0.
func (r *Runtime) TSCReason() string {
	if r.TSCKHz(); r.tsc == nil {
		return "not passed to " + string(r.Accel()) + " guests"
	}
	return r.tsc.Reason
}

// AccelReason says why Accel chose what it did.
func (r *Runtime) AccelReason() string {
	r.Accel()
	return r.accel.Reason
}

// ErrNotRunning is the error text containerd reads as "already exited".
var ErrNotRunning = errors.New("container not running")

// lookBinary finds a configured binary and names the config key if not.
func (r *Runtime) lookBinary(key, name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s binary %q not found (set %s in %s): %w", key, name, key, r.ConfigPath, err)
	}
	return filepath.Abs(p)
}

// ukinit returns the guest init binary: the config's, else the one
// installed next to ukrun.
func (r *Runtime) ukinit() (string, error) {
	return r.sibling("ukinit", r.Config.Ukinit, "ukinit")
}

// monitorBinary returns ukrun-monitor, installed next to ukrun.
func (r *Runtime) monitorBinary() (string, error) {
	return r.sibling("ukrun-monitor", "", "")
}

// sibling finds a helper binary: the configured path (config key
// configKey), else name next to the ukrun binary.
func (r *Runtime) sibling(name, configured, configKey string) (string, error) {
	p := configured
	if p == "" {
		exe, err := os.Executable()
		if err != nil {
			return "", fmt.Errorf("find ukrun binary: %w", err)
		}
		p = filepath.Join(filepath.Dir(exe), name)
	}
	if _, err := os.Stat(p); err != nil {
		hint := "install it next to ukrun"
		if configKey != "" {
			hint = fmt.Sprintf("install it next to ukrun or set %s in %s", configKey, r.ConfigPath)
		}
		return "", fmt.Errorf("%s not found (%s): %w", p, hint, err)
	}
	return p, nil
}
