package main

import "github.com/urfave/cli/v2"

var startCommand = idCommand(&cli.Command{
	Name:  "start",
	Usage: "start a created container",
}, func(c *cli.Context, id string) error { return rt.Start(id) })
