package monitor

import (
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/record"
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
	want := Plan{ID: "c1", VMM: []string{"/usr/bin/qemu-system-x86_64", "-append", strings.Repeat("x", 20000)},
		VMMLog: "/run/ukrun/c1/vmm.log", StartFifo: "/run/ukrun/c1/start.fifo", Paused: true, Preconfig: true, BootTimeout: 10,
		Network: []record.Resource{{Kind: record.KindTap, Net: &record.NetObject{Netns: "/run/netns/p", NetnsIno: 7, Link: "uk1", Alias: "ukrun:c1"}}}}
	if err := SendPlan(create, want, nil); err != nil {
		t.Fatal(err)
	}
	if err := SendFilesReady(create); err != nil {
		t.Fatal(err)
	}
	got, files, err := readPlan(mon)
	if err != nil || len(files) != 0 {
		t.Fatalf("readPlan: %v, %d files", err, len(files))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("plan %s with %d argv, preconfig %v, network %v; want %s with %d", got.ID, len(got.VMM), got.Preconfig, got.Network, want.ID, len(want.VMM))
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

// The TAP queue and the namespaces travel with the plan that names them,
// in its order, and only with it.
func TestPlanCarriesFiles(t *testing.T) {
	create, mon := seqpacketPair(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	ns, err := os.Open("/proc/self/ns/uts")
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	if err := SendPlan(create, Plan{ID: "c1"}, []*os.File{w}); err == nil {
		t.Fatal("SendPlan sent a file with a plan that takes none")
	}
	if err := SendPlan(create, Plan{ID: "c1", Tap: true, Namespaces: []string{"uts"}}, []*os.File{w}); err == nil {
		t.Fatal("SendPlan sent a plan without its namespace")
	}
	if err := SendPlan(create, Plan{ID: "c1", Tap: true, Namespaces: []string{"uts"}}, []*os.File{w, ns}); err != nil {
		t.Fatal(err)
	}
	got, files, err := readPlan(mon)
	if err != nil || len(files) != 2 || !got.Tap {
		t.Fatalf("readPlan: %v, %d files, plan.Tap %v", err, len(files), got.Tap)
	}
	defer closeAll(files)
	if _, err := files[0].WriteString("x"); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := r.Read(b); err != nil || b[0] != 'x' {
		t.Fatalf("the first fd that came is not the TAP sent: %v %q", err, b)
	}
	if a, b := fileID(t, ns), fileID(t, files[1]); a != b {
		t.Errorf("the second fd that came is not the namespace sent: %v, want %v", b, a)
	}
	// More files than a plan can take are cut, and the plan refused.
	five := []int{int(w.Fd()), int(w.Fd()), int(w.Fd()), int(w.Fd()), int(w.Fd())}
	unix.Sendmsg(int(create.Fd()), []byte(`{"id":"c3"}`), unix.UnixRights(five...), nil, 0)
	if _, files, err := readPlan(mon); err == nil || !strings.Contains(err.Error(), "cut short") || files != nil {
		t.Fatalf("readPlan of a plan with five fds: %v, %d files", err, len(files))
	}
	// A plan that comes with fds it does not name is refused, the fds closed.
	unix.Sendmsg(int(create.Fd()), []byte(`{"id":"c2"}`), unix.UnixRights(int(w.Fd())), nil, 0)
	if _, files, err := readPlan(mon); err == nil || files != nil {
		t.Fatalf("readPlan of a plan without Tap and an fd: %v, %d files", err, len(files))
	}
}

func fileID(t *testing.T, f *os.File) [2]uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	return [2]uint64{st.Dev, st.Ino}
}

func TestJoinNamespacesRefusesUnknownKinds(t *testing.T) {
	f, err := os.Open("/proc/self/ns/uts")
	if err != nil {
		t.Fatal(err)
	}
	if err := joinNamespaces([]string{"mnt"}, []*os.File{f}); err == nil || !strings.Contains(err.Error(), "unknown") {
		t.Fatalf("joinNamespaces of a mount namespace: %v", err)
	}
}

// Create's and the monitor's ends are non-blocking: a read waits for its
// message in the runtime's poller (fds and all), and the socket stays
// non-blocking, out of reach of a blocking syscall.
func TestNonblockingSocketsWait(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	create, mon := os.NewFile(uintptr(fds[0]), "create"), os.NewFile(uintptr(fds[1]), "monitor")
	defer create.Close()
	defer mon.Close()
	go func() {
		time.Sleep(50 * time.Millisecond)
		SendPlan(create, Plan{ID: "late"}, nil)
	}()
	plan, files, err := readPlan(mon)
	if err != nil || plan.ID != "late" || len(files) != 0 {
		t.Fatalf("readPlan: %q, %d files, %v; want the late plan", plan.ID, len(files), err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	go func() {
		time.Sleep(50 * time.Millisecond)
		SendReady(mon, Ready{}, int(r.Fd()))
	}()
	ready, fd, err := RecvReady(create)
	if err != nil || ready.Error != "" || fd < 0 {
		t.Fatalf("RecvReady: %+v, fd %d, %v", ready, fd, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		t.Fatalf("the fd that came is not the pipe: mode %o, %v", st.Mode, err)
	}
	for _, f := range []*os.File{create, mon} {
		rc, err := f.SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		var flags int
		rc.Control(func(fd uintptr) { flags, _ = unix.FcntlInt(fd, unix.F_GETFL, 0) })
		if flags&unix.O_NONBLOCK == 0 {
			t.Errorf("%s's end became blocking", f.Name())
		}
	}
}
