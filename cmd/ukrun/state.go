package main

import (
	"encoding/json"
	"os"

	"github.com/urfave/cli/v2"
)

var stateCommand = idCommand(&cli.Command{
	Name:  "state",
	Usage: "print the OCI state of a container as JSON",
}, func(c *cli.Context, id string) error {
	s, _, err := rt.OCIState(id)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
})
