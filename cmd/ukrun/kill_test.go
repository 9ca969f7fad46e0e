package main

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseSignal(t *testing.T) {
	for in, want := range map[string]unix.Signal{
		"": unix.SIGTERM, "9": unix.SIGKILL, "15": unix.SIGTERM, "KILL": unix.SIGKILL,
		"SIGTERM": unix.SIGTERM, "hup": unix.SIGHUP, "sigusr1": unix.SIGUSR1,
	} {
		if got, err := parseSignal(in); err != nil || got != want {
			t.Errorf("parseSignal(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"0", "-9", "65", "SIGNOPE", "9x"} {
		if _, err := parseSignal(bad); err == nil {
			t.Errorf("parseSignal(%q) accepted", bad)
		}
	}
}

func TestCommandArgs(t *testing.T) {
	for _, tc := range []struct{ argv, want []string }{
		{[]string{"ukrun", "--root", "/r", "--log", "l", "--log-format", "json", "delete", "--force", "x"}, []string{"delete", "--force", "x"}},
		{[]string{"ukrun", "--root=/r", "--debug", "kill", "--all", "x", "9"}, []string{"kill", "--all", "x", "9"}},
		{[]string{"ukrun", "--systemd-cgroup", "create", "--bundle", "b", "x"}, []string{"create", "--bundle", "b", "x"}},
	} {
		if got := argsAfterGlobals(tc.argv[1:]); len(got) != len(tc.want) || got[0] != tc.want[0] || got[len(got)-1] != tc.want[len(tc.want)-1] {
			t.Errorf("argsAfterGlobals(%v) = %v, want %v", tc.argv, got, tc.want)
		}
	}
}
