// Command bench measures ukrun against raw QEMU booting the identical guest
// with the identical argv, interleaved in one run, and prints one
// "BENCH <name> <value> <unit>" line per figure. It asserts nothing.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// rounds per figure: this host is a VM whose boot times vary by ±100 ms
// from one run to the next, so medians need many more than ten.
const rounds = 30

// lifecycleRounds of ukrun and of runc: one takes about 60 ms, and
// ukrun's own time spread from 8 to 15 ms over 30 of them, so the
// median takes more.
const lifecycleRounds = 100

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	wd, _ := os.Getwd()
	b := &bench{bin: filepath.Join(wd, "bin")}
	work, err := os.MkdirTemp("", "ukrun-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	b.root = filepath.Join(work, "state")
	if b.bundle, err = makeBundle(work, b.bin); err != nil {
		return err
	}
	raw, uk, err := b.startRatio(work)
	if err != nil {
		return err
	}
	var rt, rf, cs, td []float64
	for i := 0; i < lifecycleRounds; i++ {
		r, f, c, t, err := b.lifecycle(fmt.Sprintf("lc%d", i))
		if err != nil {
			return err
		}
		rt, rf, cs, td = append(rt, ms(r)), append(rf, ms(f)), append(cs, ms(c)), append(td, ms(t))
		fmt.Fprintf(os.Stderr, "lifecycle %d: ukrun's own %.1f ms (%.1f with the initrd), create+start %.1f ms, kill+delete %.1f ms\n", i+1, rt[i], rf[i], cs[i], td[i])
	}
	loop, leaked, err := b.crashLoop(work)
	if err != nil {
		return fmt.Errorf("crash loop: %w", err)
	}
	debianMs, ownMs, err := b.bootSpeedup(work)
	if err != nil {
		return fmt.Errorf("boot speedup: %w", err)
	}
	runcMs, err := b.runcCreateStart(work)
	if err != nil {
		return fmt.Errorf("runc baseline: %w", err)
	}
	rss, err := b.monitorRSS()
	if err != nil {
		return fmt.Errorf("monitor rss: %w", err)
	}
	total := 0.0
	for _, v := range loop {
		total += v
	}
	accel := "tcg"
	if out, err := exec.Command(filepath.Join(b.bin, "ukrun"), "version").Output(); err == nil && strings.Contains(string(out), "accel: kvm") {
		accel = "kvm"
	}
	fmt.Printf("BENCH accel %s label\n", accel)
	fmt.Printf("BENCH raw_qemu_ms %.1f ms\n", median(raw))
	fmt.Printf("BENCH start_ms %.1f ms\n", median(uk))
	fmt.Printf("BENCH start_ratio %.3f ratio\n", median(uk)/median(raw))
	overhead := diffs(uk, raw)
	fmt.Printf("BENCH start_overhead_ms %.1f ms\n", median(overhead))
	fmt.Printf("BENCH start_overhead_se_ms %.1f ms\n", medianSE(overhead))
	fmt.Printf("BENCH runtime_ms %.1f ms\n", median(rt))
	fmt.Printf("BENCH runtime_with_initrd_ms %.1f ms\n", median(rf))
	fmt.Printf("BENCH create_start_ms %.1f ms\n", median(cs))
	fmt.Printf("BENCH runc_create_start_ms %.1f ms\n", runcMs)
	fmt.Printf("BENCH teardown_ms %.1f ms\n", median(td))
	fmt.Printf("BENCH crashloop_rounds_per_min %.0f rounds/min\n", float64(len(loop))/(total/60000))
	fmt.Printf("BENCH crashloop_first50_ms %.1f ms\n", median(loop[:50]))
	fmt.Printf("BENCH crashloop_last50_ms %.1f ms\n", median(loop[len(loop)-50:]))
	fmt.Printf("BENCH crashloop_leaked %d objects\n", leaked)
	fmt.Printf("BENCH monitor_rss_kib %d KiB\n", rss)
	fmt.Printf("BENCH debian_kernel_start_ms %.1f ms\n", debianMs)
	fmt.Printf("BENCH own_kernel_start_ms %.1f ms\n", ownMs)
	fmt.Printf("BENCH boot_speedup %.2f ratio\n", debianMs/ownMs)
	return nil
}

// inTurn is the order of two boots in round i: which goes first
// alternates, so neither always follows the other's.
func inTurn(i int, a, b string) []string {
	if i%2 == 1 {
		return []string{b, a}
	}
	return []string{a, b}
}

// diffs are a[i] - b[i]: each round's two boots, one after the other.
func diffs(a, b []float64) []float64 {
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return d
}

// medianSE is the standard error of v's median, from its order
// statistics: half the span between the ranks n/2 ± sqrt(n)/2, which
// holds the median with about 68 % confidence whatever v's distribution.
// One TCG boot here varies by 40-60 ms, so a run's ratio is read against
// it.
func medianSE(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := float64(len(s))
	lo, hi := int(n/2-math.Sqrt(n)/2), int(math.Ceil(n/2+math.Sqrt(n)/2))
	if lo < 0 || hi >= len(s) {
		return math.NaN()
	}
	return (s[hi] - s[lo]) / 2
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// makeBundle writes a VM bundle whose app prints one line and exits.
func makeBundle(work, bin string) (string, error) {
	return makeBundleArgs(filepath.Join(work, "bundle"), bin, "testapp", "out=up", "sleep=0.2", "exit=0")
}

// makeBundleArgs writes a VM bundle in dir whose app runs args.
func makeBundleArgs(dir, bin string, args ...string) (string, error) {
	if err := os.MkdirAll(filepath.Join(dir, "rootfs", "bin"), 0o755); err != nil {
		return "", err
	}
	app, err := os.ReadFile(filepath.Join(bin, "testapp"))
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "rootfs", "bin", "testapp"), app, 0o755); err != nil {
		return "", err
	}
	spec := map[string]any{
		"ociVersion":  "1.2.0",
		"process":     map[string]any{"args": args, "env": []string{"PATH=/bin"}, "cwd": "/", "user": map[string]int{"uid": 0, "gid": 0}},
		"root":        map[string]string{"path": "rootfs"},
		"annotations": map[string]string{"dev.ukrun.guest": "linux"},
		"linux":       map[string]any{"namespaces": []map[string]string{{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}}},
	}
	b, _ := json.Marshal(spec)
	return dir, os.WriteFile(filepath.Join(dir, "config.json"), b, 0o644)
}
