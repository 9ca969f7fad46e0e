// Command ukrun-pack packs an app (and a kernel) with ukrun's annotations
// into an OCI image archive for `ctr images import`. It is a binary of its
// own so that ukrun, which containerd runs at every step of a container's
// life, does not load the image libraries.
package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ukrun/ukrun/internal/atomicfile"
	"github.com/ukrun/ukrun/internal/image"
)

func main() {
	app := &cli.App{
		Name:      "ukrun-pack",
		Usage:     "pack an app (and a kernel) with annotations into an OCI image archive for `ctr images import`",
		ArgsUsage: "[-- app arguments]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Required: true, Usage: "image reference, e.g. example.com/hello:1"},
			&cli.StringFlag{Name: "app", Required: true, Usage: "the app binary (static), placed at /bin/<name>"},
			&cli.StringFlag{Name: "kernel", Usage: "a guest kernel, placed at " + image.KernelPath},
			&cli.StringSliceFlag{Name: "annotation", Aliases: []string{"a"}, Usage: "key=value, e.g. dev.ukrun.guest=linux"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "archive to write"},
		},
		HideVersion:     true,
		HideHelpCommand: true,
		Action:          pack,
		ExitErrHandler:  func(*cli.Context, error) {},
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "ukrun-pack:", err)
		os.Exit(1)
	}
}

func pack(c *cli.Context) error {
	ann := map[string]string{}
	for _, kv := range c.StringSlice("annotation") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return fmt.Errorf("annotation %q: want key=value", kv)
		}
		ann[k] = v
	}
	var buf bytes.Buffer
	err := image.Pack(&buf, image.Spec{Name: c.String("name"), App: c.String("app"), Args: c.Args().Slice(),
		Kernel: c.String("kernel"), Annotations: ann})
	if err != nil {
		return err
	}
	return atomicfile.Write(c.String("output"), buf.Bytes(), 0o644)
}
