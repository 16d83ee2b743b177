package interp

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

// CellError is the error a cell failed with, in the shape of Jupyter's
// error reply: an exception name, a value and a traceback of text lines.
type CellError struct {
	Name      string   // short kind: "CompileError", "panic", "JobError", "Interrupted", ...
	Value     string   // the message
	Traceback []string // lines shown to the user; may hold ANSI colours
}

// Error returns "Name: Value".
func (e *CellError) Error() string { return e.Name + ": " + e.Value }
