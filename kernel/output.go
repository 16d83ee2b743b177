package kernel

import (
	"errors"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gosparkling/gosparkling/cell"
)

const (
	// streamInterval is the longest a stream write waits before it is
	// published: writes closer together than this are coalesced into one
	// IOPub message so a chatty loop does not flood the frontend.
	streamInterval = 50 * time.Millisecond
	// streamMaxPending publishes buffered stream text at once when it
	// grows past this many bytes.
	streamMaxPending = 64 << 10
)

// Pager is implemented by the cell.Output the kernel passes to
// Execute. Page shows data (a MIME bundle with at least text/plain) in
// the frontend's pager, scrolled to line start, as IPython's "?" help
// does: it becomes a "page" payload of the cell's execute_reply, so what
// is paged after the cell has returned is dropped.
type Pager interface {
	Page(data cell.MIMEBundle, start int)
}

// OutputClearer is implemented by the cell.Output the kernel passes to
// Execute. ClearOutput clears the output the cell has shown so far
// (Jupyter's clear_output); with wait set the frontend clears it only
// when new output arrives, which avoids flicker in animations.
type OutputClearer interface {
	ClearOutput(wait bool)
}

// errNoStdin is the error of Input when the frontend did not allow
// stdin in its execute_request.
var errNoStdin = errors.New("kernel: this frontend does not support input (the execute_request has allow_stdin false)")

// publishFunc publishes one IOPub message of the given type.
type publishFunc func(msgType string, content any)

// inputFunc asks the frontend for a line of input.
type inputFunc func(prompt string, password bool) (string, error)

// cellOutput is the cell.Output of one execute_request. Stream text is
// published promptly (at most streamInterval late) and in order with the
// displays; it is safe for use from several goroutines, also after the
// cell has finished.
type cellOutput struct {
	publish publishFunc
	// onPanic reports a panic recovered in the flushing timer goroutine.
	onPanic func(recovered any)
	// input reads from the frontend; nil when it does not allow stdin.
	// It is set before the cell starts.
	input inputFunc
	// comms records the comms the cell opens; widgets is the frontend's
	// widget protocol, fixed when the cell starts. Both are set before
	// the cell starts; comms may be nil (tests).
	comms   *commTable
	widgets int

	mu       sync.Mutex
	name     string // stream the pending text belongs to
	pending  []byte
	lastSent time.Time
	timer    *time.Timer
	timerGen int           // identifies the live timer; stale firings are ignored
	payload  []pagePayload // of the execute_reply
}

var (
	_ cell.Output      = (*cellOutput)(nil)
	_ cell.InputReader = (*cellOutput)(nil)
	_ Pager            = (*cellOutput)(nil)
	_ OutputClearer    = (*cellOutput)(nil)
	_ cell.Comms       = (*cellOutput)(nil)
)

func newCellOutput(publish publishFunc, onPanic func(recovered any)) *cellOutput {
	return &cellOutput{publish: publish, onPanic: onPanic}
}

// Stream publishes text written to stdout or stderr.
func (o *cellOutput) Stream(name, text string) {
	if text == "" {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.pending) > 0 && name != o.name {
		o.flushLocked(true)
	}
	o.name = name
	o.pending = append(o.pending, text...)
	wait := streamInterval - time.Since(o.lastSent)
	switch {
	case len(o.pending) >= streamMaxPending || wait <= 0:
		o.flushLocked(false)
		if len(o.pending) > 0 { // an incomplete UTF-8 sequence was held back
			o.scheduleLocked(streamInterval)
		}
	case o.timer == nil:
		o.scheduleLocked(wait)
	}
}

// Display publishes display_data, or update_display_data when update is
// set and displayID names the display to replace.
func (o *cellOutput) Display(data cell.MIMEBundle, metadata map[string]any, displayID string, update bool) {
	if data == nil {
		data = cell.MIMEBundle{}
	}
	if metadata == nil {
		metadata = map[string]any{}
	}
	content := displayData{Data: data, Metadata: metadata}
	if displayID != "" {
		content.Transient = &transient{DisplayID: displayID}
	}
	msgType := "display_data"
	if update && displayID != "" {
		msgType = "update_display_data"
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked(true)
	o.publish(msgType, content)
}

// Input asks the frontend for a line of input with an input_request
// and returns what the user typed, without a newline; password hides
// the typing. Pending stream text is published first, so that the
// prompt comes after what the cell printed. Input fails when the
// frontend does not allow stdin, and returns an error when the cell is
// interrupted or has ended. Calls from several goroutines are answered
// one after the other.
func (o *cellOutput) Input(prompt string, password bool) (string, error) {
	o.flush()
	if o.input == nil {
		return "", errNoStdin
	}
	return o.input(prompt, password)
}

// Page adds a "page" payload to the cell's execute_reply.
func (o *cellOutput) Page(data cell.MIMEBundle, start int) {
	if data == nil {
		data = cell.MIMEBundle{}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.payload = append(o.payload, pagePayload{Source: "page", Data: data, Start: start})
}

// ClearOutput publishes clear_output, after the pending stream text
// (which it clears too).
func (o *cellOutput) ClearOutput(wait bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked(true)
	o.publish("clear_output", clearOutput{Wait: wait})
}

// WidgetProtocol returns the widget protocol of the frontend when the
// cell started: cell.NoWidgets, cell.Widgets6 or cell.Widgets7.
func (o *cellOutput) WidgetProtocol() int { return o.widgets }

// CommOpen publishes comm_open, after the pending stream text. The
// metadata is the message's (where widgets say their protocol version).
func (o *cellOutput) CommOpen(id, target string, data, metadata map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked(true)
	if o.comms != nil {
		o.comms.opened(id, target, data)
	}
	o.publish("comm_open", withMetadata{
		content:  commOpenContent{CommID: id, TargetName: target, Data: data},
		metadata: metadata,
	})
}

// CommMsg publishes comm_msg, after the pending stream text.
func (o *cellOutput) CommMsg(id string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked(true)
	if o.comms != nil {
		o.comms.sent(id, data)
	}
	o.publish("comm_msg", commMsgContent{CommID: id, Data: data})
}

// CommClose publishes comm_close, after the pending stream text.
func (o *cellOutput) CommClose(id string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked(true)
	if o.comms != nil {
		o.comms.closed(id)
	}
	o.publish("comm_close", commClose{CommID: id, Data: data})
}

// takePayload returns the payloads of the execute_reply (never nil) and
// forgets them.
func (o *cellOutput) takePayload() []pagePayload {
	o.mu.Lock()
	defer o.mu.Unlock()
	p := o.payload
	o.payload = nil
	if p == nil {
		p = []pagePayload{}
	}
	return p
}

// flush publishes all pending stream text; the kernel calls it when the
// cell ends, before the result or error.
func (o *cellOutput) flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked(true)
}

func (o *cellOutput) scheduleLocked(after time.Duration) {
	o.timerGen++
	gen := o.timerGen
	o.timer = time.AfterFunc(after, func() {
		defer func() {
			if r := recover(); r != nil {
				o.onPanic(r)
			}
		}()
		o.mu.Lock()
		defer o.mu.Unlock()
		if gen != o.timerGen {
			return
		}
		o.timer = nil
		o.flushLocked(false)
		if len(o.pending) > 0 {
			o.scheduleLocked(streamInterval)
		}
	})
}

// flushLocked publishes the pending text. Unless all is set, a trailing
// incomplete UTF-8 sequence stays pending so that a character split
// across writes is not mangled.
func (o *cellOutput) flushLocked(all bool) {
	if o.timer != nil {
		o.timer.Stop()
		o.timer = nil
		o.timerGen++
	}
	n := len(o.pending)
	if !all {
		n = completeUTF8Len(o.pending)
	}
	if n == 0 {
		return
	}
	o.publish("stream", stream{Name: o.name, Text: string(o.pending[:n])})
	o.pending = append(o.pending[:0], o.pending[n:]...)
	o.lastSent = time.Now()
}

// completeUTF8Len is the length of the longest prefix of b that does not
// end inside a multi-byte UTF-8 sequence.
func completeUTF8Len(b []byte) int {
	for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
		if start := len(b) - i; utf8.RuneStart(b[start]) {
			if utf8.FullRune(b[start:]) {
				return len(b)
			}
			return start
		}
	}
	return len(b)
}
