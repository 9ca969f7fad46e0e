package integration

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The guest's clock keeps the host's pace on both kernels: the app's
// monotonic clock advances across a two-second sleep as much as the host's
// does between its two lines (under TCG the guest keeps time on the TSC at
// the frequency ukrun measured).
func TestGuestClockKeepsPace(t *testing.T) {
	for name, k := range guestKernels() {
		t.Run(name, func(t *testing.T) {
			if _, err := os.Stat(k); err != nil {
				t.Skipf("%s kernel not built (make kernel)", name)
			}
			e := newEnv(t)
			cfg := filepath.Join(t.TempDir(), "config.toml")
			os.WriteFile(cfg, []byte("kernel = \""+k+"\"\n"), 0o644)
			b := bundle(t, []string{"clock", "sleep=2", "clock", "exit=0"}, nil)
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
}

func d(a, b time.Duration) time.Duration {
	if a > b {
		return a - b
	}
	return b - a
}

// guestKernels are the Linux guest kernels: the host's Debian kernel (pc
// machine, modules) and ukrun's own (microvm), which may not be built.
func guestKernels() map[string]string {
	debian, _ := filepath.Glob("/boot/vmlinuz-*")
	return map[string]string{"debian": debian[len(debian)-1], "own": "/var/lib/ukrun/kernel/vmlinux"}
}
