package display

import (
	"fmt"
	"io"
	"os"
)

// Show publishes v from anywhere in a cell, not only as its last value:
// in a notebook its whole MIME bundle (see Bundle) is shown in the cell's
// output, where Show is called; in a compiled program its "text/plain"
// rendition and a line break are printed to os.Stdout.
//
// Show, ShowID and Update are plain functions with simple signatures on
// purpose: the gosparkling interpreter replaces them in the notebook by
// overriding their entries in the yaegi symbol table
// ("github.com/gosparkling/gosparkling/display/display": "Show", "ShowID",
// "Update") with functions bound to the running cell's output, which send
// Bundle(v) as display_data or update_display_data.
func Show(v any) {
	writeText(os.Stdout, v)
}

// ShowID is Show that names the output with id, a display ID, so that a
// later Update with the same id replaces it in place, in this cell or a
// later one. In a compiled program it prints v as Show does.
func ShowID(id string, v any) {
	writeText(os.Stdout, v)
}

// Update replaces, in a notebook, every output shown under the display ID
// id (see ShowID) with v; outputs of other ids are left alone, and so
// nothing shows when no output has that id. In a compiled program, whose
// output cannot be replaced, it prints v as Show does.
func Update(id string, v any) {
	writeText(os.Stdout, v)
}

// writeText writes the text/plain rendition of v and a line break to w.
// Errors writing to standard output are dropped, as fmt.Println's are.
func writeText(w io.Writer, v any) {
	fmt.Fprintln(w, Bundle(v)["text/plain"])
}
