package main

import "github.com/urfave/cli/v2"

var startCommand = &cli.Command{
	Name:      "start",
	Usage:     "start a created container",
	ArgsUsage: "<container-id>",
	Action: func(c *cli.Context) error {
		id, err := oneID(c)
		if err != nil {
			return err
		}
		if delegated(id) {
			return delegate(c).Exec(rt.Root, id, commandArgs())
		}
		return rt.Start(id)
	},
}
