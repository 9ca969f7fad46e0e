package monitor

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/guest/proto"
	"github.com/ukrun/ukrun/internal/vmm/qemu"
)

// Exit codes of the monitor when the app reported none.
const (
	ExitSetup  = 255 // the VMM or guest failed before the app ran
	ExitNoCode = 255 // the guest stopped without reporting an exit code
)

type monitor struct {
	plan     Plan
	launcher launcher
	log      *slog.Logger
	vm       *vmmProc
	qmp      *qemu.QMP
	ctl      net.Conn
	host     hostEnds
	vmmEnds  []*os.File // the VMM's ends, until it is launched
	tap      *os.File   // the TAP queue (Plan.Tap), until it is launched
	pairsErr error
	code     chan int // the app's exit code, from the control port
	// forwarded is the last signal passed to a VMM without channels.
	forwarded unix.Signal
	sigs      chan os.Signal // every signal, once sigsSet is closed
	sigsSet   chan struct{}
}

// Main runs the monitor; its return value is the process's exit status. It
// must run on the main thread, locked there from the binary's init: the
// VMM is forked from it (launcher).
func Main(log *slog.Logger) int {
	runtime.LockOSThread()
	if !onMainThread() {
		log.Error("monitor: Main must run on the main thread (lock it in init)")
		return ExitSetup
	}
	unix.SetNonblock(FDSync, true) // waits in the poller (recvMsg)
	sync := os.NewFile(FDSync, "sync")
	os.Unsetenv("GOMAXPROCS") // create's, for this runtime only, not the VMM's
	l := make(launcher)
	// Made while create plans, not after.
	host, vmmEnds, pairsErr := newPairs()
	plan, files, err := readPlan(sync)
	if errors.Is(err, io.EOF) {
		log.Debug("monitor: create gave up before sending a plan")
		return ExitSetup
	} else if err != nil {
		log.Error("monitor: read plan", "error", err)
		return ExitSetup
	}
	m := &monitor{plan: plan, launcher: l, log: log.With("id", plan.ID), code: make(chan int, 1),
		host: host, vmmEnds: vmmEnds, pairsErr: pairsErr}
	if plan.Tap {
		m.tap, files = files[0], files[1:]
	}
	if err := joinNamespaces(plan.Namespaces, files); err != nil {
		m.log.Error("monitor: launch VMM", "error", err)
		SendReady(sync, Ready{Error: err.Error()}, -1)
		return ExitSetup
	}
	fd := -1
	if plan.Paused {
		var err error
		if fd, err = m.boot(sync); errors.Is(err, errCreateGaveUp) {
			m.log.Debug("monitor: VMM stopped", "error", err)
			return ExitSetup
		} else if err != nil {
			m.log.Error("monitor: launch VMM", "error", err)
			SendReady(sync, Ready{Error: err.Error()}, -1)
			return ExitSetup
		}
	}
	// Once create returns, every signal is the monitor's to handle.
	m.catchSignals()
	<-m.sigsSet
	if err := SendReady(sync, Ready{}, fd); err != nil {
		m.log.Error("monitor: report ready", "error", err)
		if m.vm != nil {
			m.vm.kill()
		}
		return ExitSetup
	}
	sync.Close() // the pidfd stays open: it is how the monitor kills its VMM
	return m.run()
}

// boot launches the VMM paused and opens its control channel. Create hears
// on sync that a preconfig VMM is launched, writes its boot files and says
// so; then the VMM creates its machine. It returns the VMM's pidfd.
func (m *monitor) boot(sync *os.File) (int, error) {
	vm, err := m.launch()
	if err != nil {
		return -1, err
	}
	m.vm = vm
	if m.plan.Preconfig {
		if err = SendReady(sync, Ready{Launched: true}, -1); err != nil {
			err = errCreateGaveUp
		}
	}
	timeout := time.Duration(m.plan.BootTimeout) * time.Second
	if err == nil {
		m.qmp, err = qemu.Connect(m.host.control, timeout)
	}
	if err == nil && m.plan.Preconfig {
		if err = awaitFilesReady(sync); err == nil {
			err = m.qmp.Execute("x-exit-preconfig", timeout)
		}
	}
	if err == nil && !m.plan.Running {
		// start lets the VM run with one byte.
		err = m.qmp.Stage("cont")
	}
	if err != nil {
		m.vm.kill()
		<-m.vm.done
		if errors.Is(err, errCreateGaveUp) {
			return -1, err
		}
		return -1, fmt.Errorf("VMM did not come up: %w%s", err, tail(m.plan.VMMLog))
	}
	m.log.Debug("monitor: VMM ready", "running", m.plan.Running)
	return m.vm.PidFD, nil
}

// launch starts the VMM with its channels on the fixed fds. A guest
// without channels writes its console to the container's stdout and
// stderr; else they carry the VMM's own messages to vmm.log.
func (m *monitor) launch() (*vmmProc, error) {
	if m.pairsErr != nil {
		return nil, m.pairsErr
	}
	vmmFiles := m.vmmEnds
	m.ctl, m.vmmEnds = m.host.ctl, nil
	// The VMM holds its own copies; these close on every path.
	defer func() { closeAll(vmmFiles) }()
	stdout, stderr := os.Stdout, os.Stderr
	if m.plan.Channels {
		logf, err := os.OpenFile(m.plan.VMMLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open VMM log: %w", err)
		}
		defer logf.Close()
		stdout, stderr = logf, logf
	}
	if m.plan.Tap {
		// Handed on to the VMM and closed here: the TAP dies with the VMM.
		vmmFiles, m.tap = append(vmmFiles, m.tap), nil
	}
	vm, err := m.launcher.launch(m.plan.VMM, vmmFiles, stdout, stderr)
	if err != nil {
		return nil, err
	}
	m.log.Info("monitor: VMM launched", "pid", vm.Pid)
	m.catchSignals()
	if m.plan.Channels {
		// From launch on: a VM that runs from create asks the time
		// before start.
		go m.readControl()
	}
	return vm, nil
}

// tail returns the end of a log file for an error message.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 600 {
		b = b[len(b)-600:]
	}
	if len(b) == 0 {
		return ""
	}
	return ": " + string(b)
}

// readControl reads the guest's messages until the port closes.
func (m *monitor) readControl() {
	sc := bufio.NewScanner(m.ctl)
	for sc.Scan() {
		kind, arg := proto.Parse(sc.Text())
		switch kind {
		case proto.MsgExit:
			n, err := proto.Int(kind, arg)
			if err != nil {
				m.log.Error("monitor: bad message from guest", "error", err)
				continue
			}
			select {
			case m.code <- n:
			default:
			}
		case proto.MsgError:
			m.log.Error("guest: " + arg)
		case proto.MsgTime:
			m.sendTime()
		default:
			m.log.Warn("monitor: unknown message from guest", "line", sc.Text())
		}
	}
}

// sendTime answers the guest's clock request with the host's wall clock.
func (m *monitor) sendTime() {
	if _, err := m.ctl.Write([]byte(proto.TimeAnswer(time.Now()))); err != nil && !errors.Is(err, net.ErrClosed) {
		m.log.Warn("monitor: send the time", "error", err)
	}
}

func (m *monitor) sendSignal(sig unix.Signal) {
	if _, err := m.ctl.Write([]byte(proto.Format(proto.MsgSignal, strconv.Itoa(int(sig))))); err != nil && !errors.Is(err, net.ErrClosed) {
		m.log.Warn("monitor: forward signal", "signal", sig, "error", err)
	}
}
