package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/ukrun/ukrun/internal/proc"
	"github.com/ukrun/ukrun/internal/state"
)

var runCommand = &cli.Command{
	Name:      "run",
	Usage:     "create and start a container, wait for it and delete it; exits with the app's code",
	ArgsUsage: "<container-id>",
	Flags: append(createFlags,
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "return after start"},
	),
	Action: func(c *cli.Context) error {
		// A signal from here on is the container's: held while create and
		// start run (rather than ending this process half-way, leaving
		// them undone), then forwarded. runc's path forwards its own.
		sigs := make(chan os.Signal, 16)
		signal.Notify(sigs, proc.Forwarded...)
		defer signal.Stop(sigs)
		mon, err := create(c)
		if err != nil || mon == nil {
			return err // runc ran it, or create failed
		}
		defer mon.Release()
		id := c.Args().First()
		if err := rt.Start(id); err != nil {
			cleanup(id)
			return err
		}
		if c.Bool("detach") {
			forwardHeld(mon, sigs)
			return nil
		}
		code := wait(mon, sigs)
		cleanup(id)
		return exitCode(code)
	},
}

// forwardHeld passes on the signals that came while run set up.
func forwardHeld(mon *proc.Child, sigs <-chan os.Signal) {
	for {
		select {
		case s := <-sigs:
			forward(mon, s)
		default:
			return
		}
	}
}

// wait forwards sigs to the monitor until it exits and returns its exit
// status as a container exit code.
func wait(mon *proc.Child, sigs <-chan os.Signal) int {
	type exit struct {
		ws  syscall.WaitStatus
		err error
	}
	done := make(chan exit, 1)
	go func() {
		ws, err := mon.WaitPolled()
		done <- exit{ws, err}
	}()
	for {
		select {
		case s := <-sigs:
			forward(mon, s)
		case e := <-done:
			if e.err != nil {
				logger.Error("run: wait for monitor", "error", e.err)
				return 255
			}
			return proc.StatusCode(e.ws)
		}
	}
}

// forward passes s to the monitor through its pidfd.
func forward(mon *proc.Child, s os.Signal) {
	if sig, ok := s.(syscall.Signal); ok {
		mon.Signal(sig)
	}
}

// cleanup deletes the container run created, reporting what fails.
func cleanup(id string) {
	ct, err := state.Open(rt.Root, id)
	if err == nil {
		err = rt.Delete(ct, true)
	}
	if err != nil {
		logger.Error("run: delete after exit", "id", id, "error", err)
	}
}
