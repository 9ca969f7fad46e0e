package accel

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ukrun/ukrun/internal/cachedir"
)

// fakeProbe replaces probeFunc and counts calls.
func fakeProbe(t *testing.T, r Result) *int {
	n := new(int)
	old := probeFunc
	probeFunc = func() Result { *n++; return r }
	t.Cleanup(func() { probeFunc = old })
	return n
}

func TestChooseForced(t *testing.T) {
	n := fakeProbe(t, Result{Accel: "kvm"})
	for _, v := range []string{"kvm", "tcg"} {
		r, err := Choose(v, "")
		if err != nil || r.Accel != v || r.Reason != "forced by config" {
			t.Errorf("Choose(%q) = %+v, %v", v, r, err)
		}
	}
	if _, err := Choose("hvf", ""); err == nil || !strings.Contains(err.Error(), `"hvf"`) {
		t.Errorf("Choose(hvf) error = %v", err)
	}
	if *n != 0 {
		t.Errorf("probe called %d times", *n)
	}
}

func TestChooseAutoNoCache(t *testing.T) {
	n := fakeProbe(t, Result{Accel: "tcg", Reason: "fake"})
	r, err := Choose("auto", "")
	if err != nil || r.Accel != "tcg" || *n != 1 {
		t.Errorf("got %+v, %v, probes %d", r, err, *n)
	}
}

func TestChooseCache(t *testing.T) {
	kernel, dev := hostKey()
	probed := Result{Accel: "tcg", Reason: "probed"}
	cached := Result{Accel: "kvm", Reason: "cached"}
	cases := []struct {
		name  string
		entry cacheEntry
		want  Result
	}{
		{"fresh", cacheEntry{cached, kernel, dev, time.Now().Add(-time.Hour)}, cached},
		{"stale", cacheEntry{cached, kernel, dev, time.Now().Add(-25 * time.Hour)}, probed},
		{"future", cacheEntry{cached, kernel, dev, time.Now().Add(time.Hour)}, probed},
		{"other kernel", cacheEntry{cached, kernel + "-x", dev, time.Now()}, probed},
		{"other kvm dev", cacheEntry{cached, kernel, !dev, time.Now()}, probed},
		{"bad accel", cacheEntry{Result{Accel: "xen"}, kernel, dev, time.Now()}, probed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := fakeProbe(t, probed)
			path := filepath.Join(t.TempDir(), "sub", "accel.json")
			if err := cachedir.WriteJSON(path, c.entry); err != nil {
				t.Fatal(err)
			}
			r, err := Choose("auto", path)
			if err != nil || r != c.want {
				t.Fatalf("got %+v, %v; want %+v", r, err, c.want)
			}
			if wantN := map[bool]int{true: 0, false: 1}[c.want == cached]; *n != wantN {
				t.Fatalf("probes = %d, want %d", *n, wantN)
			}
			// After a probe the cache must hold the new result for this host.
			if r, err := Choose("auto", path); err != nil || r != c.want || *n > 1 {
				t.Fatalf("second call: %+v, %v, probes %d", r, err, *n)
			}
		})
	}
}

func TestCacheWrittenAtomically(t *testing.T) {
	fakeProbe(t, Result{Accel: "kvm", Reason: "fake"})
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "accel.json")
	if _, err := Choose("auto", path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("dir: %v %v", st.Mode(), err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("leftover files: %v", ents)
	}
	b, _ := os.ReadFile(path)
	var e cacheEntry
	if err := json.Unmarshal(b, &e); err != nil || e.Accel != "kvm" || e.Written.IsZero() {
		t.Fatalf("cache %s: %v", b, err)
	}
	// A corrupt cache is ignored and replaced.
	os.WriteFile(path, []byte("{"), 0o600)
	if r, _ := Choose("auto", path); r.Accel != "kvm" {
		t.Fatalf("got %+v", r)
	}
}

func TestProbeReal(t *testing.T) {
	start := time.Now()
	r := Probe()
	t.Logf("Probe() = %+v (took %v)", r, time.Since(start))
	if r.Accel != "kvm" && r.Accel != "tcg" || r.Reason == "" {
		t.Errorf("bad result %+v", r)
	}
}
