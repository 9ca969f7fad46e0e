package main

import (
	"bufio"
	"errors"
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
	asked   time.Time   // when the host's time was asked
	answer  chan answer // the first answer
	err     error       // asking failed
}

// answer is the host's time and when it arrived.
type answer struct {
	arg string
	at  time.Time
}

// readControl starts reading ctl and asks the host for its time: the
// guest's wall clock comes from the RTC, whole seconds behind.
func readControl(ctl *os.File) *control {
	c := &control{signals: make(chan int, 64), answer: make(chan answer, 1), asked: time.Now()}
	if _, err := ctl.WriteString(proto.Format(proto.MsgTime, "")); err != nil {
		c.err = fmt.Errorf("ask the host's time: %w", err)
	}
	go c.read(ctl)
	return c
}

func (c *control) read(ctl *os.File) {
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
			case c.answer <- answer{arg, time.Now()}:
			default: // only the first answer counts
			}
		}
	}
}

// setClock sets the wall clock from the host's answer, if it comes within
// timeout: to the host's time, taken half the round trip before it
// arrived, plus the time since. Without it the clock stays the RTC's, said
// on the console.
func (c *control) setClock(timeout time.Duration) {
	err := c.err
	if err == nil {
		select {
		case a := <-c.answer:
			err = c.apply(a)
		case <-time.After(timeout):
			err = errors.New("the host did not send its time")
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ukinit: %v; the clock is the RTC's\n", err)
	}
}

func (c *control) apply(a answer) error {
	host, err := proto.Time(a.arg)
	if err != nil {
		return err
	}
	now := host.Add(a.at.Sub(c.asked)/2 + time.Since(a.at))
	ts := unix.NsecToTimespec(now.UnixNano())
	if err := unix.ClockSettime(unix.CLOCK_REALTIME, &ts); err != nil {
		return fmt.Errorf("set the clock: %w", err)
	}
	return nil
}

// forwardSignals delivers the monitor's signals to the app.
func (c *control) forwardSignals(pid int) {
	for n := range c.signals {
		_ = unix.Kill(pid, unix.Signal(n))
	}
}
