// Package kernel is a Jupyter kernel: it speaks the Jupyter messaging
// protocol 5.3 over ZeroMQ (github.com/go-zeromq/zmq4) and runs the cells
// it receives through an Executor.
//
// A Kernel binds the five sockets of a connection file (shell, control,
// stdin, iopub, heartbeat) behind a guard that closes any connection
// whose ZMTP frames are malformed or oversized (see guard.go), signs
// what it sends and drops what is not correctly signed (or replayed),
// publishes busy/idle status around every request, runs shell requests
// one at a time and serves control requests (interrupt, shutdown)
// concurrently, so they work while a cell runs.
//
// Besides running cells, an Executor may answer is_complete_request
// (IsCompleter), complete_request (Completer) and inspect_request
// (Inspector). The kernel calls these on the goroutine that runs cells,
// so never while a cell runs.
//
// The cell.Output the kernel passes to Execute has optional methods an
// Executor finds by type assertion:
//
//   - Input(prompt string, password bool) (string, error), that is
//     cell.InputReader: asks the frontend for a line (input_request on
//     the stdin socket). It fails when the frontend does not allow stdin
//     and returns when the cell is interrupted.
//   - Page(data cell.MIMEBundle, start int), see Pager: shows data in
//     the frontend's pager (a "page" payload of the execute_reply).
//   - ClearOutput(wait bool), see OutputClearer: clears the cell's output
//     (clear_output).
//   - cell.Comms: opens comms to the frontend, sends on them and closes
//     them (comm_open, comm_msg, comm_close), and says which widget
//     protocol the frontend speaks, if any (see comms.go), so that a cell
//     shows a widget where the frontend can show one.
//
// The kernel keeps the history of the cells run with store_history for
// history_request (tail, range and search). It registers no comm targets
// of its own: it closes the comms a frontend opens, except ipywidgets 6's
// version comm, and lists in comm_info_reply the comms cells opened.
package kernel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/google/uuid"

	"github.com/gosparkling/gosparkling/cell"
)

// Executor runs notebook cells. *interp.Session and *isolate.Executor implement it.
//
// Execute returns the MIME bundle of the cell's last value (nil when there
// is nothing to show) or an error, preferably an *cell.Error. ctx is
// cancelled when the user interrupts the cell or the kernel shuts down.
type Executor interface {
	Execute(ctx context.Context, code string, out cell.Output) (cell.MIMEBundle, error)
}

// IsCompleter is optionally implemented by an Executor to answer
// is_complete_request: status is "complete", "incomplete", "invalid" or
// "unknown", and indent is the indentation of the next line when
// incomplete. *interp.Session and *isolate.Executor implement it.
type IsCompleter interface {
	IsComplete(code string) (status, indent string)
}

// HelpLink is an entry of the frontend's help menu.
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// Info describes the kernel in kernel_info_reply. The language_info part
// is fixed: Go, at the version the kernel was built with, exported by
// nbconvert as a .go script.
type Info struct {
	Implementation        string // e.g. "gosparkling"
	ImplementationVersion string
	Banner                string // shown by consoles at start
	HelpLinks             []HelpLink
}

const (
	shellQueueSize = 1024
	stdinQueueSize = 16
	// defaultShutdownGrace bounds how long Run waits for an interrupted
	// cell to return before it closes the sockets anyway.
	defaultShutdownGrace = 5 * time.Second
	// defaultInterruptGrace is how long an interrupted cell may go on
	// running before the user is told that it cannot be stopped.
	defaultInterruptGrace = 5 * time.Second
	// linger lets the replies queued last (a shutdown_reply) leave before
	// the sockets close: zmq4 sends asynchronously and cannot be flushed.
	// (IOPub's close writes out what it has queued.)
	linger = 100 * time.Millisecond
)

// Kernel serves one Jupyter connection. Create it with New, then call Run
// once.
type Kernel struct {
	conn    ConnectionInfo // with the ports actually bound
	exec    Executor
	info    Info
	log     *slog.Logger
	signer  signer
	session string

	shell, control, stdin, hb zmq4.Socket
	// iopub publishes to the subscribers the guard accepts (pubhub.go).
	iopub *pubHub
	// guard listens on the connection's endpoints and relays to the
	// sockets, bound to private ones, what passes its checks (guard.go).
	guard *zmtpGuard

	iopubMu sync.Mutex // keeps IOPub messages whole and in order
	shellQ  chan *message
	stdinQ  chan *message // what the stdin socket receives, for readInput
	replays replayGuard
	// Only the shell goroutine uses these three.
	execCount int // the execution counter
	// abortQueue is how many requests had queued when a cell failed with
	// stop_on_error, before its reply: its execute_requests are aborted.
	abortQueue int
	history    []historyEntry // the cells run with store_history, in order

	inputMu sync.Mutex // one input_request at a time

	cellMu sync.Mutex
	cell   *runningCell // nil when idle

	// comms knows whether the frontend shows widgets, and the widget
	// comms cells have open (comms.go).
	comms commTable

	// interruptGrace and shutdownGrace are defaultInterruptGrace and
	// defaultShutdownGrace; tests shorten them before Run.
	interruptGrace time.Duration
	shutdownGrace  time.Duration

	stateMu   sync.Mutex
	running   bool
	stopped   bool          // Close was called or Run has returned
	stop      chan struct{} // closed by shutdown_request or Close
	stopOnce  sync.Once
	closeOnce sync.Once
	closing   atomic.Bool // sockets are being closed: receive errors are final
}

// New binds the sockets described by conn and returns a kernel that runs
// cells with exec. A port of 0 binds any free port (tcp only); the
// ConnectionInfo method tells which. The kernel logs dropped messages and
// recovered panics to logger (slog.Default() when nil), never the key.
func New(conn ConnectionInfo, exec Executor, info Info, logger *slog.Logger) (*Kernel, error) {
	if exec == nil {
		return nil, errors.New("kernel: nil Executor")
	}
	if err := conn.validate(); err != nil {
		return nil, fmt.Errorf("kernel: connection info: %w", err)
	}
	if logger == nil {
		logger = slog.Default()
	}
	k := &Kernel{
		conn:    conn,
		exec:    exec,
		info:    info,
		log:     logger,
		signer:  signer{key: []byte(conn.Key)},
		session: uuid.NewString(),
		shellQ:  make(chan *message, shellQueueSize),
		stdinQ:  make(chan *message, stdinQueueSize),
		stop:    make(chan struct{}),

		interruptGrace: defaultInterruptGrace,
		shutdownGrace:  defaultShutdownGrace,
	}
	// The sockets live until closeSockets; they do not depend on a context.
	bg := context.Background()
	k.shell = zmq4.NewRouter(bg)
	k.control = zmq4.NewRouter(bg)
	k.stdin = zmq4.NewRouter(bg)
	k.hb = zmq4.NewRep(bg)
	binds := []struct {
		name string
		sock zmq4.Socket
		port *int
	}{
		{"shell", k.shell, &k.conn.ShellPort},
		{"control", k.control, &k.conn.ControlPort},
		{"stdin", k.stdin, &k.conn.StdinPort},
		{"heartbeat", k.hb, &k.conn.HBPort},
	}
	guard, err := newZMTPGuard(k.log)
	if err != nil {
		k.closeSockets()
		return nil, fmt.Errorf("kernel: %w", err)
	}
	k.guard = guard
	for _, b := range binds {
		private := guard.privateEndpoint(b.name)
		if err := b.sock.Listen(private); err != nil {
			k.closeSockets()
			return nil, fmt.Errorf("kernel: binding %s socket to %s: %w", b.name, private, err)
		}
		network, addr := conn.listenAddr(*b.port)
		bound, err := guard.listen(b.name, b.sock.Type(), network, addr)
		if err != nil {
			k.closeSockets()
			return nil, fmt.Errorf("kernel: binding %s socket to %s: %w", b.name, conn.endpoint(*b.port), err)
		}
		if tcp, ok := bound.(*net.TCPAddr); ok {
			*b.port = tcp.Port
		}
	}
	k.iopub = newPubHub(k.log, guard.limits)
	network, addr := conn.listenAddr(k.conn.IOPubPort)
	bound, err := guard.listenPub(k.iopub, network, addr)
	if err != nil {
		k.closeSockets()
		return nil, fmt.Errorf("kernel: binding iopub socket to %s: %w", conn.endpoint(k.conn.IOPubPort), err)
	}
	if tcp, ok := bound.(*net.TCPAddr); ok {
		k.conn.IOPubPort = tcp.Port
	}
	return k, nil
}

// ConnectionInfo returns the connection the kernel is bound to, with the
// ports it actually listens on.
func (k *Kernel) ConnectionInfo() ConnectionInfo { return k.conn }

// runningCell is the cell the shell goroutine is running.
type runningCell struct {
	cancel context.CancelFunc
	out    *cellOutput
	stuck  *time.Timer // armed by the first interrupt; nil before
	warned bool        // the user was told the cell does not stop
	// interruptedAgain is set by an interrupt that comes before the
	// warning: the session is ended as soon as the grace has passed.
	interruptedAgain bool
}

// SessionEnder is implemented by Executors whose cells run in a process
// of their own (*isolate.Executor): EndSession ends that process, which
// stops a cell that ignores interrupts at the cost of the session's state.
// The kernel calls it on an interrupt that comes after it has told the
// user that the running cell does not stop.
type SessionEnder interface {
	EndSession()
}

// Interrupt cancels the context of the running cell, if any; without one
// it does nothing. It is what interrupt_request does, and what main does
// on SIGINT. It is safe to call from any goroutine.
//
// A cell still running 5 seconds after its first interrupt (stuck in
// code that never looks at its context) cannot be stopped: the kernel
// then tells the user, on the cell's stderr, to restart the kernel (or,
// with an Executor that is a SessionEnder, to interrupt again, which ends
// the session), and goes on serving control requests, so shutdown and
// restart still work.
func (k *Kernel) Interrupt() { k.interrupt(true) }

// interrupt cancels the running cell and, when warnIfStuck is set, arms
// the warning for a cell that does not stop.
func (k *Kernel) interrupt(warnIfStuck bool) {
	k.cellMu.Lock()
	defer k.cellMu.Unlock()
	c := k.cell
	if c == nil {
		return
	}
	c.cancel()
	if ender, ok := k.exec.(SessionEnder); ok && warnIfStuck && c.stuck != nil {
		if !c.warned {
			c.interruptedAgain = true
			return
		}
		k.endSession(ender)
		return
	}
	if warnIfStuck && c.stuck == nil {
		c.stuck = time.AfterFunc(k.interruptGrace, func() {
			defer k.recoverAndLog("stuck cell warning")
			k.warnStuck(c)
		})
	}
}

// stuckEndMessage is what a user whose interrupted cell does not stop
// reads when the Executor can end its session.
const stuckEndMessage = "\nThe cell did not stop within %v of the interrupt: it is busy in code " +
	"that does not check for interruption (a loop without a cancellable call, or a " +
	"blocking call). Interrupt again to end the session: the cell stops, the session's " +
	"variables are lost and a new session starts at once. Or wait for the cell to end.\n"

// stuckMessage is what a user whose interrupted cell does not stop reads.
const stuckMessage = "\nThe cell did not stop within %v of the interrupt: it is busy in code " +
	"that does not check for interruption (a loop without a cancellable call, or a " +
	"blocking call). It cannot be stopped from inside the kernel. Restart the kernel " +
	"to stop it (the session's variables are lost).\n"

// warnStuck tells the user that the interrupted cell c is still running,
// unless it has ended meanwhile.
func (k *Kernel) warnStuck(c *runningCell) {
	k.cellMu.Lock()
	defer k.cellMu.Unlock()
	if k.cell != c {
		return
	}
	k.log.Warn("kernel: the interrupted cell is still running", "after", k.interruptGrace)
	// Holding cellMu while publishing keeps the warning before the
	// cell's reply: endCell waits for it.
	msg := stuckMessage
	if ender, ok := k.exec.(SessionEnder); ok {
		if c.interruptedAgain { // the user asked twice: no need to ask again
			c.warned = true
			c.out.Stream("stderr", fmt.Sprintf("\nThe cell did not stop within %v of the interrupt: ending the session to stop it.\n", k.interruptGrace))
			c.out.flush()
			k.endSession(ender)
			return
		}
		msg = stuckEndMessage
	}
	c.warned = true
	c.out.Stream("stderr", fmt.Sprintf(msg, k.interruptGrace))
	c.out.flush()
}

// endSession ends the session of a cell that ignored an interrupt.
func (k *Kernel) endSession(ender SessionEnder) {
	k.log.Warn("kernel: ending the session to stop a cell that ignored an interrupt")
	go func() {
		defer k.recoverAndLog("ending the session")
		ender.EndSession()
	}()
}

// startCell records c as the running cell.
func (k *Kernel) startCell(c *runningCell) {
	k.cellMu.Lock()
	defer k.cellMu.Unlock()
	k.cell = c
}

// endCell records that c has returned.
func (k *Kernel) endCell(c *runningCell) {
	k.cellMu.Lock()
	defer k.cellMu.Unlock()
	if c.stuck != nil {
		c.stuck.Stop()
	}
	if k.cell == c {
		k.cell = nil
	}
}

// Close makes a running Run stop and return nil (without waiting for
// it) or, when Run was never called, releases the sockets.
func (k *Kernel) Close() error {
	k.signalStop()
	k.stateMu.Lock()
	defer k.stateMu.Unlock()
	k.stopped = true
	if !k.running {
		k.closeSockets()
	}
	return nil
}

// Run serves the kernel until a shutdown_request arrives, Close is
// called (Run returns nil) or ctx is done (Run returns ctx.Err()). It
// cancels the running cell, closes the sockets and returns. Run may be
// called only once.
func (k *Kernel) Run(ctx context.Context) error {
	k.stateMu.Lock()
	if k.running || k.stopped {
		k.stateMu.Unlock()
		return errors.New("kernel: Run called on a kernel already run or closed")
	}
	k.running = true
	k.stateMu.Unlock()
	defer func() {
		k.stateMu.Lock()
		k.stopped = true
		k.stateMu.Unlock()
	}()

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	var wg sync.WaitGroup
	controlQ := make(chan *message, 16)
	k.goSafe(&wg, "heartbeat", func() { k.heartbeat(runCtx) })
	k.goSafe(&wg, "shell receiver", func() { k.receive(runCtx, "shell", k.shell, k.shellQ) })
	k.goSafe(&wg, "control receiver", func() { k.receive(runCtx, "control", k.control, controlQ) })
	k.goSafe(&wg, "stdin receiver", func() { k.receive(runCtx, "stdin", k.stdin, k.stdinQ) })
	k.goSafe(&wg, "control", func() { k.serveControl(runCtx, controlQ) })
	// The shell goroutine is not in wg: a cell that ignores cancellation
	// must not keep Run from returning.
	shellDone := make(chan struct{})
	k.goSafe(nil, "shell", func() {
		defer close(shellDone)
		k.serveShell(runCtx)
	})
	k.publish(nil, "status", statusContent("starting"))

	var err error
	select {
	case <-ctx.Done():
		err = ctx.Err()
	case <-k.stop:
	}
	k.interrupt(false)
	cancel()
	select {
	case <-shellDone:
	case <-time.After(k.shutdownGrace):
		k.log.Warn("kernel: the running cell ignored cancellation; closing anyway")
	}
	time.Sleep(linger)
	k.closeSockets()
	wg.Wait()
	return err
}

func (k *Kernel) signalStop() {
	k.stopOnce.Do(func() { close(k.stop) })
}

func (k *Kernel) closeSockets() {
	k.closeOnce.Do(func() {
		k.closing.Store(true)
		for _, s := range []zmq4.Socket{k.shell, k.control, k.stdin, k.hb} {
			if s != nil {
				_ = s.Close()
			}
		}
		if k.iopub != nil {
			k.iopub.close()
		}
		// After the sockets: their closing ends the relays, once they
		// have carried what the sockets sent last.
		if k.guard != nil {
			k.guard.close()
		}
	})
}

// goSafe runs f on a new goroutine that logs instead of crashing on a
// panic. wg, when not nil, tracks the goroutine.
func (k *Kernel) goSafe(wg *sync.WaitGroup, name string, f func()) {
	if wg != nil {
		wg.Add(1)
	}
	go func() {
		if wg != nil {
			defer wg.Done()
		}
		defer k.recoverAndLog(name)
		f()
	}()
}

// recoverAndLog is deferred at the top of goroutines and handlers.
func (k *Kernel) recoverAndLog(where string) {
	if r := recover(); r != nil {
		k.log.Error("kernel: recovered from panic", "in", where, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	}
}

// receive reads messages from a ROUTER socket, drops those that are
// malformed, badly signed or replayed, and queues the others on q.
func (k *Kernel) receive(ctx context.Context, name string, sock zmq4.Socket, q chan<- *message) {
	for {
		raw, err := sock.Recv()
		if err != nil {
			if ctx.Err() != nil || k.closing.Load() {
				return
			}
			k.log.Warn("kernel: receive failed", "socket", name, "err", err)
			continue
		}
		msg, err := k.signer.decode(raw.Frames)
		if err != nil {
			k.log.Warn("kernel: dropping message", "socket", name, "reason", err)
			continue
		}
		if !k.replays.firstSeen(msg.signature) {
			k.log.Warn("kernel: dropping message", "socket", name, "msg_type", msg.header.MsgType, "reason", errReplayed)
			continue
		}
		select {
		case q <- msg:
		case <-ctx.Done():
			return
		}
	}
}

// heartbeat echoes every message on the heartbeat socket.
func (k *Kernel) heartbeat(ctx context.Context) {
	for {
		msg, err := k.hb.Recv()
		if err != nil {
			if ctx.Err() != nil || k.closing.Load() {
				return
			}
			k.log.Warn("kernel: heartbeat receive failed", "err", err)
			continue
		}
		if err := k.hb.Send(msg); err != nil && ctx.Err() == nil {
			k.log.Warn("kernel: heartbeat echo failed", "err", err)
		}
	}
}

// serveShell handles shell requests one at a time, in arrival order.
func (k *Kernel) serveShell(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case req := <-k.shellQ:
			if ctx.Err() != nil {
				return
			}
			shutdown := k.dispatch(ctx, k.shell, req, k.handleShell)
			if n := k.abortQueue; !shutdown && n > 0 {
				k.abortQueue = 0
				shutdown = k.abortQueued(ctx, n)
			}
			if shutdown {
				k.signalStop()
				return
			}
		}
	}
}

// serveControl handles control requests as they come, while a cell may
// be running on the shell goroutine.
func (k *Kernel) serveControl(ctx context.Context, q <-chan *message) {
	for {
		select {
		case <-ctx.Done():
			return
		case req := <-q:
			if k.dispatch(ctx, k.control, req, k.handleControl) {
				k.signalStop()
			}
		}
	}
}

// publish sends a message on IOPub with parent (nil for none) as its
// parent.
func (k *Kernel) publish(parent *message, msgType string, content any) {
	var parentHeader []byte
	if parent != nil {
		parentHeader = parent.rawHeader
	}
	topic := []byte("kernel." + k.session + "." + msgType)
	frames, err := k.signer.encode([][]byte{topic}, k.session, msgType, parentHeader, content)
	if err != nil {
		k.log.Error("kernel: cannot publish", "msg_type", msgType, "err", err)
		return
	}
	k.iopubMu.Lock()
	defer k.iopubMu.Unlock()
	k.iopub.publish(frames)
}

// reply answers req on sock, the socket it came from.
func (k *Kernel) reply(sock zmq4.Socket, req *message, msgType string, content any) {
	if len(req.identities) == 0 {
		k.log.Warn("kernel: cannot reply to a message without identities", "msg_type", msgType)
		return
	}
	frames, err := k.signer.encode(req.identities, k.session, msgType, req.rawHeader, content)
	if err != nil {
		k.log.Error("kernel: cannot reply", "msg_type", msgType, "err", err)
		return
	}
	if err := sock.Send(zmq4.NewMsgFrom(frames...)); err != nil && !k.closing.Load() {
		k.log.Warn("kernel: reply failed", "msg_type", msgType, "err", err)
	}
}

func statusContent(state string) kernelStatus {
	return kernelStatus{ExecutionState: state}
}
