package container

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/monitor"
)

// The monitor's first answer to a plan with Preconfig: launched, or why not.
func TestAwaitLaunched(t *testing.T) {
	for _, tc := range []struct {
		answer monitor.Ready
		want   string // "" for no error
	}{
		{monitor.Ready{Launched: true}, ""},
		{monitor.Ready{Error: "start qemu: no such file"}, "launch VM: start qemu: no such file"},
		{monitor.Ready{}, "answered before the VMM was launched"},
	} {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		create, mon := os.NewFile(uintptr(fds[0]), "create"), os.NewFile(uintptr(fds[1]), "monitor")
		if err := monitor.SendReady(mon, tc.answer, -1); err != nil {
			t.Fatal(err)
		}
		err = awaitLaunched(create)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("answer %+v: %v, want %q", tc.answer, err, tc.want)
		}
		create.Close()
		mon.Close()
	}
}
