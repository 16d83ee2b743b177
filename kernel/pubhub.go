package kernel

// The kernel's IOPub socket. The guard (guard.go) accepts IOPub's
// subscribers itself and the hub publishes to them, instead of relaying
// them to a zmq4 PUB socket, for three reasons:
//
//   - A PUB socket drops what it publishes before a subscriber's
//     subscription has arrived, and a relay makes that window wider. A
//     frontend that does not wait for IOPub before its first request
//     (`jupyter console` sends kernel_info and then the first cell) then
//     misses the cell's idle status and waits forever. The hub knows the
//     subscribers it has accepted and not yet heard from: a publish
//     waits for them, joinWait at most after each was accepted.
//   - zmq4 writes to its subscribers one after the other on one
//     goroutine: a subscriber that stops reading stalls every other one,
//     and the kernel. Here each subscriber has its own queue and writer,
//     and a subscriber whose queue is full loses messages, as a ZeroMQ
//     PUB socket over its high-water mark does, without stopping others.
//   - Closing the kernel waits for the queues to reach the subscribers
//     (drainTimeout at most): the idle status after a shutdown_reply
//     arrives.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"slices"
	"sync"
	"time"
)

const (
	// joinWait bounds how long a publish waits for a subscriber that has
	// connected but not yet subscribed. Jupyter's clients subscribe as
	// soon as their handshake is done; under load that can take a while.
	joinWait = 3 * time.Second
	// maxJoinersWaitedFor bounds how many connecting peers at once make
	// publishes wait, so that a flood of connections cannot stall output
	// for long.
	maxJoinersWaitedFor = 4
	// subscriberQueueBytes bounds what one subscriber may have queued
	// and not yet read; beyond it, messages to that subscriber are
	// dropped (ZeroMQ's PUB sockets do the same at their high-water
	// mark).
	subscriberQueueBytes = 256 << 20
	// maxSubscriptions bounds the topics one subscriber may hold.
	maxSubscriptions = 1024
)

// pubHub publishes IOPub messages to the subscribers the guard hands it.
type pubHub struct {
	log    *slog.Logger
	limits zmtpLimits

	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever joiners change
	joiners map[*subscriber]time.Time
	subs    map[*subscriber]struct{}
	closed  bool
	writers sync.WaitGroup
}

// subscriber is one peer of IOPub.
type subscriber struct {
	conn net.Conn

	// Guarded by the hub's mu.
	topics [][]byte

	qmu     sync.Mutex
	wake    chan struct{} // a token when queue has grown or closing is set
	queue   [][]byte
	queued  int
	closing bool // the hub is closing: write what is queued, then stop
	dropped int  // messages dropped since the last warning
}

func newPubHub(log *slog.Logger, limits zmtpLimits) *pubHub {
	return &pubHub{log: log, limits: limits, changed: make(chan struct{}),
		joiners: make(map[*subscriber]time.Time), subs: make(map[*subscriber]struct{})}
}

// accepted records conn, a connection the guard has just accepted, as a
// subscriber to come, that publishes wait for. It returns nil when the
// hub is closed.
func (h *pubHub) accepted(conn net.Conn) *subscriber {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	s := &subscriber{conn: conn, wake: make(chan struct{}, 1)}
	h.joiners[s] = time.Now().Add(joinWait)
	return s
}

// notJoining stops publishes from waiting for s; the caller holds mu.
func (h *pubHub) notJoining(s *subscriber) {
	if _, ok := h.joiners[s]; ok && !h.closed {
		delete(h.joiners, s)
		close(h.changed)
		h.changed = make(chan struct{})
	}
}

// gone forgets s, whose connection has ended or failed its handshake.
func (h *pubHub) gone(s *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.notJoining(s)
	delete(h.subs, s)
}

// serve speaks for the kernel's PUB socket to s, whose peer has passed
// the guard's handshake checks (its greeting and READY are read from in;
// the kernel's greeting is sent): it sends the kernel's READY, then
// reads the peer's subscriptions until the connection ends, while a
// writer of its own sends s what is published.
func (h *pubHub) serve(s *subscriber, in *bufio.Reader) error {
	if _, err := s.conn.Write(pubReady); err != nil {
		return err
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.subs[s] = struct{}{}
	h.writers.Add(1)
	h.mu.Unlock()
	go h.write(s)
	defer s.stop()
	return h.readSubscriptions(s, in)
}

// readSubscriptions applies what the peer of s sends: subscriptions and
// cancellations (as ZMTP 3.0 messages or 3.1 commands) and PINGs. Other
// messages are checked against the guard's limits, read and ignored, as
// a PUB socket does.
func (h *pubHub) readSubscriptions(s *subscriber, in *bufio.Reader) error {
	var (
		buf          [9]byte
		body         []byte
		inMessage    bool // a frame with the MORE flag came before
		frames       int
		messageBytes int64
	)
	for {
		flags, size, _, err := frameHeader(in, &buf)
		if err != nil {
			if errors.Is(err, io.EOF) {
				if inMessage {
					return breach("stream ends inside a message")
				}
				return nil
			}
			return truncated(err, "frame header")
		}
		if flags&flagCommand != 0 {
			if inMessage {
				return breach("command frame inside a message")
			}
			if size > uint64(h.limits.command) {
				return breach("command of %d bytes, more than %d", size, h.limits.command)
			}
			body = slices.Grow(body[:0], int(size))[:size]
			if _, err := io.ReadFull(in, body); err != nil {
				return truncated(err, "command")
			}
			if err := h.command(s, body); err != nil {
				return err
			}
			continue
		}
		if frames++; frames > h.limits.frames {
			return breach("message of more than %d frames", h.limits.frames)
		}
		if size > uint64(h.limits.message-messageBytes) {
			return breach("message of more than %d bytes (a frame of %d after %d)", h.limits.message, size, messageBytes)
		}
		messageBytes += int64(size)
		single := !inMessage && flags&flagMore == 0
		inMessage = flags&flagMore != 0
		if !inMessage {
			frames, messageBytes = 0, 0
		}
		if !single || size == 0 || size > uint64(h.limits.command) {
			// Not a subscription: a PUB socket ignores it.
			if _, err := io.CopyN(io.Discard, in, int64(size)); err != nil {
				return truncated(err, "frame")
			}
			continue
		}
		body = slices.Grow(body[:0], int(size))[:size]
		if _, err := io.ReadFull(in, body); err != nil {
			return truncated(err, "frame")
		}
		switch body[0] {
		case 1:
			err = h.subscribe(s, body[1:])
		case 0:
			h.cancel(s, body[1:])
		}
		if err != nil {
			return err
		}
	}
}

// command applies the command frame body from the peer of s.
func (h *pubHub) command(s *subscriber, body []byte) error {
	name, rest, err := commandName(body)
	if err != nil {
		return err
	}
	switch name {
	case "SUBSCRIBE":
		return h.subscribe(s, rest)
	case "CANCEL":
		h.cancel(s, rest)
	case "PING":
		s.enqueue(pong(rest), 0)
	}
	return nil
}

func (h *pubHub) subscribe(s *subscriber, topic []byte) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(s.topics) >= maxSubscriptions {
		return breach("more than %d subscriptions", maxSubscriptions)
	}
	s.topics = append(s.topics, bytes.Clone(topic))
	h.notJoining(s)
	return nil
}

func (h *pubHub) cancel(s *subscriber, topic []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, t := range s.topics {
		if bytes.Equal(t, topic) {
			s.topics = append(s.topics[:i], s.topics[i+1:]...)
			return
		}
	}
}

// subscribers is how many peers have subscribed to something.
func (h *pubHub) subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for s := range h.subs {
		if len(s.topics) > 0 {
			n++
		}
	}
	return n
}

// publish sends the message of frames to every subscriber of its topic
// (its first frame), after waiting for the peers that have connected
// and not yet subscribed (joinWait at most after each connected).
func (h *pubHub) publish(frames [][]byte) {
	h.waitForJoiners()
	wire := encodeMessage(frames)
	topic := frames[0]
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	for s := range h.subs {
		for _, t := range s.topics {
			if bytes.HasPrefix(topic, t) {
				if s.enqueue(wire, subscriberQueueBytes) {
					h.log.Warn("kernel: an IOPub subscriber does not read; dropping its messages", "peer", s.conn.RemoteAddr())
				}
				break
			}
		}
	}
}

// waitForJoiners returns once no peer is joining whose deadline is ahead
// (of the first maxJoinersWaitedFor to connect).
func (h *pubHub) waitForJoiners() {
	for {
		h.mu.Lock()
		var earliest time.Time
		waited := 0
		now := time.Now()
		for _, deadline := range h.joiners {
			if deadline.After(now) && waited < maxJoinersWaitedFor {
				waited++
				if earliest.IsZero() || deadline.Before(earliest) {
					earliest = deadline
				}
			}
		}
		changed, closed := h.changed, h.closed
		h.mu.Unlock()
		if earliest.IsZero() || closed {
			return
		}
		t := time.NewTimer(time.Until(earliest))
		select {
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
}

// enqueue queues wire for s's writer, unless more than limit bytes
// (when limit > 0) would then wait. It reports whether this drop is the
// first since the queue last had room, which deserves a warning.
func (s *subscriber) enqueue(wire []byte, limit int) (firstDrop bool) {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	if s.closing {
		return false
	}
	if limit > 0 && s.queued+len(wire) > limit {
		s.dropped++
		return s.dropped == 1
	}
	s.dropped = 0
	s.queue = append(s.queue, wire)
	s.queued += len(wire)
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return false
}

// stop makes s's writer send what is queued and end.
func (s *subscriber) stop() {
	s.qmu.Lock()
	s.closing = true
	s.qmu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// write sends s what is queued for it, until it is stopped and its queue
// is empty or its connection fails.
func (h *pubHub) write(s *subscriber) {
	defer h.writers.Done()
	defer s.conn.Close()
	w := bufio.NewWriterSize(s.conn, relayBufferSize)
	for range s.wake {
		s.qmu.Lock()
		batch, closing := s.queue, s.closing
		s.queue, s.queued = nil, 0
		s.qmu.Unlock()
		for _, wire := range batch {
			if _, err := w.Write(wire); err != nil {
				return
			}
		}
		if err := w.Flush(); err != nil || closing {
			return
		}
	}
}

// close stops the hub: publishes are dropped from now on, and the
// subscribers' queues are written out, drainTimeout at most, before their
// connections close.
func (h *pubHub) close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	close(h.changed)
	subs := make([]*subscriber, 0, len(h.subs))
	for s := range h.subs {
		subs = append(subs, s)
	}
	for s := range h.joiners {
		s.conn.Close()
	}
	clear(h.joiners)
	h.mu.Unlock()
	for _, s := range subs {
		s.stop()
	}
	done := make(chan struct{})
	go func() {
		h.writers.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(drainTimeout):
		for _, s := range subs {
			_ = s.conn.SetWriteDeadline(time.Now())
			s.conn.Close()
		}
		<-done
	}
}

// pubReady is the READY command of the kernel's PUB socket.
var pubReady = func() []byte {
	body := append([]byte{5}, "READY"...)
	body = append(body, byte(len("Socket-Type")))
	body = append(body, "Socket-Type"...)
	body = binary.BigEndian.AppendUint32(body, uint32(len("PUB")))
	body = append(body, "PUB"...)
	return appendFrame(nil, flagCommand, body)
}()

// pong is the PONG command answering a PING whose body after its name
// is ping: a 2-byte TTL, then the context to echo.
func pong(ping []byte) []byte {
	body := append([]byte{4}, "PONG"...)
	if len(ping) > 2 {
		body = append(body, ping[2:]...)
	}
	return appendFrame(nil, flagCommand, body)
}

// encodeMessage is the ZMTP encoding of the message of frames.
func encodeMessage(frames [][]byte) []byte {
	n := 0
	for _, f := range frames {
		n += 9 + len(f)
	}
	out := make([]byte, 0, n)
	for i, f := range frames {
		var flags byte
		if i < len(frames)-1 {
			flags = flagMore
		}
		out = appendFrame(out, flags, f)
	}
	return out
}

// appendFrame appends a frame of body with flags (plus flagLong when
// body needs an 8-byte size) to out.
func appendFrame(out []byte, flags byte, body []byte) []byte {
	if len(body) > 255 {
		out = append(out, flags|flagLong)
		out = binary.BigEndian.AppendUint64(out, uint64(len(body)))
	} else {
		out = append(out, flags, byte(len(body)))
	}
	return append(out, body...)
}
