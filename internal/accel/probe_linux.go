//go:build linux && amd64

package accel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// probeTimeout bounds the whole probe (a variable for tests).
var probeTimeout = 2 * time.Second

// ioctl number helpers (asm-generic/ioctl.h).
func ioc(dir, nr, size uintptr) uintptr { return dir<<30 | size<<16 | 0xAE<<8 | nr }
func io(nr uintptr) uintptr             { return ioc(0, nr, 0) }
func iow(nr, size uintptr) uintptr      { return ioc(1, nr, size) }
func ior(nr, size uintptr) uintptr      { return ioc(2, nr, size) }

type kvmRegs [18]uint64 // rax..r15, rip, rflags

type kvmSegment struct {
	Base                         uint64
	Limit                        uint32
	Selector                     uint16
	Type, Present, DPL, DB, S, L uint8
	G, AVL, Unusable, Padding    uint8
}

type kvmDtable struct {
	Base    uint64
	Limit   uint16
	Padding [3]uint16
}

type kvmSregs struct {
	CS, DS, ES, FS, GS, SS, TR, LDT kvmSegment
	GDT, IDT                        kvmDtable
	CR0, CR2, CR3, CR4, CR8         uint64
	EFER, APICBase                  uint64
	InterruptBitmap                 [4]uint64
}

type kvmMemRegion struct {
	Slot, Flags                 uint32
	GuestPhys, Size, UserspaceA uint64
}

var (
	kvmGetAPIVersion    = io(0x00)
	kvmCreateVM         = io(0x01)
	kvmGetVCPUMmapSize  = io(0x04)
	kvmCreateVCPU       = io(0x41)
	kvmSetUserMemRegion = iow(0x46, unsafe.Sizeof(kvmMemRegion{}))
	kvmRun              = io(0x80)
	kvmGetRegs          = ior(0x81, unsafe.Sizeof(kvmRegs{}))
	kvmSetRegs          = iow(0x82, unsafe.Sizeof(kvmRegs{}))
	kvmGetSregs         = ior(0x83, unsafe.Sizeof(kvmSregs{}))
	kvmSetSregs         = iow(0x84, unsafe.Sizeof(kvmSregs{}))
)

const (
	exitIO            = 2
	exitHLT           = 5
	exitFailEntry     = 9
	exitInternalError = 17
	ioOut             = 1
	guestMem          = 64 << 10
	codeAddr          = 0x1000
	probePort         = 0x10
	loopIters         = 500000 // 1M instructions
	// maxLoopTime is far above hardware speed (<1 ms) and far below
	// emulation (~250 ms); slower than this, TCG would be faster anyway.
	maxLoopTime = 50 * time.Millisecond
)

// probeCode (real mode at codeAddr):
//
//	mov ecx, loopIters; l: dec ecx; jnz l
//	mov al, 0x2a; out 0x10, al; mov al, 0x2b; out 0x10, al; hlt
//
// The loop catches hosts (e.g. kvm_pvm) that "run" guests only through the
// KVM instruction emulator: ~500 ns/instruction there versus ~1 ns in hardware.
var probeCode = []byte{
	0x66, 0xb9, loopIters & 0xff, loopIters >> 8 & 0xff, loopIters >> 16 & 0xff, loopIters >> 24,
	0x66, 0x49, 0x75, 0xfc,
	0xb0, 0x2a, 0xe6, 0x10, 0xb0, 0x2b, 0xe6, 0x10, 0xf4,
}

// ioctl passes p (may be nil); the uintptr conversion stays in the call.
func ioctl(fd int, req uintptr, p unsafe.Pointer) (int, error) {
	r, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(p))
	if e != 0 {
		return int(r), e
	}
	return int(r), nil
}

// Probe runs a tiny real-mode guest under KVM and reports "kvm" only if it
// produced the expected port I/O, halted, and ran its loop at hardware speed
// (under maxLoopTime). The whole probe is bounded by probeTimeout; on timeout the vCPU thread is
// kicked with a signal; if it still does not return it is leaked (acceptable
// for a short-lived process).
func Probe() Result {
	if _, err := os.Stat("/dev/kvm"); err != nil {
		return Result{Accel: "tcg", Reason: "/dev/kvm missing"}
	}
	type out struct {
		err error
		d   time.Duration
	}
	ch := make(chan out, 1)
	var stop atomic.Bool
	var tid atomic.Int32
	go func() {
		// Never unlocked: the thread that ran a vCPU exits with the goroutine.
		runtime.LockOSThread()
		tid.Store(int32(unix.Gettid()))
		d, err := runProbe(&stop)
		ch <- out{err, d}
	}()
	select {
	case o := <-ch:
		if o.err != nil {
			return Result{Accel: "tcg", Reason: "KVM probe failed: " + o.err.Error()}
		}
		return Result{Accel: "kvm", Reason: fmt.Sprintf("KVM probe ran 1M guest instructions in %s", ms(o.d))}
	case <-time.After(probeTimeout):
		stop.Store(true)
		if t := tid.Load(); t != 0 {
			// SIGURG is harmless to Go; it makes a blocked KVM_RUN return EINTR.
			_ = unix.Tgkill(os.Getpid(), int(t), unix.SIGURG)
		}
		return Result{Accel: "tcg", Reason: "KVM probe timed out"}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// runProbe returns how long the guest loop took.
func runProbe(stop *atomic.Bool) (time.Duration, error) {
	kvm, err := unix.Open("/dev/kvm", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, fmt.Errorf("open /dev/kvm: %w", err)
	}
	defer unix.Close(kvm)
	if v, err := ioctl(kvm, kvmGetAPIVersion, nil); err != nil {
		return 0, fmt.Errorf("KVM_GET_API_VERSION: %w", err)
	} else if v != 12 {
		return 0, fmt.Errorf("KVM API version %d, want 12", v)
	}
	vm, err := ioctl(kvm, kvmCreateVM, nil)
	if err != nil {
		return 0, fmt.Errorf("KVM_CREATE_VM: %w", err)
	}
	defer unix.Close(vm)

	mem, err := unix.Mmap(-1, 0, guestMem, unix.PROT_READ|unix.PROT_WRITE,
		unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return 0, fmt.Errorf("mmap guest memory: %w", err)
	}
	defer unix.Munmap(mem)
	copy(mem[codeAddr:], probeCode)
	region := kvmMemRegion{Size: guestMem, UserspaceA: uint64(uintptr(unsafe.Pointer(&mem[0])))}
	if _, err := ioctl(vm, kvmSetUserMemRegion, unsafe.Pointer(&region)); err != nil {
		return 0, fmt.Errorf("KVM_SET_USER_MEMORY_REGION: %w", err)
	}

	vcpu, err := ioctl(vm, kvmCreateVCPU, nil)
	if err != nil {
		return 0, fmt.Errorf("KVM_CREATE_VCPU: %w", err)
	}
	defer unix.Close(vcpu)
	runSize, err := ioctl(kvm, kvmGetVCPUMmapSize, nil)
	if err != nil {
		return 0, fmt.Errorf("KVM_GET_VCPU_MMAP_SIZE: %w", err)
	}
	if runSize < 64 {
		return 0, fmt.Errorf("kvm_run mmap size %d too small", runSize)
	}
	run, err := unix.Mmap(vcpu, 0, runSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return 0, fmt.Errorf("mmap kvm_run: %w", err)
	}
	defer unix.Munmap(run)

	var sregs kvmSregs
	if _, err := ioctl(vcpu, kvmGetSregs, unsafe.Pointer(&sregs)); err != nil {
		return 0, fmt.Errorf("KVM_GET_SREGS: %w", err)
	}
	sregs.CS.Base, sregs.CS.Selector = 0, 0
	if _, err := ioctl(vcpu, kvmSetSregs, unsafe.Pointer(&sregs)); err != nil {
		return 0, fmt.Errorf("KVM_SET_SREGS: %w", err)
	}
	var regs kvmRegs
	if _, err := ioctl(vcpu, kvmGetRegs, unsafe.Pointer(&regs)); err != nil {
		return 0, fmt.Errorf("KVM_GET_REGS: %w", err)
	}
	regs[16], regs[17] = codeAddr, 0x2 // rip, rflags
	if _, err := ioctl(vcpu, kvmSetRegs, unsafe.Pointer(&regs)); err != nil {
		return 0, fmt.Errorf("KVM_SET_REGS: %w", err)
	}
	return runLoop(vcpu, run, stop)
}

// runLoop expects OUT 0x2a, OUT 0x2b on the probe port, then HLT, and
// returns the time until the first OUT (the loop).
func runLoop(vcpu int, run []byte, stop *atomic.Bool) (time.Duration, error) {
	var loop time.Duration
	start := time.Now()
	le := binary.LittleEndian
	want := []byte{0x2a, 0x2b}
	for i := 0; i < 10; {
		if stop.Load() {
			return 0, errors.New("stopped")
		}
		if _, err := ioctl(vcpu, kvmRun, nil); err != nil {
			if err == unix.EINTR || err == unix.EAGAIN {
				continue // Go runtime signals; bounded by the timeout
			}
			return 0, fmt.Errorf("KVM_RUN: %w", err)
		}
		i++
		switch reason := le.Uint32(run[8:]); reason {
		case exitIO:
			dir, size, port := run[32], run[33], le.Uint16(run[34:])
			count, off := le.Uint32(run[36:]), le.Uint64(run[40:])
			if dir != ioOut || size != 1 || port != probePort || count != 1 || off >= uint64(len(run)) {
				return 0, fmt.Errorf("unexpected I/O exit (dir %d size %d port %#x count %d)", dir, size, port, count)
			}
			if len(want) == 0 || run[off] != want[0] {
				return 0, fmt.Errorf("unexpected OUT byte %#x", run[off])
			}
			if loop == 0 {
				loop = time.Since(start)
			}
			want = want[1:]
		case exitHLT:
			if len(want) != 0 {
				return 0, fmt.Errorf("guest halted before writing %d byte(s)", len(want))
			}
			if loop > maxLoopTime {
				return 0, fmt.Errorf("guest too slow: 1M instructions took %s (emulated?%s)", ms(loop), pvmHint())
			}
			return loop, nil
		case exitFailEntry:
			return 0, fmt.Errorf("KVM_EXIT_FAIL_ENTRY (reason %#x)", le.Uint64(run[32:]))
		case exitInternalError:
			return 0, fmt.Errorf("KVM_EXIT_INTERNAL_ERROR (suberror %d)", le.Uint32(run[32:]))
		default:
			return 0, fmt.Errorf("unexpected exit reason %d", reason)
		}
	}
	return 0, errors.New("guest did not halt after 10 exits")
}

func pvmHint() string {
	if _, err := os.Stat("/sys/module/kvm_pvm"); err == nil {
		return " kvm_pvm loaded"
	}
	return ""
}
