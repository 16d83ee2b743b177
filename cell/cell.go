// Package cell holds what the kernel and the interpreter say to each
// other about a running notebook cell: its rich outputs (MIMEBundle), the
// Output that receives them as they come, a line of input asked of the
// user (InputReader), the error a cell fails with (Error) and the name it
// runs under. It depends on nothing else, so that the kernel's protocol
// code links neither the interpreter nor the engine.
package cell

import "context"

// MIMEBundle maps MIME types ("text/plain", "text/html", ...) to their
// representation of one value, as Jupyter's display messages carry it.
type MIMEBundle map[string]any

// Output receives what a running cell produces, as it produces it. The
// kernel implements it by publishing on IOPub; tests implement it by
// recording. Implementations must be safe for use from several goroutines.
type Output interface {
	// Stream sends text written to the cell's stdout or stderr; name is
	// "stdout" or "stderr".
	Stream(name, text string)
	// Display shows a rich value (Jupyter's display_data). A non-empty
	// displayID lets a later call with update set replace it in place
	// (update_display_data).
	Display(data MIMEBundle, metadata map[string]any, displayID string, update bool)
}

// InputReader is implemented by Outputs that can ask the user for a line
// of input (the kernel, through Jupyter's input_request).
type InputReader interface {
	// Input shows prompt and returns the line the user typed, without its
	// newline. password hides what is typed.
	Input(prompt string, password bool) (string, error)
}

// Error is the error a cell failed with, in the shape of Jupyter's
// error reply: an exception name, a value and a traceback of text lines.
type Error struct {
	Name      string   // short kind: "CompileError", "panic", "JobError", "Interrupted", ...
	Value     string   // the message
	Traceback []string // lines shown to the user; may hold ANSI colours
}

// Error returns "Name: Value".
func (e *Error) Error() string { return e.Name + ": " + e.Value }

// nameKey is the context key of WithName.
type nameKey struct{}

// WithName returns a context for running a cell that names it, as the
// RDDs it makes record it in their lineage ("In [7]"). A kernel names
// cells after its execution count.
func WithName(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, nameKey{}, name)
}

// Name returns the name WithName gave ctx, or "".
func Name(ctx context.Context) string {
	name, _ := ctx.Value(nameKey{}).(string)
	return name
}

// Widget protocols: the major versions of the jupyter.widget comm protocol
// a frontend's widget manager speaks, as Comms.WidgetProtocol reports them.
const (
	// NoWidgets: the frontend shows no widgets (nbconvert, a console), or
	// has not said that it does.
	NoWidgets = 0
	// Widgets6 is the protocol of ipywidgets 6 (jupyter-js-widgets 2, the
	// classic Notebook's extension in Debian 12): a model's state is the
	// comm_open's data, and a view is shown by a "display" comm message.
	Widgets6 = 1
	// Widgets7 is protocol version 2 of ipywidgets 7 and 8: the state
	// travels as {"state", "buffer_paths"}, and a view is shown by a
	// display_data of application/vnd.jupyter.widget-view+json.
	Widgets7 = 2
)

// WidgetTarget is the comm target of Jupyter widgets' models.
const WidgetTarget = "jupyter.widget"

// Comms is implemented by Outputs that can talk to the frontend over
// Jupyter comms, as widgets do: the kernel publishes what a cell sends
// as comm_open, comm_msg and comm_close messages on IOPub, parented to
// the cell's execute_request.
type Comms interface {
	// WidgetProtocol is the widget protocol the frontend speaks:
	// NoWidgets, Widgets6 or Widgets7. It is the same for the whole run
	// of a cell.
	WidgetProtocol() int
	// CommOpen opens comm id to target with data and metadata.
	CommOpen(id, target string, data, metadata map[string]any)
	// CommMsg sends data on comm id.
	CommMsg(id string, data map[string]any)
	// CommClose closes comm id, sending data.
	CommClose(id string, data map[string]any)
}
