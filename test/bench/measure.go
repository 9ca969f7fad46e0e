package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/guest/proto"
)

type bench struct {
	bin, root, bundle string
}

func (b *bench) ukrun(args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(b.bin, "ukrun"), append([]string{"--root", b.root}, args...)...)
	cmd.Dir = b.bundle
	return cmd
}

// ukrunFirstOutput times `ukrun run` from exec to the app's first byte.
func (b *bench) ukrunFirstOutput(id string) (time.Duration, error) {
	return firstOutput(b.ukrun("run", "--bundle", b.bundle, id))
}

// firstOutput starts cmd with stdout on a pipe and times its first byte,
// then waits for it to end.
func firstOutput(cmd *exec.Cmd) (time.Duration, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	cmd.Stdout = w
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	w.Close()
	buf := make([]byte, 1)
	_, rerr := r.Read(buf)
	d := time.Since(t0)
	go drain(r)
	werr := cmd.Wait()
	r.Close()
	if rerr != nil {
		return 0, fmt.Errorf("no output: %v (exit: %v)", rerr, werr)
	}
	return d, werr
}

// rawArgv creates (not starts) a container to learn the exact VMM argv and
// copies its initrd, then deletes it.
func (b *bench) rawArgv(work string) ([]string, string, error) {
	if err := runQuiet(b.ukrun("create", "--bundle", b.bundle, "argv")); err != nil {
		return nil, "", fmt.Errorf("create: %w", err)
	}
	defer b.ukrun("delete", "--force", "argv").Run()
	raw, err := os.ReadFile(filepath.Join(b.root, "argv", "state.json"))
	if err != nil {
		return nil, "", err
	}
	var st struct {
		VMMArgv []string `json:"vmm_argv"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, "", err
	}
	initrd := filepath.Join(work, "raw-initrd.cpio")
	data, err := os.ReadFile(filepath.Join(b.root, "argv", "initrd.cpio"))
	if err != nil {
		return nil, "", err
	}
	if err := os.WriteFile(initrd, data, 0o600); err != nil {
		return nil, "", err
	}
	return st.VMMArgv, initrd, nil
}

// rawFirstOutput runs QEMU with ukrun's argv, unpaused and without the
// wait for its initrd (-preconfig), on the bench's copy of the initrd,
// holding the five sockets as ukrun would, and times the app's first byte
// on the stdout port.
func rawFirstOutput(argv []string, initrd string) (time.Duration, error) {
	a := make([]string, 0, len(argv))
	for i := 0; i < len(argv); i++ {
		switch {
		case argv[i] == "-S", argv[i] == "-preconfig":
		case i > 0 && argv[i-1] == "-initrd":
			a = append(a, initrd)
		case i > 0 && argv[i-1] == "-chardev" && strings.HasPrefix(argv[i], "file,id=con,"):
			a = append(a, "file,id=con,path=/dev/null")
		default:
			a = append(a, argv[i])
		}
	}
	cmd := exec.Command(a[0], a[1:]...)
	var peers []*os.File
	for i := 0; i < 5; i++ { // fds 3..7: control, ctl, stdin, stdout, stderr
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return 0, err
		}
		cmd.ExtraFiles = append(cmd.ExtraFiles, os.NewFile(uintptr(fds[1]), "vmm"))
		peers = append(peers, os.NewFile(uintptr(fds[0]), "peer"))
	}
	defer func() {
		for _, p := range peers {
			p.Close()
		}
	}()
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	for _, f := range cmd.ExtraFiles {
		f.Close()
	}
	peers[2].Close() // stdin: end of file at once, as ukrun's bench run has
	go answerTime(peers[1])
	buf := make([]byte, 1)
	_, rerr := peers[3].Read(buf)
	d := time.Since(t0)
	go drain(peers[3])
	go drain(peers[4])
	werr := cmd.Wait()
	if rerr != nil {
		return 0, fmt.Errorf("no output: %v (exit: %v)", rerr, werr)
	}
	return d, werr
}

// answerTime plays the monitor on the control port: ukinit asks the
// host's time before it starts the app.
func answerTime(ctl *os.File) {
	sc := bufio.NewScanner(ctl)
	for sc.Scan() {
		if kind, _ := proto.Parse(sc.Text()); kind == proto.MsgTime {
			ctl.WriteString(proto.TimeAnswer(time.Now()))
		}
	}
}

func drain(f *os.File) {
	b := make([]byte, 4096)
	for {
		if _, err := f.Read(b); err != nil {
			return
		}
	}
}

// lifecycle times a running VM's life in ukrun's hands: runtime is ukrun's
// own time, from invoking create until the VMM is exec'd (the monitor logs
// it) plus start; withFiles ends create's part when the initrd is written
// too, which QEMU, started before, waits for; createStart is the wall time
// of create and start, QEMU's own start included; teardown is kill +
// delete until all is gone.
func (b *bench) lifecycle(id string) (runtime, withFiles, createStart, teardown time.Duration, err error) {
	log := filepath.Join(b.root, "..", id+".log")
	defer os.Remove(log)
	t0 := time.Now()
	// Info level, as containerd runs it: both times are info lines.
	if err := runQuiet(b.ukrun("--log", log, "--log-format", "json", "create", "--bundle", b.bundle, id)); err != nil {
		return 0, 0, 0, 0, fmt.Errorf("create: %w", err)
	}
	t1 := time.Now()
	if err := runQuiet(b.ukrun("start", id)); err != nil {
		return 0, 0, 0, 0, fmt.Errorf("start: %w", err)
	}
	createStart = time.Since(t0)
	launched, err := logTime(log, "monitor: VMM launched")
	if err != nil {
		return 0, 0, 0, 0, err
	}
	written, err := logTime(log, "create: boot files written")
	if err != nil {
		return 0, 0, 0, 0, err
	}
	start := createStart - t1.Sub(t0)
	runtime = launched.Sub(t0) + start
	withFiles = max(launched.Sub(t0), written.Sub(t0)) + start
	t2 := time.Now()
	if err := runQuiet(b.ukrun("kill", id, "KILL")); err != nil {
		return 0, 0, 0, 0, fmt.Errorf("kill: %w", err)
	}
	if err := runQuiet(b.ukrun("delete", "--force", id)); err != nil {
		return 0, 0, 0, 0, fmt.Errorf("delete: %w", err)
	}
	return runtime, withFiles, createStart, time.Since(t2), nil
}

// logTime returns the time of the first JSON log line with message msg.
func logTime(path, msg string) (time.Time, error) {
	f, err := os.Open(path)
	if err != nil {
		return time.Time{}, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	for {
		var l struct {
			Time time.Time `json:"time"`
			Msg  string    `json:"msg"`
		}
		if err := dec.Decode(&l); err != nil {
			return time.Time{}, fmt.Errorf("no %q in %s: %w", msg, path, err)
		}
		if l.Msg == msg {
			return l.Time, nil
		}
	}
}

// run runs a ukrun command with its stdio on /dev/null: a monitor inherits
// create's stdio and would hold a pipe open for the container's life.
func runQuiet(cmd *exec.Cmd) error {
	return cmd.Run()
}
