package qemu

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"time"
)

// QMP is a client of QEMU's machine protocol on an inherited socket.
type QMP struct {
	conn   net.Conn
	r      *bufio.Reader
	staged string // a command sent but for its closing brace (Stage)
}

type qmpReply struct {
	QMP    json.RawMessage `json:"QMP"`
	Return json.RawMessage `json:"return"`
	Event  string          `json:"event"`
	Error  *struct {
		Class string `json:"class"`
		Desc  string `json:"desc"`
	} `json:"error"`
}

// Connect reads QEMU's greeting and enters command mode.
func Connect(conn net.Conn, timeout time.Duration) (*QMP, error) {
	q := &QMP{conn: conn, r: bufio.NewReader(conn)}
	conn.SetDeadline(time.Now().Add(timeout))
	defer conn.SetDeadline(time.Time{})
	var greet qmpReply
	if err := q.read(&greet); err != nil || greet.QMP == nil {
		return nil, fmt.Errorf("qmp greeting: %v", err)
	}
	if err := q.exec("qmp_capabilities"); err != nil {
		return nil, err
	}
	return q, nil
}

// Execute runs one argument-less command, skipping events, within timeout.
func (q *QMP) Execute(cmd string, timeout time.Duration) error {
	q.conn.SetDeadline(time.Now().Add(timeout))
	defer q.conn.SetDeadline(time.Time{})
	return q.exec(cmd)
}

// Stage sends all of cmd but its closing brace, which Execute(cmd) then
// sends alone: QEMU reads QMP one byte per turn of its main loop, and the
// rest is read by then. Until that byte, QEMU holds the command unrun and
// no other command can be sent.
func (q *QMP) Stage(cmd string) error {
	if q.staged != "" {
		return fmt.Errorf("qmp %s: %s is staged", cmd, q.staged)
	}
	b := command(cmd)
	if _, err := q.conn.Write(b[:len(b)-1]); err != nil {
		return fmt.Errorf("qmp %s: %w", cmd, err)
	}
	q.staged = cmd
	return nil
}

func (q *QMP) exec(cmd string) error {
	b := command(cmd)
	switch q.staged {
	case "":
	case cmd:
		b, q.staged = b[len(b)-1:], ""
	default:
		return fmt.Errorf("qmp %s: %s is staged", cmd, q.staged)
	}
	if _, err := q.conn.Write(b); err != nil {
		return fmt.Errorf("qmp %s: %w", cmd, err)
	}
	for {
		var r qmpReply
		if err := q.read(&r); err != nil {
			return fmt.Errorf("qmp %s: %w", cmd, err)
		}
		switch {
		case r.Error != nil:
			return fmt.Errorf("qmp %s: %s: %s", cmd, r.Error.Class, r.Error.Desc)
		case r.Return != nil:
			return nil
		}
	}
}

// command is an argument-less command on the wire: QEMU runs it at its
// closing brace, so no newline follows.
func command(cmd string) []byte {
	b, _ := json.Marshal(map[string]string{"execute": cmd})
	return b
}

func (q *QMP) read(v *qmpReply) error {
	line, err := q.r.ReadBytes('\n')
	if err != nil {
		return err
	}
	return json.Unmarshal(line, v)
}

// Close closes the connection.
func (q *QMP) Close() error { return q.conn.Close() }
