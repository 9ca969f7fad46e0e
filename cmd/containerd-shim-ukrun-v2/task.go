package main

import (
	"context"
	"os"
	"path/filepath"

	taskAPI "github.com/containerd/containerd/api/runtime/task/v2"
	"github.com/containerd/containerd/pkg/shutdown"
	"github.com/containerd/containerd/plugin"
	"github.com/containerd/containerd/protobuf"
	"github.com/containerd/containerd/runtime/v2/runc/options"
	"github.com/containerd/containerd/runtime/v2/runc/task"
	"github.com/containerd/containerd/runtime/v2/shim"
	"github.com/containerd/ttrpc"
	"github.com/containerd/typeurl/v2"
)

// The runc shim's task service, registered under the same plugin id, with
// Create defaulting the runtime binary to ukrun.
func init() {
	plugin.Register(&plugin.Registration{
		Type:     plugin.TTRPCPlugin,
		ID:       "task",
		Requires: []plugin.Type{plugin.EventPlugin, plugin.InternalPlugin},
		InitFn: func(ic *plugin.InitContext) (interface{}, error) {
			pp, err := ic.GetByID(plugin.EventPlugin, "publisher")
			if err != nil {
				return nil, err
			}
			ss, err := ic.GetByID(plugin.InternalPlugin, "shutdown")
			if err != nil {
				return nil, err
			}
			ts, err := task.NewTaskService(ic.Context, pp.(shim.Publisher), ss.(shutdown.Service))
			if err != nil {
				return nil, err
			}
			return &ukrunTask{TaskService: ts}, nil
		},
	})
}

type ukrunTask struct {
	taskAPI.TaskService
}

// Create runs ukrun unless the runtime options name another binary. The
// shim records the binary in the bundle, so its cleanup runs ukrun too.
func (t *ukrunTask) Create(ctx context.Context, r *taskAPI.CreateTaskRequest) (*taskAPI.CreateTaskResponse, error) {
	opts := &options.Options{}
	if r.Options.GetValue() != nil {
		v, err := typeurl.UnmarshalAny(r.Options)
		if err != nil {
			return nil, err
		}
		if o, ok := v.(*options.Options); ok {
			opts = o
		}
	}
	if opts.BinaryName == "" {
		opts.BinaryName = ukrunBinary()
		a, err := typeurl.MarshalAny(opts)
		if err != nil {
			return nil, err
		}
		r.Options = protobuf.FromAny(a)
	}
	return t.TaskService.Create(ctx, r)
}

// RegisterTTRPC serves this wrapper, not the inner service.
func (t *ukrunTask) RegisterTTRPC(server *ttrpc.Server) error {
	taskAPI.RegisterTaskService(server, t)
	return nil
}

// ukrunBinary is the ukrun installed next to the shim, else ukrun in PATH.
func ukrunBinary() string {
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), "ukrun")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "ukrun"
}
