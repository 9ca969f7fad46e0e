package tsc

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestInvariant(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, flags, err string }{
		{"both", "fpu tsc constant_tsc rep_good nonstop_tsc", ""},
		{"no nonstop", "fpu tsc constant_tsc", "no nonstop_tsc"},
		{"no constant", "fpu tsc nonstop_tsc", "no constant_tsc"},
	} {
		p := filepath.Join(dir, tc.name)
		os.WriteFile(p, []byte("processor\t: 0\nflags\t\t: "+tc.flags+"\n"), 0o644)
		err := invariant(p)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: invariant = %v, want %q", tc.name, err, tc.err)
		}
	}
	p := filepath.Join(dir, "none")
	os.WriteFile(p, []byte("processor\t: 0\n"), 0o644)
	if err := invariant(p); err == nil {
		t.Error("a cpuinfo without flags passed")
	}
}

// TestHostCachesPerBoot: one measurement per host boot.
func TestHostCachesPerBoot(t *testing.T) {
	dir := t.TempDir()
	boot := filepath.Join(dir, "boot_id")
	calls := 0
	lasting := true
	defer func(f func() (Result, bool), b string) { measureFunc, bootIDFile = f, b }(measureFunc, bootIDFile)
	measureFunc = func() (Result, bool) { calls++; return Result{KHz: 1000 + calls, Reason: "stub"}, lasting }
	bootIDFile = boot
	cache := filepath.Join(dir, "cache", "tsc.json")

	os.WriteFile(boot, []byte("one\n"), 0o644)
	if r := Host(cache); r.KHz != 1001 {
		t.Fatalf("first Host = %+v, want the measurement", r)
	}
	if r := Host(cache); r.KHz != 1001 || calls != 1 {
		t.Fatalf("second Host = %+v after %d measurements, want the cached one", r, calls)
	}
	os.WriteFile(boot, []byte("two\n"), 0o644)
	if r := Host(cache); r.KHz != 1002 {
		t.Fatalf("Host after a reboot = %+v, want a new measurement", r)
	}
	os.WriteFile(cache, []byte("{not json"), 0o600)
	if r := Host(cache); r.KHz != 1003 {
		t.Fatalf("Host on a bad cache = %+v, want a new measurement", r)
	}
	// A noisy measurement is used once, not kept.
	lasting = false
	os.WriteFile(boot, []byte("three\n"), 0o644)
	Host(cache)
	if r := Host(cache); r.KHz != 1005 {
		t.Fatalf("Host after a noisy measurement = %+v, want another measurement", r)
	}
}

func TestMeasure(t *testing.T) {
	r, lasting := measure()
	if runtime.GOARCH != "amd64" || invariant("/proc/cpuinfo") != nil {
		if r.KHz != 0 || !lasting {
			t.Fatalf("measure = %+v, %v without an invariant TSC", r, lasting)
		}
		t.Skip(r.Reason)
	}
	if !lasting {
		t.Skipf("this host is too busy to measure its TSC: %s", r.Reason)
	}
	if r.KHz < 100_000 || r.KHz > 10_000_000 {
		t.Fatalf("measure = %+v, want 0.1 to 10 GHz", r)
	}
	// A second measurement agrees to 0.05%.
	again, _ := measure()
	if again.KHz == 0 {
		t.Skipf("this host is too busy to measure its TSC: %s", again.Reason)
	}
	if d := float64(again.KHz-r.KHz) / float64(r.KHz); d > 5e-4 || d < -5e-4 {
		t.Fatalf("measurements %d and %d kHz differ by %.4f%%", r.KHz, again.KHz, d*100)
	}
}
