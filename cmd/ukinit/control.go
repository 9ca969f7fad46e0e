package main

import (
	"bufio"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/guest/proto"
)

// control is the one reader of the control port: signals for the app,
// queued until it runs, and the host's answer to the clock request.
type control struct {
	signals chan int
	clock   chan error // the outcome of setting the clock from the host's
}

// readControl starts reading ctl and asks the host for its time: the
// guest's wall clock comes from the RTC, whole seconds behind.
func readControl(ctl *os.File) *control {
	c := &control{signals: make(chan int, 64), clock: make(chan error, 1)}
	asked := time.Now()
	_, err := ctl.WriteString(proto.Format(proto.MsgTime, ""))
	if err != nil {
		c.clock <- fmt.Errorf("ask the host's time: %w", err)
	}
	go c.read(ctl, asked)
	return c
}

func (c *control) read(ctl *os.File, asked time.Time) {
	sc := bufio.NewScanner(ctl)
	for sc.Scan() {
		kind, arg := proto.Parse(sc.Text())
		switch kind {
		case proto.MsgSignal:
			if n, err := proto.Int(kind, arg); err == nil && n > 0 {
				select {
				case c.signals <- n:
				default: // 64 signals queued before the app runs: drop
				}
			}
		case proto.MsgTime:
			select {
			case c.clock <- setClock(arg, time.Since(asked)):
			default:
			}
		}
	}
}

// setClock sets the wall clock to the host's time, taken half the round
// trip ago.
func setClock(arg string, rtt time.Duration) error {
	host, err := proto.Time(arg)
	if err != nil {
		return err
	}
	ts := unix.NsecToTimespec(host.Add(rtt / 2).UnixNano())
	if err := unix.ClockSettime(unix.CLOCK_REALTIME, &ts); err != nil {
		return fmt.Errorf("set the clock: %w", err)
	}
	return nil
}

// clockSet waits for the clock to be set; a host that does not answer
// leaves the RTC's time, said on the console.
func (c *control) clockSet(timeout time.Duration) {
	select {
	case err := <-c.clock:
		if err != nil {
			fmt.Fprintln(os.Stderr, "ukinit:", err)
		}
	case <-time.After(timeout):
		fmt.Fprintln(os.Stderr, "ukinit: the host did not send its time; the clock is the RTC's")
	}
}

// forwardSignals delivers the monitor's signals to the app.
func (c *control) forwardSignals(pid int) {
	for n := range c.signals {
		_ = unix.Kill(pid, unix.Signal(n))
	}
}
