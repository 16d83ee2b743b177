package kernel

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

func TestKernelInfoOnShellAndControl(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	for _, ch := range []struct {
		name string
		sock zmq4.Socket
		box  *mailbox
	}{{"shell", tk.shell, tk.shellBox}, {"control", tk.control, tk.controlBox}} {
		t.Run(ch.name, func(t *testing.T) {
			id := tk.send(ch.sock, "kernel_info_request", map[string]any{})
			r := tk.reply(ch.box, id)
			if r.header.MsgType != "kernel_info_reply" || r.header.Version != "5.3" || r.header.Session != tk.k.session {
				t.Errorf("reply header = %+v", r.header)
			}
			got := contentOf(t, r)
			want := map[string]any{
				"status": "ok", "protocol_version": "5.3",
				"implementation": "gosparkling", "implementation_version": "0.1.0", "banner": "Go, sparkling",
				"language_info": map[string]any{
					"name": "go", "version": strings.TrimPrefix(runtime.Version(), "go"), "mimetype": "text/x-go",
					"file_extension": ".go", "pygments_lexer": "go", "codemirror_mode": "go",
					"nbconvert_exporter": "script",
				},
				"help_links": []any{map[string]any{"text": "Go", "url": "https://go.dev/doc"}},
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("kernel_info_reply content\n%v\nwant\n%v", got, want)
			}
			if got, want := types(t, tk.published(id)), []string{"status:busy", "status:idle"}; !reflect.DeepEqual(got, want) {
				t.Errorf("IOPub for kernel_info_request = %v, want %v", got, want)
			}
		})
	}
}

func TestExecuteCountsAndPublishesOutput(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	tests := []struct {
		name       string
		code       string
		extra      map[string]any
		wantCount  float64
		wantIOPub  []string
		wantStdout string
		wantResult map[string]any // data of execute_result
	}{
		{
			name: "output and value", code: "printvalue 42", wantCount: 1,
			wantIOPub:  []string{"status:busy", "execute_input", "stream", "execute_result", "status:idle"},
			wantStdout: "42\n", wantResult: map[string]any{"text/plain": "42"},
		},
		{
			name: "output only", code: "print hi", wantCount: 2,
			wantIOPub:  []string{"status:busy", "execute_input", "stream", "status:idle"},
			wantStdout: "hi\n",
		},
		{
			name: "silent: no count, no input, no result", code: "value 7", extra: map[string]any{"silent": true},
			wantCount: 2, wantIOPub: []string{"status:busy", "status:idle"},
		},
		{
			name: "store_history false: no count", code: "value 8", extra: map[string]any{"store_history": false},
			wantCount:  2,
			wantIOPub:  []string{"status:busy", "execute_input", "execute_result", "status:idle"},
			wantResult: map[string]any{"text/plain": "8"},
		},
		{
			name: "store_history missing means true", code: "value 9", extra: map[string]any{"store_history": nil},
			wantCount:  3,
			wantIOPub:  []string{"status:busy", "execute_input", "execute_result", "status:idle"},
			wantResult: map[string]any{"text/plain": "9"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, iopub := tk.execute(tt.code, tt.extra)
			wantReply := map[string]any{"status": "ok", "execution_count": tt.wantCount,
				"user_expressions": map[string]any{}, "payload": []any{}}
			if !reflect.DeepEqual(reply, wantReply) {
				t.Errorf("execute_reply = %v, want %v", reply, wantReply)
			}
			if got := collapseStreams(types(t, iopub)); !reflect.DeepEqual(got, tt.wantIOPub) {
				t.Errorf("IOPub = %v, want %v", got, tt.wantIOPub)
			}
			if got := streamText(t, iopub, "stdout"); got != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", got, tt.wantStdout)
			}
			for _, m := range iopub {
				c := contentOf(t, m)
				switch m.header.MsgType {
				case "execute_input":
					if c["code"] != tt.code || c["execution_count"] != tt.wantCount {
						t.Errorf("execute_input = %v, want code %q count %v", c, tt.code, tt.wantCount)
					}
				case "execute_result":
					want := map[string]any{"execution_count": tt.wantCount, "data": tt.wantResult, "metadata": map[string]any{}}
					if !reflect.DeepEqual(c, want) {
						t.Errorf("execute_result = %v, want %v", c, want)
					}
				}
			}
		})
	}
}

func TestDisplaysAndOutputFromGoroutines(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())

	_, iopub := tk.execute("display", nil)
	var displays []map[string]any
	for _, m := range iopub {
		if strings.Contains(m.header.MsgType, "display") {
			c := contentOf(t, m)
			c["type"] = m.header.MsgType
			displays = append(displays, c)
		}
	}
	want := []map[string]any{
		{"type": "display_data", "data": map[string]any{"text/html": "<b>1</b>"}, "metadata": map[string]any{}, "transient": map[string]any{"display_id": "d1"}},
		{"type": "update_display_data", "data": map[string]any{"text/html": "<b>2</b>"}, "metadata": map[string]any{}, "transient": map[string]any{"display_id": "d1"}},
	}
	if !reflect.DeepEqual(displays, want) {
		t.Errorf("displays = %v, want %v", displays, want)
	}

	_, iopub = tk.execute("goroutines", nil)
	lines := strings.Split(strings.TrimSuffix(streamText(t, iopub, "stdout"), "\n"), "\n")
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l] = true
	}
	if len(lines) != 400 || len(seen) != 400 {
		t.Errorf("got %d lines (%d distinct) of stdout from 4 goroutines, want 400", len(lines), len(seen))
	}
}

func TestFailingCellsReportErrorsAndTheKernelGoesOn(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	tests := []struct {
		name                  string
		code                  string
		wantName, wantValue   string
		wantTracebackContains string
	}{
		{"cell error", "fail undefined: x", "CompileError", "undefined: x", "1:1: undefined: x"},
		{"plain error", "plainerr disk full", "Error", "disk full", "Error: disk full"},
		{"panic", "panic boom", "panic", "boom", "panic: boom"},
	}
	count := 0.0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			count++
			reply, iopub := tk.execute(tt.code, nil)
			if reply["status"] != "error" || reply["ename"] != tt.wantName || reply["evalue"] != tt.wantValue || reply["execution_count"] != count {
				t.Errorf("execute_reply = %v, want status error, ename %q, evalue %q, count %v", reply, tt.wantName, tt.wantValue, count)
			}
			if got, want := types(t, iopub), []string{"status:busy", "execute_input", "error", "status:idle"}; !reflect.DeepEqual(got, want) {
				t.Errorf("IOPub = %v, want %v", got, want)
			}
			for _, m := range iopub {
				if m.header.MsgType != "error" {
					continue
				}
				c := contentOf(t, m)
				tb, _ := c["traceback"].([]any)
				if c["ename"] != tt.wantName || c["evalue"] != tt.wantValue || len(tb) == 0 || !strings.Contains(tb[0].(string), tt.wantTracebackContains) {
					t.Errorf("error message = %v, want ename %q evalue %q traceback starting with %q", c, tt.wantName, tt.wantValue, tt.wantTracebackContains)
				}
				if !reflect.DeepEqual(c["traceback"], reply["traceback"]) {
					t.Errorf("traceback of the error message and of the reply differ")
				}
			}

			count++
			reply, _ = tk.execute("value next", nil)
			if reply["status"] != "ok" || reply["execution_count"] != count {
				t.Errorf("the cell after the failure: reply %v, want ok with count %v", reply, count)
			}
		})
	}
}

func TestInterruptCancelsTheRunningCell(t *testing.T) {
	tests := []struct {
		name      string
		interrupt func(tk *testKernel)
	}{
		{"interrupt_request on control", func(tk *testKernel) {
			id := tk.send(tk.control, "interrupt_request", map[string]any{})
			r := tk.reply(tk.controlBox, id)
			if r.header.MsgType != "interrupt_reply" || !reflect.DeepEqual(contentOf(tk.t, r), map[string]any{"status": "ok"}) {
				tk.t.Errorf("reply = %s %s, want interrupt_reply {status ok}", r.header.MsgType, r.content)
			}
			if got, want := types(tk.t, tk.published(id)), []string{"status:busy", "status:idle"}; !reflect.DeepEqual(got, want) {
				tk.t.Errorf("IOPub for interrupt_request = %v, want %v", got, want)
			}
		}},
		{"Interrupt method (SIGINT)", func(tk *testKernel) { tk.k.Interrupt() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeExecutor()
			tk := startKernel(t, f)
			id := tk.send(tk.shell, "execute_request", map[string]any{"code": "block"})
			waitStarted(t, f, "block")
			tt.interrupt(tk)
			reply := contentOf(t, tk.reply(tk.shellBox, id))
			if reply["status"] != "error" || reply["ename"] != "Interrupted" {
				t.Errorf("reply of the interrupted cell = %v, want status error, ename Interrupted", reply)
			}
			if got := types(t, tk.published(id)); !reflect.DeepEqual(got, []string{"status:busy", "execute_input", "error", "status:idle"}) {
				t.Errorf("IOPub of the interrupted cell = %v", got)
			}
			if reply, _ := tk.execute("value after", nil); reply["status"] != "ok" {
				t.Errorf("the cell after the interruption: %v", reply)
			}
		})
	}
}

func TestStopOnErrorAbortsQueuedCells(t *testing.T) {
	tests := []struct {
		name        string
		stopOnError bool
		silent      bool   // the failing request is silent, which aborts nothing (as in ipykernel)
		wantQueued  string // status of the replies to the queued cells
		wantNext    float64
	}{
		{"stop_on_error", true, false, "aborted", 2},
		{"no stop_on_error", false, false, "ok", 4},
		{"a silent failure", true, true, "ok", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeExecutor()
			tk := startKernel(t, f)
			failing := tk.send(tk.shell, "execute_request", map[string]any{"code": "wait", "stop_on_error": tt.stopOnError, "silent": tt.silent})
			waitStarted(t, f, "wait")
			queued := []string{
				tk.send(tk.shell, "execute_request", map[string]any{"code": "value q1"}),
				tk.send(tk.shell, "execute_request", map[string]any{"code": "value q2"}),
			}
			deadline := time.Now().Add(waitTimeout)
			for len(tk.k.shellQ) < len(queued) { // both are queued behind the running cell
				if time.Now().After(deadline) {
					t.Fatal("the queued requests never reached the kernel")
				}
				time.Sleep(time.Millisecond)
			}
			f.release <- errors.New("failed")

			if r := contentOf(t, tk.reply(tk.shellBox, failing)); r["status"] != "error" {
				t.Fatalf("failing cell reply = %v", r)
			}
			// Sent knowing of the error, as a frontend does after its reply.
			next := tk.send(tk.shell, "execute_request", map[string]any{"code": "value next"})
			for _, id := range queued {
				r := contentOf(t, tk.reply(tk.shellBox, id))
				if r["status"] != tt.wantQueued {
					t.Errorf("queued cell reply = %v, want status %q", r, tt.wantQueued)
				}
				if got := types(t, tk.published(id)); got[0] != "status:busy" || got[len(got)-1] != "status:idle" {
					t.Errorf("IOPub of a queued cell = %v, want busy ... idle", got)
				}
			}
			if r := contentOf(t, tk.reply(tk.shellBox, next)); r["status"] != "ok" || r["execution_count"] != tt.wantNext {
				t.Errorf("cell after the failure: %v, want ok with count %v", r, tt.wantNext)
			}
			want := []string{"wait", "value next"}
			if tt.wantQueued == "ok" {
				want = []string{"wait", "value q1", "value q2", "value next"}
			}
			if got := f.executed(); !reflect.DeepEqual(got, want) {
				t.Errorf("executed %q, want %q", got, want)
			}
		})
	}
}

func TestHeartbeatEchoesWhileACellRuns(t *testing.T) {
	f := newFakeExecutor()
	tk := startKernel(t, f)
	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "wait"})
	waitStarted(t, f, "wait")
	for _, ping := range []string{"ping", "ping again"} {
		if err := tk.hb.Send(zmq4.NewMsgString(ping)); err != nil {
			t.Fatal(err)
		}
		echo := make(chan string, 1)
		go func() {
			m, err := tk.hb.Recv()
			if err != nil {
				echo <- "error: " + err.Error()
				return
			}
			echo <- string(m.Bytes())
		}()
		select {
		case got := <-echo:
			if got != ping {
				t.Errorf("heartbeat echoed %q, want %q", got, ping)
			}
		case <-time.After(waitTimeout):
			t.Fatal("no heartbeat echo while a cell runs")
		}
	}
	f.release <- nil
	if r := contentOf(t, tk.reply(tk.shellBox, id)); r["status"] != "ok" {
		t.Errorf("reply = %v", r)
	}
}

func TestMalformedAndBadlySignedMessagesAreDropped(t *testing.T) {
	f := newFakeExecutor()
	tk := startKernel(t, f)
	signed := func(code string) [][]byte {
		_, frames := tk.request("execute_request", map[string]any{"code": code})
		return frames
	}
	tests := []struct {
		name   string
		frames [][]byte
	}{
		{"wrong signature", func() [][]byte {
			fr := signed("value evil")
			fr[1] = (signer{key: []byte("not the key")}).sign(fr[2:6]...)
			return fr
		}()},
		{"missing signature", func() [][]byte { fr := signed("value evil"); fr[1] = []byte{}; return fr }()},
		{"content changed after signing", func() [][]byte {
			fr := signed("value harmless")
			fr[5] = []byte(`{"code": "value evil"}`)
			return fr
		}()},
		{"missing frames", signed("value evil")[:4]},
		{"no delimiter", [][]byte{[]byte("value evil")}},
		{"header not JSON", func() [][]byte {
			fr := signed("value evil")
			fr[2] = []byte("{not json")
			fr[1] = tk.signer.sign(fr[2:6]...)
			return fr
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk.sendFrames(tk.shell, tt.frames)
			// Shell requests are handled in order: once the next good
			// request is answered, the bad one would have been too.
			reply, _ := tk.execute("value good", nil)
			if reply["status"] != "ok" {
				t.Fatalf("the good request after a bad one: %v", reply)
			}
			for _, code := range f.executed() {
				if strings.Contains(code, "evil") || strings.Contains(code, "harmless") {
					t.Fatalf("executed %q from a bad message", code)
				}
			}
			tk.shellBox.mu.Lock()
			replies := len(tk.shellBox.msgs)
			tk.shellBox.mu.Unlock()
			if want := len(f.executed()); replies != want {
				t.Errorf("%d shell replies for %d good requests", replies, want)
			}
		})
	}
	if logs := tk.logs.String(); !strings.Contains(logs, "dropping message") || !strings.Contains(logs, errBadSignature.Error()) {
		t.Errorf("dropped messages were not logged:\n%s", logs)
	}
}

func TestBadRequestContentGetsAnErrorReply(t *testing.T) {
	f := newFakeExecutor()
	tk := startKernel(t, f)
	id := tk.send(tk.shell, "execute_request", map[string]any{"code": 42})
	r := contentOf(t, tk.reply(tk.shellBox, id))
	if r["status"] != "error" || r["ename"] != "BadRequest" || !strings.Contains(r["evalue"].(string), "execute_request content") {
		t.Errorf("reply to execute_request with a numeric code = %v", r)
	}
	if reply, _ := tk.execute("value fine", nil); reply["status"] != "ok" {
		t.Errorf("next cell: %v", reply)
	}
	if got := f.executed(); !reflect.DeepEqual(got, []string{"value fine"}) {
		t.Errorf("executed %q", got)
	}
}

func TestOtherShellRequests(t *testing.T) {
	tests := []struct {
		name      string
		exec      Executor
		msgType   string
		content   map[string]any
		wantType  string
		wantReply map[string]any
	}{
		{"is_complete without IsCompleter", newFakeExecutor(), "is_complete_request", map[string]any{"code": "x := {"},
			"is_complete_reply", map[string]any{"status": "unknown"}},
		{"is_complete incomplete", completingExecutor{newFakeExecutor()}, "is_complete_request", map[string]any{"code": "func f() {"},
			"is_complete_reply", map[string]any{"status": "incomplete", "indent": "\t"}},
		{"is_complete complete", completingExecutor{newFakeExecutor()}, "is_complete_request", map[string]any{"code": "x := 1"},
			"is_complete_reply", map[string]any{"status": "complete"}},
		{"comm_info", newFakeExecutor(), "comm_info_request", map[string]any{},
			"comm_info_reply", map[string]any{"status": "ok", "comms": map[string]any{}}},
		{"comm_info for a target", newFakeExecutor(), "comm_info_request", map[string]any{"target_name": "jupyter.widget"},
			"comm_info_reply", map[string]any{"status": "ok", "comms": map[string]any{}}},
		{"history", newFakeExecutor(), "history_request", map[string]any{"hist_access_type": "tail", "n": 10},
			"history_reply", map[string]any{"status": "ok", "history": []any{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := startKernel(t, tt.exec)
			id := tk.send(tk.shell, tt.msgType, tt.content)
			r := tk.reply(tk.shellBox, id)
			if r.header.MsgType != tt.wantType || !reflect.DeepEqual(contentOf(t, r), tt.wantReply) {
				t.Errorf("reply = %s %s, want %s %v", r.header.MsgType, r.content, tt.wantType, tt.wantReply)
			}
			if got, want := types(t, tk.published(id)), []string{"status:busy", "status:idle"}; !reflect.DeepEqual(got, want) {
				t.Errorf("IOPub = %v, want %v", got, want)
			}
		})
	}
}

func TestUnknownRequestsAreIgnored(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	unknown := tk.send(tk.shell, "frobnicate_request", map[string]any{})
	if got, want := types(t, tk.published(unknown)), []string{"status:busy", "status:idle"}; !reflect.DeepEqual(got, want) {
		t.Errorf("IOPub for an unknown request = %v, want %v", got, want)
	}
	known := tk.send(tk.shell, "kernel_info_request", map[string]any{})
	tk.reply(tk.shellBox, known)
	if r := findReply(tk.shellBox.waitFor(t, "replies", func([]*message) bool { return true }), unknown); r != nil {
		t.Errorf("the kernel answered an unknown request with %s", r.header.MsgType)
	}
}

func TestShutdownEndsRun(t *testing.T) {
	tests := []struct {
		name      string
		socket    func(tk *testKernel) (zmq4.Socket, *mailbox)
		restart   bool
		cellBlock bool // a cell is running when the shutdown arrives
	}{
		{"on control", func(tk *testKernel) (zmq4.Socket, *mailbox) { return tk.control, tk.controlBox }, false, false},
		{"on control with restart", func(tk *testKernel) (zmq4.Socket, *mailbox) { return tk.control, tk.controlBox }, true, false},
		{"on control while a cell runs", func(tk *testKernel) (zmq4.Socket, *mailbox) { return tk.control, tk.controlBox }, false, true},
		{"on shell (old clients)", func(tk *testKernel) (zmq4.Socket, *mailbox) { return tk.shell, tk.shellBox }, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeExecutor()
			tk := startKernel(t, f)
			var cell string
			if tt.cellBlock {
				cell = tk.send(tk.shell, "execute_request", map[string]any{"code": "block"})
				waitStarted(t, f, "block")
			}
			sock, box := tt.socket(tk)
			id := tk.send(sock, "shutdown_request", map[string]any{"restart": tt.restart})
			r := tk.reply(box, id)
			if want := map[string]any{"status": "ok", "restart": tt.restart}; r.header.MsgType != "shutdown_reply" || !reflect.DeepEqual(contentOf(t, r), want) {
				t.Errorf("reply = %s %s, want shutdown_reply %v", r.header.MsgType, r.content, want)
			}
			if tt.cellBlock {
				if r := contentOf(t, tk.reply(tk.shellBox, cell)); r["ename"] != "Interrupted" {
					t.Errorf("the running cell was not cancelled: %v", r)
				}
			}
			if err := tk.waitRun(); err != nil {
				t.Errorf("Run = %v, want nil after shutdown_request", err)
			}
		})
	}
}

func TestCloseEndsRunAndRunOnlyOnce(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	if err := tk.k.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tk.waitRun(); err != nil {
		t.Errorf("Run after Close = %v, want nil", err)
	}
	if err := tk.k.Run(t.Context()); err == nil {
		t.Error("a second Run succeeded")
	}
}

func TestNewRejectsBadConfiguration(t *testing.T) {
	good := ConnectionInfo{Transport: "tcp", IP: "127.0.0.1"}
	taken, err := New(good, newFakeExecutor(), Info{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	busy := good
	busy.ShellPort = taken.ConnectionInfo().ShellPort
	tests := []struct {
		name    string
		conn    ConnectionInfo
		exec    Executor
		wantErr string
	}{
		{"nil executor", good, nil, "nil Executor"},
		{"bad transport", ConnectionInfo{Transport: "pigeon", IP: "x"}, newFakeExecutor(), `unsupported transport "pigeon"`},
		{"port in use", busy, newFakeExecutor(), "binding shell socket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := New(tt.conn, tt.exec, Info{}, nil)
			if err == nil {
				k.Close()
				t.Fatalf("New succeeded, want an error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("New error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestInterruptWithoutARunningCellIsHarmless(t *testing.T) {
	tests := []struct {
		name      string
		interrupt func(tk *testKernel)
	}{
		{"interrupt_request on control", func(tk *testKernel) {
			r := tk.reply(tk.controlBox, tk.send(tk.control, "interrupt_request", map[string]any{}))
			if !reflect.DeepEqual(contentOf(tk.t, r), map[string]any{"status": "ok"}) {
				tk.t.Errorf("interrupt_reply = %s, want {status ok}", r.content)
			}
		}},
		{"Interrupt method (SIGINT)", func(tk *testKernel) { tk.k.Interrupt() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeExecutor()
			tk := startKernel(t, f)
			tk.execute("value before", nil)
			tt.interrupt(tk)
			tt.interrupt(tk)
			// The next cell runs until it is released: the interrupts did
			// not linger to cancel it.
			id := tk.send(tk.shell, "execute_request", map[string]any{"code": "wait"})
			waitStarted(t, f, "wait")
			select {
			case f.release <- nil:
			case <-time.After(waitTimeout):
				t.Fatal("the cell after the interrupts ended before it was released")
			}
			if r := contentOf(t, tk.reply(tk.shellBox, id)); r["status"] != "ok" || r["execution_count"] != 2.0 {
				t.Errorf("the cell after the interrupts: %v, want ok with count 2", r)
			}
		})
	}
}

func TestACellThatIgnoresInterruptsIsReportedAndControlStillWorks(t *testing.T) {
	f := newFakeExecutor()
	tk := startKernelWith(t, f, func(k *Kernel) {
		k.interruptGrace = time.Millisecond
		k.shutdownGrace = time.Millisecond
	})
	t.Cleanup(func() { close(f.unstick) }) // before tk.stop: cleanups run last first

	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "stuck"})
	waitStarted(t, f, "stuck")
	tk.reply(tk.controlBox, tk.send(tk.control, "interrupt_request", map[string]any{}))

	warned := func(msgs []*message) bool {
		for _, m := range msgs {
			if parentID(m) == id && m.header.MsgType == "stream" {
				c := contentOf(t, m)
				if c["name"] == "stderr" && strings.Contains(c["text"].(string), "Restart the kernel") {
					return true
				}
			}
		}
		return false
	}
	tk.iopubBox.waitFor(t, "the warning that the cell cannot be stopped", warned)

	if r := tk.reply(tk.controlBox, tk.send(tk.control, "kernel_info_request", map[string]any{})); r.header.MsgType != "kernel_info_reply" {
		t.Errorf("kernel_info_request on control while the cell is stuck: %s", r.header.MsgType)
	}
	shutdown := tk.send(tk.control, "shutdown_request", map[string]any{"restart": true})
	if r := contentOf(t, tk.reply(tk.controlBox, shutdown)); !reflect.DeepEqual(r, map[string]any{"status": "ok", "restart": true}) {
		t.Errorf("shutdown_reply = %v", r)
	}
	if err := tk.waitRun(); err != nil {
		t.Errorf("Run = %v, want nil after shutdown_request", err)
	}
	if !strings.Contains(tk.logs.String(), "ignored cancellation") {
		t.Errorf("the kernel did not log that it closed with the cell still running:\n%s", tk.logs.String())
	}
}

// sessionEndingExecutor is a fake whose cells run in a session it can end.
type sessionEndingExecutor struct {
	*fakeExecutor
	endOnce sync.Once
}

// EndSession ends the "stuck" cells, as ending their process would.
func (e *sessionEndingExecutor) EndSession() { e.endOnce.Do(func() { close(e.unstick) }) }

func TestAStuckCellIsStoppedByASecondInterruptWhenTheSessionCanEnd(t *testing.T) {
	f := &sessionEndingExecutor{fakeExecutor: newFakeExecutor()}
	tk := startKernelWith(t, f, func(k *Kernel) { k.interruptGrace = time.Millisecond })
	t.Cleanup(func() { f.EndSession() })

	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "stuck"})
	waitStarted(t, f.fakeExecutor, "stuck")
	tk.reply(tk.controlBox, tk.send(tk.control, "interrupt_request", map[string]any{}))
	tk.iopubBox.waitFor(t, "the advice to interrupt again", func(msgs []*message) bool {
		for _, m := range msgs {
			if parentID(m) == id && m.header.MsgType == "stream" && strings.Contains(contentOf(t, m)["text"].(string), "Interrupt again") {
				return true
			}
		}
		return false
	})
	tk.reply(tk.controlBox, tk.send(tk.control, "interrupt_request", map[string]any{}))
	if r := contentOf(t, tk.reply(tk.shellBox, id)); r["status"] != "error" {
		t.Errorf("the stuck cell after a second interrupt: %v, want an error", r)
	}
}

// Two interrupts before the warning: the session ends once the grace has
// passed, without asking for a third.
func TestTwoQuickInterruptsEndTheSessionOfAStuckCell(t *testing.T) {
	f := &sessionEndingExecutor{fakeExecutor: newFakeExecutor()}
	tk := startKernelWith(t, f, func(k *Kernel) { k.interruptGrace = 200 * time.Millisecond })
	t.Cleanup(func() { f.EndSession() })

	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "stuck"})
	waitStarted(t, f.fakeExecutor, "stuck")
	tk.reply(tk.controlBox, tk.send(tk.control, "interrupt_request", map[string]any{}))
	tk.reply(tk.controlBox, tk.send(tk.control, "interrupt_request", map[string]any{}))
	if r := contentOf(t, tk.reply(tk.shellBox, id)); r["status"] != "error" {
		t.Errorf("the stuck cell after two quick interrupts: %v, want an error", r)
	}
}

func TestCellEndingSoonAfterAnInterruptIsNotReportedStuck(t *testing.T) {
	f := newFakeExecutor()
	tk := startKernel(t, f) // the default grace: the cell stops long before
	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "block"})
	waitStarted(t, f, "block")
	tk.k.Interrupt()
	tk.reply(tk.shellBox, id)
	if got := types(t, tk.published(id)); !reflect.DeepEqual(got, []string{"status:busy", "execute_input", "error", "status:idle"}) {
		t.Errorf("IOPub of the interrupted cell = %v, want no warning stream", got)
	}
}

func TestCommOpenToAnUnknownTargetIsClosed(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	open := tk.send(tk.shell, "comm_open", map[string]any{"comm_id": "c1", "target_name": "jupyter.widget", "data": map[string]any{}})
	iopub := tk.published(open)
	if got, want := types(t, iopub), []string{"status:busy", "comm_close", "status:idle"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("IOPub for comm_open = %v, want %v", got, want)
	}
	if got, want := contentOf(t, iopub[1]), map[string]any{"comm_id": "c1", "data": map[string]any{}}; !reflect.DeepEqual(got, want) {
		t.Errorf("comm_close = %v, want %v", got, want)
	}
	for _, msgType := range []string{"comm_msg", "comm_close"} {
		id := tk.send(tk.shell, msgType, map[string]any{"comm_id": "c1", "data": map[string]any{}})
		if got, want := types(t, tk.published(id)), []string{"status:busy", "status:idle"}; !reflect.DeepEqual(got, want) {
			t.Errorf("IOPub for %s = %v, want %v", msgType, got, want)
		}
	}
	// Shell requests are handled in order: after this reply, a reply to
	// the comm messages would have arrived.
	tk.reply(tk.shellBox, tk.send(tk.shell, "kernel_info_request", map[string]any{}))
	tk.shellBox.mu.Lock()
	defer tk.shellBox.mu.Unlock()
	if len(tk.shellBox.msgs) != 1 {
		t.Errorf("shell replies %s, want only the kernel_info_reply", summarize(tk.shellBox.msgs))
	}
}

func TestReplayedMessagesAreDropped(t *testing.T) {
	f := newFakeExecutor()
	tk := startKernel(t, f)
	_, frames := tk.request("execute_request", map[string]any{"code": "value once"})
	tk.sendFrames(tk.shell, frames)
	tk.sendFrames(tk.shell, frames)
	tk.execute("value after", nil)
	if got, want := f.executed(), []string{"value once", "value after"}; !reflect.DeepEqual(got, want) {
		t.Errorf("executed %q, want %q", got, want)
	}
	if logs := tk.logs.String(); !strings.Contains(logs, errReplayed.Error()) {
		t.Errorf("the replayed message was not logged:\n%s", logs)
	}
}

func TestPagerPayloadAndClearOutput(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	reply, _ := tk.execute("page Help for Println", nil)
	want := []any{map[string]any{"source": "page", "data": map[string]any{"text/plain": "Help for Println"}, "start": 0.0}}
	if !reflect.DeepEqual(reply["payload"], want) {
		t.Errorf("payload = %v, want %v", reply["payload"], want)
	}

	_, iopub := tk.execute("clear", nil)
	var got []string
	for _, m := range iopub {
		switch c := contentOf(t, m); m.header.MsgType {
		case "stream":
			got = append(got, "stream:"+c["text"].(string))
		case "clear_output":
			got = append(got, fmt.Sprintf("clear_output wait=%v", c["wait"]))
		}
	}
	if want := []string{"stream:before\n", "clear_output wait=true", "stream:after\n"}; !reflect.DeepEqual(got, want) {
		t.Errorf("IOPub = %q, want %q", got, want)
	}
}

func TestSocketsListenOnlyOnTheConnectionAddress(t *testing.T) {
	k, err := New(ConnectionInfo{Transport: "tcp", IP: "127.0.0.1"}, newFakeExecutor(), Info{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	var public []string
	for _, l := range k.guard.listeners {
		addr, ok := l.Addr().(*net.TCPAddr)
		if !ok || !addr.IP.Equal(net.IPv4(127, 0, 0, 1)) || addr.Port == 0 {
			t.Errorf("the guard listens on %v, want 127.0.0.1 and a port", l.Addr())
		}
		public = append(public, l.Addr().String())
	}
	c := k.ConnectionInfo()
	var want []string
	for _, p := range c.ports() {
		want = append(want, fmt.Sprintf("127.0.0.1:%d", p.port))
	}
	sort.Strings(public)
	sort.Strings(want)
	if !reflect.DeepEqual(public, want) {
		t.Errorf("the guard listens on %v, want the connection's ports %v", public, want)
	}
	// The zmq4 sockets themselves are reachable only through a directory
	// that no other user may enter.
	if fi, err := os.Stat(k.guard.dir); err != nil {
		t.Error(err)
	} else if fi.Mode().Perm() != 0o700 {
		t.Errorf("private directory %s has mode %v, want 0700", k.guard.dir, fi.Mode().Perm())
	}
	for name, sock := range map[string]zmq4.Socket{"shell": k.shell, "control": k.control, "stdin": k.stdin, "heartbeat": k.hb} {
		addr, ok := sock.Addr().(*net.UnixAddr)
		if !ok || filepath.Dir(addr.Name) != k.guard.dir {
			t.Errorf("%s socket listens on %v, want a unix socket in %s", name, sock.Addr(), k.guard.dir)
		}
	}
}
