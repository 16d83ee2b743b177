package kernel

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"reflect"
	"testing"
	"time"
)

// startPubHub serves a hub behind a guard on a loopback port.
func startPubHub(t *testing.T) (*pubHub, string) {
	t.Helper()
	g, err := newZMTPGuard(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	hub := newPubHub(g.log, g.limits)
	addr, err := g.listenPub(hub, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		hub.close()
		g.close()
	})
	return hub, addr.String()
}

// rawSub is a subscriber speaking ZMTP over a plain connection.
type rawSub struct {
	t    *testing.T
	conn net.Conn
	in   *bufio.Reader
}

// dialRaw connects to addr without saying anything.
func dialRaw(t *testing.T, addr string) *rawSub {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &rawSub{t: t, conn: conn, in: bufio.NewReader(conn)}
}

// join sends a SUB socket's handshake and then extra, and reads the
// kernel's greeting and READY.
func (s *rawSub) join(extra ...[]byte) {
	s.t.Helper()
	s.send(concat(append([][]byte{handshake("SUB")}, extra...)...))
	greeting := make([]byte, zmtpGreetingSize)
	s.deadline()
	if _, err := io.ReadFull(s.in, greeting); err != nil {
		s.t.Fatalf("reading the kernel's greeting: %v", err)
	}
	if ready := s.frame(); !bytes.HasPrefix(ready, []byte("\x05READY\x0bSocket-Type\x00\x00\x00\x03PUB")) {
		s.t.Fatalf("the kernel's READY is %q", ready)
	}
}

func (s *rawSub) send(b []byte) {
	s.t.Helper()
	if _, err := s.conn.Write(b); err != nil {
		s.t.Fatal(err)
	}
}

func (s *rawSub) deadline() {
	if err := s.conn.SetReadDeadline(time.Now().Add(waitTimeout)); err != nil {
		s.t.Fatal(err)
	}
}

// frame reads one frame's body.
func (s *rawSub) frame() []byte {
	s.t.Helper()
	body, _ := s.frameWithFlags()
	return body
}

func (s *rawSub) frameWithFlags() ([]byte, byte) {
	s.t.Helper()
	s.deadline()
	var buf [9]byte
	flags, size, _, err := frameHeader(s.in, &buf)
	if err != nil {
		s.t.Fatalf("reading a frame: %v", err)
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(s.in, body); err != nil {
		s.t.Fatalf("reading a frame: %v", err)
	}
	return body, flags
}

// message reads one message's frames as strings.
func (s *rawSub) message() []string {
	s.t.Helper()
	var frames []string
	for {
		body, flags := s.frameWithFlags()
		frames = append(frames, string(body))
		if flags&flagMore == 0 {
			return frames
		}
	}
}

func subscription(topic string) []byte { return frame(0, append([]byte{1}, topic...)) }

// waitJoiners waits until the hub has n connections it waits for.
func waitJoiners(t *testing.T, hub *pubHub, n int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		hub.mu.Lock()
		got := len(hub.joiners)
		hub.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the hub waits for %d connections, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func publishAsync(hub *pubHub, frames ...string) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		var fs [][]byte
		for _, f := range frames {
			fs = append(fs, []byte(f))
		}
		hub.publish(fs)
	}()
	return done
}

func waitDone(t *testing.T, done <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(waitTimeout):
		t.Fatalf("%s did not return", what)
	}
}

// A frontend may send its first request before its IOPub subscription
// has reached the kernel (jupyter console does): what the kernel
// publishes meanwhile waits for the subscriber instead of being lost.
func TestPubHubWaitsForAConnectingSubscriber(t *testing.T) {
	hub, addr := startPubHub(t)
	sub := dialRaw(t, addr)
	waitJoiners(t, hub, 1)
	done := publishAsync(hub, "kernel.x.status", "busy")
	time.Sleep(50 * time.Millisecond) // the subscription comes late
	sub.join(subscription(""))
	if got, want := sub.message(), []string{"kernel.x.status", "busy"}; !reflect.DeepEqual(got, want) {
		t.Errorf("the subscriber got %q, want %q", got, want)
	}
	waitDone(t, done, "publish")
	waitJoiners(t, hub, 0)
}

func TestPubHubSubscriptions(t *testing.T) {
	tests := []struct {
		name      string
		subscribe []byte
		want      []string // the first message the subscriber gets
	}{
		{"everything, as a ZMTP 3.0 message", subscription(""), []string{"kernel.a.status", "1"}},
		{"a topic prefix", subscription("kernel.b"), []string{"kernel.b.stream", "2"}},
		{"a ZMTP 3.1 SUBSCRIBE command", command("SUBSCRIBE", []byte("kernel.b")), []string{"kernel.b.stream", "2"}},
		{"a cancelled subscription", concat(subscription("kernel.a"), frame(0, []byte("\x00kernel.a")), subscription("kernel.b")),
			[]string{"kernel.b.stream", "2"}},
		{"a ZMTP 3.1 CANCEL command", concat(subscription("kernel.a"), command("CANCEL", []byte("kernel.a")), subscription("kernel.b")),
			[]string{"kernel.b.stream", "2"}},
		{"other messages are ignored", concat(frame(flagMore, []byte("\x01kernel.a")), frame(0, []byte("x")), subscription("kernel.b")),
			[]string{"kernel.b.stream", "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hub, addr := startPubHub(t)
			sub := dialRaw(t, addr)
			sub.join(tt.subscribe)
			waitJoiners(t, hub, 0)
			for hub.subscribers() == 0 {
				time.Sleep(time.Millisecond)
			}
			waitDone(t, publishAsync(hub, "kernel.a.status", "1"), "publish")
			waitDone(t, publishAsync(hub, "kernel.b.stream", "2"), "publish")
			if got := sub.message(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("the subscriber got %q first, want %q", got, tt.want)
			}
		})
	}
}

// A subscriber that stops reading loses messages, as with a ZeroMQ PUB
// socket; it neither stops the kernel nor the other subscribers.
func TestPubHubStalledSubscriberDoesNotBlockOthers(t *testing.T) {
	hub, addr := startPubHub(t)
	stalled, reader := dialRaw(t, addr), dialRaw(t, addr)
	stalled.join(subscription(""))
	reader.join(subscription(""))
	for hub.subscribers() < 2 {
		time.Sleep(time.Millisecond)
	}
	const messages = 40
	payload := string(bytes.Repeat([]byte("x"), 1<<20))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < messages; i++ {
			hub.publish([][]byte{[]byte("kernel.s.stream"), []byte(payload)})
		}
	}()
	for i := 0; i < messages; i++ {
		if got := reader.message(); len(got) != 2 || got[1] != payload {
			t.Fatalf("message %d: got %d frames", i, len(got))
		}
	}
	waitDone(t, done, "publishing to a subscriber that does not read")
}

func TestPubHubAnswersPing(t *testing.T) {
	_, addr := startPubHub(t)
	sub := dialRaw(t, addr)
	ttl := binary.BigEndian.AppendUint16(nil, 100)
	sub.join(command("PING", append(ttl, "ctx"...)))
	if got, want := sub.frame(), []byte("\x04PONGctx"); !bytes.Equal(got, want) {
		t.Errorf("PING answered with %q, want %q", got, want)
	}
}

// Closing the hub writes out what was published before the connections
// close: the idle status after a shutdown_reply reaches the frontend.
func TestPubHubCloseWritesOutItsQueues(t *testing.T) {
	hub, addr := startPubHub(t)
	sub := dialRaw(t, addr)
	sub.join(subscription(""))
	for hub.subscribers() == 0 {
		time.Sleep(time.Millisecond)
	}
	for _, state := range []string{"busy", "idle"} {
		hub.publish([][]byte{[]byte("kernel.c.status"), []byte(state)})
	}
	hub.close()
	for _, state := range []string{"busy", "idle"} {
		if got := sub.message(); got[1] != state {
			t.Errorf("got %q, want the %s status", got, state)
		}
	}
	sub.deadline()
	if _, err := sub.in.ReadByte(); err != io.EOF {
		t.Errorf("after the queue, the connection gave %v, want EOF", err)
	}
}
