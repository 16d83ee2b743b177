package display

import (
	"fmt"
	"hash/fnv"
	"html"
	"strconv"
	"strings"
)

// tableStyle is the stylesheet of a table, scoped by the class "%[1]s".
// Colours are inherited, and borders and stripes are translucent grey, so
// that the table reads well in light and dark themes. The selectors are
// specific enough to win over the notebook's own table style.
const tableStyle = `.%[1]s{overflow-x:auto;max-width:100%%}
.%[1]s table{border-collapse:collapse;border:none;margin:0;color:inherit;background:transparent;font-variant-numeric:tabular-nums}
.%[1]s table th,.%[1]s table td{padding:.25em .75em;border:none;border-bottom:1px solid rgba(127,127,127,.25);text-align:left;vertical-align:top;white-space:nowrap;color:inherit;background:transparent}
.%[1]s table thead th{vertical-align:bottom;border-bottom:1px solid rgba(127,127,127,.6)}
.%[1]s table .num{text-align:right}
.%[1]s table tbody th{font-weight:normal;text-align:right;opacity:.6}
.%[1]s table tbody tr:nth-child(odd){background:rgba(127,127,127,.06)}
.%[1]s table tbody tr:hover{background:rgba(127,127,127,.16)}
.%[1]s .dtype{display:block;font-weight:normal;font-size:.8em;opacity:.6}
.%[1]s .null{opacity:.5;font-style:italic}
.%[1]s .more,.%[1]s .shape{font-size:.9em;opacity:.7;margin-top:.25em}
`

// html lays the grid out as an HTML table with a scoped inline style: a
// header of column names with their Arrow types, a row number column,
// numbers right-aligned, cells longer than width characters shortened with
// the full value in their title, then the notice of rows not shown and the
// shape line.
func (g *grid) html(width int) string {
	var b strings.Builder
	b.WriteString("<table>\n<thead>\n<tr><th></th>")
	for j, name := range g.names {
		b.WriteString("<th")
		if g.numeric[j] {
			b.WriteString(` class="num"`)
		}
		writeHTMLText(&b, name, width)
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
			writeHTMLText(&b, g.cells[j][i], width)
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	if more := g.more(); more != "" {
		b.WriteString(`<div class="more">` + more + "</div>\n")
	}
	b.WriteString(`<div class="shape">` + g.shape() + "</div>\n")

	body := b.String()
	h := fnv.New32a()
	h.Write([]byte(body))
	class := fmt.Sprintf("gsp-table-%08x", h.Sum32())
	return `<div class="` + class + "\">\n<style>\n" + fmt.Sprintf(tableStyle, class) + "</style>\n" + body + "</div>\n"
}

// writeHTMLText writes the rest of an opening tag (">") and the escaped
// text s, shortened to width characters with the full text in the title
// attribute if it is longer.
func writeHTMLText(b *strings.Builder, s string, width int) {
	short, cut := cut(s, width)
	if cut {
		b.WriteString(` title="`)
		b.WriteString(html.EscapeString(s))
		b.WriteString(`"`)
	}
	b.WriteString(">")
	b.WriteString(html.EscapeString(short))
}
