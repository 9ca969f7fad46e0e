package monitor

import (
	"fmt"
	"os"
	"os/signal"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/state"
	"github.com/ukrun/ukrun/internal/teardown"
)

// run waits for start, resumes the VM, relays stdio and signals until the
// VMM exits, and returns the container's exit code.
func (m *monitor) run() int {
	sigs := make(chan os.Signal, 32)
	signal.Notify(sigs)
	signal.Ignore(unix.SIGPIPE)

	started := make(chan error, 1)
	go func() { started <- m.awaitStart() }()
	for waiting := true; waiting; {
		select {
		case err := <-started:
			if err != nil {
				m.log.Error("monitor: start", "error", err)
				m.vm.kill()
				<-m.vm.done
				m.cleanNetwork()
				return ExitSetup
			}
			waiting = false
		case s := <-sigs:
			if sig, ok := forwardable(s); ok {
				// Not started: no app to deliver to; the container ends.
				m.log.Info("monitor: signal before start ends the container", "signal", sig)
				m.vm.kill()
				<-m.vm.done
				m.cleanNetwork()
				return 128 + int(sig)
			}
		case st := <-m.vm.done:
			m.cleanNetwork()
			m.log.Error("monitor: VMM exited before start", "status", st.String())
			return exitCode(0, false, st)
		}
	}

	stdout, stderr := m.relayStdio()
	go m.readControl()
	for {
		select {
		case s := <-sigs:
			if sig, ok := forwardable(s); ok {
				m.sendSignal(sig)
			}
		case st := <-m.vm.done:
			m.cleanNetwork()
			// The VMM closed its ends: drain the app's last output.
			<-stdout
			<-stderr
			m.ctl.Close()
			m.qmp.Close()
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

// awaitStart blocks until `ukrun start` opens the start fifo, resumes the
// VM and tells start the outcome.
func (m *monitor) awaitStart() error {
	fifo, err := os.OpenFile(m.plan.Dir+"/"+state.StartFifo, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("open start fifo: %w", err)
	}
	defer fifo.Close()
	err = m.qmp.Execute("cont", 10*time.Second)
	m.log.Debug("monitor: VM resumed", "error", err)
	msg := "ok\n"
	if err != nil {
		msg = "error " + err.Error() + "\n"
	}
	if _, werr := fifo.WriteString(msg); werr != nil && err == nil {
		err = fmt.Errorf("answer start: %w", werr)
	}
	return err
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
// is gone, from the record create saved.
func (m *monitor) cleanNetwork() {
	c := &state.Container{ID: m.plan.ID, Dir: m.plan.Dir}
	st, err := c.Load()
	if err != nil {
		m.log.Error("monitor: read record for network cleanup", "error", err)
		return
	}
	if err := teardown.Network(st.Resources); err != nil {
		m.log.Error("monitor: network cleanup", "error", err)
	}
}
