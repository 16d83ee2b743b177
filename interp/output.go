package interp

import "github.com/gosparkling/gosparkling/cell"

// MIMEBundle maps MIME types ("text/plain", "text/html", ...) to their
// representation of one value, as Jupyter's display messages carry it.
type MIMEBundle = cell.MIMEBundle

// Output receives what a running cell produces, as it produces it (see
// cell.Output).
type Output = cell.Output

// CellError is the error a cell failed with, in the shape of Jupyter's
// error reply: an exception name, a value and a traceback of text lines.
type CellError = cell.Error
