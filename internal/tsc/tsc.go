// Package tsc finds the host's TSC frequency, which a TCG guest's TSC
// runs at (QEMU reads the host's counter). A guest told that frequency
// skips calibrating its TSC and delay loop against emulated timers, which
// under TCG fails or takes tens of milliseconds, and keeps time on the TSC
// instead of the 4 ms jiffies clock.
package tsc

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ukrun/ukrun/internal/cachedir"
)

// Result is the host TSC frequency, or 0 with the reason it is not known.
type Result struct {
	KHz    int    `json:"khz"`
	Reason string `json:"reason"`
}

type cacheEntry struct {
	Result
	BootID string `json:"boot_id"`
}

// measureFunc is measure, replaceable in tests. It tells whether the
// result holds for the host's boot (not a noisy measurement).
var measureFunc = measure

// bootIDFile names this boot of the host: a measurement holds for it.
var bootIDFile = "/proc/sys/kernel/random/boot_id"

// Host returns the host's TSC frequency, measured once per host boot and
// kept in cacheFile. A cache that cannot be written, or a measurement too
// noisy to trust, only costs a new measurement next time.
func Host(cacheFile string) Result {
	b, err := os.ReadFile(bootIDFile)
	if err != nil {
		return Result{Reason: fmt.Sprintf("no host boot id: %v", err)}
	}
	boot := strings.TrimSpace(string(b))
	var e cacheEntry
	if b, err := os.ReadFile(cacheFile); err == nil && json.Unmarshal(b, &e) == nil && e.BootID == boot {
		return e.Result
	}
	r, lasting := measureFunc()
	e = cacheEntry{Result: r, BootID: boot}
	if !lasting {
		return r
	}
	_ = cachedir.WriteJSON(cacheFile, e)
	return e.Result
}

// measure counts TSC ticks against the monotonic clock over two windows
// and trusts the result only when the host says its TSC runs at a constant
// rate, also in idle, and both windows agree (three tries: a busy host can
// stretch one reading). The result lasts for the boot unless the windows
// kept disagreeing.
func measure() (Result, bool) {
	if err := invariant("/proc/cpuinfo"); err != nil {
		return Result{Reason: err.Error()}, true
	}
	var a, b float64
	for try := 0; try < 3; try++ {
		a, b = rate(window), rate(window)
		if a <= 0 || b <= 0 {
			return Result{Reason: "no TSC on this architecture"}, true
		}
		if d := (a - b) / a; d <= maxSpread && d >= -maxSpread {
			khz := int((a+b)/2 + 0.5)
			return Result{KHz: khz, Reason: fmt.Sprintf("measured %d kHz over 2x%s", khz, window)}, true
		}
	}
	return Result{Reason: fmt.Sprintf("TSC windows disagree: %.0f and %.0f kHz", a, b)}, false
}

// window is one measurement's length; a reading is bracketed within about
// a microsecond, so the error is a few parts in 10^5 at most.
const (
	window    = 25 * time.Millisecond
	maxSpread = 1e-4
)

// rate is the TSC's kHz over one window, 0 without a TSC.
func rate(d time.Duration) float64 {
	t0, c0 := reading()
	time.Sleep(d)
	t1, c1 := reading()
	if c1 <= c0 || t1 <= t0 {
		return 0
	}
	return float64(c1-c0) / float64(t1-t0) * 1e6
}

// reading pairs a TSC value with the monotonic time (ns since start) it
// was read at: the tightest of a few brackets of two clock reads.
func reading() (int64, uint64) {
	var bestT, bestW int64
	var bestC uint64
	for i := 0; i < 8; i++ {
		before := time.Since(start)
		c := ticks()
		after := time.Since(start)
		if w := int64(after - before); i == 0 || w < bestW {
			bestW, bestT, bestC = w, int64(before+after)/2, c
		}
	}
	return bestT, bestC
}

var start = time.Now()

// invariant checks that the host's TSC ticks at one rate in every P- and
// C-state (the constant_tsc and nonstop_tsc flags of /proc/cpuinfo).
func invariant(cpuinfo string) error {
	b, err := os.ReadFile(cpuinfo)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, flags, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) != "flags" {
			continue
		}
		have := map[string]bool{}
		for _, f := range strings.Fields(flags) {
			have[f] = true
		}
		for _, want := range []string{"constant_tsc", "nonstop_tsc"} {
			if !have[want] {
				return fmt.Errorf("the host's TSC is not invariant (no %s in %s)", want, cpuinfo)
			}
		}
		return nil
	}
	return errors.New("no TSC flags in " + cpuinfo)
}
