package monitor

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/proc"
	"github.com/ukrun/ukrun/internal/teardown"
)

// run waits for start, lets the VM run, relays stdio and signals until the
// VMM exits, and returns the container's exit code.
func (m *monitor) run() int {
	sigs := m.sigs // caught since before create's answer (Main)
	type startResult struct {
		vm  *vmmProc
		err error
	}
	started := make(chan startResult, 1)
	go func() {
		vm, err := m.awaitStart()
		started <- startResult{vm, err}
	}()
	for waiting := true; waiting; {
		select {
		case r := <-started:
			if r.vm != nil {
				m.vm = r.vm
			}
			if r.err != nil {
				m.log.Error("monitor: start", "error", r.err)
				m.stopVMM()
				return ExitSetup
			}
			waiting = false
		case s := <-sigs:
			if sig, ok := forwardable(s); ok {
				// Not started: no app to deliver to; the container ends.
				m.log.Info("monitor: signal before start ends the container", "signal", sig)
				m.stopVMM()
				return 128 + int(sig)
			}
		case st := <-m.vmDone():
			m.cleanNetwork()
			m.log.Error("monitor: VMM exited before start", "code", proc.StatusCode(st))
			return exitCode(0, false, st)
		case start := <-m.launcher:
			start() // a VMM launched at start, from this thread
		}
	}

	var stdout, stderr <-chan struct{}
	if m.plan.Channels {
		stdout, stderr = m.relayStdio()
	}
	for {
		select {
		case s := <-sigs:
			if sig, ok := forwardable(s); ok {
				m.forward(sig)
			}
		case st := <-m.vm.done:
			m.cleanNetwork()
			if m.qmp != nil {
				m.qmp.Close()
			}
			if !m.plan.Channels {
				return m.consoleExit(st)
			}
			// The VMM closed its ends: drain the app's last output.
			<-stdout
			<-stderr
			m.ctl.Close()
			var code int
			var ok bool
			select {
			case code = <-m.code:
				ok = true
			default:
			}
			return exitCode(code, ok, st)
		}
	}
}

// vmDone is the VMM's exit, or a channel that never fires before launch.
func (m *monitor) vmDone() <-chan syscall.WaitStatus {
	if m.vm == nil {
		return nil
	}
	return m.vm.done
}

// stopVMM kills a launched VMM, waits for it and removes the network.
func (m *monitor) stopVMM() {
	if m.vm != nil {
		m.vm.kill()
		<-m.vm.done
	}
	m.cleanNetwork()
}

// forward passes a signal on: to the app through ukinit, else to the VMM
// itself (a unikernel has no channel: TERM asks the VMM to shut down).
func (m *monitor) forward(sig unix.Signal) {
	if m.plan.Channels {
		m.sendSignal(sig)
		return
	}
	if endsVMM(sig) {
		m.forwarded = sig
	}
	if err := m.vm.Signal(sig); err != nil && !errors.Is(err, unix.ESRCH) {
		m.log.Warn("monitor: signal VMM", "signal", sig, "error", err)
	}
}

// awaitStart blocks until `ukrun start` opens the start fifo, lets the VM
// run and tells start the outcome: "ok", with the VMM's pid (as the
// monitor sees it) when it was exec'd just now, or "error <text>".
func (m *monitor) awaitStart() (*vmmProc, error) {
	fifo, err := os.OpenFile(m.plan.StartFifo, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("open start fifo: %w", err)
	}
	defer fifo.Close()
	var vm *vmmProc
	msg := "ok\n"
	if m.plan.Paused {
		if !m.plan.Running {
			err = m.qmp.Execute("cont", 10*time.Second)
			m.log.Debug("monitor: VM resumed", "error", err)
		}
	} else if vm, err = m.launch(); err == nil {
		msg = fmt.Sprintf("ok %d\n", vm.Pid)
	}
	if err != nil {
		msg = "error " + err.Error() + "\n"
	}
	if _, werr := fifo.WriteString(msg); werr != nil && err == nil {
		err = fmt.Errorf("answer start: %w", werr)
	}
	return vm, err
}

// catchSignals starts catching every signal, to forward it, on a goroutine
// of its own; sigsSet closes when it is done. os/signal enables them one
// at a time, each in a handshake with a thread of the runtime's: 2-5 ms
// for all of them on a single P. So it runs as soon as the VMM is
// launched, while the VMM starts, rather than while start waits for the
// monitor's answer.
func (m *monitor) catchSignals() {
	if m.sigs != nil {
		return
	}
	m.sigs, m.sigsSet = make(chan os.Signal, 32), make(chan struct{})
	go func() {
		signal.Notify(m.sigs)
		signal.Ignore(unix.SIGPIPE)
		close(m.sigsSet)
	}()
}

// endsVMM tells whether a VMM shuts down on sig: the terminating signals
// VMMs handle (KILL is never forwarded: kill ends the VMM itself).
func endsVMM(sig unix.Signal) bool {
	switch sig {
	case unix.SIGTERM, unix.SIGINT, unix.SIGHUP, unix.SIGQUIT:
		return true
	}
	return false
}

// forwardable filters the signals the runtime itself uses.
func forwardable(s os.Signal) (unix.Signal, bool) {
	sig, ok := s.(unix.Signal)
	if !ok {
		return 0, false
	}
	switch sig {
	case unix.SIGCHLD, unix.SIGURG, unix.SIGPIPE, unix.SIGWINCH:
		return 0, false
	}
	return sig, true
}

// cleanNetwork removes the container's network objects the moment the VMM
// is gone, from the record create handed over with the plan.
func (m *monitor) cleanNetwork() {
	if err := teardown.Network(m.plan.Network); err != nil {
		m.log.Error("monitor: network cleanup", "error", err)
	}
}
