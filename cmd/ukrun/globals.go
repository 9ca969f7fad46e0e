package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ukrun/ukrun/internal/config"
	"github.com/ukrun/ukrun/internal/container"
	"github.com/ukrun/ukrun/internal/logging"
	"github.com/ukrun/ukrun/internal/runc"
)

const version = "0.1.0"

var globalFlags = []cli.Flag{
	&cli.StringFlag{Name: "root", Value: "/run/ukrun", Usage: "directory for container state"},
	&cli.StringFlag{Name: "log", Usage: "log file (default: stderr)"},
	&cli.StringFlag{Name: "log-format", Value: "text", Usage: "log format: text or json"},
	&cli.BoolFlag{Name: "debug", Usage: "log debug messages"},
	&cli.BoolFlag{Name: "systemd-cgroup", Usage: "cgroupsPath is systemd style (slice:prefix:name)"},
	&cli.StringFlag{Name: "config", Usage: "host config file (default $" + config.EnvPath + " or " + config.DefaultPath + ")"},
}

var (
	logger    *slog.Logger
	logCloser io.Closer
	rt        *container.Runtime
)

// setup reads the global flags and the host config for every command.
func setup(c *cli.Context) error {
	path := config.Path(c.String("config"))
	cfg, err := config.Load(path, path != config.DefaultPath)
	if err != nil {
		return err
	}
	applyLogConfig(c, cfg)
	logger, logCloser, err = logging.New(logging.Options{
		Path: c.String("log"), Format: c.String("log-format"), Debug: c.Bool("debug"),
	})
	if err != nil {
		return err
	}
	root, err := filepath.Abs(c.String("root"))
	if err != nil {
		return fmt.Errorf("--root: %w", err)
	}
	rt = &container.Runtime{Root: root, Config: cfg, ConfigPath: path, Log: logger, MonitorArg: monitorArgs(c)}
	return nil
}

// applyLogConfig gives the config file's log settings to the flags the
// command line left unset, so runc and the monitor get them too.
func applyLogConfig(c *cli.Context, cfg config.Config) {
	if !c.IsSet("log") && cfg.Log != "" {
		c.Set("log", cfg.Log)
	}
	if !c.IsSet("log-format") && cfg.LogFormat != "" {
		c.Set("log-format", cfg.LogFormat)
	}
	if !c.IsSet("debug") && cfg.Debug {
		c.Set("debug", "true")
	}
}

func closeLog() {
	if logCloser != nil {
		logCloser.Close()
	}
}

// monitorArgs are the logging flags ukrun-monitor takes from the CLI.
func monitorArgs(c *cli.Context) []string {
	a := []string{"--log-format", c.String("log-format")}
	if c.String("log") != "" {
		a = append(a, "--log", c.String("log"))
	}
	if c.Bool("debug") {
		a = append(a, "--debug")
	}
	return a
}

// delegate returns runc for container id, with the global flags it shares
// with ukrun: the runc recorded at its create, else the configured one.
func delegate(c *cli.Context, id string) runc.Runc {
	var g []string
	if c.String("log") != "" {
		g = append(g, "--log", c.String("log"))
	}
	g = append(g, "--log-format", c.String("log-format"))
	if c.Bool("systemd-cgroup") {
		g = append(g, "--systemd-cgroup")
	}
	if c.Bool("debug") {
		g = append(g, "--debug")
	}
	return runc.Runc{Path: runc.RecordedPath(rt.Root, id, rt.Config.Runc), Global: g}
}

// commandArgs returns the command and its arguments exactly as given, for
// handing to runc: everything after the global flags.
func commandArgs() []string { return argsAfterGlobals(os.Args[1:]) }

func argsAfterGlobals(args []string) []string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			return args[i:]
		}
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && valueFlags[name] {
			i++
		}
	}
	return nil
}

// valueFlags are the global flags that take a separate value.
var valueFlags = map[string]bool{"root": true, "log": true, "log-format": true, "config": true}

// delegated tells whether runc runs the container id.
func delegated(id string) bool { return runc.Delegated(rt.Root, id) }

// oneID returns the single container id argument.
func oneID(c *cli.Context) (string, error) {
	if c.NArg() != 1 {
		return "", fmt.Errorf("%s: want exactly one container id, got %d arguments", c.Command.Name, c.NArg())
	}
	return c.Args().First(), nil
}

// idCommand completes a command that takes one container id: runc runs it
// for a container runc runs, action for a VM container.
func idCommand(cmd *cli.Command, action func(c *cli.Context, id string) error) *cli.Command {
	cmd.ArgsUsage = "<container-id>"
	cmd.Action = func(c *cli.Context) error {
		id, err := oneID(c)
		if err != nil {
			return err
		}
		if delegated(id) {
			return delegate(c, id).Exec(rt.Root, id, commandArgs())
		}
		return action(c, id)
	}
	return cmd
}
