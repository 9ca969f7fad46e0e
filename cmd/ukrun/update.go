package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"
)

var updateCommand = idCommand(&cli.Command{
	Name:  "update",
	Usage: "record new memory and cpu limits (JSON LinuxResources from a file, - for stdin)",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "resources", Aliases: []string{"r"}, Usage: "path to LinuxResources JSON, - for stdin"},
	},
}, func(c *cli.Context, id string) error {
	if c.String("resources") == "" {
		return fmt.Errorf("update: --resources is required for VM containers")
	}
	res, err := readResources(c.String("resources"))
	if err != nil {
		return err
	}
	return rt.Update(id, res)
})

func readResources(path string) (*specs.LinuxResources, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("update: %w", err)
		}
		defer f.Close()
		r = f
	}
	var res specs.LinuxResources
	if err := json.NewDecoder(r).Decode(&res); err != nil {
		return nil, fmt.Errorf("update: parse resources JSON: %w", err)
	}
	return &res, nil
}
