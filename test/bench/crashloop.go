package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ukrun/ukrun/test/testnet"
)

const crashRounds = 200

// crashLoop runs create, start, VMM kill -9, delete in one pod netns and
// returns the round times and the objects left.
func (b *bench) crashLoop(work string) ([]float64, int, error) {
	var t benchT
	defer t.cleanup()
	pod := testnet.New(&t, "ukb", 97)
	bundle, err := netBundle(work, b.bundle, pod.Path())
	if err != nil {
		return nil, 0, err
	}
	var times []float64
	for i := 0; i < crashRounds; i++ {
		t0 := time.Now()
		if err := runQuiet(b.ukrun("create", "--bundle", bundle, "loop")); err != nil {
			return nil, 0, fmt.Errorf("round %d create: %w", i, err)
		}
		if err := runQuiet(b.ukrun("start", "loop")); err != nil {
			return nil, 0, fmt.Errorf("round %d start: %w", i, err)
		}
		if pid := b.vmmPid("loop"); pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		if err := runQuiet(b.ukrun("delete", "--force", "loop")); err != nil {
			return nil, 0, fmt.Errorf("round %d delete: %w", i, err)
		}
		times = append(times, ms(time.Since(t0)))
	}
	taps, filters, ingress := pod.Objects()
	return times, taps + filters + ingress, nil
}

// benchT stands in for *testing.T where testnet wants one.
type benchT struct{ cleanups []func() }

func (t *benchT) Helper()                   {}
func (t *benchT) Cleanup(f func())          { t.cleanups = append(t.cleanups, f) }
func (t *benchT) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }

func (t *benchT) cleanup() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// netBundle copies the bench bundle's config with the pod netns joined.
func netBundle(work, src, netns string) (string, error) {
	dir := filepath.Join(work, "netbundle")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.Symlink(filepath.Join(src, "rootfs"), filepath.Join(dir, "rootfs")); err != nil {
		return "", err
	}
	raw, err := os.ReadFile(filepath.Join(src, "config.json"))
	if err != nil {
		return "", err
	}
	var spec map[string]any
	json.Unmarshal(raw, &spec)
	linux := spec["linux"].(map[string]any)
	linux["namespaces"] = []map[string]string{{"type": "pid"}, {"type": "network", "path": netns}}
	raw, _ = json.Marshal(spec)
	return dir, os.WriteFile(filepath.Join(dir, "config.json"), raw, 0o644)
}

func (b *bench) vmmPid(id string) int {
	raw, err := os.ReadFile(filepath.Join(b.root, id, "state.json"))
	if err != nil {
		return 0
	}
	var st struct {
		VMM struct{ Pid int } `json:"vmm"`
	}
	json.Unmarshal(raw, &st)
	return st.VMM.Pid
}

// monitorRSS starts a VM and reads its monitor's resident set while the
// guest runs.
func (b *bench) monitorRSS() (int, error) {
	bundle, err := makeBundleArgs(filepath.Join(filepath.Dir(b.root), "rss-bundle"), b.bin, "testapp", "out=up", "sleep=30")
	if err != nil {
		return 0, err
	}
	if err := runQuiet(b.ukrun("create", "--bundle", bundle, "rss")); err != nil {
		return 0, err
	}
	defer runQuiet(b.ukrun("delete", "--force", "rss"))
	if err := runQuiet(b.ukrun("start", "rss")); err != nil {
		return 0, err
	}
	time.Sleep(time.Second)
	raw, err := os.ReadFile(filepath.Join(b.root, "rss", "state.json"))
	if err != nil {
		return 0, err
	}
	var st struct {
		Monitor struct{ Pid int } `json:"monitor"`
	}
	json.Unmarshal(raw, &st)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", st.Monitor.Pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			var kib int
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kib)
			return kib, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}
