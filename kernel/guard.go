package kernel

// The guard keeps a hostile peer from killing the kernel.
//
// go-zeromq/zmq4 (v0.17.0, the latest) allocates whatever size a frame
// announces and parses READY properties without bounds checks, on
// goroutines of its own: any local process that connects to one of the
// kernel's ports and sends a greeting and a command announcing 2^62
// bytes makes it panic, before any signature is checked, and that panic
// cannot be recovered. Its accept loop also waits for each peer's
// handshake, so a peer that connects and stays silent blocks all
// others.
//
// So the kernel binds its zmq4 sockets to unix sockets in a private
// directory (0700: no other local user can reach them) and listens on
// the connection file's endpoints itself. For each connection, the
// guard sends the kernel's greeting, reads the peer's greeting and
// READY command within handshakeTimeout and checks them, and only then
// connects to the zmq4 socket and relays bytes both ways, checking each
// frame the peer sends (zmtp.go). A connection that breaks the protocol
// or the limits is closed and logged with the peer's address; the
// kernel and its other connections go on.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
)

const (
	// handshakeTimeout bounds how long a peer may take to send its
	// greeting and READY command. Jupyter's clients send them at once.
	handshakeTimeout = 10 * time.Second
	// drainTimeout bounds how long closing the guard waits for relays to
	// carry what the kernel sent last (the idle status after a
	// shutdown_reply) to their peers.
	drainTimeout    = time.Second
	relayBufferSize = 64 << 10
)

// zmtpGuard stands between the kernel's public endpoints and its zmq4
// sockets.
type zmtpGuard struct {
	log    *slog.Logger
	limits zmtpLimits
	dir    string // the private directory of the zmq4 sockets' endpoints
	// handshakeTimeout is the const handshakeTimeout; tests shorten it.
	// Guarded by mu.
	handshakeTimeout time.Duration

	wg        sync.WaitGroup // accept loops and connections
	mu        sync.Mutex
	closed    bool
	listeners []net.Listener
	relays    map[*relay]struct{}
}

// relay is one peer's connection and, once its handshake has passed,
// its connection to the zmq4 socket.
type relay struct {
	peer, backend net.Conn // backend is nil during the handshake
}

// newZMTPGuard creates the guard and its private directory.
func newZMTPGuard(log *slog.Logger) (*zmtpGuard, error) {
	dir, err := os.MkdirTemp("", "gosparkling-kernel-")
	if err != nil {
		return nil, fmt.Errorf("creating the private directory of the sockets: %w", err)
	}
	return &zmtpGuard{log: log, limits: defaultZMTPLimits, dir: dir, handshakeTimeout: handshakeTimeout,
		relays: make(map[*relay]struct{})}, nil
}

// privateEndpoint is the zmq4 endpoint of the socket named name.
func (g *zmtpGuard) privateEndpoint(name string) string {
	return "ipc://" + filepath.Join(g.dir, name)
}

// listen listens on network ("tcp" or "unix") and addr and relays the
// connections it accepts to the zmq4 socket named name, of type
// sockType, bound to privateEndpoint(name). It returns the address
// listened on.
func (g *zmtpGuard) listen(name string, sockType zmq4.SocketType, network, addr string) (net.Addr, error) {
	backend := filepath.Join(g.dir, name)
	return g.listenWith(network, addr, name, func(r *relay, timeout time.Duration) {
		g.serve(r, name, sockType, backend, timeout)
	})
}

// listenPub listens on network and addr for the subscribers of hub, the
// kernel's IOPub socket: each is checked as relayed connections are,
// then served by hub.
func (g *zmtpGuard) listenPub(hub *pubHub, network, addr string) (net.Addr, error) {
	return g.listenWith(network, addr, "iopub", func(r *relay, timeout time.Duration) {
		s := hub.accepted(r.peer)
		if s == nil {
			r.peer.Close()
			return
		}
		defer hub.gone(s)
		g.serveSubscriber(r, hub, s, timeout)
	})
}

// listenWith listens on network and addr and runs serve on a goroutine
// of its own for each connection accepted.
func (g *zmtpGuard) listenWith(network, addr, name string, serve func(*relay, time.Duration)) (net.Addr, error) {
	l, err := net.Listen(network, addr)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		l.Close()
		return nil, errors.New("the guard is closed")
	}
	g.listeners = append(g.listeners, l)
	g.wg.Add(1)
	go g.accept(l, name, serve)
	return l.Addr(), nil
}

// accept serves the connections of l until l is closed.
func (g *zmtpGuard) accept(l net.Listener, name string, serve func(*relay, time.Duration)) {
	defer g.wg.Done()
	for {
		peer, err := l.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			if !g.isClosed() {
				g.log.Warn("kernel: accept failed; the port no longer takes connections", "socket", name, "err", err)
			}
			return
		}
		r := &relay{peer: peer}
		timeout, ok := g.track(r)
		if !ok {
			peer.Close()
			return
		}
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			defer g.untrack(r)
			serve(r, timeout)
		}()
	}
}

func (g *zmtpGuard) isClosed() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.closed
}

// track records r, unless the guard is closed, and returns the time its
// handshake may take.
func (g *zmtpGuard) track(r *relay) (handshakeTimeout time.Duration, ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return 0, false
	}
	g.relays[r] = struct{}{}
	return g.handshakeTimeout, true
}

func (g *zmtpGuard) untrack(r *relay) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.relays, r)
}

// serve checks the handshake of r's peer, which must pass within
// timeout and come from a socket type that can talk to sockType,
// connects it to the zmq4 socket at backendPath and relays until either
// side closes or the peer breaks the protocol.
func (g *zmtpGuard) serve(r *relay, name string, sockType zmq4.SocketType, backendPath string, timeout time.Duration) {
	peer := r.peer
	defer peer.Close()
	in, handshake, ok := g.handshake(peer, name, sockType, timeout)
	if !ok {
		return
	}
	backend, err := net.DialTimeout("unix", backendPath, timeout)
	if err != nil {
		if !g.isClosed() {
			g.log.Error("kernel: cannot reach the socket", "socket", name, "err", err)
		}
		return
	}
	defer backend.Close()
	g.mu.Lock()
	closed := g.closed
	r.backend = backend
	g.mu.Unlock()
	if closed {
		return
	}
	if _, err := backend.Write(handshake); err != nil {
		return
	}

	// The kernel's side: zmq4's greeting, which the peer already has
	// from the guard, then everything as it comes.
	toPeer := make(chan struct{})
	go func() {
		defer close(toPeer)
		defer peer.Close()
		if _, err := io.CopyN(io.Discard, backend, zmtpGreetingSize); err == nil {
			_, _ = io.Copy(peer, backend)
		}
	}()
	out := bufio.NewWriterSize(backend, relayBufferSize)
	if err := relayFrames(in, out, g.limits); err != nil {
		g.reject(name, peer, err)
	}
	backend.Close()
	<-toPeer
}

// handshake sends the kernel's greeting to peer and reads and checks its
// greeting and READY, which must come within timeout from a socket type
// that can talk to sockType. It returns the reader of peer's bytes and
// the handshake read, or ok false (logged when the peer broke ZMTP).
func (g *zmtpGuard) handshake(peer net.Conn, name string, sockType zmq4.SocketType, timeout time.Duration) (in *bufio.Reader, handshake []byte, ok bool) {
	if err := peer.SetDeadline(time.Now().Add(timeout)); err != nil {
		return nil, nil, false
	}
	if _, err := peer.Write(kernelGreeting); err != nil {
		g.reject(name, peer, err)
		return nil, nil, false
	}
	in = bufio.NewReaderSize(peer, relayBufferSize)
	handshake, peerType, err := readHandshake(in, g.limits)
	if err != nil {
		g.reject(name, peer, err)
		return nil, nil, false
	}
	if !zmq4.SocketType(peerType).IsCompatible(sockType) {
		g.reject(name, peer, breach("a %s socket cannot talk to a %s socket", peerType, sockType))
		return nil, nil, false
	}
	if err := peer.SetDeadline(time.Time{}); err != nil {
		return nil, nil, false
	}
	return in, handshake, true
}

// reject logs why peer's connection closes, when it broke the protocol
// or the limits rather than closed.
func (g *zmtpGuard) reject(name string, peer net.Conn, err error) {
	var breach *zmtpError
	if errors.As(err, &breach) || errors.Is(err, os.ErrDeadlineExceeded) {
		g.log.Warn("kernel: closing a connection that breaks ZMTP", "socket", name, "peer", peer.RemoteAddr(), "reason", err)
	}
}

// serveSubscriber checks the handshake of r's peer, which must be a SUB
// or XSUB socket, then lets hub serve it as subscriber s.
func (g *zmtpGuard) serveSubscriber(r *relay, hub *pubHub, s *subscriber, timeout time.Duration) {
	defer r.peer.Close()
	in, _, ok := g.handshake(r.peer, "iopub", zmq4.Pub, timeout)
	if !ok {
		return
	}
	if err := hub.serve(s, in); err != nil {
		g.reject("iopub", r.peer, err)
	}
}

// close stops the guard: no more connections, and those there are
// closed once they have carried what the kernel sent (the zmq4 sockets
// are closed first, which ends the relays), after drainTimeout at most.
func (g *zmtpGuard) close() {
	g.mu.Lock()
	g.closed = true
	for _, l := range g.listeners {
		l.Close()
	}
	for r := range g.relays {
		if r.backend == nil {
			r.peer.Close()
		}
	}
	g.mu.Unlock()

	done := make(chan struct{})
	go func() {
		g.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(drainTimeout):
		g.mu.Lock()
		for r := range g.relays {
			r.peer.Close()
			if r.backend != nil {
				r.backend.Close()
			}
		}
		g.mu.Unlock()
		<-done
	}
	if err := os.RemoveAll(g.dir); err != nil {
		g.log.Warn("kernel: cannot remove the private directory of the sockets", "dir", g.dir, "err", err)
	}
}
