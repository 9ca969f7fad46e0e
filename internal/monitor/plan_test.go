package monitor

import (
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func seqpacketPair(t *testing.T) (create, mon *os.File) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	create, mon = os.NewFile(uintptr(fds[0]), "create"), os.NewFile(uintptr(fds[1]), "monitor")
	t.Cleanup(func() { create.Close(); mon.Close() })
	return create, mon
}

// A plan arrives whole, however long its argv (one message, which a short
// read would cut), and the files message follows it.
func TestPlanThenFilesReady(t *testing.T) {
	create, mon := seqpacketPair(t)
	want := Plan{ID: "c1", Dir: "/run/ukrun/c1", VMM: []string{"/usr/bin/qemu-system-x86_64", "-append", strings.Repeat("x", 20000)},
		Paused: true, Preconfig: true, BootTimeout: 10}
	if err := SendPlan(create, want, nil); err != nil {
		t.Fatal(err)
	}
	if err := SendFilesReady(create); err != nil {
		t.Fatal(err)
	}
	got, tap, err := readPlan(mon)
	if err != nil || tap != nil {
		t.Fatalf("readPlan: %v, TAP %v", err, tap)
	}
	if got.ID != want.ID || !slices.Equal(got.VMM, want.VMM) || !got.Preconfig {
		t.Fatalf("plan %s with %d argv, preconfig %v; want %s with %d", got.ID, len(got.VMM), got.Preconfig, want.ID, len(want.VMM))
	}
	if err := awaitFilesReady(mon); err != nil {
		t.Fatal(err)
	}
}

// A create that gives up closes the socket: the monitor's waits end.
func TestCreateGivesUp(t *testing.T) {
	create, mon := seqpacketPair(t)
	create.Close()
	if _, _, err := readPlan(mon); !errors.Is(err, io.EOF) {
		t.Fatalf("readPlan: %v, want EOF", err)
	}
}

func TestFilesReadyWhenCreateGivesUp(t *testing.T) {
	create, mon := seqpacketPair(t)
	create.Close()
	if err := awaitFilesReady(mon); err == nil || !strings.Contains(err.Error(), "create gave up") {
		t.Fatalf("got %v, want create gave up", err)
	}
	create, mon = seqpacketPair(t)
	if _, err := create.WriteString("go"); err != nil {
		t.Fatal(err)
	}
	if err := awaitFilesReady(mon); err == nil || !strings.Contains(err.Error(), `create sent "go"`) {
		t.Fatalf("got %v, want the wrong message named", err)
	}
}

// The TAP queue travels with the plan that says so, and only with it.
func TestPlanCarriesTap(t *testing.T) {
	create, mon := seqpacketPair(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if err := SendPlan(create, Plan{ID: "c1"}, w); err == nil {
		t.Fatal("SendPlan sent a TAP with a plan without Tap")
	}
	if err := SendPlan(create, Plan{ID: "c1", Tap: true}, nil); err == nil {
		t.Fatal("SendPlan sent a plan with Tap and no TAP")
	}
	if err := SendPlan(create, Plan{ID: "c1", Tap: true}, w); err != nil {
		t.Fatal(err)
	}
	got, tap, err := readPlan(mon)
	if err != nil || tap == nil || !got.Tap {
		t.Fatalf("readPlan: %v, TAP %v, plan.Tap %v", err, tap, got.Tap)
	}
	defer tap.Close()
	if _, err := tap.WriteString("x"); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := r.Read(b); err != nil || b[0] != 'x' {
		t.Fatalf("the fd that came is not the one sent: %v %q", err, b)
	}
	// A plan without Tap that comes with an fd is refused, the fd closed.
	unix.Sendmsg(int(create.Fd()), []byte(`{"id":"c2"}`), unix.UnixRights(int(w.Fd())), nil, 0)
	if _, tap, err := readPlan(mon); err == nil || tap != nil {
		t.Fatalf("readPlan of a plan without Tap and an fd: %v, TAP %v", err, tap)
	}
}
