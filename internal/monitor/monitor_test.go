package monitor

import (
	"bytes"
	"log/slog"
	"runtime"
	"strings"
	"testing"
)

// Main refuses to run off the main thread: the VMM's PDEATHSIG follows the
// thread that forks it, and only the main thread lives as long as the
// monitor. A goroutine that lands on the main thread keeps it, so that the
// next one runs elsewhere.
func TestMainOffTheMainThread(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	hold := make(chan struct{})
	defer close(hold)
	for {
		code := make(chan int)
		go func() {
			runtime.LockOSThread()
			if onMainThread() {
				code <- -1
				<-hold
				runtime.UnlockOSThread()
				return
			}
			code <- Main(log)
		}()
		if c := <-code; c != -1 {
			if c != ExitSetup || !strings.Contains(buf.String(), "must run on the main thread") {
				t.Fatalf("Main off the main thread = %d, log %q", c, buf.String())
			}
			return
		}
	}
}
