package main

import (
	"fmt"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	"github.com/ukrun/ukrun/internal/container"
	"github.com/ukrun/ukrun/internal/oci"
	"github.com/ukrun/ukrun/internal/proc"
	"github.com/ukrun/ukrun/internal/runc"
	"github.com/ukrun/ukrun/internal/state"
)

// create makes a VM container, or hands a bundle that is not a VM to runc.
// It returns a VM container's monitor, a child of this process (nil when
// runc runs it).
func create(c *cli.Context) (*proc.Child, error) {
	id, err := oneID(c)
	if err != nil {
		return nil, err
	}
	if err := state.ValidateID(id); err != nil {
		return nil, err
	}
	bundle, err := filepath.Abs(c.String("bundle"))
	if err != nil {
		return nil, fmt.Errorf("--bundle: %w", err)
	}
	// Its runtime starts while the spec is read; rt.Create uses or stops it.
	early := rt.ForkEarlyMonitor(id, c.String("console-socket"))
	spec, annotations, err := loadBundle(bundle)
	if err != nil || !oci.IsVM(annotations) {
		early.Discard()
		if err != nil {
			return nil, err
		}
		return nil, runcCreate(c, id)
	}
	return rt.Create(container.CreateOpts{
		ID: id, Bundle: bundle, PidFile: c.String("pid-file"), ConsoleSocket: c.String("console-socket"),
		Annotations: annotations, StartAtOnce: c.Command.Name == "run", Early: early,
	}, spec)
}

// loadBundle reads the bundle's spec and the annotations that decide how it
// runs: an image may carry its annotations in urunc.json.
func loadBundle(bundle string) (*specs.Spec, map[string]string, error) {
	spec, err := oci.LoadSpec(bundle)
	if err != nil {
		return nil, nil, err
	}
	annotations := spec.Annotations
	if rootfs, err := oci.RootfsPath(bundle, spec); err == nil {
		if annotations, err = oci.Effective(spec.Annotations, rootfs); err != nil {
			return nil, nil, err
		}
	}
	return spec, annotations, nil
}

// runcCreate runs `runc create` (or run) for a bundle that is not a VM, in a
// runc root of its own; a failure leaves nothing behind.
func runcCreate(c *cli.Context, id string) error {
	ct, err := state.Create(rt.Root, id)
	if err != nil {
		return err
	}
	defer ct.Unlock()
	if _, err := runc.RecordPath(rt.Root, id, rt.Config.Runc); err != nil {
		ct.Remove()
		return err
	}
	if err := os.Mkdir(runc.Root(rt.Root, id), 0o711); err != nil {
		ct.Remove()
		return fmt.Errorf("make runc root: %w", err)
	}
	code, err := delegate(c, id).Run(rt.Root, id, commandArgs())
	if err == nil && code != 0 && c.Command.Name == "create" {
		err = fmt.Errorf("runc create failed with exit status %d", code)
	}
	if err != nil || c.Command.Name == "run" && !runc.Knows(rt.Root, id) {
		ct.Remove()
	}
	if err == nil && code != 0 {
		return exitCode(code)
	}
	return err
}
