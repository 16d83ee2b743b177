package kernel

import (
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gosparkling/gosparkling/interp"
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

// publishFunc publishes one IOPub message of the given type.
type publishFunc func(msgType string, content any)

// cellOutput is the interp.Output of one execute_request. Stream text is
// published promptly (at most streamInterval late) and in order with the
// displays; it is safe for use from several goroutines, also after the
// cell has finished.
type cellOutput struct {
	publish publishFunc
	// onPanic reports a panic recovered in the flushing timer goroutine.
	onPanic func(recovered any)

	mu       sync.Mutex
	name     string // stream the pending text belongs to
	pending  []byte
	lastSent time.Time
	timer    *time.Timer
	timerGen int // identifies the live timer; stale firings are ignored
}

var _ interp.Output = (*cellOutput)(nil)

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
func (o *cellOutput) Display(data interp.MIMEBundle, metadata map[string]any, displayID string, update bool) {
	if data == nil {
		data = interp.MIMEBundle{}
	}
	if metadata == nil {
		metadata = map[string]any{}
	}
	content := map[string]any{"data": data, "metadata": metadata}
	if displayID != "" {
		content["transient"] = map[string]any{"display_id": displayID}
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
	o.publish("stream", map[string]any{"name": o.name, "text": string(o.pending[:n])})
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
