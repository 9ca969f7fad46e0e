package main

import "github.com/urfave/cli/v2"

var pauseCommand = idCommand(&cli.Command{
	Name:  "pause",
	Usage: "stop the VM's execution until resume",
}, func(c *cli.Context, id string) error { return rt.Pause(id) })

var resumeCommand = idCommand(&cli.Command{
	Name:  "resume",
	Usage: "let a paused VM run again",
}, func(c *cli.Context, id string) error { return rt.Resume(id) })
