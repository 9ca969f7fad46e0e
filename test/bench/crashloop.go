package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const crashRounds = 200

// crashLoop runs create, start, VMM kill -9, delete in one pod netns and
// returns the round times and the objects left.
func (b *bench) crashLoop(work string) ([]float64, int, error) {
	pod, peer := "ukb-pod", "ukb-peer"
	cleanup := func() { exec.Command("ip", "netns", "del", pod).Run(); exec.Command("ip", "netns", "del", peer).Run() }
	cleanup()
	defer cleanup()
	for _, a := range [][]string{
		{"netns", "add", pod}, {"netns", "add", peer},
		{"link", "add", "ukb-veth", "netns", pod, "type", "veth", "peer", "name", "peer0", "netns", peer},
		{"-n", pod, "link", "set", "ukb-veth", "name", "eth0"},
		{"-n", pod, "addr", "add", "10.97.0.2/24", "dev", "eth0"},
		{"-n", pod, "link", "set", "eth0", "up"},
		{"-n", pod, "route", "add", "default", "via", "10.97.0.1"},
	} {
		if out, err := exec.Command("ip", a...).CombinedOutput(); err != nil {
			return nil, 0, fmt.Errorf("ip %v: %v: %s", a, err, out)
		}
	}
	bundle, err := netBundle(work, b.bundle, "/var/run/netns/"+pod)
	if err != nil {
		return nil, 0, err
	}
	var times []float64
	for i := 0; i < crashRounds; i++ {
		t0 := time.Now()
		if err := runQuiet(b.ukrun("create", "--bundle", bundle, "loop")); err != nil {
			return nil, 0, fmt.Errorf("round %d create: %w", i, err)
		}
		if err := runQuiet(b.ukrun("start", "loop")); err != nil {
			return nil, 0, fmt.Errorf("round %d start: %w", i, err)
		}
		if pid := b.vmmPid("loop"); pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		if err := runQuiet(b.ukrun("delete", "--force", "loop")); err != nil {
			return nil, 0, fmt.Errorf("round %d delete: %w", i, err)
		}
		times = append(times, ms(time.Since(t0)))
	}
	return times, leftIn(pod), nil
}

// netBundle copies the bench bundle's config with the pod netns joined.
func netBundle(work, src, netns string) (string, error) {
	dir := filepath.Join(work, "netbundle")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.Symlink(filepath.Join(src, "rootfs"), filepath.Join(dir, "rootfs")); err != nil {
		return "", err
	}
	raw, err := os.ReadFile(filepath.Join(src, "config.json"))
	if err != nil {
		return "", err
	}
	var spec map[string]any
	json.Unmarshal(raw, &spec)
	linux := spec["linux"].(map[string]any)
	linux["namespaces"] = []map[string]string{{"type": "pid"}, {"type": "network", "path": netns}}
	raw, _ = json.Marshal(spec)
	return dir, os.WriteFile(filepath.Join(dir, "config.json"), raw, 0o644)
}

func (b *bench) vmmPid(id string) int {
	raw, err := os.ReadFile(filepath.Join(b.root, id, "state.json"))
	if err != nil {
		return 0
	}
	var st struct {
		VMM struct{ Pid int } `json:"vmm"`
	}
	json.Unmarshal(raw, &st)
	return st.VMM.Pid
}

// leftIn counts TAPs, ukrun filters and ingress qdiscs in a netns.
func leftIn(ns string) int {
	n := 0
	out, _ := exec.Command("ip", "-n", ns, "-o", "link", "show", "type", "tun").Output()
	n += strings.Count(string(out), "\n")
	out, _ = exec.Command("tc", "-n", ns, "filter", "show", "dev", "eth0", "ingress").Output()
	if strings.Contains(string(out), "pref 49374") {
		n++
	}
	out, _ = exec.Command("tc", "-n", ns, "qdisc", "show", "dev", "eth0").Output()
	n += strings.Count(string(out), "qdisc ingress")
	return n
}

// monitorRSS starts a VM and reads its monitor's resident set while the
// guest runs.
func (b *bench) monitorRSS() (int, error) {
	if err := runQuiet(b.ukrun("create", "--bundle", b.bundle, "rss")); err != nil {
		return 0, err
	}
	defer runQuiet(b.ukrun("delete", "--force", "rss"))
	if err := runQuiet(b.ukrun("start", "rss")); err != nil {
		return 0, err
	}
	time.Sleep(time.Second)
	raw, err := os.ReadFile(filepath.Join(b.root, "rss", "state.json"))
	if err != nil {
		return 0, err
	}
	var st struct {
		Monitor struct{ Pid int } `json:"monitor"`
	}
	json.Unmarshal(raw, &st)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", st.Monitor.Pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			var kib int
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kib)
			return kib, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}
