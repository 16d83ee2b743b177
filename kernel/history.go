package kernel

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-zeromq/zmq4"
)

// historySession is the number of the kernel's only session in
// history_reply. As in IPython, a request may also name it 0 (the
// current session); negative numbers count back to earlier sessions,
// which this kernel does not keep.
const historySession = 1

// historyEntry is one cell run with store_history.
type historyEntry struct {
	line   int     // its execution count
	input  string  // its code
	output *string // the text/plain of its result; nil when it had none
}

// historyRequest is the content of history_request.
type historyRequest struct {
	Output     bool    `json:"output"`
	Raw        bool    `json:"raw"` // ignored: inputs are kept as typed
	AccessType string  `json:"hist_access_type"`
	Session    *int    `json:"session"` // range
	Start      *int    `json:"start"`   // range
	Stop       *int    `json:"stop"`    // range
	N          *int    `json:"n"`       // tail, search
	Pattern    *string `json:"pattern"` // search
	Unique     bool    `json:"unique"`  // search
}

// handleHistory answers history_request from the cells run in this
// session: entries are [session, line, input], or [session, line,
// [input, output]] when output is requested.
func (k *Kernel) handleHistory(sock zmq4.Socket, req *message) {
	var hr historyRequest
	if err := json.Unmarshal(req.content, &hr); err != nil {
		k.replyBadRequest(sock, req, "history_reply", err)
		return
	}
	entries, err := selectHistory(k.history, hr)
	if err != nil {
		k.replyBadRequest(sock, req, "history_reply", err)
		return
	}
	history := make([]any, 0, len(entries))
	for _, e := range entries {
		var item any = e.input
		if hr.Output {
			var output any // null when the cell had no result
			if e.output != nil {
				output = *e.output
			}
			item = []any{e.input, output}
		}
		history = append(history, []any{historySession, e.line, item})
	}
	k.reply(sock, req, "history_reply", historyReply{Status: statusOK, History: history})
}

// selectHistory returns the entries of hist that hr asks for, oldest
// first, with IPython's semantics:
//
//   - tail: the last n entries (all without n).
//   - range: the lines [start, stop) of the session; start defaults to
//     1, a missing or 0 stop means the end, and negative start or stop
//     count from the end.
//   - search: the entries whose whole input matches the glob pattern
//     (*, ?, [...], [!...]; "*" when missing), only the last n matches
//     with n, and only the latest of equal inputs with unique.
func selectHistory(hist []historyEntry, hr historyRequest) ([]historyEntry, error) {
	switch hr.AccessType {
	case "tail":
		if hr.N == nil || *hr.N >= len(hist) {
			return hist, nil
		}
		return hist[len(hist)-max(*hr.N, 0):], nil
	case "range":
		if hr.Session != nil && *hr.Session != 0 && *hr.Session != historySession {
			return nil, nil // an earlier session, or a later one: none kept
		}
		end := len(hist) + 1 // one past the last line, as lines count from 1
		start, stop := 1, end
		if hr.Start != nil {
			start = *hr.Start
			if start < 0 {
				start += end
			}
		}
		if hr.Stop != nil && *hr.Stop != 0 {
			stop = min(*hr.Stop, end)
			if stop < 0 {
				stop += end
			}
		}
		var out []historyEntry
		for _, e := range hist {
			if e.line >= start && e.line < stop {
				out = append(out, e)
			}
		}
		return out, nil
	case "search":
		pattern := "*"
		if hr.Pattern != nil {
			pattern = *hr.Pattern
		}
		re, err := globRegexp(pattern)
		if err != nil {
			return nil, err
		}
		var out []historyEntry // newest first, reversed at the end
		seen := make(map[string]bool)
		for i := len(hist) - 1; i >= 0; i-- {
			if hr.N != nil && len(out) >= *hr.N {
				break
			}
			e := hist[i]
			if !re.MatchString(e.input) || (hr.Unique && seen[e.input]) {
				continue
			}
			seen[e.input] = true
			out = append(out, e)
		}
		slices.Reverse(out)
		return out, nil
	case "":
		return nil, fmt.Errorf("hist_access_type is missing (want \"tail\", \"range\" or \"search\")")
	default:
		return nil, fmt.Errorf("unknown hist_access_type %q (want \"tail\", \"range\" or \"search\")", hr.AccessType)
	}
}

// globRegexp compiles a glob pattern, matched against a whole input as
// IPython's history search does: * matches any text (newlines
// included), ? one character, [abc] and [a-z] one of a set, [!abc] or
// [^abc] one character not in it, a character being a rune of UTF-8
// text. Anything else, and a [ without its ], matches itself; matching
// is case-sensitive.
func globRegexp(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`\A(?s:`)
	for i := 0; i < len(pattern); {
		switch c := pattern[i]; c {
		case '*':
			b.WriteString(`.*`)
			i++
		case '?':
			b.WriteString(`.`)
			i++
		case '[':
			j := i + 1
			if j < len(pattern) && (pattern[j] == '!' || pattern[j] == '^') {
				j++
			}
			if j < len(pattern) && pattern[j] == ']' { // a leading ] is a member
				j++
			}
			for j < len(pattern) && pattern[j] != ']' {
				j++
			}
			if j >= len(pattern) {
				b.WriteString(`\[`)
				i++
				continue
			}
			set := pattern[i+1 : j]
			b.WriteByte('[')
			if set[0] == '!' || set[0] == '^' {
				b.WriteByte('^')
				set = set[1:]
			}
			for _, r := range set {
				if r == '-' {
					b.WriteRune(r)
				} else {
					b.WriteString(regexp.QuoteMeta(string(r)))
				}
			}
			b.WriteByte(']')
			i = j + 1
		default:
			// A literal is a whole character: quoting the byte c alone
			// would turn each byte of a multi-byte UTF-8 character
			// into a Latin-1 character of its own.
			_, size := utf8.DecodeRuneInString(pattern[i:])
			b.WriteString(regexp.QuoteMeta(pattern[i : i+size]))
			i += size
		}
	}
	b.WriteString(`)\z`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("history search pattern %q: %w", pattern, err)
	}
	return re, nil
}
