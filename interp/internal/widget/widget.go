// Package widget shows a Jupyter widget from a cell: an ipywidgets HTML
// widget whose HTML the session replaces while the cell runs, through the
// jupyter.widget comm protocol of the frontend's widget manager, as
// cell.Comms says it speaks it (ipywidgets 6, or 7 and 8). The frontend
// updates the widget in place, with no new output and no display update.
//
// A widget ends by leaving a plain display (HTML and text) in its place,
// so that a saved notebook, or one opened where the kernel is gone, shows
// its last state without the widget's model.
package widget

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/gosparkling/gosparkling/cell"
)

// ViewMIME is the MIME type of a display that shows a widget's view.
const ViewMIME = "application/vnd.jupyter.widget-view+json"

// Module versions of the models, as ipywidgets 7.6 (protocol 2, which
// ipywidgets 8's frontends read too) and ipywidgets 6 name them.
const (
	protocolVersion7 = "2.0.0"
	controls7        = "@jupyter-widgets/controls"
	controlsVersion7 = "1.5.0"
	base7            = "@jupyter-widgets/base"
	baseVersion7     = "1.2.0"
	module6          = "jupyter-js-widgets"
	moduleVersion6   = "~2.1.4"
)

// HTML is an HTML widget shown in a cell's output.
type HTML struct {
	out       cell.Output
	comms     cell.Comms
	protocol  int
	id        string   // the comm, which is the model's id
	owned     []string // the comms of the models it refers to (layout, style)
	displayID string
	closed    bool
}

// Show opens an HTML widget showing html and displays its view in out,
// under displayID; text is what a frontend shows that cannot show the
// view. It returns nil when out's frontend shows no widgets, and the
// caller displays the plain way.
func Show(out cell.Output, displayID, html, text string) *HTML {
	comms, ok := out.(cell.Comms)
	if !ok {
		return nil
	}
	w := &HTML{out: out, comms: comms, protocol: comms.WidgetProtocol(), id: newID(), displayID: displayID}
	switch w.protocol {
	case cell.Widgets7:
		meta := map[string]any{"version": protocolVersion7}
		layout, style := newID(), newID()
		w.owned = []string{layout, style}
		w.comms.CommOpen(layout, cell.WidgetTarget, state7(map[string]any{
			"_model_module": base7, "_model_module_version": baseVersion7, "_model_name": "LayoutModel",
			"_view_module": base7, "_view_module_version": baseVersion7, "_view_name": "LayoutView",
		}), meta)
		w.comms.CommOpen(style, cell.WidgetTarget, state7(map[string]any{
			"_model_module": controls7, "_model_module_version": controlsVersion7, "_model_name": "DescriptionStyleModel",
			"_view_module": base7, "_view_module_version": baseVersion7, "_view_name": "StyleView",
			"description_width": "",
		}), meta)
		w.comms.CommOpen(w.id, cell.WidgetTarget, state7(map[string]any{
			"_model_module": controls7, "_model_module_version": controlsVersion7, "_model_name": "HTMLModel",
			"_view_module": controls7, "_view_module_version": controlsVersion7, "_view_name": "HTMLView",
			"_dom_classes": []any{}, "description": "", "description_tooltip": nil, "placeholder": "",
			"layout": "IPY_MODEL_" + layout, "style": "IPY_MODEL_" + style,
			"value": html,
		}), meta)
		out.Display(cell.MIMEBundle{
			ViewMIME:     map[string]any{"model_id": w.id, "version_major": 2, "version_minor": 0},
			"text/plain": text,
		}, nil, displayID, false)
	case cell.Widgets6:
		w.comms.CommOpen(w.id, cell.WidgetTarget, map[string]any{
			"_model_module": module6, "_model_module_version": moduleVersion6, "_model_name": "HTMLModel",
			"_view_module": module6, "_view_module_version": moduleVersion6, "_view_name": "HTMLView",
			"_dom_classes": []any{}, "description": "", "placeholder": "", "msg_throttle": 1,
			"value": html,
		}, nil)
		// ipywidgets 6 shows a view in the widget area of the cell whose
		// request the message answers.
		w.comms.CommMsg(w.id, map[string]any{"method": "display"})
	default:
		return nil
	}
	return w
}

// state7 is the data of a comm_open of protocol 2.
func state7(state map[string]any) map[string]any {
	return map[string]any{"state": state, "buffer_paths": []any{}}
}

// Set replaces the widget's HTML.
func (w *HTML) Set(html string) {
	if w.closed {
		return
	}
	msg := map[string]any{"method": "update", "state": map[string]any{"value": html}}
	if w.protocol == cell.Widgets6 {
		msg["buffers"] = []any{}
	} else {
		msg["buffer_paths"] = []any{}
	}
	w.comms.CommMsg(w.id, msg)
}

// Close replaces the widget with a plain display of final, and closes
// its models. Later calls do nothing.
func (w *HTML) Close(final cell.MIMEBundle) {
	if w.closed {
		return
	}
	w.closed = true
	if w.protocol == cell.Widgets6 {
		// Closing the model removes its view from the widget area, and
		// the display takes its place in the output.
		w.comms.CommClose(w.id, nil)
		w.out.Display(final, nil, w.displayID, false)
		return
	}
	w.out.Display(final, nil, w.displayID, true)
	w.comms.CommClose(w.id, nil)
	for _, id := range w.owned {
		w.comms.CommClose(id, nil)
	}
}

// newID returns a comm id: 32 random hex digits, as ipykernel's.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
