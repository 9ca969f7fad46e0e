package integration

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ukrun/ukrun/internal/guest/linux/kernel"
)

// The guest's clock keeps the host's pace on both kernels: the app's
// monotonic clock advances across a two-second sleep as much as the host's
// does between its two lines. Under TCG the guest keeps time on the TSC at
// the frequency ukrun measured, given on its command line.
func TestGuestClockKeepsPace(t *testing.T) {
	onEachKernel(t, func(t *testing.T, name string, e *env, cfg string) {
		b := bundle(t, []string{"file=/proc/cmdline", "clock", "sleep=2", "clock", "exit=0"}, nil)
		lines, at := e.runLines("--config", cfg, "run", "--bundle", b, "clk")
		if len(lines) != 3 {
			t.Fatalf("app printed %q", lines)
		}
		if tcg := strings.Contains(e.must("version").stdout, "accel: tcg"); tcg && !strings.Contains(lines[0], "tsc_early_khz=") {
			t.Errorf("a TCG guest's command line has no TSC frequency: %s", lines[0])
		}
		var guest [2]time.Duration
		for i, l := range lines[1:] {
			ns, err := strconv.ParseInt(strings.TrimPrefix(l, "clock="), 10, 64)
			if err != nil {
				t.Fatalf("app printed %q", l)
			}
			guest[i] = time.Duration(ns)
		}
		g, h := guest[1]-guest[0], at[2].Sub(at[1])
		t.Logf("guest %v, host %v", g, h)
		if g < 2*time.Second || (g-h).Abs() > h/20 {
			t.Fatalf("the guest's clock moved %v while the host's moved %v", g, h)
		}
	})
}

// The guest's wall clock is the host's, not the RTC's (whole seconds,
// up to one behind): ukinit sets it from the monitor's before the app
// starts. The app's reading may lag the host's by the line's way out.
func TestGuestWallClock(t *testing.T) {
	e := newEnv(t)
	b := bundle(t, []string{"now", "exit=0"}, nil)
	lines, at := e.runLines("run", "--bundle", b, "now")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "now=") {
		t.Fatalf("app printed %q", lines)
	}
	ns, _ := strconv.ParseInt(strings.TrimPrefix(lines[0], "now="), 10, 64)
	behind := at[0].Sub(time.Unix(0, ns))
	t.Logf("the guest's clock read %v before the host's", behind)
	if behind < -50*time.Millisecond || behind > 300*time.Millisecond {
		t.Fatalf("the guest's wall clock is %v behind the host's", behind)
	}
}

// runLines runs ukrun with its stdout on a pipe and returns each line
// with the time it arrived; the command must succeed.
func (e *env) runLines(args ...string) ([]string, []time.Time) {
	e.t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Close()
	cmd := ukrunCmd(e.root, args...)
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	w.Close()
	var lines []string
	var at []time.Time
	for sc := bufio.NewScanner(r); sc.Scan(); {
		lines, at = append(lines, sc.Text()), append(at, time.Now())
	}
	if err := cmd.Wait(); err != nil {
		e.t.Fatalf("ukrun %v: %v (stdout %q)", args, err, lines)
	}
	return lines, at
}

// onEachKernel runs test in a subtest per Linux guest kernel, with its own
// env and a config naming the kernel: the host's Debian kernel (pc
// machine, modules) and ukrun's own (microvm), each skipped if missing.
func onEachKernel(t *testing.T, test func(t *testing.T, name string, e *env, cfg string)) {
	debian, _, err := kernel.Newest("/boot")
	if err != nil {
		debian = "/boot/vmlinuz-none"
	}
	for name, k := range map[string]string{"debian": debian, "own": "/var/lib/ukrun/kernel/vmlinux"} {
		t.Run(name, func(t *testing.T) {
			if _, err := os.Stat(k); err != nil {
				t.Skipf("%s kernel not there (make kernel builds ukrun's own): %v", name, err)
			}
			e := newEnv(t)
			cfg := filepath.Join(t.TempDir(), "config.toml")
			os.WriteFile(cfg, []byte("kernel = \""+k+"\"\n"), 0o644)
			test(t, name, e, cfg)
		})
	}
}
