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
