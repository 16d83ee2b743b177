package widget

import (
	"testing"

	"github.com/gosparkling/gosparkling/cell"
)

// plainOutput is an Output without comms, as nbconvert's kernel client
// and consoles get.
type plainOutput struct{ displays int }

func (o *plainOutput) Stream(string, string) {}
func (o *plainOutput) Display(cell.MIMEBundle, map[string]any, string, bool) {
	o.displays++
}

// commsOutput is an Output with comms for a frontend of a protocol.
type commsOutput struct {
	plainOutput
	protocol int
	sent     int
}

func (o *commsOutput) WidgetProtocol() int                                     { return o.protocol }
func (o *commsOutput) CommOpen(string, string, map[string]any, map[string]any) { o.sent++ }
func (o *commsOutput) CommMsg(string, map[string]any)                          { o.sent++ }
func (o *commsOutput) CommClose(string, map[string]any)                        { o.sent++ }

// TestShowNeedsAFrontendThatShowsWidgets checks that Show leaves the
// display to its caller, sending nothing, where widgets cannot be shown.
func TestShowNeedsAFrontendThatShowsWidgets(t *testing.T) {
	plain := &plainOutput{}
	if w := Show(plain, "d", "<b>x</b>", "x"); w != nil || plain.displays != 0 {
		t.Errorf("Show to an Output without comms = %v after %d displays, want nil and none", w, plain.displays)
	}
	none := &commsOutput{protocol: cell.NoWidgets}
	if w := Show(none, "d", "<b>x</b>", "x"); w != nil || none.sent+none.displays != 0 {
		t.Errorf("Show to a frontend without widgets = %v after %d messages, want nil and none", w, none.sent+none.displays)
	}
}

// TestAClosedWidgetSendsNothing checks that a widget's Set and Close do
// nothing once it is closed.
func TestAClosedWidgetSendsNothing(t *testing.T) {
	for _, protocol := range []int{cell.Widgets6, cell.Widgets7} {
		out := &commsOutput{protocol: protocol}
		w := Show(out, "d", "<b>x</b>", "x")
		w.Close(cell.MIMEBundle{"text/plain": "done"})
		before := out.sent + out.displays
		w.Set("<b>y</b>")
		w.Close(cell.MIMEBundle{"text/plain": "done"})
		if after := out.sent + out.displays; after != before {
			t.Errorf("protocol %d: %d messages after the close", protocol, after-before)
		}
	}
}
