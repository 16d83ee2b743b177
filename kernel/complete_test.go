package kernel

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/gosparkling/gosparkling/cell"
)

// assistingExecutor adds Complete and Inspect to the fake. Both work on
// runes, as the interfaces say, and complete from a fixed list of names.
type assistingExecutor struct{ *fakeExecutor }

var assistNames = []string{"Print", "Printf", "Println", "Sprint", "παράδειγμα"}

// identAround returns the rune range of the identifier around cursor.
func identAround(r []rune, cursor int) (start, end int) {
	isIdent := func(c rune) bool { return c == '_' || unicode.IsLetter(c) || unicode.IsDigit(c) }
	start, end = cursor, cursor
	for start > 0 && isIdent(r[start-1]) {
		start--
	}
	for end < len(r) && isIdent(r[end]) {
		end++
	}
	return start, end
}

// Complete completes the identifier before cursor and replaces the
// whole identifier around it. Its metadata tells the prefix it saw.
func (assistingExecutor) Complete(code string, cursor int) ([]string, int, int, map[string]any) {
	switch code {
	case "panic":
		panic("completer broke")
	case "bad range":
		return []string{"x"}, 5, 100, nil
	}
	r := []rune(code)
	start, end := identAround(r, cursor)
	prefix := string(r[start:cursor])
	var matches []string
	for _, n := range assistNames {
		if strings.HasPrefix(n, prefix) {
			matches = append(matches, n)
		}
	}
	return matches, start, end, map[string]any{"prefix": prefix}
}

// Inspect knows Println only.
func (assistingExecutor) Inspect(code string, cursor, detailLevel int) (cell.MIMEBundle, bool) {
	if code == "panic" {
		panic("inspector broke")
	}
	r := []rune(code)
	start, end := identAround(r, cursor)
	if string(r[start:end]) != "Println" {
		return nil, false
	}
	text := "func Println(a ...any) (n int, err error)"
	if detailLevel == 1 {
		text += "\n\nPrintln formats using the default formats for its operands."
	}
	return cell.MIMEBundle{"text/plain": text}, true
}

func intPtr(i int) *int { return &i }

func TestCompleteRequestCountsRunes(t *testing.T) {
	all := []any{"Print", "Printf", "Println", "Sprint", "παράδειγμα"}
	prints := []any{"Print", "Printf", "Println"}
	tests := []struct {
		name       string
		exec       Executor
		code       string
		cursor     *int // nil: no cursor_pos
		want       []any
		start, end float64
		metadata   map[string]any
	}{
		{"ASCII", assistingExecutor{newFakeExecutor()}, "fmt.Pri", intPtr(7),
			prints, 4, 7, map[string]any{"prefix": "Pri"}},
		// 21 runes, 25 bytes: é is 2 bytes, 😀 is 4.
		{"non-ASCII before the cursor", assistingExecutor{newFakeExecutor()}, `s := "é😀"; fmt.Printl`, intPtr(21),
			[]any{"Println"}, 15, 21, map[string]any{"prefix": "Printl"}},
		{"cursor inside a name after non-ASCII", assistingExecutor{newFakeExecutor()}, "ü := fmt.Prin(1)", intPtr(12),
			prints, 9, 13, map[string]any{"prefix": "Pri"}},
		{"non-ASCII name", assistingExecutor{newFakeExecutor()}, "x := πα", intPtr(7),
			[]any{"παράδειγμα"}, 5, 7, map[string]any{"prefix": "πα"}},
		{"no cursor_pos means the end", assistingExecutor{newFakeExecutor()}, "fmt.Spr", nil,
			[]any{"Sprint"}, 4, 7, map[string]any{"prefix": "Spr"}},
		{"cursor past the end is the end", assistingExecutor{newFakeExecutor()}, "fmt.Spr", intPtr(99),
			[]any{"Sprint"}, 4, 7, map[string]any{"prefix": "Spr"}},
		{"negative cursor is the start", assistingExecutor{newFakeExecutor()}, "fmt", intPtr(-4),
			all, 0, 3, map[string]any{"prefix": ""}},
		{"panicking Completer: nothing", assistingExecutor{newFakeExecutor()}, "panic", intPtr(2),
			[]any{}, 2, 2, map[string]any{}},
		{"range outside the code: nothing", assistingExecutor{newFakeExecutor()}, "bad range", intPtr(3),
			[]any{}, 3, 3, map[string]any{}},
		{"no Completer: nothing", newFakeExecutor(), "fmt.Pri", intPtr(7),
			[]any{}, 7, 7, map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := startKernel(t, tt.exec)
			content := map[string]any{"code": tt.code}
			if tt.cursor != nil {
				content["cursor_pos"] = *tt.cursor
			}
			id := tk.send(tk.shell, "complete_request", content)
			r := tk.reply(tk.shellBox, id)
			want := map[string]any{"status": "ok", "matches": tt.want,
				"cursor_start": tt.start, "cursor_end": tt.end, "metadata": tt.metadata}
			if got := contentOf(t, r); r.header.MsgType != "complete_reply" || !reflect.DeepEqual(got, want) {
				t.Errorf("reply = %s %v\nwant complete_reply %v", r.header.MsgType, got, want)
			}
			if got, want := types(t, tk.published(id)), []string{"status:busy", "status:idle"}; !reflect.DeepEqual(got, want) {
				t.Errorf("IOPub = %v, want %v", got, want)
			}
		})
	}
}

func TestInspectRequest(t *testing.T) {
	const sig = "func Println(a ...any) (n int, err error)"
	const doc = sig + "\n\nPrintln formats using the default formats for its operands."
	notFound := map[string]any{"status": "ok", "found": false, "data": map[string]any{}, "metadata": map[string]any{}}
	found := func(text string) map[string]any {
		return map[string]any{"status": "ok", "found": true, "data": map[string]any{"text/plain": text}, "metadata": map[string]any{}}
	}
	tests := []struct {
		name    string
		exec    Executor
		content map[string]any
		want    map[string]any
	}{
		{"signature", assistingExecutor{newFakeExecutor()},
			map[string]any{"code": "fmt.Println", "cursor_pos": 6, "detail_level": 0}, found(sig)},
		{"detail level 1 adds the doc", assistingExecutor{newFakeExecutor()},
			map[string]any{"code": "fmt.Println", "cursor_pos": 6, "detail_level": 1}, found(doc)},
		{"detail level above 1 is 1", assistingExecutor{newFakeExecutor()},
			map[string]any{"code": "fmt.Println", "cursor_pos": 6, "detail_level": 2}, found(doc)},
		// Println is runes 15 to 21; in bytes it starts at 21.
		{"cursor in runes after non-ASCII", assistingExecutor{newFakeExecutor()},
			map[string]any{"code": `s := "😀😀"; fmt.Println(s)`, "cursor_pos": 17}, found(sig)},
		{"no cursor_pos means the end", assistingExecutor{newFakeExecutor()},
			map[string]any{"code": "fmt.Println"}, found(sig)},
		{"unknown name", assistingExecutor{newFakeExecutor()},
			map[string]any{"code": "fmt.Sprint", "cursor_pos": 6}, notFound},
		{"panicking Inspector", assistingExecutor{newFakeExecutor()},
			map[string]any{"code": "panic", "cursor_pos": 2}, notFound},
		{"no Inspector", newFakeExecutor(),
			map[string]any{"code": "fmt.Println", "cursor_pos": 6}, notFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := startKernel(t, tt.exec)
			id := tk.send(tk.shell, "inspect_request", tt.content)
			r := tk.reply(tk.shellBox, id)
			if got := contentOf(t, r); r.header.MsgType != "inspect_reply" || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("reply = %s %v\nwant inspect_reply %v", r.header.MsgType, got, tt.want)
			}
		})
	}
}

func TestCompleteAndInspectRejectBadContent(t *testing.T) {
	tk := startKernel(t, assistingExecutor{newFakeExecutor()})
	for _, msgType := range []string{"complete_request", "inspect_request"} {
		id := tk.send(tk.shell, msgType, map[string]any{"code": "x", "cursor_pos": "end"})
		r := contentOf(t, tk.reply(tk.shellBox, id))
		if r["status"] != "error" || r["ename"] != "BadRequest" || !strings.Contains(r["evalue"].(string), msgType) {
			t.Errorf("reply to %s with a string cursor_pos = %v, want a BadRequest naming it", msgType, r)
		}
	}
}
