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
	conn net.Conn
	r    *bufio.Reader
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

func (q *QMP) exec(cmd string) error {
	b, _ := json.Marshal(map[string]string{"execute": cmd})
	if _, err := q.conn.Write(append(b, '\n')); err != nil {
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

func (q *QMP) read(v *qmpReply) error {
	line, err := q.r.ReadBytes('\n')
	if err != nil {
		return err
	}
	return json.Unmarshal(line, v)
}

// Close closes the connection.
func (q *QMP) Close() error { return q.conn.Close() }
