package isolate

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/gosparkling/gosparkling/interp"
)

// Message types. The kernel sends the first group, the child the second.
const (
	msgExecute    = "execute"
	msgInterrupt  = "interrupt"
	msgComplete   = "complete"
	msgInspect    = "inspect"
	msgIsComplete = "is_complete"
	msgInputReply = "input_reply"
	msgShutdown   = "shutdown"

	msgReady        = "ready"
	msgDisplay      = "display"
	msgInputRequest = "input_request"
	msgExecuteReply = "execute_reply"
	msgCommOpen     = "comm_open"
	msgCommMsg      = "comm_msg"
	msgCommClose    = "comm_close"
	msgReply        = "reply" // of complete, inspect and is_complete
)

// message is every message between the kernel and the child; each type
// uses some of the fields.
type message struct {
	Type string `json:"t"`
	// ID pairs a reply with its request; input requests carry the ID of
	// the execute they belong to.
	ID uint64 `json:"id,omitempty"`
	// Sync is the number of the sync marker the child wrote to both
	// output pipes just before sending this message (see syncpipe.Marker).
	Sync uint64 `json:"sync,omitempty"`

	Code     string `json:"code,omitempty"`
	CellName string `json:"cell,omitempty"`
	Cursor   int    `json:"cursor,omitempty"`
	Detail   int    `json:"detail,omitempty"`
	// Widgets is the frontend's widget protocol (cell.Comms), on execute.
	Widgets int `json:"widgets,omitempty"`

	// Display
	Data      interp.MIMEBundle `json:"data,omitempty"`
	Metadata  map[string]any    `json:"metadata,omitempty"`
	DisplayID string            `json:"display_id,omitempty"`
	Update    bool              `json:"update,omitempty"`

	// Comms; a comm's message has Metadata too.
	CommID   string         `json:"comm_id,omitempty"`
	Target   string         `json:"target,omitempty"`
	CommData map[string]any `json:"comm_data,omitempty"`

	// Input
	Prompt   string `json:"prompt,omitempty"`
	Password bool   `json:"password,omitempty"`
	Text     string `json:"text,omitempty"`
	ErrText  string `json:"err,omitempty"`

	// Replies
	Error   *interp.CellError `json:"error,omitempty"`
	Matches []string          `json:"matches,omitempty"`
	Start   int               `json:"start,omitempty"`
	End     int               `json:"end,omitempty"`
	Found   bool              `json:"found,omitempty"`
	Status  string            `json:"status,omitempty"`
	Indent  string            `json:"indent,omitempty"`
	Meta    map[string]any    `json:"meta,omitempty"`
}

// maxMessage bounds one message; a cell's code or a displayed table is far
// smaller. The peer is our own child, so this only guards against a
// corrupted stream.
const maxMessage = 1 << 30

// conn sends and receives messages; Send is safe for concurrent use.
type conn struct {
	r   *bufio.Reader
	wmu sync.Mutex
	w   io.Writer
}

func newConn(rw io.ReadWriter) *conn {
	return &conn{r: bufio.NewReaderSize(rw, 64<<10), w: rw}
}

// send writes m as a 4-byte big-endian length and its JSON.
func (c *conn) send(m *message) error {
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("isolate: encoding %s message: %w", m.Type, err)
	}
	buf := make([]byte, 4, 4+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)))
	buf = append(buf, body...)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := c.w.Write(buf); err != nil {
		return fmt.Errorf("isolate: sending %s message: %w", m.Type, err)
	}
	return nil
}

// receive reads the next message. io.EOF means the peer closed cleanly.
func (c *conn) receive() (*message, error) {
	var size [4]byte
	if _, err := io.ReadFull(c.r, size[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(size[:])
	if n > maxMessage {
		return nil, fmt.Errorf("isolate: message of %d bytes exceeds %d", n, maxMessage)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(c.r, body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	m := new(message)
	if err := json.Unmarshal(body, m); err != nil {
		return nil, fmt.Errorf("isolate: decoding message: %w", err)
	}
	return m, nil
}
