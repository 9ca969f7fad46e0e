package qemu

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

// fakeQEMU greets, then reads QMP byte by byte as QEMU does and sends what
// it read on got at each closing brace, answering after an event with the
// next of replies (the handshake's first).
func fakeQEMU(t *testing.T, replies ...string) (*QMP, <-chan string) {
	client, server := net.Pipe()
	t.Cleanup(func() { client.Close(); server.Close() })
	got := make(chan string, 8)
	replies = append([]string{`{"return": {}}`}, replies...) // the handshake's
	go func() {
		w := bufio.NewWriter(server)
		w.WriteString(`{"QMP": {"version": {}, "capabilities": []}}` + "\n")
		w.Flush()
		var cmd []byte
		b := make([]byte, 1)
		for {
			if _, err := server.Read(b); err != nil {
				close(got)
				return
			}
			cmd = append(cmd, b[0])
			if b[0] != '}' {
				continue
			}
			got <- string(cmd)
			cmd = nil
			w.WriteString(`{"event": "RESUME", "timestamp": {}}` + "\n" + replies[0] + "\n")
			w.Flush()
			replies = replies[1:]
		}
	}()
	q, err := Connect(client, 5*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if c := <-got; c != `{"execute":"qmp_capabilities"}` {
		t.Fatalf("handshake sent %q", c)
	}
	return q, got
}

func TestStagedCommandRunsOnExecute(t *testing.T) {
	q, got := fakeQEMU(t, `{"return": {}}`, `{"return": {}}`)
	if err := q.Stage("cont"); err != nil {
		t.Fatalf("Stage: %v", err)
	}
	select {
	case c := <-got:
		t.Fatalf("QEMU ran %q before Execute", c)
	case <-time.After(50 * time.Millisecond):
	}
	if err := q.Execute("stop", time.Second); err == nil || !strings.Contains(err.Error(), "cont is staged") {
		t.Fatalf("another command while cont is staged: %v", err)
	}
	if err := q.Execute("cont", time.Second); err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if c := <-got; c != `{"execute":"cont"}` {
		t.Fatalf("QEMU read %q", c)
	}
	if err := q.Execute("stop", time.Second); err != nil {
		t.Fatalf("a command after the staged one: %v", err)
	}
}

func TestExecuteReportsQEMUsError(t *testing.T) {
	q, _ := fakeQEMU(t, `{"error": {"class": "GenericError", "desc": "no machine"}}`)
	err := q.Execute("x-exit-preconfig", time.Second)
	if err == nil || err.Error() != "qmp x-exit-preconfig: GenericError: no machine" {
		t.Fatalf("Execute: %v", err)
	}
}
