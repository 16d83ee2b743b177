package isolate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gosparkling/gosparkling/cell"
	"github.com/gosparkling/gosparkling/interp"
	"github.com/gosparkling/gosparkling/interp/internal/syncpipe"
)

// The child's file descriptors beyond standard output (the cell's stdout
// pipe) and standard error (the cell's stderr pipe, moved away at start).
const (
	fdControl = 3 // the socket to the kernel
	fdLog     = 4 // the kernel's log: becomes the child's fd 2, where the runtime reports crashes
)

// Environment variables the kernel sets for the child.
const (
	envNonce       = "GOSPARKLING_SESSION_NONCE"
	envMemoryLimit = "GOSPARKLING_SESSION_MEMORY_LIMIT" // bytes
)

// maxStack is the stack limit of the session's goroutines.
const maxStack = 256 << 20

// Serve runs the child's side: it must be called by the program the
// kernel started with Options.Command, before anything else writes to
// standard error. It builds the session with newSession, giving it the
// kernel's log (for interp.WithLog: the process's standard error is the
// cell's), answers the kernel's requests until the kernel goes away or
// shuts the session down, and never returns.
func Serve(newSession func(kernelLog io.Writer) (*interp.Session, error)) {
	logger, err := redirectChildOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "gosparkling session: %v\n", err)
		os.Exit(2)
	}
	// Jupyter may interrupt by signalling the kernel's process group: the
	// kernel forwards interrupts as messages, so the child ignores SIGINT.
	signal.Ignore(os.Interrupt)
	// Let the system's out-of-memory killer choose the session over the
	// kernel that holds the sockets.
	_ = os.WriteFile("/proc/self/oom_score_adj", []byte("1000"), 0)

	// A runaway recursion overflows a quarter of Go's default stack limit
	// four times sooner, and no notebook needs a deeper one.
	debug.SetMaxStack(maxStack)
	limit, _ := strconv.ParseInt(os.Getenv(envMemoryLimit), 10, 64)
	if limit > 0 {
		debug.SetMemoryLimit(limit * 3 / 4)
	}
	c := &childServer{
		conn:   newConn(os.NewFile(fdControl, "control")),
		nonce:  os.Getenv(envNonce),
		log:    logger,
		limit:  limit,
		inputs: map[uint64]chan *message{},
	}
	s, err := newSession(logger.Writer())
	if err != nil {
		logger.Printf("starting the session: %v", err)
		os.Exit(3)
	}
	c.session = s
	if limit > 0 {
		go c.watchMemory()
	}
	os.Exit(c.serve())
}

// redirectChildOutput makes the process's standard error (where the Go
// runtime writes crash reports) the kernel's log, keeping the cell's
// stderr pipe as os.Stderr. It returns a logger to the kernel's log.
func redirectChildOutput() (*log.Logger, error) {
	for _, fd := range []int{fdControl, fdLog} {
		unix.CloseOnExec(fd)
	}
	cellStderr, err := unix.FcntlInt(2, unix.F_DUPFD_CLOEXEC, 10)
	if err != nil {
		return nil, fmt.Errorf("keeping the cell's stderr: %w", err)
	}
	if err := unix.Dup2(fdLog, 2); err != nil {
		return nil, fmt.Errorf("sending fd 2 to the kernel's log: %w", err)
	}
	unix.Close(fdLog)
	os.Stderr = os.NewFile(uintptr(cellStderr), "/dev/stderr")
	log.SetOutput(os.Stderr) // cells' log.Print* go to the cell, as Go code expects
	return log.New(os.NewFile(2, "kernel log"), "session: ", 0), nil
}

// childServer answers the kernel's requests.
type childServer struct {
	conn    *conn
	nonce   string
	log     *log.Logger
	session *interp.Session
	limit   int64

	syncSeq atomic.Uint64

	mu       sync.Mutex
	running  *runningExecute // nil when no cell runs
	inputs   map[uint64]chan *message
	inputSeq uint64
}

type runningExecute struct {
	id     uint64
	cancel context.CancelCauseFunc
	// heapAtStart is the heap when the cell started: a cell is stopped for
	// what it allocates, not for what earlier cells keep.
	heapAtStart uint64
}

// errMemory is the cause of a cell stopped for its memory.
type errMemory struct{ used, limit int64 }

func (e *errMemory) Error() string {
	return fmt.Sprintf("the session's heap reached %s of its %s memory limit", formatBytes(e.used), formatBytes(e.limit))
}

// serve handles messages until the kernel closes the connection or asks
// the child to shut down, and returns the exit status.
func (c *childServer) serve() int {
	if err := c.conn.send(&message{Type: msgReady}); err != nil {
		c.log.Print(err)
		return 1
	}
	for {
		m, err := c.conn.receive()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				c.log.Printf("reading from the kernel: %v", err)
			}
			c.shutdown()
			return 0
		}
		switch m.Type {
		case msgExecute:
			c.startExecute(m)
		case msgInterrupt:
			c.mu.Lock()
			if r := c.running; r != nil && r.id == m.ID {
				r.cancel(context.Canceled)
			}
			c.mu.Unlock()
		case msgInputReply:
			c.mu.Lock()
			ch := c.inputs[m.ID]
			delete(c.inputs, m.ID)
			c.mu.Unlock()
			if ch != nil {
				ch <- m
			}
		case msgComplete, msgInspect, msgIsComplete:
			c.answer(m)
		case msgShutdown:
			c.shutdown()
			return 0
		default:
			c.log.Printf("ignoring a %q message", m.Type)
		}
	}
}

// shutdown closes the session (removing its spill files and builds),
// giving up after a few seconds.
func (c *childServer) shutdown() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := c.session.Close(); err != nil {
			c.log.Printf("closing the session: %v", err)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
}

// startExecute runs the cell of m on a goroutine of its own, so that
// interrupts and input replies keep arriving.
func (c *childServer) startExecute(m *message) {
	ctx, cancel := context.WithCancelCause(context.Background())
	if m.CellName != "" {
		ctx = interp.WithCellName(ctx, m.CellName)
	}
	c.mu.Lock()
	c.running = &runningExecute{id: m.ID, cancel: cancel, heapAtStart: heapObjects()}
	c.mu.Unlock()
	go func() {
		out := &childOutput{c: c, id: m.ID, ctx: ctx, widgets: m.Widgets}
		bundle, err := c.session.Execute(ctx, m.Code, out)
		c.mu.Lock()
		c.running = nil
		c.mu.Unlock()
		reply := &message{Type: msgExecuteReply, ID: m.ID, Data: bundle}
		if err != nil {
			reply.Error = cellErrorOf(err)
			var mem *errMemory
			if errors.As(context.Cause(ctx), &mem) {
				reply.Error = memoryStopError(mem)
				runtime.GC()
				debug.FreeOSMemory()
			}
		}
		cancel(nil)
		c.sendSynced(reply)
	}()
}

// cellErrorOf gives err the shape of a cell error.
func cellErrorOf(err error) *interp.CellError {
	var ce *interp.CellError
	if errors.As(err, &ce) {
		return ce
	}
	return &interp.CellError{Name: "Error", Value: err.Error(), Traceback: []string{"Error: " + err.Error()}}
}

// memoryStopError is the error of a cell stopped because the heap neared
// the session's limit.
func memoryStopError(m *errMemory) *interp.CellError {
	msg := fmt.Sprintf("the cell was stopped: %v", m)
	return &interp.CellError{
		Name:  "MemoryLimitExceeded",
		Value: msg,
		Traceback: []string{
			red("MemoryLimitExceeded") + ": " + msg,
			"The session's variables are kept, with what they hold (set one to nil to free it). " +
				"Work on less data at once (Take, Sample, a narrower " +
				"filter), save large results (SaveAsTextFile) instead of collecting them, or start " +
				"the kernel with a larger limit (GOSPARKLING_MEMORY_LIMIT).",
		},
	}
}

// sendSynced writes a sync marker to both output pipes and sends m with
// its number, so that the kernel delivers everything written before m
// first.
func (c *childServer) sendSynced(m *message) {
	seq := c.syncSeq.Add(1)
	marker := syncpipe.Marker(c.nonce, seq)
	os.Stdout.Write(marker)
	os.Stderr.Write(marker)
	m.Sync = seq
	if err := c.conn.send(m); err != nil {
		c.log.Print(err)
	}
}

// answer replies to complete, inspect and is_complete requests.
func (c *childServer) answer(m *message) {
	reply := &message{Type: msgReply, ID: m.ID}
	func() {
		defer func() {
			if r := recover(); r != nil {
				c.log.Printf("%s panicked: %v", m.Type, r)
			}
		}()
		switch m.Type {
		case msgComplete:
			reply.Matches, reply.Start, reply.End, reply.Meta = c.session.Complete(m.Code, m.Cursor)
		case msgInspect:
			reply.Data, reply.Found = c.session.Inspect(m.Code, m.Cursor, m.Detail)
		case msgIsComplete:
			reply.Status, reply.Indent = c.session.IsComplete(m.Code)
		}
	}()
	if err := c.conn.send(reply); err != nil {
		c.log.Print(err)
	}
}

// watchMemory stops the running cell when the heap nears the session's
// limit, before the kernel has to end the whole session: when it passes
// 80% of the limit and the cell has added a tenth of the limit to it.
func (c *childServer) watchMemory() {
	threshold, growth := uint64(c.limit)*8/10, uint64(c.limit)/10
	for range time.Tick(50 * time.Millisecond) {
		used := heapObjects()
		if used < threshold {
			continue
		}
		c.mu.Lock()
		if r := c.running; r != nil && used >= r.heapAtStart+growth {
			r.cancel(&errMemory{used: int64(used), limit: c.limit})
		}
		c.mu.Unlock()
	}
}

// heapObjects is the size of the heap's objects, live or not yet collected.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// childOutput is the interp.Output of a cell run in the child: streams go
// to the output pipes, displays, comms and input requests to the kernel.
type childOutput struct {
	c       *childServer
	id      uint64
	ctx     context.Context
	widgets int // the frontend's widget protocol
}

var (
	_ interp.Output      = (*childOutput)(nil)
	_ interp.InputReader = (*childOutput)(nil)
	_ cell.Comms         = (*childOutput)(nil)
)

// WidgetProtocol returns the frontend's widget protocol, as the kernel
// said when the cell started.
func (o *childOutput) WidgetProtocol() int { return o.widgets }

// CommOpen asks the kernel to open a comm, after the text written so far.
func (o *childOutput) CommOpen(id, target string, data, metadata map[string]any) {
	o.c.sendSynced(&message{Type: msgCommOpen, ID: o.id, CommID: id, Target: target, CommData: data, Metadata: metadata})
}

// CommMsg asks the kernel to send data on a comm, after the text written
// so far.
func (o *childOutput) CommMsg(id string, data map[string]any) {
	o.c.sendSynced(&message{Type: msgCommMsg, ID: o.id, CommID: id, CommData: data})
}

// CommClose asks the kernel to close a comm, after the text written so
// far.
func (o *childOutput) CommClose(id string, data map[string]any) {
	o.c.sendSynced(&message{Type: msgCommClose, ID: o.id, CommID: id, CommData: data})
}

// Stream writes text to the child's stdout or stderr pipe.
func (o *childOutput) Stream(name, text string) {
	f := os.Stdout
	if name == "stderr" {
		f = os.Stderr
	}
	io.WriteString(f, text)
}

// Display sends a rich value to the kernel, after the text written so far.
func (o *childOutput) Display(data interp.MIMEBundle, metadata map[string]any, displayID string, update bool) {
	o.c.sendSynced(&message{Type: msgDisplay, ID: o.id, Data: data, Metadata: metadata, DisplayID: displayID, Update: update})
}

// Input asks the kernel for a line typed by the user.
func (o *childOutput) Input(prompt string, password bool) (string, error) {
	c := o.c
	ch := make(chan *message, 1)
	c.mu.Lock()
	c.inputSeq++
	key := c.inputSeq
	c.inputs[key] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.inputs, key)
		c.mu.Unlock()
	}()
	c.sendSynced(&message{Type: msgInputRequest, ID: key, Prompt: prompt, Password: password})
	select {
	case m := <-ch:
		if m.ErrText != "" {
			return "", errors.New(m.ErrText)
		}
		return m.Text, nil
	case <-o.ctx.Done():
		return "", context.Cause(o.ctx)
	}
}
