package container

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/ukrun/ukrun/internal/atomicfile"
	"github.com/ukrun/ukrun/internal/cgroups"
	"github.com/ukrun/ukrun/internal/guest/linux"
	"github.com/ukrun/ukrun/internal/guest/proto"
	"github.com/ukrun/ukrun/internal/hooks"
	"github.com/ukrun/ukrun/internal/monitor"
	"github.com/ukrun/ukrun/internal/netsetup"
	"github.com/ukrun/ukrun/internal/oci"
	"github.com/ukrun/ukrun/internal/proc"
	"github.com/ukrun/ukrun/internal/record"
	"github.com/ukrun/ukrun/internal/state"
	"github.com/ukrun/ukrun/internal/teardown"
	"github.com/ukrun/ukrun/internal/vmm"
	"github.com/ukrun/ukrun/internal/vmm/backends"
)

// CreateOpts are the arguments of `create`.
type CreateOpts struct {
	ID            string
	Bundle        string
	PidFile       string
	ConsoleSocket string
	Annotations   map[string]string // the spec's, merged with the image's urunc.json
	// StartAtOnce: start follows create at once (run), so a VMM launched
	// at create may run from the first instruction instead of waiting to
	// be resumed. Ignored when hooks must run between the two.
	StartAtOnce bool
	// Early: a monitor forked before the spec was read, used if it fits
	// and else stopped. Create takes it over on every path.
	Early *EarlyMonitor
}

// vmRequest is a validated VM bundle, before anything is made.
type vmRequest struct {
	opts    CreateOpts
	spec    *specs.Spec
	rootfs  string
	vm      *oci.VM
	backend vmm.Backend
	vmmBin  string // the backend's binary, absolute
	ukinit  string // linux guests only
	monitor string
	ns      nsPlan
	// noProcess: the spec has no process; start must fail
	noProcess bool
}

// Create makes a VM container and leaves its monitor waiting for start. It
// returns the monitor, a child of this process: one that keeps running
// waits for it (run); one that exits releases it to the subreaper. On
// error nothing is left.
func (r *Runtime) Create(o CreateOpts, spec *specs.Spec) (*proc.Child, error) {
	r.Log.Debug("create: begin", "id", o.ID)
	defer o.Early.Discard() // unless build took it
	req, err := r.validate(o, spec)
	if err != nil {
		return nil, err
	}
	c, st, mon, err := r.build(req)
	if err != nil {
		r.Log.Error("create failed, rolling back", "id", o.ID, "error", err)
		if rerr := r.rollback(c, st, mon); rerr != nil {
			err = fmt.Errorf("%w (rollback: %v)", err, rerr)
		}
		return nil, err
	}
	c.Unlock()
	return mon, nil
}

// validate checks everything that can be checked before making anything.
func (r *Runtime) validate(o CreateOpts, spec *specs.Spec) (*vmRequest, error) {
	if err := state.ValidateID(o.ID); err != nil {
		return nil, err
	}
	if err := state.Free(r.Root, o.ID); err != nil {
		return nil, err
	}
	rootfs, err := oci.RootfsPath(o.Bundle, spec)
	if err != nil {
		return nil, err
	}
	vm, err := oci.ParseVM(o.Annotations, rootfs)
	if err != nil {
		return nil, err
	}
	noProcess := false
	ns, err := planNamespaces(spec)
	if err != nil {
		return nil, err
	}
	if spec.Process == nil {
		// Created without a process, as OCI allows; start will refuse.
		spec.Process = &specs.Process{}
		noProcess = true
	}
	if spec.Process.Terminal != (o.ConsoleSocket != "") {
		return nil, errors.New("process.terminal and --console-socket must be given together")
	}
	if spec.Process.Terminal && (vm.Guest != "linux" || vm.VMM != "qemu") {
		return nil, fmt.Errorf("process.terminal: a %s guest on %s has no terminal, only its console", vm.Guest, vm.VMM)
	}
	memMiB, vcpus := oci.Limits(spec)
	vm.MemoryMiB = firstPositive(vm.MemoryMiB, memMiB, r.Config.MemoryMiB)
	vm.VCPUs = firstPositive(vm.VCPUs, vcpus, r.Config.VCPUs)
	req := &vmRequest{opts: o, spec: spec, rootfs: rootfs, vm: vm, ns: ns, noProcess: noProcess}
	if req.backend, err = backends.Get(vm.VMM); err != nil {
		return nil, err
	}
	bin := r.Config.Binary(req.backend.ConfigKey())
	if bin == "" {
		bin = req.backend.Binary()
	}
	if req.vmmBin, err = r.lookBinary(req.backend.ConfigKey(), bin); err != nil {
		return nil, err
	}
	if vm.Guest == "linux" {
		if req.ukinit, err = r.ukinit(); err != nil {
			return nil, err
		}
	}
	if req.monitor, err = r.monitorBinary(); err != nil {
		return nil, err
	}
	return req, nil
}

func firstPositive(vs ...int) int {
	for _, v := range vs {
		if v > 0 {
			return v
		}
	}
	return 0
}

// build takes or starts the monitor, then makes the container's state and
// every resource, recording each before it is made, from a thread inside
// the namespaces the spec names by path; new ones are made on a thread of
// their own (makeNamespaces). What it made is returned even on error, for
// rollback.
func (r *Runtime) build(req *vmRequest) (c *state.Container, st *state.State, mon *proc.Child, err error) {
	err = inNamespaces(req.ns, func() error {
		// The monitor's runtime starts (an early one's has started) on
		// another core while the state, the new namespaces, the network
		// and the guest are made; it waits for its plan.
		var sync *os.File
		var err error
		if mon, sync, err = r.monitorFor(req); err != nil {
			return err
		}
		defer sync.Close()
		if c, err = state.Create(r.Root, req.opts.ID); err != nil {
			return err
		}
		o, spec := req.opts, req.spec
		st = &state.State{
			Head:   state.Head{ID: o.ID, Status: state.Creating, Config: r.Config, Hooks: spec.Hooks, NoProcess: req.noProcess},
			Bundle: o.Bundle, Rootfs: req.rootfs, Annotations: spec.Annotations, Created: time.Now().UTC(), VM: req.vm,
		}
		if st.Monitor, err = proc.Of(mon.Pid); err != nil {
			return fmt.Errorf("monitor exited at once: %w", err)
		}
		// At once: the monitor's memory is charged to the cgroup it is in
		// when it touches it, and the VMM is forked into its cgroups.
		if err := r.joinCgroups(c, st, spec, mon.Pid); err != nil {
			return err
		}
		nsFiles, nsNames, err := vmmNamespaces(req.ns)
		if err != nil {
			return err
		}
		defer closeFiles(nsFiles)
		nic, err := r.setupNetwork(c, st, req)
		if err != nil {
			return err
		}
		if nic != nil {
			defer nic.Tap.Close() // sent with the plan: the monitor holds it until the VMM does
		}
		if err := c.Record(st, fileResources(ownFiles(c, req))...); err != nil {
			return err
		}
		plan, files, err := r.prepare(c, req, nic)
		if err != nil {
			return err
		}
		r.Log.Debug("create: guest prepared", "id", req.opts.ID)
		defer r.Log.Debug("create: monitor ready", "id", req.opts.ID)
		st.VMMArgv = plan.VMM
		var sent []*os.File
		if plan.Tap {
			sent = append(sent, nic.Tap)
		}
		plan.Namespaces, plan.Network = nsNames, record.Network(st.Resources)
		return r.launchVM(c, st, req, plan, append(sent, nsFiles...), files, mon, sync)
	})
	return c, st, mon, err
}

// ownFiles are the files create makes in the container's directory: the
// start fifo, a Linux guest's initrd and exit disk, and a backend's config
// file (recorded whether or not the backend writes one).
func ownFiles(c *state.Container, req *vmRequest) []string {
	files := []string{c.Path(state.StartFifo), c.Path(state.VMMConfig)}
	if req.vm.Guest == "linux" {
		files = append(files, c.Path(state.InitrdFile))
		if !req.backend.Caps().Ports {
			files = append(files, c.Path(state.ExitDisk))
		}
	}
	return files
}

// prepare builds the VMM's invocation and returns with it what writes the
// files the guest boots from (a Linux guest's initrd), all recorded by
// ownFiles.
func (r *Runtime) prepare(c *state.Container, req *vmRequest, nic *netsetup.Result) (monitor.Plan, func() error, error) {
	linuxGuest := req.vm.Guest == "linux"
	caps := req.backend.Caps()
	var spec vmm.Spec
	files := func() error { return nil }
	var err error
	if linuxGuest {
		var boot *linux.Boot
		if spec, boot, err = r.linuxSpec(c, req, nic, caps); err == nil {
			files = boot.WriteInitrd
		}
	} else {
		spec, err = unikernelSpec(req, nic)
	}
	if err != nil {
		return monitor.Plan{}, nil, err
	}
	spec.Name, spec.Accel = "ukrun-"+req.opts.ID, r.Accel()
	spec.MemoryMiB, spec.VCPUs, spec.Seccomp = req.vm.MemoryMiB, req.vm.VCPUs, req.vm.Seccomp
	running := caps.Paused && req.opts.StartAtOnce && !hooksBeforeStart(req.spec.Hooks)
	if caps.Paused {
		spec.ControlFD, spec.Paused = monitor.FDControl, !running
		// The VMM starts while the initrd is written, and reads it after.
		spec.Preconfig = caps.Preconfig && linuxGuest
	}
	if nic != nil {
		spec.NIC = &vmm.NIC{Tap: nic.TapName, MAC: nic.Pod.MAC.String(), MTU: nic.Pod.MTU}
		if caps.TapFD {
			spec.NIC.FD = monitor.FDTap
		}
	}
	spec.ConfigFile = c.Path(state.VMMConfig)
	launch, err := req.backend.Build(spec)
	if err != nil {
		return monitor.Plan{}, nil, err
	}
	for path, content := range launch.Files {
		if path != spec.ConfigFile {
			return monitor.Plan{}, nil, fmt.Errorf("%s wants to write %s, not its recorded config file", req.backend.Name(), path)
		}
		if err := os.WriteFile(path, content, 0o600); err != nil {
			return monitor.Plan{}, nil, fmt.Errorf("write %s config: %w", req.backend.Name(), err)
		}
	}
	if err := unix.Mkfifo(c.Path(state.StartFifo), 0o600); err != nil {
		return monitor.Plan{}, nil, fmt.Errorf("make start fifo: %w", err)
	}
	plan := monitor.Plan{ID: req.opts.ID, VMM: append([]string{req.vmmBin}, launch.Argv...),
		VMMLog: c.Path(state.VMMLog), StartFifo: c.Path(state.StartFifo),
		Tap: nic != nil && caps.TapFD, Terminal: req.spec.Process.Terminal, BootTimeout: r.Config.BootTimeout,
		Paused: caps.Paused, Running: running, Preconfig: spec.Preconfig, Channels: linuxGuest && caps.Ports}
	if linuxGuest && !caps.Ports {
		plan.ExitFile = c.Path(state.ExitDisk) // made by linuxSpec
	}
	return plan, files, nil
}

// linuxSpec plans a Linux guest's initrd (ukinit, modules, the app) and,
// when the VMM has no virtio-serial ports, writes the exit disk.
func (r *Runtime) linuxSpec(c *state.Container, req *vmRequest, nic *netsetup.Result, caps vmm.Caps) (vmm.Spec, *linux.Boot, error) {
	lr := linux.Request{
		Config: r.Config, VM: req.vm, Spec: req.spec, Rootfs: req.rootfs,
		Ukinit: req.ukinit, InitrdTo: c.Path(state.InitrdFile), Net: guestNet(nic), Accel: r.Accel(),
		TSCKHz: r.TSCKHz(),
	}
	var disks []vmm.Disk
	if !caps.Ports {
		// No virtio-serial: the exit code comes back on a disk of its own.
		exit := c.Path(state.ExitDisk)
		if err := os.WriteFile(exit, make([]byte, proto.ExitDiskSize), 0o600); err != nil {
			return vmm.Spec{}, nil, fmt.Errorf("make exit disk: %w", err)
		}
		lr.ExitDisk, disks = "/dev/vda", []vmm.Disk{{ID: "exit", Path: exit}}
	}
	boot, err := linux.Prepare(lr)
	if err != nil {
		return vmm.Spec{}, nil, err
	}
	return linuxVMSpec(boot, caps, c.Path(state.ConsoleLog), disks), boot, nil
}

// linuxVMSpec is the VM of a prepared Linux guest on a backend that can
// do caps: with virtio-serial its ports and a console log, else its exit
// disk; an entropy device where there is one (without, the guest's
// getrandom() blocks about a second under TCG, until the kernel has
// gathered entropy from timing jitter).
func linuxVMSpec(boot *linux.Boot, caps vmm.Caps, consoleLog string, disks []vmm.Disk) vmm.Spec {
	spec := vmm.Spec{
		Machine: boot.Machine, Kernel: boot.Kernel, Initrd: boot.Initrd, Cmdline: boot.Cmdline,
		Shares: boot.Shares, Disks: disks, RNG: caps.RNG,
	}
	if caps.Ports {
		spec.ConsoleLog, spec.Ports = consoleLog, guestPorts()
	}
	return spec
}

// spawnMonitor starts the monitor of container id from the calling thread,
// in its namespaces, and in a new PID namespace when clone says so. It
// returns the socket on which the monitor waits for its plan.
func (r *Runtime) spawnMonitor(id, bin string, clone uintptr, consoleSocket string) (*proc.Child, *os.File, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("socketpair: %w", err)
	}
	unix.SetNonblock(fds[0], true) // waits in the poller (monitor.recvMsg)
	ours, theirs := os.NewFile(uintptr(fds[0]), "sync"), os.NewFile(uintptr(fds[1]), "sync-monitor")
	defer theirs.Close()
	sys := &syscall.SysProcAttr{Setsid: true, Cloneflags: clone}
	files, stdio, err := r.stdio(sys, consoleSocket)
	if err != nil {
		ours.Close()
		return nil, nil, err
	}
	argv := append(append([]string{"ukrun-monitor"}, r.MonitorArg...), filepath.Join(r.Root, id))
	// One P is plenty for a relay, and its runtime starts sooner (0.2 ms)
	// with three fewer threads and 250 KiB less resident.
	env := []string{"PATH=" + os.Getenv("PATH"), "GOMAXPROCS=1"}
	mon, err := proc.Spawn(bin, argv, env, append(files, theirs), sys)
	stdio.Close()
	if err != nil {
		ours.Close()
		return nil, nil, fmt.Errorf("start monitor: %w", err)
	}
	return mon, ours, nil
}

// launchVM hands the monitor its plan and the files it names (sent),
// writes the boot files (files) while a preconfig VMM starts, else before,
// and records the VMM once it is up.
func (r *Runtime) launchVM(c *state.Container, st *state.State, req *vmRequest, plan monitor.Plan, sent []*os.File, files func() error, mon *proc.Child, sync *os.File) error {
	if !plan.Preconfig {
		if err := r.writeFiles(files, req); err != nil {
			return err
		}
	}
	if err := monitor.SendPlan(sync, plan, sent); err != nil {
		return err
	}
	var sendErr error
	if plan.Preconfig {
		// Written once QEMU runs, which reads them only after its own
		// start (about 20 ms): until then the two would share the cores.
		if err := awaitLaunched(sync); err != nil {
			return err
		}
		if err := r.writeFiles(files, req); err != nil {
			// A monitor still waiting for QMP gives up within the boot
			// timeout, then stops the VMM.
			awaitMonitor(mon, sync, time.Duration(plan.BootTimeout)*time.Second+5*time.Second)
			return err
		}
		// A monitor that could not start the VMM has answered already and
		// is gone: its answer, read below, says why.
		if sendErr = monitor.SendFilesReady(sync); sendErr != nil {
			if rc, err := sync.SyscallConn(); err == nil {
				rc.Control(func(fd uintptr) { unix.Shutdown(int(fd), unix.SHUT_WR) })
			}
		}
	}
	_, pidfd, err := monitor.RecvReady(sync)
	if pidfd >= 0 {
		defer unix.Close(pidfd)
	}
	if err == nil {
		err = sendErr
	}
	if err != nil {
		return fmt.Errorf("launch VM: %w", err)
	}
	if plan.Paused != (pidfd >= 0) {
		return fmt.Errorf("launch VM: monitor answered without the VMM's pidfd")
	}
	if plan.Paused {
		if err := r.recordVMM(c, st, pidfd); err != nil {
			return err
		}
	} else {
		st.Status = state.Created // the VMM is exec'd at start
		if err := c.Save(st); err != nil {
			return err
		}
	}
	if err := runCreateHooks(st); err != nil {
		return err
	}
	return writePidFile(req.opts.PidFile, mon.Pid)
}

// awaitLaunched reads the monitor's first answer to a Preconfig plan.
func awaitLaunched(sync *os.File) error {
	ready, pidfd, err := monitor.RecvReady(sync)
	if pidfd >= 0 {
		unix.Close(pidfd)
	}
	switch {
	case err != nil:
		return fmt.Errorf("launch VM: %w", err)
	case !ready.Launched:
		return errors.New("launch VM: the monitor answered before the VMM was launched")
	}
	return nil
}

// writeFiles writes the VM's boot files (a big image's take a while).
func (r *Runtime) writeFiles(files func() error, req *vmRequest) error {
	t := time.Now()
	if err := files(); err != nil {
		return err
	}
	r.Log.Info("create: boot files written", "id", req.opts.ID, "ms", time.Since(t).Milliseconds())
	return nil
}

// awaitMonitor closes the sync socket, on which a monitor that launched a
// VMM before its files were written waits: it stops the VMM and exits, and
// is reaped, so that rollback finds the VMM gone. One that takes longer
// than timeout is killed.
func awaitMonitor(mon *proc.Child, sync *os.File, timeout time.Duration) {
	sync.Close()
	mon.StopWithin(timeout)
}

func (r *Runtime) recordVMM(c *state.Container, st *state.State, pidfd int) error {
	pid, err := proc.PidOfFD(pidfd)
	if err != nil {
		return fmt.Errorf("find VMM pid: %w", err)
	}
	if st.VMM, err = proc.Of(pid); err != nil {
		return fmt.Errorf("VMM pid %d: %w", pid, err)
	}
	st.Status = state.Created
	return c.Save(st)
}

func (r *Runtime) joinCgroups(c *state.Container, st *state.State, spec *specs.Spec, pid int) error {
	if spec.Linux == nil || spec.Linux.CgroupsPath == "" {
		return nil
	}
	dirs, err := cgroups.Dirs(spec.Linux.CgroupsPath)
	if err != nil {
		return err
	}
	record := func(d string) error { return c.Record(st, record.Resource{Kind: record.KindCgroup, Path: d}) }
	for _, d := range dirs {
		if err := cgroups.Join(d, pid, record); err != nil {
			return err
		}
	}
	return nil
}

// fileResources are the records of files create makes.
func fileResources(paths []string) []record.Resource {
	rs := make([]record.Resource, len(paths))
	for i, p := range paths {
		rs[i] = record.Resource{Kind: record.KindFile, Path: p}
	}
	return rs
}

// guestPorts are the virtio-serial ports of a Linux guest, on the
// monitor's fixed fds.
func guestPorts() []vmm.Port {
	fds := []int{monitor.FDCtl, monitor.FDStdin, monitor.FDStdout, monitor.FDStderr}
	ports := make([]vmm.Port, len(proto.Ports))
	for i, name := range proto.Ports {
		ports[i] = vmm.Port{Name: name, FD: fds[i]}
	}
	return ports
}

// writePidFile writes pid atomically, as containerd expects.
func writePidFile(path string, pid int) error {
	if path == "" {
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	return atomicfile.WriteVolatile(abs, []byte(strconv.Itoa(pid)), 0o644)
}

// rollback undoes a failed create: stop what runs, undo the record, remove
// the state dir. Without a state dir (c nil) there is only the monitor.
func (r *Runtime) rollback(c *state.Container, st *state.State, mon *proc.Child) error {
	if c == nil {
		if mon != nil {
			mon.Stop()
		}
		return nil
	}
	var errs []error
	if st.VMM.Pid > 0 {
		if err := st.VMM.Signal(unix.SIGKILL); err != nil && !errors.Is(err, proc.ErrGone) {
			errs = append(errs, err)
		}
	}
	if mon != nil && mon.PidFD >= 0 {
		mon.Stop()
	}
	// The VMM dies with the monitor; its cgroups empty only once it is gone.
	if err := st.VMM.Wait(10 * time.Second); err != nil {
		errs = append(errs, fmt.Errorf("VMM pid %d: %w", st.VMM.Pid, err))
	}
	if err := teardown.All(st.Resources); err != nil {
		errs = append(errs, err)
	}
	if err := c.Remove(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// hooksBeforeStart tells whether hooks must run after the VM exists and
// before the app may.
func hooksBeforeStart(h *specs.Hooks) bool {
	return h != nil && len(h.CreateRuntime)+len(h.Prestart)+len(h.CreateContainer)+len(h.StartContainer) > 0
}

// runCreateHooks runs the hooks of the create step once the VM exists. For
// a VM container they all run in the runtime's namespaces.
func runCreateHooks(st *state.State) error {
	if st.Hooks == nil {
		return nil
	}
	s := ociState(st)
	s.Status = specs.StateCreating
	for _, h := range []struct {
		kind  string
		hooks []specs.Hook
	}{{"createRuntime", st.Hooks.CreateRuntime}, {"prestart", st.Hooks.Prestart}, {"createContainer", st.Hooks.CreateContainer}} {
		if err := hooks.Run(h.kind, h.hooks, s); err != nil {
			return err
		}
	}
	return nil
}
