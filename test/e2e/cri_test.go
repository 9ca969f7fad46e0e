package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	pauseImage = "ukrun.test/pause:1"
	bridge     = "ukbr0"
	podSubnet  = "10.88.77.0/24"
	criNS      = "k8s.io"
)

// writeCNIConfig gives CRI pods a bridge network the host can reach.
func writeCNIConfig(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	conf := fmt.Sprintf(`{"cniVersion": "0.4.0", "name": "ukrun-e2e", "plugins": [{
  "type": "bridge", "bridge": %q, "isGateway": true, "ipMasq": false,
  "ipam": {"type": "host-local", "subnet": %q, "routes": [{"dst": "0.0.0.0/0"}],
           "dataDir": %q}}]}`, bridge, podSubnet, filepath.Join(workDir, "ipam"))
	return os.WriteFile(filepath.Join(dir, "10-ukrun-e2e.conflist"), []byte(conf), 0o644)
}

// crictlPath is the crictl that install-deps builds.
func crictlPath(t *testing.T) string {
	for _, p := range []string{"/var/cache/ukrun/tools/crictl"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	p, err := exec.LookPath("crictl")
	if err != nil {
		t.Fatalf("crictl not found: run scripts/install-deps.sh")
	}
	return p
}

func crictl(t *testing.T, args ...string) (string, error) {
	cmd := exec.Command(crictlPath(t), append([]string{"--runtime-endpoint", "unix://" + socket,
		"--image-endpoint", "unix://" + socket, "--timeout", "60s"}, args...)...)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), fmt.Errorf("%w: %s", err, ee.Stderr)
	}
	return strings.TrimSpace(string(out)), err
}

func mustCrictl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := crictl(t, args...)
	if err != nil {
		t.Fatalf("crictl %v: %v", args, err)
	}
	return out
}

var criImagesOnce sync.Once

// criImages imports the pause image (a plain container, run by runc) and
// testapp into CRI's namespace.
func criImages(t *testing.T) {
	criImagesOnce.Do(func() {
		for _, img := range []struct {
			name string
			args []string
		}{{pauseImage, []string{"--", "trap", "sleep=1000000"}}, {"ukrun.test/testapp:cri", nil}} {
			archive := filepath.Join(workDir, strings.NewReplacer("/", "_", ":", "_").Replace(img.name)+".tar")
			packTestapp(t, img.name, archive, img.args...)
			if out, err := exec.Command("ctr", "--address", socket, "-n", criNS, "images", "import", archive).CombinedOutput(); err != nil {
				t.Fatalf("import: %v: %s", err, out)
			}
		}
	})
}

// writeJSON writes v to a temp file for crictl.
func writeJSON(t *testing.T, name string, v any) string {
	p := filepath.Join(t.TempDir(), name)
	b, _ := json.Marshal(v)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func podConfig(t *testing.T, name string) string {
	return writeJSON(t, "pod.json", map[string]any{
		"metadata":      map[string]any{"name": name, "namespace": "default", "uid": name + "-uid", "attempt": 0},
		"log_directory": t.TempDir(),
		"linux":         map[string]any{},
	})
}

func containerConfig(t *testing.T, name string, attempt int, args ...string) string {
	return writeJSON(t, fmt.Sprintf("ctr-%d.json", attempt), map[string]any{
		"metadata":    map[string]any{"name": name, "attempt": attempt},
		"image":       map[string]any{"image": "ukrun.test/testapp:cri"},
		"command":     append([]string{"/bin/testapp"}, args...),
		"annotations": map[string]string{"dev.ukrun.guest": "linux"},
		"log_path":    fmt.Sprintf("%s-%d.log", name, attempt),
		"linux":       map[string]any{},
	})
}

// podNetns returns the network namespace path of a pod sandbox.
func podNetns(t *testing.T, pod string) string {
	var info struct {
		Info struct {
			RuntimeSpec struct {
				Linux struct {
					Namespaces []struct{ Type, Path string } `json:"namespaces"`
				} `json:"linux"`
			} `json:"runtimeSpec"`
		} `json:"info"`
	}
	if err := json.Unmarshal([]byte(mustCrictl(t, "inspectp", pod)), &info); err != nil {
		t.Fatal(err)
	}
	for _, ns := range info.Info.RuntimeSpec.Linux.Namespaces {
		if ns.Type == "network" {
			return ns.Path
		}
	}
	t.Fatalf("pod %s has no network namespace", pod)
	return ""
}

func podIP(t *testing.T, pod string) string {
	var st struct {
		Status struct {
			Network struct{ IP string } `json:"network"`
		} `json:"status"`
	}
	if err := json.Unmarshal([]byte(mustCrictl(t, "inspectp", pod)), &st); err != nil {
		t.Fatal(err)
	}
	return st.Status.Network.IP
}

// netnsObjects counts ukrun TAPs and redirects in a namespace by path.
func netnsObjects(path string) (taps, filters int) {
	out, _ := exec.Command("nsenter", "--net="+path, "ip", "-o", "link", "show", "type", "tun").Output()
	taps = strings.Count(string(out), "\n")
	out, _ = exec.Command("nsenter", "--net="+path, "tc", "filter", "show", "dev", "eth0", "ingress").Output()
	filters = strings.Count(string(out), "pref 49374")
	return taps, filters
}

// A pod whose pause container runs under runc (same shim) and whose VM
// container joins the pod network: reachable from the host at the pod IP,
// then stop, rm, stopp, rmp leave nothing.
func TestCRIPodWithVMContainer(t *testing.T) {
	criImages(t)
	defer exec.Command("ip", "link", "del", bridge).Run()
	pod := mustCrictl(t, "runp", "--runtime", "ukrun", podConfig(t, "vm-pod"))
	netns := podNetns(t, pod)
	ip := podIP(t, pod)
	ctrID := mustCrictl(t, "create", pod, containerConfig(t, "web", 0, "listen=8080"), podConfig(t, "vm-pod"))
	mustCrictl(t, "start", ctrID)
	got := dialRetry(t, ip+":8080", 60*time.Second)
	if !strings.HasPrefix(got, "hello from ") {
		t.Fatalf("from the host to the VM at %s: %q", ip, got)
	}
	if taps, _ := netnsObjects(netns); taps != 1 {
		t.Fatalf("%d taps in the pod, want 1", taps)
	}
	mustCrictl(t, "stop", ctrID)
	mustCrictl(t, "rm", ctrID)
	if taps, filters := netnsObjects(netns); taps != 0 || filters != 0 {
		t.Fatalf("after rm: %d taps, %d redirects in the pod", taps, filters)
	}
	mustCrictl(t, "stopp", pod)
	mustCrictl(t, "rmp", pod)
	if _, err := os.Stat(netns); err == nil {
		t.Errorf("pod netns %s still there", netns)
	}
	assertNothingLeftIn(t, criNS, ctrID, pod)
}

// A VM container that crash-loops 20 times in one pod leaves nothing.
func TestCRICrashLoop(t *testing.T) {
	criImages(t)
	defer exec.Command("ip", "link", "del", bridge).Run()
	pod := mustCrictl(t, "runp", "--runtime", "ukrun", podConfig(t, "loop-pod"))
	netns := podNetns(t, pod)
	var ids []string
	for i := 0; i < 20; i++ {
		id := mustCrictl(t, "create", pod, containerConfig(t, "crash", i, "sleep=600"), podConfig(t, "loop-pod"))
		mustCrictl(t, "start", id)
		killVMM(t, criNS, id)
		waitExited(t, id)
		mustCrictl(t, "rm", id)
		ids = append(ids, id)
		if taps, filters := netnsObjects(netns); taps != 0 || filters != 0 {
			t.Fatalf("round %d: %d taps, %d redirects left in the pod", i, taps, filters)
		}
	}
	out, _ := exec.Command("nsenter", "--net="+netns, "tc", "qdisc", "show", "dev", "eth0").Output()
	if strings.Contains(string(out), "ingress") {
		t.Errorf("ingress qdisc left on the pod interface: %s", out)
	}
	mustCrictl(t, "stopp", pod)
	mustCrictl(t, "rmp", pod)
	assertNothingLeftIn(t, criNS, append(ids, pod)...)
}

func killVMM(t *testing.T, ns, id string) {
	t.Helper()
	var st struct {
		VMM struct{ Pid int } `json:"vmm"`
	}
	b, err := os.ReadFile(filepath.Join("/run/containerd/runc", ns, id, "state.json"))
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil || st.VMM.Pid <= 0 {
		t.Fatalf("vmm of %s: %v", id, err)
	}
	syscall.Kill(st.VMM.Pid, syscall.SIGKILL)
}

func waitExited(t *testing.T, id string) {
	t.Helper()
	for i := 0; i < 300; i++ {
		if out, _ := crictl(t, "inspect", "-o", "go-template", "--template", "{{.status.state}}", id); out == "CONTAINER_EXITED" {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("container %s did not exit", id)
}

func dialRetry(t *testing.T, addr string, timeout time.Duration) string {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			buf := make([]byte, 100)
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			n, _ := c.Read(buf)
			c.Close()
			if n > 0 {
				return string(buf[:n])
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no answer from %s within %s", addr, timeout)
	return ""
}

// assertNothingLeftIn checks the runtime root of a containerd namespace.
func assertNothingLeftIn(t *testing.T, ns string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if _, err := os.Stat(filepath.Join("/run/containerd/runc", ns, id)); err == nil {
			t.Errorf("state dir of %s left", id)
		}
		if left := processes(`ukrun-` + regexp.QuoteMeta(id) + `( |$)|/` + regexp.QuoteMeta(id) + `$`); len(left) > 0 {
			t.Errorf("processes of %s left: %v", id, left)
		}
	}
}
