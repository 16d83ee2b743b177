package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/google/uuid"

	"github.com/gosparkling/gosparkling/cell"
)

// waitTimeout bounds every wait of the tests; it is generous because the
// test machine is shared and slow, and only a broken kernel hits it.
const waitTimeout = 20 * time.Second

// fakeExecutor runs a tiny command language: the first word of a cell is
// a command, the rest its argument.
//
//	print X       writes "X\n" to stdout, no value
//	value X       returns text/plain X
//	printvalue X  both
//	fail X        fails with a CellError{CompileError, X}
//	plainerr X    fails with errors.New(X)
//	panic X       panics with X
//	block         waits for the context and reports the interruption
//	wait          waits for an error (or nil) on release
//	display       shows a display and updates it
//	goroutines    writes lines to stdout from several goroutines
//	input P       reads a line with prompt P and returns it as its value
//	password P    the same, hiding the typing
//	input2 P      reads two lines and returns them joined by a space
//	stuck         ignores cancellation: runs until the test ends
//	page X        pages text/plain X
//	clear         prints "before", clears the output, prints "after"
//	widgets       returns the frontend's widget protocol (cell.Comms) as its value
//	comm          opens widget comm "w1" with value "a", sets it to "b" and leaves it open
//	commclose     closes comm "w1"
type fakeExecutor struct {
	started chan string   // receives each cell's code as it starts
	release chan error    // ends a "wait" cell
	unstick chan struct{} // closed when the test ends, ends "stuck" cells

	mu    sync.Mutex
	codes []string
}

func newFakeExecutor() *fakeExecutor {
	return &fakeExecutor{started: make(chan string, 100), release: make(chan error), unstick: make(chan struct{})}
}

// inputReader is what the fake expects of the Output to read input: the
// method cell.InputReader has.
type inputReader interface {
	Input(prompt string, password bool) (string, error)
}

func (f *fakeExecutor) Execute(ctx context.Context, code string, out cell.Output) (cell.MIMEBundle, error) {
	f.mu.Lock()
	f.codes = append(f.codes, code)
	f.mu.Unlock()
	f.started <- code
	cmd, arg, _ := strings.Cut(code, " ")
	switch cmd {
	case "print":
		out.Stream("stdout", arg+"\n")
		return nil, nil
	case "value":
		return cell.MIMEBundle{"text/plain": arg}, nil
	case "printvalue":
		out.Stream("stdout", arg+"\n")
		return cell.MIMEBundle{"text/plain": arg}, nil
	case "fail":
		return nil, &cell.Error{Name: "CompileError", Value: arg, Traceback: []string{"1:1: " + arg}}
	case "plainerr":
		return nil, errors.New(arg)
	case "panic":
		panic(arg)
	case "block":
		<-ctx.Done()
		return nil, &cell.Error{Name: "Interrupted", Value: ctx.Err().Error()}
	case "wait":
		select {
		case err := <-f.release:
			return nil, err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case "display":
		out.Display(cell.MIMEBundle{"text/html": "<b>1</b>"}, nil, "d1", false)
		out.Display(cell.MIMEBundle{"text/html": "<b>2</b>"}, nil, "d1", true)
		return nil, nil
	case "goroutines":
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := range 100 {
					out.Stream("stdout", fmt.Sprintf("g%d-%d\n", g, i))
				}
			})
		}
		wg.Wait()
		return nil, nil
	case "input", "password", "input2":
		in, ok := out.(inputReader)
		if !ok {
			return nil, errors.New("fake executor: the Output cannot read input")
		}
		n := 1
		if cmd == "input2" {
			n = 2
		}
		var lines []string
		for range n {
			line, err := in.Input(arg, cmd == "password")
			if err != nil {
				return nil, &cell.Error{Name: "InputError", Value: err.Error()}
			}
			lines = append(lines, line)
		}
		return cell.MIMEBundle{"text/plain": strings.Join(lines, " ")}, nil
	case "stuck":
		<-f.unstick
		return nil, &cell.Error{Name: "Interrupted", Value: "at last"}
	case "page":
		out.(Pager).Page(cell.MIMEBundle{"text/plain": arg}, 0)
		return nil, nil
	case "widgets", "comm", "commclose":
		comms, ok := out.(cell.Comms)
		if !ok {
			return nil, errors.New("fake executor: the Output has no comms")
		}
		switch cmd {
		case "widgets":
			return cell.MIMEBundle{"text/plain": fmt.Sprint(comms.WidgetProtocol())}, nil
		case "comm":
			comms.CommOpen("w1", cell.WidgetTarget,
				map[string]any{"state": map[string]any{"_model_name": "HTMLModel", "value": "a"}, "buffer_paths": []any{}},
				map[string]any{"version": "2.0.0"})
			comms.CommMsg("w1", map[string]any{"method": "update", "state": map[string]any{"value": "b"}, "buffer_paths": []any{}})
		default:
			comms.CommClose("w1", nil)
		}
		return nil, nil
	case "clear":
		out.Stream("stdout", "before\n")
		out.(OutputClearer).ClearOutput(true)
		out.Stream("stdout", "after\n")
		return nil, nil
	}
	return nil, fmt.Errorf("fake executor: unknown command %q", cmd)
}

// executed returns the codes of the cells run so far.
func (f *fakeExecutor) executed() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.codes...)
}

// completingExecutor adds IsComplete to the fake.
type completingExecutor struct{ *fakeExecutor }

func (completingExecutor) IsComplete(code string) (status, indent string) {
	if strings.HasSuffix(code, "{") {
		return "incomplete", "\t"
	}
	return "complete", ""
}

// mailbox collects the messages a client socket receives.
type mailbox struct {
	mu      sync.Mutex
	msgs    []*message
	errs    []string
	changed chan struct{} // closed and replaced when msgs grows
}

func newMailbox() *mailbox { return &mailbox{changed: make(chan struct{})} }

func (b *mailbox) add(m *message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.msgs = append(b.msgs, m)
	close(b.changed)
	b.changed = make(chan struct{})
}

// waitFor waits until cond holds for the messages received so far and
// returns them.
func (b *mailbox) waitFor(t *testing.T, what string, cond func([]*message) bool) []*message {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		b.mu.Lock()
		msgs, changed := append([]*message(nil), b.msgs...), b.changed
		b.mu.Unlock()
		if cond(msgs) {
			return msgs
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; received %s", what, summarize(msgs))
		}
	}
}

func summarize(msgs []*message) string {
	var parts []string
	for _, m := range msgs {
		parts = append(parts, fmt.Sprintf("%s(parent %s)", m.header.MsgType, parentID(m)))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func parentID(m *message) string {
	var h header
	_ = json.Unmarshal(m.parent, &h)
	return h.MsgID
}

func contentOf(t *testing.T, m *message) map[string]any {
	t.Helper()
	var c map[string]any
	if err := json.Unmarshal(m.content, &c); err != nil {
		t.Fatalf("content of %s: %v", m.header.MsgType, err)
	}
	return c
}

// logBuffer captures the kernel's log.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testKernel is a kernel running in-process and a client connected to
// it over TCP on 127.0.0.1.
type testKernel struct {
	t      *testing.T
	k      *Kernel
	key    string
	signer signer
	logs   *logBuffer

	// stdin has the identity of shell, as jupyter_client's sockets do.
	shell, control, stdin, iopub, hb         zmq4.Socket
	shellBox, controlBox, stdinBox, iopubBox *mailbox
	runErr                                   chan error
	cancelRun                                context.CancelFunc
	runDone                                  bool
}

// startKernel writes a connection file with free ports, starts a kernel
// on it and connects a client whose IOPub subscription is in place.
func startKernel(t *testing.T, exec Executor) *testKernel {
	t.Helper()
	return startKernelWith(t, exec, nil)
}

// startKernelWith is startKernel with configure, when not nil, applied
// to the kernel before Run.
func startKernelWith(t *testing.T, exec Executor, configure func(*Kernel)) *testKernel {
	t.Helper()
	key := uuid.NewString()
	path := filepath.Join(t.TempDir(), "kernel.json")
	file := fmt.Sprintf(`{"transport": "tcp", "ip": "127.0.0.1", "shell_port": 0, "control_port": 0,
		"stdin_port": 0, "iopub_port": 0, "hb_port": 0, "key": %q, "signature_scheme": "hmac-sha256"}`, key)
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	conn, err := ReadConnectionFile(path)
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	info := Info{Implementation: "gosparkling", ImplementationVersion: "0.1.0", Banner: "Go, sparkling",
		HelpLinks: []HelpLink{{Text: "Go", URL: "https://go.dev/doc"}}}
	k, err := New(conn, exec, info, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if configure != nil {
		configure(k)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tk := &testKernel{
		t: t, k: k, key: key, signer: signer{key: []byte(key)}, logs: logs,
		shellBox: newMailbox(), controlBox: newMailbox(), stdinBox: newMailbox(), iopubBox: newMailbox(),
		runErr: make(chan error, 1), cancelRun: cancel,
	}
	go func() { tk.runErr <- k.Run(ctx) }()

	bound := k.ConnectionInfo()
	dial := func(s zmq4.Socket, port int) zmq4.Socket {
		if err := s.Dial(bound.endpoint(port)); err != nil {
			t.Fatalf("dialing port %d: %v", port, err)
		}
		return s
	}
	bg := context.Background()
	tk.shell = dial(zmq4.NewDealer(bg, zmq4.WithID(zmq4.SocketIdentity("shell-client"))), bound.ShellPort)
	tk.control = dial(zmq4.NewDealer(bg, zmq4.WithID(zmq4.SocketIdentity("control-client"))), bound.ControlPort)
	tk.stdin = dial(zmq4.NewDealer(bg, zmq4.WithID(zmq4.SocketIdentity("shell-client"))), bound.StdinPort)
	tk.iopub = dial(zmq4.NewSub(bg), bound.IOPubPort)
	tk.hb = dial(zmq4.NewReq(bg), bound.HBPort)
	if err := tk.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		sock zmq4.Socket
		box  *mailbox
	}{{tk.shell, tk.shellBox}, {tk.control, tk.controlBox}, {tk.stdin, tk.stdinBox}, {tk.iopub, tk.iopubBox}} {
		go tk.collect(r.sock, r.box)
	}
	t.Cleanup(tk.stop)

	// Publishes wait a while for subscribers that are connecting; the
	// tests wait for the subscription itself.
	deadline := time.Now().Add(waitTimeout)
	for k.iopub.subscribers() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the kernel's IOPub socket never saw the subscription")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return tk
}

// collect decodes (checking the kernel's signatures) what sock receives.
func (tk *testKernel) collect(sock zmq4.Socket, box *mailbox) {
	for {
		raw, err := sock.Recv()
		if err != nil {
			return // the kernel or the client closed the connection
		}
		m, err := tk.signer.decode(raw.Frames)
		if err != nil {
			box.mu.Lock()
			box.errs = append(box.errs, err.Error())
			box.mu.Unlock()
			continue
		}
		box.add(m)
	}
}

func (tk *testKernel) stop() {
	if !tk.runDone {
		tk.cancelRun()
		select {
		case err := <-tk.runErr:
			if err != nil && !errors.Is(err, context.Canceled) {
				tk.t.Errorf("Run = %v", err)
			}
		case <-time.After(waitTimeout):
			tk.t.Errorf("Run did not return after its context was cancelled")
		}
	}
	for _, s := range []zmq4.Socket{tk.shell, tk.control, tk.stdin, tk.iopub, tk.hb} {
		_ = s.Close()
	}
	for name, b := range map[string]*mailbox{"shell": tk.shellBox, "control": tk.controlBox, "stdin": tk.stdinBox, "iopub": tk.iopubBox} {
		b.mu.Lock()
		if len(b.errs) > 0 {
			tk.t.Errorf("client received undecodable messages on %s: %q", name, b.errs)
		}
		b.mu.Unlock()
	}
	logs := tk.logs.String()
	if strings.Contains(logs, tk.key) {
		tk.t.Errorf("the kernel logged its key")
	}
	if tk.t.Failed() {
		tk.t.Logf("kernel log:\n%s", logs)
	}
}

// waitRun waits for Run to return and returns its error.
func (tk *testKernel) waitRun() error {
	tk.t.Helper()
	select {
	case err := <-tk.runErr:
		tk.runDone = true
		return err
	case <-time.After(waitTimeout):
		tk.t.Fatal("Run did not return")
		return nil
	}
}

// request builds the frames of a signed client request.
func (tk *testKernel) request(msgType string, content any) (msgID string, frames [][]byte) {
	tk.t.Helper()
	return tk.requestWithParent(msgType, nil, content)
}

// requestWithParent builds the frames of a signed client message whose
// parent_header is parent (none when nil).
func (tk *testKernel) requestWithParent(msgType string, parent json.RawMessage, content any) (msgID string, frames [][]byte) {
	tk.t.Helper()
	msgID = uuid.NewString()
	h, err := json.Marshal(header{MsgID: msgID, Session: "client-session", Username: "tester",
		Date: time.Now().UTC().Format(time.RFC3339Nano), MsgType: msgType, Version: protocolVersion})
	if err != nil {
		tk.t.Fatal(err)
	}
	c, err := json.Marshal(content)
	if err != nil {
		tk.t.Fatal(err)
	}
	p, md := []byte("{}"), []byte("{}")
	if parent != nil {
		p = parent
	}
	return msgID, [][]byte{delimiter, tk.signer.sign(h, p, md, c), h, p, md, c}
}

// send sends a signed request on sock and returns its msg_id.
func (tk *testKernel) send(sock zmq4.Socket, msgType string, content any) string {
	tk.t.Helper()
	id, frames := tk.request(msgType, content)
	tk.sendFrames(sock, frames)
	return id
}

func (tk *testKernel) sendFrames(sock zmq4.Socket, frames [][]byte) {
	tk.t.Helper()
	if err := sock.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		tk.t.Fatalf("client send: %v", err)
	}
}

// reply waits for the reply to msgID in box.
func (tk *testKernel) reply(box *mailbox, msgID string) *message {
	tk.t.Helper()
	msgs := box.waitFor(tk.t, "the reply to "+msgID, func(msgs []*message) bool {
		return findReply(msgs, msgID) != nil
	})
	return findReply(msgs, msgID)
}

func findReply(msgs []*message, msgID string) *message {
	for _, m := range msgs {
		if parentID(m) == msgID {
			return m
		}
	}
	return nil
}

// published waits for the idle status of msgID and returns the IOPub
// messages whose parent is msgID, in order.
func (tk *testKernel) published(msgID string) []*message {
	tk.t.Helper()
	msgs := tk.iopubBox.waitFor(tk.t, "idle after "+msgID, func(msgs []*message) bool {
		for _, m := range msgs {
			if parentID(m) == msgID && m.header.MsgType == "status" && strings.Contains(string(m.content), `"idle"`) {
				return true
			}
		}
		return false
	})
	var mine []*message
	for _, m := range msgs {
		if parentID(m) == msgID {
			mine = append(mine, m)
		}
	}
	return mine
}

// execute runs code through the shell and returns the reply and the
// IOPub messages of the request. extra adds fields to the content.
func (tk *testKernel) execute(code string, extra map[string]any) (reply map[string]any, iopub []*message) {
	tk.t.Helper()
	content := map[string]any{"code": code, "silent": false, "store_history": true,
		"user_expressions": map[string]any{}, "allow_stdin": false, "stop_on_error": true}
	for k, v := range extra {
		content[k] = v
	}
	id := tk.send(tk.shell, "execute_request", content)
	r := tk.reply(tk.shellBox, id)
	if r.header.MsgType != "execute_reply" {
		tk.t.Fatalf("reply to execute_request is %s", r.header.MsgType)
	}
	return contentOf(tk.t, r), tk.published(id)
}

// types lists the message types of msgs, with the state of statuses.
func types(t *testing.T, msgs []*message) []string {
	var out []string
	for _, m := range msgs {
		if m.header.MsgType == "status" {
			out = append(out, "status:"+contentOf(t, m)["execution_state"].(string))
			continue
		}
		out = append(out, m.header.MsgType)
	}
	return out
}

// streamText joins the text of the stream messages named name.
func streamText(t *testing.T, msgs []*message, name string) string {
	var b strings.Builder
	for _, m := range msgs {
		if c := contentOf(t, m); m.header.MsgType == "stream" && c["name"] == name {
			b.WriteString(c["text"].(string))
		}
	}
	return b.String()
}

// collapseStreams merges runs of "stream" entries, whose length depends
// on how output was coalesced.
func collapseStreams(ts []string) []string {
	var out []string
	for _, s := range ts {
		if s == "stream" && len(out) > 0 && out[len(out)-1] == "stream" {
			continue
		}
		out = append(out, s)
	}
	return out
}

// waitStarted waits for the fake executor to start the cell code.
func waitStarted(t *testing.T, f *fakeExecutor, code string) {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		select {
		case got := <-f.started:
			if got == code {
				return
			}
		case <-deadline:
			t.Fatalf("cell %q never started", code)
		}
	}
}
