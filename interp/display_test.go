package interp

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// displayRecorder keeps display messages with their ids and update flags.
type displayRecorder struct {
	recorder
	mu2    sync.Mutex
	events []displayEvent
}

type displayEvent struct {
	data   MIMEBundle
	id     string
	update bool
}

func (r *displayRecorder) Display(data MIMEBundle, _ map[string]any, id string, update bool) {
	r.mu2.Lock()
	defer r.mu2.Unlock()
	r.events = append(r.events, displayEvent{data, id, update})
}

func TestShowPublishesFromTheMiddleOfACell(t *testing.T) {
	s := newSession(t)
	out := &displayRecorder{}
	bundle, err := s.Execute(context.Background(), `display.Show(display.HTML("<b>first</b>"))
display.ShowID("counter", 1)
display.Update("counter", 2)
"done"`, out)
	if err != nil {
		t.Fatal(err)
	}
	if bundle["text/plain"] != "done" {
		t.Errorf("result %v", bundle)
	}
	if len(out.events) != 3 {
		t.Fatalf("%d display events, want 3: %+v", len(out.events), out.events)
	}
	if html, _ := out.events[0].data["text/html"].(string); !strings.Contains(html, "<b>first</b>") {
		t.Errorf("Show(HTML) published %v", out.events[0].data)
	}
	if e := out.events[1]; e.id != "counter" || e.update || e.data["text/plain"] != "1" {
		t.Errorf("ShowID: %+v", e)
	}
	if e := out.events[2]; e.id != "counter" || !e.update || e.data["text/plain"] != "2" {
		t.Errorf("Update: %+v", e)
	}
}

func TestHistogramResultsShowAsAChart(t *testing.T) {
	s := newSession(t)
	got := execute(t, s, "sc.Parallelize([]int{1, 2, 2, 3, 9}).Histogram(2)")
	if got.err != nil {
		t.Fatal(got.err)
	}
	if !strings.Contains(got.html, "<svg") || !strings.Contains(got.plain, "[1, 5)") {
		t.Errorf("histogram shown as %q / %q", got.plain, got.html)
	}
}

func TestSlowJobsShowAProgressBar(t *testing.T) {
	s := newSession(t)
	fast := &displayRecorder{}
	if _, err := s.Execute(context.Background(), "sc.Parallelize([]int{1, 2, 3}).Count()", fast); err != nil {
		t.Fatal(err)
	}
	if len(fast.events) != 0 {
		t.Errorf("a fast job showed %d progress events", len(fast.events))
	}
	s.progress.delay = 0 // every stage gets a bar at the next tick
	slow := &displayRecorder{}
	_, err := s.Execute(context.Background(), `sc.Parallelize([]int{1, 2, 3, 4}, 4).Map(func(x int) int { time.Sleep(400 * time.Millisecond); return x }).Count()`, slow)
	if err != nil {
		t.Fatal(err)
	}
	if len(slow.events) < 2 {
		t.Fatalf("a slow job showed %d progress events, want a bar and its final update", len(slow.events))
	}
	first, last := slow.events[0], slow.events[len(slow.events)-1]
	if first.update || first.id == "" || !last.update || last.id != first.id {
		t.Errorf("progress events: first %+v, last %+v", first, last)
	}
	if text, _ := last.data["text/plain"].(string); !strings.Contains(text, "4/4") {
		t.Errorf("final progress %q does not show 4/4 tasks", text)
	}
}

// TestJobProgressTicksAndEndsInterrupted checks the live display of a job
// whose tasks all outlast the delay: its clock ticks before any task
// ends, and an interrupted job shows as interrupted with no task done,
// never as complete.
func TestJobProgressTicksAndEndsInterrupted(t *testing.T) {
	s := newSession(t)
	s.progress.delay = 0
	out := &displayRecorder{}
	ctx, cancel := context.WithTimeout(context.Background(), 1600*time.Millisecond)
	defer cancel()
	_, err := s.Execute(ctx, `sc.Parallelize([]int{1, 2}, 2).Map(func(x int) int { time.Sleep(2500 * time.Millisecond); return x }).Count()`, out)
	if err == nil {
		t.Fatal("the interrupted cell did not fail")
	}
	out.mu2.Lock()
	events := append([]displayEvent(nil), out.events...)
	out.mu2.Unlock()
	var running []string
	for _, e := range events {
		text, _ := e.data["text/plain"].(string)
		if strings.Contains(text, "running ·") && strings.Contains(text, "0/2 tasks") {
			running = append(running, text)
		}
	}
	if len(running) < 2 || running[0] == running[len(running)-1] {
		t.Errorf("want at least two different displays of the running job before a task ended, got %q", running)
	}
	if len(events) == 0 {
		t.Fatal("no progress shown")
	}
	last, _ := events[len(events)-1].data["text/plain"].(string)
	if !strings.Contains(last, "interrupted after") || !strings.Contains(last, "0/2 tasks") || strings.Contains(last, "done") {
		t.Errorf("final progress of the interrupted job:\n%s", last)
	}
	for _, e := range events {
		if e.id != events[0].id {
			t.Errorf("display IDs %q and %q: want one display per job", events[0].id, e.id)
			break
		}
	}
}

// commsRecorder is a displayRecorder whose frontend shows widgets of a
// protocol; it keeps the comm messages, in order with the displays.
type commsRecorder struct {
	displayRecorder
	protocol int
	comms    []commEvent
}

// commEvent is a comm message, or a display ("display", with its update
// flag) in the order of both.
type commEvent struct {
	kind   string // "open", "msg", "close" or "display"
	id     string
	data   map[string]any
	update bool
}

func (r *commsRecorder) WidgetProtocol() int { return r.protocol }

func (r *commsRecorder) CommOpen(id, target string, data, _ map[string]any) {
	r.add(commEvent{kind: "open", id: id, data: data})
}

func (r *commsRecorder) CommMsg(id string, data map[string]any) {
	r.add(commEvent{kind: "msg", id: id, data: data})
}

func (r *commsRecorder) CommClose(id string, data map[string]any) {
	r.add(commEvent{kind: "close", id: id, data: data})
}

func (r *commsRecorder) Display(data MIMEBundle, md map[string]any, id string, update bool) {
	r.displayRecorder.Display(data, md, id, update)
	r.add(commEvent{kind: "display", id: id, data: data, update: update})
}

func (r *commsRecorder) add(e commEvent) {
	r.mu2.Lock()
	defer r.mu2.Unlock()
	r.comms = append(r.comms, e)
}

// TestJobProgressIsAWidgetWhereTheFrontendShowsWidgets runs a slow job
// for frontends of both widget protocols: its progress is an HTML widget
// whose value the session updates while it runs, with no display update,
// and that the job's final state replaces in a plain display.
func TestJobProgressIsAWidgetWhereTheFrontendShowsWidgets(t *testing.T) {
	tests := []struct {
		name     string
		protocol int
		// kinds is the order of the messages, updates collapsed.
		kinds []string
	}{
		{"ipywidgets 7 and 8", 2, []string{"open", "open", "open", "display", "msg:update", "display(update)", "close", "close", "close"}},
		{"ipywidgets 6", 1, []string{"open", "msg:display", "msg:update", "close", "display"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSession(t)
			s.progress.delay = 0
			out := &commsRecorder{protocol: tt.protocol}
			_, err := s.Execute(context.Background(), `sc.Parallelize([]int{1, 2}, 2).Map(func(x int) int { time.Sleep(1600 * time.Millisecond); return x }).Count()`, out)
			if err != nil {
				t.Fatal(err)
			}
			var kinds, running []string
			var widgetID string
			for _, e := range out.comms {
				kind := e.kind
				switch {
				case e.update:
					kind += "(update)"
				case e.kind == "msg":
					kind += ":" + e.data["method"].(string)
				}
				if kind == "msg:update" {
					state, _ := e.data["state"].(map[string]any)
					value, _ := state["value"].(string)
					running = append(running, value)
					widgetID = e.id
					if kinds[len(kinds)-1] == kind {
						continue
					}
				}
				kinds = append(kinds, kind)
			}
			if !reflect.DeepEqual(kinds, tt.kinds) {
				t.Errorf("messages %v, want %v", kinds, tt.kinds)
			}
			if len(running) == 0 || !strings.Contains(running[0], "running") {
				t.Errorf("updates of the widget's value: %q", running)
			}
			var last commEvent
			for _, e := range out.comms {
				if e.kind == "display" {
					last = e
				}
			}
			if html, _ := last.data["text/html"].(string); last.kind != "display" || !strings.Contains(html, "2/2") {
				t.Errorf("final display %+v does not show 2/2 tasks", last)
			}
			if _, ok := last.data["application/vnd.jupyter.widget-view+json"]; ok {
				t.Errorf("the final display shows the widget: %v", last.data)
			}
			if first := out.comms[3]; tt.protocol == 2 {
				view, _ := first.data["application/vnd.jupyter.widget-view+json"].(map[string]any)
				if first.kind != "display" || view["model_id"] != widgetID || view["version_major"] != 2 {
					t.Errorf("the widget's view is shown as %+v", first)
				}
			}
			for _, e := range out.comms {
				if e.kind == "open" && e.id == widgetID {
					if tt.protocol == 2 {
						e.data, _ = e.data["state"].(map[string]any)
					}
					if e.data["_model_name"] != "HTMLModel" || e.data["value"] == "" {
						t.Errorf("the widget's model %v", e.data)
					}
				}
			}
		})
	}
}
