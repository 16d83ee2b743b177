package kernel

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gosparkling/gosparkling/cell"
)

// published is one message a cellOutput published.
type published struct {
	msgType string
	content map[string]any
}

// recorder collects what a cellOutput publishes.
type recorder struct {
	mu   sync.Mutex
	msgs []published
	note chan struct{} // receives a token per message
}

func newRecorder() *recorder { return &recorder{note: make(chan struct{}, 1<<16)} }

// publish records content as it travels: as JSON, decoded.
func (r *recorder) publish(msgType string, content any) {
	var decoded map[string]any
	if b, err := json.Marshal(content); err != nil || json.Unmarshal(b, &decoded) != nil {
		panic(fmt.Sprintf("%s content %#v does not travel as a JSON object", msgType, content))
	}
	r.mu.Lock()
	r.msgs = append(r.msgs, published{msgType, decoded})
	r.mu.Unlock()
	r.note <- struct{}{}
}

func (r *recorder) all() []published {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]published(nil), r.msgs...)
}

func newTestOutput(t *testing.T, r *recorder) *cellOutput {
	return newCellOutput(r.publish, func(p any) { t.Errorf("flush panicked: %v", p) })
}

// merged joins consecutive stream messages of the same stream, so tests
// do not depend on how writes were coalesced.
func merged(msgs []published) []string {
	var out []string
	for _, m := range msgs {
		if m.msgType == "stream" {
			name, text := m.content["name"].(string), m.content["text"].(string)
			if n := len(out); n > 0 && strings.HasPrefix(out[n-1], name+":") {
				out[n-1] += text
				continue
			}
			out = append(out, name+":"+text)
			continue
		}
		out = append(out, fmt.Sprintf("%s%v", m.msgType, m.content))
	}
	return out
}

func TestCellOutputKeepsStreamsAndDisplaysInOrder(t *testing.T) {
	r := newRecorder()
	o := newTestOutput(t, r)
	o.Stream("stdout", "a")
	o.Stream("stdout", "b\n")
	o.Display(cell.MIMEBundle{"text/plain": "1"}, nil, "", false)
	o.Stream("stderr", "oops")
	o.Stream("stdout", "c")
	o.Display(cell.MIMEBundle{"text/plain": "2"}, map[string]any{"m": 1}, "bar", false)
	o.Display(cell.MIMEBundle{"text/plain": "3"}, nil, "bar", true)
	o.Display(nil, nil, "", true) // an update without an id can only be a new display
	o.Stream("stdout", "")        // nothing to publish
	o.flush()

	want := []string{
		"stdout:ab\n",
		"display_data" + fmt.Sprint(map[string]any{"data": cell.MIMEBundle{"text/plain": "1"}, "metadata": map[string]any{}}),
		"stderr:oops",
		"stdout:c",
		"display_data" + fmt.Sprint(map[string]any{"data": cell.MIMEBundle{"text/plain": "2"}, "metadata": map[string]any{"m": 1}, "transient": map[string]any{"display_id": "bar"}}),
		"update_display_data" + fmt.Sprint(map[string]any{"data": cell.MIMEBundle{"text/plain": "3"}, "metadata": map[string]any{}, "transient": map[string]any{"display_id": "bar"}}),
		"display_data" + fmt.Sprint(map[string]any{"data": cell.MIMEBundle{}, "metadata": map[string]any{}}),
	}
	if got := merged(r.all()); !reflect.DeepEqual(got, want) {
		t.Errorf("published\n%q\nwant\n%q", got, want)
	}
}

func TestCellOutputPublishesWithoutWaitingForTheCellToEnd(t *testing.T) {
	r := newRecorder()
	o := newTestOutput(t, r)
	o.Stream("stdout", "first ")
	o.Stream("stdout", "second") // coalesced, published by the timer
	var text string
	deadline := time.After(10 * time.Second)
	for text != "first second" {
		select {
		case <-r.note:
		case <-deadline:
			t.Fatalf("stream text published so far %q, want %q without a flush", text, "first second")
		}
		text = strings.TrimPrefix(merged(r.all())[0], "stdout:")
	}
}

func TestCellOutputIsSafeFromManyGoroutines(t *testing.T) {
	r := newRecorder()
	o := newTestOutput(t, r)
	const writers, lines = 8, 500
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range lines {
				o.Stream("stdout", fmt.Sprintf("w%d-%d\n", w, i))
			}
		})
	}
	wg.Wait()
	o.flush()
	got := merged(r.all())
	if len(got) != 1 {
		t.Fatalf("got %d stream segments, want one stdout segment", len(got))
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(got[0], "stdout:"), "\n"), "\n") {
		seen[line] = true
	}
	if len(seen) != writers*lines {
		t.Errorf("got %d distinct lines, want %d", len(seen), writers*lines)
	}
}

func TestCellOutputDoesNotSplitUTF8Characters(t *testing.T) {
	r := newRecorder()
	o := newTestOutput(t, r)
	text := "héllo → 世界 🙂"
	for i := range len(text) { // one byte at a time
		o.Stream("stdout", text[i:i+1])
	}
	o.flush()
	var joined strings.Builder
	for _, m := range r.all() {
		s := m.content["text"].(string)
		if !utf8.ValidString(s) {
			t.Errorf("published invalid UTF-8 %q", s)
		}
		joined.WriteString(s)
	}
	if joined.String() != text {
		t.Errorf("published %q, want %q", joined.String(), text)
	}
}

func TestCellOutputTimerSurvivesAPanickingPublisher(t *testing.T) {
	panics := make(chan any, 1)
	calls := 0
	o := newCellOutput(func(string, any) {
		calls++ // serialized by the output's mutex
		if calls == 2 {
			panic("publisher broke")
		}
	}, func(p any) { panics <- p })
	o.Stream("stdout", "published at once ")
	o.Stream("stdout", "published by the timer, which panics")
	select {
	case p := <-panics:
		if p != "publisher broke" {
			t.Errorf("recovered %v", p)
		}
	case <-time.After(waitTimeout):
		t.Fatal("the timer's panic was not reported")
	}
	o.Stream("stdout", "the output still works after the panic") // must not deadlock
}

func TestCompleteUTF8Len(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"é", 2},
		{"\xc3", 0},
		{"a\xe4\xb8", 1},
		{"a\xf0\x9f\x99", 1},
		{"a\xf0\x9f\x99\x82", 5},
		{"\xff", 1},         // invalid byte: passed through, not held
		{"\x80\x80\x80", 3}, // stray continuation bytes: passed through
	}
	for _, tt := range tests {
		if got := completeUTF8Len([]byte(tt.in)); got != tt.want {
			t.Errorf("completeUTF8Len(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
