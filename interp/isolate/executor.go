package isolate

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gosparkling/gosparkling/cell"
	"github.com/gosparkling/gosparkling/interp"
	"github.com/gosparkling/gosparkling/interp/internal/syncpipe"
)

// Options configures the child sessions of an Executor.
type Options struct {
	// Command is the program and its arguments that start a child; the
	// program calls Serve. Required.
	Command []string
	// Env is added to the kernel's environment for the child.
	Env []string
	// MemoryLimit bounds the session's resident memory, in bytes: 0 means
	// DefaultMemoryLimit(), a negative value no limit.
	MemoryLimit int64
	// Log receives the child's log and its crash reports; log.Default()
	// when nil.
	Log *log.Logger
}

// Timeouts of the conversation with the child.
const (
	// syncTimeout bounds the wait for a sync marker: the pipes are read
	// continuously, so it passes only when delivering output is stuck.
	syncTimeout = 5 * time.Second
	// requestTimeout bounds completion, inspection and is_complete.
	requestTimeout = 10 * time.Second
	// crashReportWait bounds the wait for a dead child's crash report.
	crashReportWait = 2 * time.Second
	// shutdownWait is how long Close lets the child clean up.
	shutdownWait = 5 * time.Second
	// memoryPoll is how often the kernel reads the child's resident size.
	memoryPoll = 50 * time.Millisecond
)

// Executor runs cells in a child process and implements the kernel's
// Executor, IsCompleter, Completer and Inspector. Create it with Start.
type Executor struct {
	opts  Options
	log   *log.Logger
	limit int64 // bytes; 0 for none

	nextID atomic.Uint64

	mu     sync.Mutex
	child  *child
	out    interp.Output // the running cell's, nil when none runs
	closed bool
}

// Start starts the first child session and returns at once; Execute waits
// for the child to be ready.
func Start(opts Options) (*Executor, error) {
	if len(opts.Command) == 0 {
		return nil, errors.New("isolate: Options.Command is empty")
	}
	e := &Executor{opts: opts, log: opts.Log}
	if e.log == nil {
		e.log = log.Default()
	}
	switch {
	case opts.MemoryLimit == 0:
		e.limit = DefaultMemoryLimit()
	case opts.MemoryLimit > 0:
		e.limit = opts.MemoryLimit
	}
	c, err := e.startChild()
	if err != nil {
		return nil, err
	}
	e.child = c
	return e, nil
}

// MemoryLimit is the session's memory limit in bytes, 0 for none.
func (e *Executor) MemoryLimit() int64 { return e.limit }

// WaitReady waits until the current child can run cells.
func (e *Executor) WaitReady(ctx context.Context) error {
	_, err := e.readyChild(ctx)
	return err
}

// child is one session process.
type child struct {
	cmd     *exec.Cmd
	conn    *conn
	control *os.File
	stdout  *syncpipe.Reader
	stderr  *syncpipe.Reader
	started time.Time

	ready chan struct{} // closed when the session is built
	dead  chan struct{} // closed when the process has exited and its messages are read
	// exitErr is cmd.Wait's error; read it after dead is closed.
	exitErr error
	// logTail is the end of the child's log, where the Go runtime writes
	// its crash report; it is complete once logDone closes.
	logTail []byte
	logDone chan struct{}
	// memUsed is the resident size at which the kernel ended the child
	// for passing the memory limit, 0 when it did not.
	memUsed atomic.Int64
	// endedByUser is set when the user ended the session (EndSession).
	endedByUser atomic.Bool

	mu      sync.Mutex
	pending map[uint64]chan *message
	// handled is the sync number of the last message the kernel handled;
	// handledCond (on mu) signals its changes.
	handled     uint64
	handledCond *sync.Cond
}

// markHandled records that the message with sync number seq was handled.
func (c *child) markHandled(seq uint64) {
	if seq == 0 {
		return
	}
	c.mu.Lock()
	c.handled = max(c.handled, seq)
	c.mu.Unlock()
	c.handledCond.Broadcast()
}

// waitHandled waits until the message with sync number seq has been
// handled, the child has died, or syncTimeout has passed.
func (c *child) waitHandled(seq uint64) {
	expired := false
	t := time.AfterFunc(syncTimeout, func() {
		c.mu.Lock()
		expired = true
		c.mu.Unlock()
		c.handledCond.Broadcast()
	})
	defer t.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.handled < seq && !expired && !c.isDead() {
		c.handledCond.Wait()
	}
}

func (c *child) isDead() bool {
	select {
	case <-c.dead:
		return true
	default:
		return false
	}
}

// startChild starts a session process and the goroutines that serve it.
func (e *Executor) startChild() (*child, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("isolate: socket pair: %w", err)
	}
	control, childControl := os.NewFile(uintptr(fds[0]), "control"), os.NewFile(uintptr(fds[1]), "control")
	var pipes [3][2]*os.File // stdout, stderr, log: read and write ends
	closeAll := func() {
		control.Close()
		childControl.Close()
		for _, p := range pipes {
			for _, f := range p {
				if f != nil {
					f.Close()
				}
			}
		}
	}
	for i := range pipes {
		r, w, err := os.Pipe()
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("isolate: pipe: %w", err)
		}
		pipes[i] = [2]*os.File{r, w}
	}
	var nonceBytes [8]byte
	rand.Read(nonceBytes[:])
	nonce := hex.EncodeToString(nonceBytes[:])

	cmd := exec.Command(e.opts.Command[0], e.opts.Command[1:]...)
	cmd.Env = append(append(os.Environ(), e.opts.Env...),
		envNonce+"="+nonce, envMemoryLimit+"="+strconv.FormatInt(e.limit, 10))
	cmd.Stdout, cmd.Stderr = pipes[0][1], pipes[1][1]
	cmd.ExtraFiles = []*os.File{childControl, pipes[2][1]} // fds 3 and 4
	if err := cmd.Start(); err != nil {
		closeAll()
		return nil, fmt.Errorf("isolate: starting the session process %s: %w", e.opts.Command[0], err)
	}
	childControl.Close()
	for _, p := range pipes {
		p[1].Close()
	}
	c := &child{
		cmd:     cmd,
		conn:    newConn(control),
		control: control,
		started: time.Now(),
		ready:   make(chan struct{}),
		dead:    make(chan struct{}),
		logDone: make(chan struct{}),
		pending: map[uint64]chan *message{},
	}
	c.handledCond = sync.NewCond(&c.mu)
	c.stdout = syncpipe.NewReader("stdout", pipes[0][0], nonce, e.deliver, c.waitHandled)
	c.stderr = syncpipe.NewReader("stderr", pipes[1][0], nonce, e.deliver, c.waitHandled)
	go c.stdout.Run()
	go c.stderr.Run()
	go e.copyLog(c, pipes[2][0])
	exited := make(chan struct{})
	go func() {
		c.exitErr = cmd.Wait()
		close(exited)
		pipes[0][0].SetReadDeadline(time.Now().Add(crashReportWait))
		pipes[1][0].SetReadDeadline(time.Now().Add(crashReportWait))
	}()
	go func() {
		e.receive(c)
		<-exited
		close(c.dead)
		c.handledCond.Broadcast()
		control.Close()
	}()
	if e.limit > 0 {
		go e.watchMemory(c, exited)
	}
	return c, nil
}

// logTailSize is how much of the child's log is kept for a crash report.
const logTailSize = 256 << 10

// copyLog writes the child's standard error, its log, to the kernel's log
// line by line, keeping its end for a crash report.
func (e *Executor) copyLog(c *child, r io.ReadCloser) {
	defer close(c.logDone)
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		e.log.Printf("session: %s", line)
		c.mu.Lock()
		c.logTail = append(c.logTail, line...)
		c.logTail = append(c.logTail, '\n')
		if len(c.logTail) > 2*logTailSize {
			c.logTail = append(c.logTail[:0], c.logTail[len(c.logTail)-logTailSize:]...)
		}
		c.mu.Unlock()
	}
}

// deliver hands text the child wrote to the running cell, or to the log
// when no cell runs.
func (e *Executor) deliver(name, text string) {
	e.mu.Lock()
	out := e.out
	e.mu.Unlock()
	if out != nil {
		out.Stream(name, text)
		return
	}
	e.log.Printf("session %s, written while no cell ran: %q", name, text)
}

func (e *Executor) currentOut() interp.Output {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.out
}

// waitSync waits until both output pipes have delivered what the child
// wrote before marker seq.
func (e *Executor) waitSync(c *child, seq uint64) {
	if seq == 0 {
		return
	}
	for _, s := range []*syncpipe.Reader{c.stdout, c.stderr} {
		if !s.WaitFor(seq, syncTimeout) {
			e.log.Printf("isolate: %s of the session did not reach sync marker %d in %v", s.Name, seq, syncTimeout)
		}
	}
}

// receive handles the child's messages until the connection ends.
func (e *Executor) receive(c *child) {
	for {
		m, err := c.conn.receive()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
				e.log.Printf("isolate: reading from the session: %v", err)
			}
			return
		}
		switch m.Type {
		case msgReady:
			e.log.Printf("isolate: session process %d ready in %v", c.cmd.Process.Pid, time.Since(c.started).Round(time.Millisecond))
			close(c.ready)
		case msgDisplay:
			e.waitSync(c, m.Sync)
			if out := e.currentOut(); out != nil {
				out.Display(m.Data, m.Metadata, m.DisplayID, m.Update)
			}
			c.markHandled(m.Sync)
		case msgCommOpen, msgCommMsg, msgCommClose:
			e.waitSync(c, m.Sync)
			if out, ok := e.currentOut().(cell.Comms); ok {
				switch m.Type {
				case msgCommOpen:
					out.CommOpen(m.CommID, m.Target, m.CommData, m.Metadata)
				case msgCommMsg:
					out.CommMsg(m.CommID, m.CommData)
				default:
					out.CommClose(m.CommID, m.CommData)
				}
			}
			c.markHandled(m.Sync)
		case msgInputRequest:
			e.waitSync(c, m.Sync)
			go e.answerInput(c, m)
			c.markHandled(m.Sync)
		case msgExecuteReply, msgReply:
			e.waitSync(c, m.Sync)
			c.mu.Lock()
			ch := c.pending[m.ID]
			delete(c.pending, m.ID)
			c.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			c.markHandled(m.Sync)
		default:
			e.log.Printf("isolate: ignoring a %q message from the session", m.Type)
		}
	}
}

// answerInput asks the frontend for the line the child wants.
func (e *Executor) answerInput(c *child, m *message) {
	reply := &message{Type: msgInputReply, ID: m.ID}
	if in, ok := e.currentOut().(interp.InputReader); ok {
		text, err := in.Input(m.Prompt, m.Password)
		reply.Text = text
		if err != nil {
			reply.ErrText = err.Error()
		}
	} else {
		reply.ErrText = "standard input is not available: the frontend does not allow input"
	}
	if err := c.conn.send(reply); err != nil {
		e.log.Print(err)
	}
}

// expect registers a wait for the reply to request id.
func (c *child) expect(id uint64) chan *message {
	ch := make(chan *message, 1)
	c.mu.Lock()
	c.pending[id] = ch
	c.mu.Unlock()
	return ch
}

func (c *child) forget(id uint64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

// watchMemory ends the child when its resident size passes the limit.
func (e *Executor) watchMemory(c *child, exited <-chan struct{}) {
	t := time.NewTicker(memoryPoll)
	defer t.Stop()
	for {
		select {
		case <-exited:
			return
		case <-t.C:
		}
		rss, err := residentSize(c.cmd.Process.Pid)
		if err != nil || rss <= e.limit {
			continue
		}
		c.memUsed.Store(rss)
		e.log.Printf("isolate: the session uses %s, over its limit of %s: ending it", formatBytes(rss), formatBytes(e.limit))
		c.cmd.Process.Kill()
		return
	}
}

// readyChild returns the current child once it is ready. A child that
// died before it was ready is replaced, and its failure returned.
func (e *Executor) readyChild(ctx context.Context) (*child, error) {
	e.mu.Lock()
	c, closed := e.child, e.closed
	e.mu.Unlock()
	if closed {
		return nil, errors.New("isolate: the executor is closed")
	}
	if c.isDead() { // it died between cells: say so, rather than run in a new session unaware
		err := e.diedError(c, "")
		e.replace(c)
		return nil, err
	}
	select {
	case <-c.ready:
		return c, nil
	case <-c.dead:
		err := e.diedError(c, "")
		e.replace(c)
		return nil, err
	case <-ctx.Done():
		return nil, &interp.CellError{Name: "Interrupted", Value: "interrupted while the session was starting",
			Traceback: []string{red("Interrupted") + ": interrupted while the session was starting"}}
	}
}

// replace starts a new child in place of c, which has died.
func (e *Executor) replace(c *child) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || e.child != c {
		return
	}
	n, err := e.startChild()
	if err != nil {
		e.log.Printf("isolate: starting a new session: %v", err)
		return // the dead child stays; the next cell tries again
	}
	e.child = n
}

// Execute runs one cell in the child. When the child dies while it runs,
// the cell fails with an error saying what happened, and a new child is
// started for the next cell.
func (e *Executor) Execute(ctx context.Context, code string, out interp.Output) (interp.MIMEBundle, error) {
	c, err := e.readyChild(ctx)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.out = out
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.out = nil
		e.mu.Unlock()
	}()
	cellName := interp.CellName(ctx)
	id := e.nextID.Add(1)
	replies := c.expect(id)
	defer c.forget(id)
	widgets := cell.NoWidgets
	if comms, ok := out.(cell.Comms); ok {
		widgets = comms.WidgetProtocol()
	}
	if err := c.conn.send(&message{Type: msgExecute, ID: id, Code: code, CellName: cellName, Widgets: widgets}); err != nil {
		e.log.Print(err)
	}
	interrupt := ctx.Done()
	for {
		select {
		case r := <-replies:
			if stillRunning(r.Error) {
				return nil, e.endStuckSession(c, r.Error)
			}
			return replyResult(r)
		case <-interrupt:
			interrupt = nil
			if err := c.conn.send(&message{Type: msgInterrupt, ID: id}); err != nil {
				e.log.Print(err)
			}
		case <-c.dead:
			select {
			case r := <-replies:
				e.replace(c)
				return replyResult(r)
			default:
			}
			err := e.diedError(c, cellName)
			e.replace(c)
			return nil, err
		}
	}
}

// stillRunning reports whether err says that an interrupted program, or
// the jobs or goroutines of one, go on running in the session: in the
// kernel's process the user would have to restart the kernel.
func stillRunning(err *interp.CellError) bool {
	return err != nil && (err.Name == "RestartNeeded" ||
		err.Name == "Interrupted" && strings.Contains(err.Value, "still running"))
}

// endStuckSession ends the session of child c, in which an interrupted
// cell goes on running (err says how), starts a new one, and returns the
// error that says so.
func (e *Executor) endStuckSession(c *child, err *interp.CellError) *interp.CellError {
	e.log.Printf("isolate: ending session process %d: %s", c.cmd.Process.Pid, err.Value)
	c.endedByUser.Store(true)
	c.cmd.Process.Kill()
	<-c.dead
	e.replace(c)
	msg := "an interrupted cell did not stop (" + err.Value + "), so the session was ended to stop it"
	return &interp.CellError{Name: "SessionEnded", Value: msg,
		Traceback: []string{red("SessionEnded") + ": " + msg, "", lostState}}
}

func replyResult(r *message) (interp.MIMEBundle, error) {
	if r.Error != nil {
		return nil, r.Error
	}
	return r.Data, nil
}

// request sends a completion, inspection or is_complete request and
// waits for its reply; ok is false when the child cannot answer.
func (e *Executor) request(m *message) (reply *message, ok bool) {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	c, err := e.readyChild(ctx)
	if err != nil {
		return nil, false
	}
	m.ID = e.nextID.Add(1)
	replies := c.expect(m.ID)
	defer c.forget(m.ID)
	if err := c.conn.send(m); err != nil {
		return nil, false
	}
	select {
	case r := <-replies:
		return r, true
	case <-c.dead:
	case <-ctx.Done():
		e.log.Printf("isolate: the session did not answer a %s request in %v", m.Type, requestTimeout)
	}
	return nil, false
}

// IsComplete answers is_complete_request in the child.
func (e *Executor) IsComplete(code string) (status, indent string) {
	r, ok := e.request(&message{Type: msgIsComplete, Code: code})
	if !ok {
		return "unknown", ""
	}
	return r.Status, r.Indent
}

// Complete answers complete_request in the child.
func (e *Executor) Complete(code string, cursor int) (matches []string, start, end int, metadata map[string]any) {
	r, ok := e.request(&message{Type: msgComplete, Code: code, Cursor: cursor})
	if !ok {
		return nil, cursor, cursor, nil
	}
	return r.Matches, r.Start, r.End, r.Meta
}

// Inspect answers inspect_request in the child.
func (e *Executor) Inspect(code string, cursor, detailLevel int) (interp.MIMEBundle, bool) {
	r, ok := e.request(&message{Type: msgInspect, Code: code, Cursor: cursor, Detail: detailLevel})
	if !ok {
		return nil, false
	}
	return r.Data, r.Found
}

// EndSession ends the session process while a cell runs: the kernel calls
// it on an interrupt after the running cell ignored one. The cell fails
// saying so, and a new session starts.
func (e *Executor) EndSession() {
	e.mu.Lock()
	c, running := e.child, e.out != nil
	e.mu.Unlock()
	if !running || c.isDead() {
		return
	}
	e.log.Printf("isolate: ending session process %d at the user's interrupt", c.cmd.Process.Pid)
	c.endedByUser.Store(true)
	c.cmd.Process.Kill()
}

// Close shuts the child down, letting it remove its temporary files, and
// ends it if it does not exit in time.
func (e *Executor) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	c := e.child
	e.mu.Unlock()
	if err := c.conn.send(&message{Type: msgShutdown}); err != nil {
		c.cmd.Process.Kill()
	}
	select {
	case <-c.dead:
	case <-time.After(shutdownWait):
		c.cmd.Process.Kill()
		<-c.dead
	}
	return nil
}
