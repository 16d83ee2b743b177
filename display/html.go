package display

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html"
	"strconv"
	"strings"
)

// tableStyle is the stylesheet of a table, scoped by the class "%[1]s".
// Colours are inherited, and borders and stripes are translucent grey, so
// that the table reads well in light and dark themes. The selectors are
// specific enough (the class twice) to win over the notebook's own table
// style, JupyterLab's right-aligned cells included.
const tableStyle = `.%[1]s{overflow-x:auto;max-width:100%%}
.%[1]s.%[1]s table{border-collapse:collapse;border:none;margin:0;color:inherit;background:transparent;font-variant-numeric:tabular-nums}
.%[1]s.%[1]s table th,.%[1]s.%[1]s table td{padding:.25em .75em;border:none;border-bottom:1px solid rgba(127,127,127,.25);text-align:left;vertical-align:top;white-space:nowrap;color:inherit;background:transparent}
.%[1]s.%[1]s table thead th{vertical-align:bottom;border-bottom:1px solid rgba(127,127,127,.6)}
.%[1]s.%[1]s table .num{text-align:right}
.%[1]s.%[1]s table tbody th{font-weight:normal;text-align:right;opacity:.6}
.%[1]s.%[1]s table tbody tr:nth-child(odd){background:rgba(127,127,127,.06)}
.%[1]s.%[1]s table tbody tr:hover{background:rgba(127,127,127,.16)}
.%[1]s .dtype{display:block;font-weight:normal;font-size:.8em;opacity:.6}
.%[1]s .null{opacity:.5;font-style:italic}
.%[1]s .more,.%[1]s .shape{font-size:.9em;opacity:.7;margin-top:.25em}
.%[1]s .gsp-bar{display:flex;flex-wrap:wrap;align-items:center;gap:.4em;margin:.25em 0;font-size:.9em}
.%[1]s .gsp-bar input,.%[1]s .gsp-bar button,.%[1]s .gsp-bar select{font:inherit;color:inherit;background:rgba(127,127,127,.1);border:1px solid rgba(127,127,127,.45);border-radius:3px;padding:.1em .45em}
.%[1]s .gsp-bar button:disabled{opacity:.4}
.%[1]s .gsp-info{font-variant-numeric:tabular-nums;opacity:.8}
.%[1]s[data-live] thead th{cursor:pointer;user-select:none}
.%[1]s .gsp-sort{font-size:.8em;opacity:.8}
`

// html lays the grid out as an HTML table with a scoped inline style: a
// header of column names with their Arrow types, a row number column,
// numbers right-aligned, cells longer than width characters shortened with
// the full value in their title (numbers rounded for reading keep their
// exact value there), then the notice of rows not shown and the shape
// line. When the grid has more rows built than shown, or more than one,
// the rows built travel with the table as JSON and a small inline script
// (see tableScript) pages, sorts and searches them in the browser; where
// scripts do not run, the static table of the first rows is what shows.
func (g *grid) html(width int) string {
	var b strings.Builder
	b.WriteString("<table>\n<thead>\n<tr><th></th>")
	for j, name := range g.names {
		b.WriteString("<th")
		if g.numeric[j] {
			b.WriteString(` class="num"`)
		}
		writeHTMLText(&b, name, "", width)
		b.WriteString(`<span class="dtype">`)
		b.WriteString(html.EscapeString(g.types[j]))
		b.WriteString("</span></th>")
	}
	b.WriteString("</tr>\n</thead>\n<tbody>\n")
	for i := range g.rows {
		b.WriteString("<tr><th>")
		b.WriteString(strconv.Itoa(i))
		b.WriteString("</th>")
		for j := range g.names {
			b.WriteString("<td")
			switch {
			case g.numeric[j] && g.nulls[j][i]:
				b.WriteString(` class="num null"`)
			case g.numeric[j]:
				b.WriteString(` class="num"`)
			case g.nulls[j][i]:
				b.WriteString(` class="null"`)
			}
			writeHTMLText(&b, g.cells[j][i], g.full[j][i], width)
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	if more := g.more(); more != "" {
		b.WriteString(`<div class="more">` + more + "</div>\n")
	}
	b.WriteString(`<div class="shape">` + g.shape() + "</div>\n")
	if g.live && g.built > 1 {
		b.WriteString(`<script type="application/json" class="gsp-data">`)
		b.Write(g.rowsJSON(width))
		b.WriteString("</script>\n<script>" + tableScript + "</script>\n")
	}

	body := b.String()
	h := fnv.New32a()
	h.Write([]byte(body))
	class := fmt.Sprintf("gsp-table-%08x", h.Sum32())
	return `<div class="gsp-table ` + class + "\">\n<style>\n" + fmt.Sprintf(tableStyle, class) + "</style>\n" + body + "</div>\n" + g.after
}

// maxTableData bounds, in bytes, the JSON of the rows that travel with a
// table for the browser; rows beyond it stay behind (the table says how
// many travel). maxDataTitle bounds the full value kept for a shortened
// cell there.
const (
	maxTableData = 2 << 20
	maxDataTitle = 1000
)

// tableData is the JSON that the table script reads: the columns, the
// rows (each cell null, its text, or its shortened text and its full
// value), the rows per page and the rows of the whole value.
type tableData struct {
	Cols  []tableColumn `json:"cols"`
	Rows  [][]any       `json:"rows"`
	Page  int           `json:"page"`
	Total int64         `json:"total"`
	// Profile says that the profile of the whole value follows the
	// table (see profileLink), for the script's Profile button.
	Profile bool `json:"profile,omitempty"`
}

type tableColumn struct {
	Name    string `json:"name"`
	Numeric bool   `json:"num,omitempty"`
}

// rowsJSON writes the built rows as tableData, as many as fit in
// maxTableData. encoding/json escapes <, > and &, so the text cannot
// close the script element it is in.
func (g *grid) rowsJSON(width int) []byte {
	d := tableData{Cols: make([]tableColumn, len(g.names)), Page: g.rows, Total: g.total,
		Profile: g.profiled}
	for j, name := range g.names {
		d.Cols[j] = tableColumn{Name: name, Numeric: g.numeric[j]}
	}
	size := 0
	for i := range g.built {
		row := make([]any, len(g.names))
		for j := range g.names {
			row[j] = g.dataCell(j, i, width)
		}
		line, _ := json.Marshal(row)
		if size += len(line) + 1; size > maxTableData {
			break
		}
		d.Rows = append(d.Rows, row)
	}
	out, err := json.Marshal(d)
	if err != nil { // cells are strings: cannot happen
		return []byte("null")
	}
	return out
}

// dataCell is cell (col j, row i) as tableData holds it: nil for a null,
// the text when it is shown whole, else the shortened text and the full
// value.
func (g *grid) dataCell(j, i, width int) any {
	if g.nulls[j][i] {
		return nil
	}
	s := g.cells[j][i]
	short, isCut := cut(s, width)
	switch {
	case g.full[j][i] != "":
		return [2]string{short, g.full[j][i]}
	case isCut:
		full, _ := cut(s, maxDataTitle)
		return [2]string{short, full}
	}
	return s
}

// writeHTMLText writes the rest of an opening tag (">") and the escaped
// text s, shortened to width characters with the full text in the title
// attribute if it is longer; full, when not "", is the title instead (the
// exact value of a rounded number).
func writeHTMLText(b *strings.Builder, s, full string, width int) {
	short, cut := cut(s, width)
	if full == "" && cut {
		full = s
	}
	if full != "" {
		b.WriteString(` title="`)
		b.WriteString(html.EscapeString(full))
		b.WriteString(`"`)
	}
	b.WriteString(">")
	b.WriteString(html.EscapeString(short))
}
