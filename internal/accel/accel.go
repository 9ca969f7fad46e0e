// Package accel chooses the VM accelerator (KVM or TCG) for this host.
//
// /dev/kvm existing is not enough: some hosts (e.g. nested kvm_pvm) accept
// KVM_CREATE_VM but cannot run an ordinary guest, so the automatic choice is
// based on Probe, which really runs a few guest instructions.
package accel

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/cachedir"
)

// Result is the chosen accelerator and why.
type Result struct {
	Accel  string // "kvm" or "tcg"
	Reason string // one-line explanation
}

// cacheTTL is how long an auto probe result is trusted.
const cacheTTL = 24 * time.Hour

// probeFunc is Probe, replaceable in tests.
var probeFunc = Probe

// cacheEntry is the on-disk cache format.
type cacheEntry struct {
	Result
	Kernel  string    `json:"kernel"`
	KVMDev  bool      `json:"kvm_dev"`
	Written time.Time `json:"written"`
}

// Choose resolves the configured accelerator ("auto", "kvm" or "tcg").
// For "auto" it uses cacheFile (if non-empty) when it holds a result younger
// than 24h for the same kernel release and /dev/kvm presence; otherwise it
// probes and rewrites the cache. Cache write errors are ignored.
func Choose(configured, cacheFile string) (Result, error) {
	switch configured {
	case "kvm", "tcg":
		return Result{Accel: configured, Reason: "forced by config"}, nil
	case "auto":
	default:
		return Result{}, fmt.Errorf("accel: invalid accelerator %q (want auto, kvm or tcg)", configured)
	}
	kernel, dev := hostKey()
	if cacheFile != "" {
		if r, ok := readCache(cacheFile, kernel, dev, time.Now()); ok {
			return r, nil
		}
	}
	r := probeFunc()
	if cacheFile != "" {
		_ = cachedir.WriteJSON(cacheFile, cacheEntry{Result: r, Kernel: kernel, KVMDev: dev, Written: time.Now()})
	}
	return r, nil
}

// hostKey returns what a cached result depends on.
func hostKey() (kernel string, kvmDev bool) {
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		kernel = unix.ByteSliceToString(u.Release[:])
	}
	_, err := os.Stat("/dev/kvm")
	return kernel, err == nil
}

func readCache(path, kernel string, dev bool, now time.Time) (Result, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Result{}, false
	}
	var e cacheEntry
	if json.Unmarshal(b, &e) != nil {
		return Result{}, false
	}
	age := now.Sub(e.Written)
	if e.Kernel != kernel || e.KVMDev != dev || age < 0 || age >= cacheTTL {
		return Result{}, false
	}
	if e.Accel != "kvm" && e.Accel != "tcg" {
		return Result{}, false
	}
	return e.Result, true
}
