package proto

import (
	"testing"
	"time"
)

func TestMessages(t *testing.T) {
	kind, arg := Parse(Format(MsgExit, "137"))
	if n, err := Int(kind, arg); kind != MsgExit || err != nil || n != 137 {
		t.Fatalf("round trip: %s %s %d %v", kind, arg, n, err)
	}
	if kind, arg := Parse("error exec: no such file\r\n"); kind != MsgError || arg != "exec: no such file" {
		t.Fatalf("Parse error line: %q %q", kind, arg)
	}
	for _, bad := range []string{"", "x", "-1", "256"} {
		if _, err := Int(MsgSignal, bad); err == nil {
			t.Errorf("Int(%q) accepted", bad)
		}
	}
}

func TestUnder(t *testing.T) {
	for p, want := range map[string]string{
		"/proc": "/proc", "/proc/sys/x": "/proc", "/dev/pts": "/dev", "/procfs": "", "/": "", "/etc/hosts": "",
	} {
		if got := Under(p, KernelDirs...); got != want {
			t.Errorf("Under(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestTimeMessage(t *testing.T) {
	at := time.Unix(1_700_000_000, 123_456_789)
	kind, arg := Parse(TimeAnswer(at))
	got, err := Time(arg)
	if kind != MsgTime || err != nil || !got.Equal(at) {
		t.Fatalf("TimeAnswer round trip: %q %v %v, want %v", kind, got, err, at)
	}
	for _, bad := range []string{"", "x", "-5", "0"} {
		if _, err := Time(bad); err == nil {
			t.Errorf("Time(%q) passed", bad)
		}
	}
	if kind, arg := Parse(Format(MsgTime, "")); kind != MsgTime || arg != "" {
		t.Errorf("the request parses as %q %q", kind, arg)
	}
}
