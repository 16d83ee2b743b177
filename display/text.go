package display

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// controlEscapes shows line breaks and tabs inside a cell as Go escapes, so
// that each row stays on one line.
var controlEscapes = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`)

// text lays the grid out as an aligned plain-text table, the way pandas
// prints a DataFrame: a header of column names, one line per shown row
// after its row number, numbers right-aligned and other values
// left-aligned, cells longer than width characters shortened, then the
// notice of rows not shown and the shape line.
func (g *grid) text(width int) string {
	ncol := len(g.names) + 1 // the row number first
	lines := make([][]string, g.rows+1)
	lines[0] = make([]string, ncol)
	for j, name := range g.names {
		lines[0][j+1], _ = cut(controlEscapes.Replace(name), width)
	}
	for i := range g.rows {
		line := make([]string, ncol)
		line[0] = strconv.Itoa(i)
		for j := range g.names {
			line[j+1], _ = cut(controlEscapes.Replace(g.cells[j][i]), width)
		}
		lines[i+1] = line
	}

	widths := make([]int, ncol)
	for _, line := range lines {
		for j, s := range line {
			widths[j] = max(widths[j], utf8.RuneCountInString(s))
		}
	}
	right := func(j int) bool { return j == 0 || g.numeric[j-1] }

	var b strings.Builder
	for _, line := range lines {
		var l strings.Builder
		for j, s := range line {
			if j > 0 {
				l.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[j]-utf8.RuneCountInString(s))
			if right(j) {
				l.WriteString(pad + s)
			} else {
				l.WriteString(s + pad)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	if more := g.more(); more != "" {
		b.WriteString(more + "\n")
	}
	b.WriteString(g.shape())
	return b.String()
}
