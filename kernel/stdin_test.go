package kernel

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// inputRequest waits for the n-th (from 0) input_request of the
// execute_request execID on the client's stdin socket.
func (tk *testKernel) inputRequest(execID string, n int) *message {
	tk.t.Helper()
	mine := func(msgs []*message) []*message {
		var out []*message
		for _, m := range msgs {
			if parentID(m) == execID && m.header.MsgType == "input_request" {
				out = append(out, m)
			}
		}
		return out
	}
	msgs := tk.stdinBox.waitFor(tk.t, "an input_request", func(msgs []*message) bool { return len(mine(msgs)) > n })
	return mine(msgs)[n]
}

// answer sends an input_reply with value on the stdin socket, with
// parent as parent_header (none when nil, as jupyter_client sends it).
func (tk *testKernel) answer(parent json.RawMessage, value string) {
	tk.t.Helper()
	_, frames := tk.requestWithParent("input_reply", parent, map[string]any{"value": value})
	tk.sendFrames(tk.stdin, frames)
}

func TestInputRequestRoundTrip(t *testing.T) {
	tests := []struct {
		name         string
		code         string
		wantPrompt   string
		wantPassword bool
		// answer answers the input_request req.
		answer    func(tk *testKernel, req *message)
		wantValue string
	}{
		{"reply with parent", "input Name? ", "Name? ", false,
			func(tk *testKernel, req *message) { tk.answer(req.rawHeader, "Gopher") }, "Gopher"},
		{"reply without parent (jupyter_client)", "input Name? ", "Name? ", false,
			func(tk *testKernel, req *message) { tk.answer(nil, "Gopher") }, "Gopher"},
		{"password", "password Secret: ", "Secret: ", true,
			func(tk *testKernel, req *message) { tk.answer(req.rawHeader, "hunter2") }, "hunter2"},
		{"non-ASCII and empty-looking values", "input ¿Qué? ", "¿Qué? ", false,
			func(tk *testKernel, req *message) { tk.answer(req.rawHeader, "  héllo 😀 ") }, "  héllo 😀 "},
		{"a reply to another request is dropped", "input Name? ", "Name? ", false,
			func(tk *testKernel, req *message) {
				tk.answer(json.RawMessage(`{"msg_id": "an-earlier-input-request", "msg_type": "input_request"}`), "stale")
				tk.answer(req.rawHeader, "fresh")
			}, "fresh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := startKernel(t, newFakeExecutor())
			id := tk.send(tk.shell, "execute_request", map[string]any{"code": tt.code, "allow_stdin": true})
			req := tk.inputRequest(id, 0)
			if want := map[string]any{"prompt": tt.wantPrompt, "password": tt.wantPassword}; !reflect.DeepEqual(contentOf(t, req), want) {
				t.Errorf("input_request content = %s, want %v", req.content, want)
			}
			if req.header.Session != tk.k.session || req.header.Version != protocolVersion {
				t.Errorf("input_request header = %+v", req.header)
			}
			tt.answer(tk, req)
			reply := contentOf(t, tk.reply(tk.shellBox, id))
			if reply["status"] != "ok" {
				t.Fatalf("execute_reply = %v", reply)
			}
			var result map[string]any
			for _, m := range tk.published(id) {
				if m.header.MsgType == "execute_result" {
					result = contentOf(t, m)["data"].(map[string]any)
				}
			}
			if result["text/plain"] != tt.wantValue {
				t.Errorf("the cell read %v, want %q", result, tt.wantValue)
			}
		})
	}
}

func TestTwoInputsInOneCell(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "input2 name: ", "allow_stdin": true})
	tk.answer(tk.inputRequest(id, 0).rawHeader, "Ada")
	tk.answer(tk.inputRequest(id, 1).rawHeader, "Lovelace")
	tk.reply(tk.shellBox, id)
	for _, m := range tk.published(id) {
		if m.header.MsgType == "execute_result" {
			if got := contentOf(t, m)["data"].(map[string]any)["text/plain"]; got != "Ada Lovelace" {
				t.Errorf("the cell read %q, want %q", got, "Ada Lovelace")
			}
			return
		}
	}
	t.Error("no execute_result")
}

func TestInputWithoutAllowStdinFails(t *testing.T) {
	tests := []struct {
		name    string
		content map[string]any
	}{
		{"allow_stdin false", map[string]any{"code": "input Name? ", "allow_stdin": false}},
		{"allow_stdin missing", map[string]any{"code": "input Name? "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := startKernel(t, newFakeExecutor())
			id := tk.send(tk.shell, "execute_request", tt.content)
			r := contentOf(t, tk.reply(tk.shellBox, id))
			if r["status"] != "error" || r["ename"] != "InputError" || !strings.Contains(r["evalue"].(string), "does not support input") {
				t.Errorf("execute_reply = %v, want the cell's InputError saying the frontend does not support input", r)
			}
			tk.stdinBox.mu.Lock()
			defer tk.stdinBox.mu.Unlock()
			if len(tk.stdinBox.msgs) != 0 {
				t.Errorf("the kernel sent %s on stdin", summarize(tk.stdinBox.msgs))
			}
		})
	}
}

func TestInterruptEndsTheWaitForInput(t *testing.T) {
	tests := []struct {
		name      string
		interrupt func(tk *testKernel)
	}{
		{"interrupt_request", func(tk *testKernel) {
			tk.reply(tk.controlBox, tk.send(tk.control, "interrupt_request", map[string]any{}))
		}},
		{"Interrupt method (SIGINT)", func(tk *testKernel) { tk.k.Interrupt() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := startKernel(t, newFakeExecutor())
			id := tk.send(tk.shell, "execute_request", map[string]any{"code": "input Name? ", "allow_stdin": true})
			old := tk.inputRequest(id, 0)
			tt.interrupt(tk)
			r := contentOf(t, tk.reply(tk.shellBox, id))
			if r["status"] != "error" || r["ename"] != "InputError" || !strings.Contains(r["evalue"].(string), "interrupted") {
				t.Errorf("execute_reply = %v, want the cell's InputError saying it was interrupted", r)
			}

			// The user's answer to the interrupted prompt comes late: it
			// must not answer the next cell's prompt.
			tk.answer(old.rawHeader, "late")
			next := tk.send(tk.shell, "execute_request", map[string]any{"code": "input Again? ", "allow_stdin": true})
			tk.answer(tk.inputRequest(next, 0).rawHeader, "fresh")
			tk.reply(tk.shellBox, next)
			for _, m := range tk.published(next) {
				if m.header.MsgType == "execute_result" {
					if got := contentOf(t, m)["data"].(map[string]any)["text/plain"]; got != "fresh" {
						t.Errorf("the next cell read %q, want %q", got, "fresh")
					}
				}
			}
		})
	}
}

func TestOutputWithoutStdinCannotReadInput(t *testing.T) {
	o := newTestOutput(t, newRecorder())
	if _, err := o.Input("x", false); !errors.Is(err, errNoStdin) {
		t.Errorf("Input on an output without stdin = %v, want errNoStdin", err)
	}
}
