// Package logging sets up ukrun's slog logger as runc's callers expect:
// --log names the file, --log-format text or json, and JSON lines carry
// lower-case "level" and "msg", which containerd reads back on failure.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// Options are the global logging flags.
type Options struct {
	Path   string // empty: stderr
	Format string // text or json
	Debug  bool
}

// New returns the logger and the file to close, if any.
func New(o Options) (*slog.Logger, io.Closer, error) {
	var w io.Writer = os.Stderr
	var closer io.Closer = io.NopCloser(nil)
	if o.Path != "" {
		f, err := os.OpenFile(o.Path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("open log %s: %w", o.Path, err)
		}
		w, closer = f, f
	}
	level := slog.LevelInfo
	if o.Path == "" {
		// stderr may be the container's: only what a user must see.
		level = slog.LevelWarn
	}
	if o.Debug {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: lowerLevel}
	switch o.Format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), closer, nil
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), closer, nil
	}
	closer.Close()
	return nil, nil, fmt.Errorf("invalid --log-format %q: want text or json", o.Format)
}

func lowerLevel(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.LevelKey {
		return slog.String(slog.LevelKey, strings.ToLower(a.Value.String()))
	}
	return a
}
