// Package testutil holds checks that the tests of several packages share.
package testutil

import (
	"runtime"
	"strings"
	"time"
)

// ParkedInPoller waits up to 5 s for a goroutine whose stack names frame
// to wait in the runtime's poller ("IO wait") rather than in a blocking
// syscall, which would hold its P.
func ParkedInPoller(frame string) bool {
	for i := 0; i < 500; i++ {
		buf := make([]byte, 1<<20)
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, frame) && strings.Contains(g, "[IO wait") {
				return true
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}
