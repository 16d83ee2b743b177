package kernel

import (
	"reflect"
	"strings"
	"testing"
)

func TestHistoryRequest(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	cells := []struct {
		code  string
		extra map[string]any
	}{
		{"value a", nil}, // line 1, output "a"
		{"print b", nil}, // line 2, no output
		{"value s", map[string]any{"silent": true}},         // not kept
		{"value n", map[string]any{"store_history": false}}, // not kept
		{"fail x", map[string]any{"stop_on_error": false}},  // line 3, failed
		{"value a", nil},           // line 4, output "a"
		{"value multi\nline", nil}, // line 5, output "multi\nline"
		{"print [x]", nil},         // line 6
		{"value ünï", map[string]any{"stop_on_error": true}}, // line 7
	}
	for _, c := range cells {
		tk.execute(c.code, c.extra)
	}
	entry := func(line int, input string) []any { return []any{1.0, float64(line), input} }
	withOutput := func(line int, input string, output any) []any {
		return []any{1.0, float64(line), []any{input, output}}
	}
	all := []any{entry(1, "value a"), entry(2, "print b"), entry(3, "fail x"), entry(4, "value a"),
		entry(5, "value multi\nline"), entry(6, "print [x]"), entry(7, "value ünï")}
	tests := []struct {
		name    string
		request map[string]any
		want    []any
	}{
		{"tail n", map[string]any{"hist_access_type": "tail", "n": 2},
			[]any{entry(6, "print [x]"), entry(7, "value ünï")}},
		{"tail with output", map[string]any{"hist_access_type": "tail", "n": 4, "output": true},
			[]any{withOutput(4, "value a", "a"), withOutput(5, "value multi\nline", "multi\nline"),
				withOutput(6, "print [x]", nil), withOutput(7, "value ünï", "ünï")}},
		{"tail failed and printing cells have no output", map[string]any{"hist_access_type": "range", "start": 2, "stop": 4, "output": true},
			[]any{withOutput(2, "print b", nil), withOutput(3, "fail x", nil)}},
		{"tail n larger than the history", map[string]any{"hist_access_type": "tail", "n": 100}, all},
		{"tail without n", map[string]any{"hist_access_type": "tail"}, all},
		{"tail 0", map[string]any{"hist_access_type": "tail", "n": 0}, []any{}},
		{"range of the current session (0)", map[string]any{"hist_access_type": "range", "session": 0, "start": 2, "stop": 4},
			[]any{entry(2, "print b"), entry(3, "fail x")}},
		{"range of session 1, as tail names it", map[string]any{"hist_access_type": "range", "session": 1, "start": 4, "stop": 5},
			[]any{entry(4, "value a")}},
		{"range to the end", map[string]any{"hist_access_type": "range", "session": 0, "start": 6},
			[]any{entry(6, "print [x]"), entry(7, "value ünï")}},
		{"range from the end", map[string]any{"hist_access_type": "range", "session": 0, "start": -2, "stop": 0},
			[]any{entry(6, "print [x]"), entry(7, "value ünï")}},
		{"range with defaults", map[string]any{"hist_access_type": "range"}, all},
		{"range of an earlier session", map[string]any{"hist_access_type": "range", "session": -1, "start": 1}, []any{}},
		{"search", map[string]any{"hist_access_type": "search", "pattern": "value *"},
			[]any{entry(1, "value a"), entry(4, "value a"), entry(5, "value multi\nline"), entry(7, "value ünï")}},
		{"search unique keeps the latest", map[string]any{"hist_access_type": "search", "pattern": "value ?", "unique": true},
			[]any{entry(4, "value a")}},
		{"search n keeps the last matches", map[string]any{"hist_access_type": "search", "pattern": "value*", "n": 2},
			[]any{entry(5, "value multi\nline"), entry(7, "value ünï")}},
		{"search matches whole inputs", map[string]any{"hist_access_type": "search", "pattern": "value"}, []any{}},
		{"search with a set", map[string]any{"hist_access_type": "search", "pattern": "[fp]*"},
			[]any{entry(2, "print b"), entry(3, "fail x"), entry(6, "print [x]")}},
		{"search ? is one rune", map[string]any{"hist_access_type": "search", "pattern": "value ?n?"},
			[]any{entry(7, "value ünï")}},
		{"search without pattern is everything", map[string]any{"hist_access_type": "search"}, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := map[string]any{"output": false, "raw": true}
			for k, v := range tt.request {
				req[k] = v
			}
			id := tk.send(tk.shell, "history_request", req)
			r := tk.reply(tk.shellBox, id)
			want := map[string]any{"status": "ok", "history": tt.want}
			if got := contentOf(t, r); r.header.MsgType != "history_reply" || !reflect.DeepEqual(got, want) {
				t.Errorf("reply = %s %v\nwant history_reply %v", r.header.MsgType, got, want)
			}
		})
	}

	bad := []struct {
		name    string
		request map[string]any
		want    string
	}{
		{"unknown access type", map[string]any{"hist_access_type": "everything"}, `unknown hist_access_type "everything"`},
		{"missing access type", map[string]any{}, "hist_access_type is missing"},
		{"bad pattern", map[string]any{"hist_access_type": "search", "pattern": "[z-a]"}, `pattern "[z-a]"`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			r := contentOf(t, tk.reply(tk.shellBox, tk.send(tk.shell, "history_request", tt.request)))
			if r["status"] != "error" || !strings.Contains(r["evalue"].(string), tt.want) {
				t.Errorf("reply = %v, want an error containing %q", r, tt.want)
			}
		})
	}
}

func TestGlobRegexp(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{"*", []string{"", "anything\nat all"}, nil},
		{"a*c", []string{"ac", "abc", "a/b\nc"}, []string{"abcd", "xac"}},
		{"a?c", []string{"abc", "aéc"}, []string{"ac", "abbc"}},
		{"[ab]x", []string{"ax", "bx"}, []string{"cx", "abx"}},
		{"[a-c]", []string{"b"}, []string{"d"}},
		{"[!a-c]", []string{"d", "é"}, []string{"a"}},
		{"[^a]", []string{"b"}, []string{"a"}},
		{"[]]", []string{"]"}, []string{"a"}},
		{"[*?]", []string{"*", "?"}, []string{"a"}},
		{"[unclosed", []string{"[unclosed"}, []string{"u"}},
		{"1+1=(2)", []string{"1+1=(2)"}, []string{"11=2"}},
		{`a\b.c$`, []string{`a\b.c$`}, []string{"ab.c", `a\bxc$`}},
		{"Fmt", []string{"Fmt"}, []string{"fmt"}},
		{"é*", []string{"été", "é"}, []string{"ete", "Ã©tÃ©", "xé"}},
		{"*ünï", []string{"value ünï"}, []string{"value uni"}},
		{"日本?", []string{"日本語"}, []string{"日本", "日本語語"}},
		{"[é]t?", []string{"été"}, []string{"ete"}},
	}
	for _, tt := range tests {
		re, err := globRegexp(tt.pattern)
		if err != nil {
			t.Errorf("globRegexp(%q): %v", tt.pattern, err)
			continue
		}
		for _, s := range tt.match {
			if !re.MatchString(s) {
				t.Errorf("%q does not match %q", tt.pattern, s)
			}
		}
		for _, s := range tt.noMatch {
			if re.MatchString(s) {
				t.Errorf("%q matches %q", tt.pattern, s)
			}
		}
	}
}
