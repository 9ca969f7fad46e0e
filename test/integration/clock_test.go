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
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		cmd := ukrunCmd(e.root, "--config", cfg, "run", "--bundle", b, "clk")
		cmd.Stdout = w
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		var guest, host []time.Duration
		sc := bufio.NewScanner(r)
		sc.Scan()
		if tcg := strings.Contains(e.must("version").stdout, "accel: tcg"); tcg && !strings.Contains(sc.Text(), "tsc_early_khz=") {
			t.Errorf("a TCG guest's command line has no TSC frequency: %s", sc.Text())
		}
		for sc.Scan() {
			at := time.Now()
			ns, err := strconv.ParseInt(strings.TrimPrefix(sc.Text(), "clock="), 10, 64)
			if err != nil {
				t.Fatalf("app printed %q", sc.Text())
			}
			guest, host = append(guest, time.Duration(ns)), append(host, time.Duration(at.UnixNano()))
		}
		if err := cmd.Wait(); err != nil || len(guest) != 2 {
			t.Fatalf("run: %v, %d clock lines", err, len(guest))
		}
		g, h := guest[1]-guest[0], host[1]-host[0]
		t.Logf("guest %v, host %v", g, h)
		if g < 2*time.Second || d(g, h) > h/20 {
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
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := ukrunCmd(e.root, "run", "--bundle", b, "now")
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	line, err := bufio.NewReader(r).ReadString('\n')
	host := time.Now()
	if err := cmd.Wait(); err != nil || !strings.HasPrefix(line, "now=") {
		t.Fatalf("run: %v, app printed %q", err, line)
	}
	ns, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(line, "now=")), 10, 64)
	behind := host.Sub(time.Unix(0, ns))
	t.Logf("the guest's clock read %v before the host's", behind)
	if behind < -50*time.Millisecond || behind > 300*time.Millisecond {
		t.Fatalf("the guest's wall clock is %v behind the host's", behind)
	}
}

func d(a, b time.Duration) time.Duration {
	if a > b {
		return a - b
	}
	return b - a
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
