package main

import (
	"os"
	"os/signal"

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
		pid, err := create(c)
		if err != nil || pid == 0 {
			return err // runc ran it, or create failed
		}
		id := c.Args().First()
		if err := rt.Start(id); err != nil {
			cleanup(id)
			return err
		}
		// The monitor is our child, so pid names it until it is reaped; on
		// Unix FindProcess always succeeds.
		mon, _ := os.FindProcess(pid)
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
func forwardHeld(mon *os.Process, sigs <-chan os.Signal) {
	for {
		select {
		case s := <-sigs:
			mon.Signal(s)
		default:
			return
		}
	}
}

// wait forwards sigs to the monitor until it exits and returns its exit
// status as a container exit code.
func wait(mon *os.Process, sigs <-chan os.Signal) int {
	type exit struct {
		ps  *os.ProcessState
		err error
	}
	done := make(chan exit, 1)
	go func() {
		ps, err := mon.Wait()
		done <- exit{ps, err}
	}()
	for {
		select {
		case s := <-sigs:
			mon.Signal(s)
		case e := <-done:
			if e.ps == nil {
				logger.Error("run: wait for monitor", "error", e.err)
				return 255
			}
			return proc.ExitCode(e.ps)
		}
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
