package kernel

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/go-zeromq/zmq4"

	"github.com/gosparkling/gosparkling/cell"
)

// Completer is implemented by Executors that can complete code.
// *interp.Session and *isolate.Executor implement it.
type Completer interface {
	// Complete returns candidate completions for the code at cursor (a rune offset, as Jupyter counts
	// in protocol 5.3 — unicode code points), and the rune range [start, end) they replace.
	Complete(code string, cursor int) (matches []string, start, end int, metadata map[string]any)
}

// Inspector is implemented by Executors that can describe the name at the cursor.
// *interp.Session and *isolate.Executor implement it.
type Inspector interface {
	// Inspect returns a MIME bundle describing the name at cursor (signature and doc comment),
	// found=false when there is nothing to show. detailLevel is 0 or 1.
	Inspect(code string, cursor, detailLevel int) (data cell.MIMEBundle, found bool)
}

// cursorRequest is the content of complete_request and inspect_request.
// Positions count unicode code points (runes) since protocol 5.2.
type cursorRequest struct {
	Code        string `json:"code"`
	CursorPos   *int   `json:"cursor_pos"` // default: the end of code
	DetailLevel int    `json:"detail_level"`
}

// cursor returns the request's cursor, kept within the code.
func (r cursorRequest) cursor() int {
	n := utf8.RuneCountInString(r.Code)
	if r.CursorPos == nil || *r.CursorPos > n {
		return n
	}
	return max(*r.CursorPos, 0)
}

// handleComplete answers complete_request with the Executor's Completer,
// or with no matches when it has none.
func (k *Kernel) handleComplete(sock zmq4.Socket, req *message) {
	var content cursorRequest
	if err := json.Unmarshal(req.content, &content); err != nil {
		k.replyBadRequest(sock, req, "complete_reply", err)
		return
	}
	cursor := content.cursor()
	matches, start, end, metadata := []string{}, cursor, cursor, map[string]any{}
	if c, ok := k.exec.(Completer); ok {
		func() {
			defer func() {
				if r := recover(); r != nil {
					k.log.Error("kernel: Complete panicked", "panic", fmt.Sprint(r))
					matches, start, end, metadata = []string{}, cursor, cursor, map[string]any{}
				}
			}()
			m, s, e, md := c.Complete(content.Code, cursor)
			if n := utf8.RuneCountInString(content.Code); s < 0 || s > e || e > n {
				k.log.Warn("kernel: Complete returned a range outside the code; ignoring its matches",
					"start", s, "end", e, "runes", n)
				return
			}
			if m != nil {
				matches = m
			}
			start, end = s, e
			if md != nil {
				metadata = md
			}
		}()
	}
	k.reply(sock, req, "complete_reply", completeReply{
		Status: statusOK, Matches: matches,
		CursorStart: start, CursorEnd: end, Metadata: metadata,
	})
}

// handleInspect answers inspect_request with the Executor's Inspector,
// or with found false when it has none.
func (k *Kernel) handleInspect(sock zmq4.Socket, req *message) {
	var content cursorRequest
	if err := json.Unmarshal(req.content, &content); err != nil {
		k.replyBadRequest(sock, req, "inspect_reply", err)
		return
	}
	detail := 0
	if content.DetailLevel > 0 {
		detail = 1
	}
	data, found := cell.MIMEBundle{}, false
	if in, ok := k.exec.(Inspector); ok {
		func() {
			defer func() {
				if r := recover(); r != nil {
					k.log.Error("kernel: Inspect panicked", "panic", fmt.Sprint(r))
					data, found = cell.MIMEBundle{}, false
				}
			}()
			if d, f := in.Inspect(content.Code, content.cursor(), detail); f {
				found = true
				if d != nil {
					data = d
				}
			}
		}()
	}
	k.reply(sock, req, "inspect_reply", inspectReply{
		Status: statusOK, Found: found, Data: data, Metadata: map[string]any{},
	})
}
