package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// runcCreateStart times `runc create` plus `runc start` of an ordinary
// container running the same app: what a container runtime's own work
// costs on this machine, with no VM.
func (b *bench) runcCreateStart(work string) (float64, error) {
	dir := filepath.Join(work, "runc-bundle")
	if err := os.MkdirAll(filepath.Join(dir, "rootfs"), 0o755); err != nil {
		return 0, err
	}
	app, err := os.ReadFile(filepath.Join(b.bin, "testapp"))
	if err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, "rootfs", "testapp"), app, 0o755); err != nil {
		return 0, err
	}
	if out, err := exec.Command("runc", "spec", "--bundle", dir).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("runc spec: %v: %s", err, out)
	}
	var spec map[string]any
	raw, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err == nil {
		err = json.Unmarshal(raw, &spec)
	}
	if err != nil {
		return 0, err
	}
	proc := spec["process"].(map[string]any)
	proc["args"], proc["terminal"] = []string{"/testapp", "sleep=60"}, false
	if raw, err = json.Marshal(spec); err == nil {
		err = os.WriteFile(filepath.Join(dir, "config.json"), raw, 0o644)
	}
	if err != nil {
		return 0, err
	}
	root := filepath.Join(work, "runc-root")
	runc := func(args ...string) error {
		return exec.Command("runc", append([]string{"--root", root}, args...)...).Run()
	}
	var times []float64
	for i := 0; i < lifecycleRounds; i++ {
		id := fmt.Sprintf("runc%d", i)
		t0 := time.Now()
		err := runc("create", "--bundle", dir, id)
		if err == nil {
			err = runc("start", id)
		}
		d := time.Since(t0)
		runc("kill", id, "KILL")
		if derr := runc("delete", "--force", id); err == nil {
			err = derr
		}
		if err != nil {
			return 0, fmt.Errorf("runc %s: %w", id, err)
		}
		times = append(times, ms(d))
	}
	return median(times), nil
}
