package main

import "github.com/urfave/cli/v2"

var pauseCommand = &cli.Command{
	Name:      "pause",
	Usage:     "stop the VM's execution until resume",
	ArgsUsage: "<container-id>",
	Action: func(c *cli.Context) error {
		id, err := oneID(c)
		if err != nil {
			return err
		}
		if delegated(id) {
			return delegate(c).Exec(rt.Root, id, commandArgs())
		}
		return rt.Pause(id)
	},
}

var resumeCommand = &cli.Command{
	Name:      "resume",
	Usage:     "let a paused VM run again",
	ArgsUsage: "<container-id>",
	Action: func(c *cli.Context) error {
		id, err := oneID(c)
		if err != nil {
			return err
		}
		if delegated(id) {
			return delegate(c).Exec(rt.Root, id, commandArgs())
		}
		return rt.Resume(id)
	},
}
