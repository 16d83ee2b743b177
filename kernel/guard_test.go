package kernel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/google/uuid"
)

// kernelPort is one of the kernel's ports and the socket type of its
// peers.
type kernelPort struct {
	name     string
	port     int
	peerType string
}

func kernelPorts(c ConnectionInfo) []kernelPort {
	return []kernelPort{
		{"shell", c.ShellPort, "DEALER"},
		{"control", c.ControlPort, "DEALER"},
		{"stdin", c.StdinPort, "DEALER"},
		{"iopub", c.IOPubPort, "SUB"},
		{"heartbeat", c.HBPort, "REQ"},
	}
}

// sendRaw connects to the kernel's port over plain TCP, sends in, shuts
// down its writing and waits for the kernel to close the connection. It
// returns the client's address, as the kernel logs it.
func sendRaw(t *testing.T, ip string, port int, in []byte) string {
	t.Helper()
	conn, err := net.Dial("tcp", net.JoinHostPort(ip, fmt.Sprint(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The kernel may close the connection before it has read everything:
	// a failed write is part of the game.
	_, _ = conn.Write(in)
	_ = conn.(*net.TCPConn).CloseWrite()
	if err := conn.SetReadDeadline(time.Now().Add(waitTimeout)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, conn); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the kernel kept the connection open after %q", in)
	}
	return conn.LocalAddr().String()
}

// waitLog waits until the kernel's log has a line with every one of
// parts.
func (tk *testKernel) waitLog(t *testing.T, parts ...string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		for _, line := range strings.Split(tk.logs.String(), "\n") {
			found := true
			for _, p := range parts {
				found = found && strings.Contains(line, p)
			}
			if found {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the kernel never logged a line with %q; log:\n%s", parts, tk.logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// assertServes checks that the kernel answers its client: kernel_info
// on shell and control, an execute (with its IOPub messages) and a
// heartbeat.
func (tk *testKernel) assertServes(t *testing.T) {
	t.Helper()
	for _, ch := range []struct {
		sock zmq4.Socket
		box  *mailbox
	}{{tk.shell, tk.shellBox}, {tk.control, tk.controlBox}} {
		id := tk.send(ch.sock, "kernel_info_request", map[string]any{})
		if r := tk.reply(ch.box, id); r.header.MsgType != "kernel_info_reply" {
			t.Errorf("reply to kernel_info_request is %s", r.header.MsgType)
		}
	}
	reply, iopub := tk.execute("printvalue alive", nil)
	if reply["status"] != "ok" || streamText(t, iopub, "stdout") != "alive\n" {
		t.Errorf("execute_reply %v with stdout %q, want ok and \"alive\\n\"", reply, streamText(t, iopub, "stdout"))
	}
	echo := make(chan error, 1)
	go func() {
		if err := tk.hb.Send(zmq4.NewMsgString("ping")); err != nil {
			echo <- err
			return
		}
		msg, err := tk.hb.Recv()
		if err == nil && string(msg.Bytes()) != "ping" {
			err = fmt.Errorf("heartbeat echoed %q", msg.Bytes())
		}
		echo <- err
	}()
	select {
	case err := <-echo:
		if err != nil {
			t.Errorf("heartbeat: %v", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("no heartbeat echo")
	}
}

func TestGuardSurvivesHostilePeers(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	c := tk.k.ConnectionInfo()
	tests := []struct {
		name    string
		in      func(peerType string) []byte
		wantLog string // in the log line with the peer's address
	}{
		{"a command announcing 2^62 bytes", func(string) []byte {
			return concat(greetingWith(nil), frameHeaderLong(flagCommand, 1<<62))
		}, "command of 4611686018427387904 bytes"},
		{"a message frame of 2^40 bytes after the handshake", func(peer string) []byte {
			return concat(handshake(peer), frameHeaderLong(0, 1<<40))
		}, "message of more than 268435456 bytes"},
		{"a message frame of 2^62 bytes after the handshake", func(peer string) []byte {
			return concat(handshake(peer), frameHeaderLong(flagMore, 1<<62))
		}, "message of more than 268435456 bytes"},
		{"a bad signature", func(string) []byte {
			return greetingWith(func(g []byte) { g[0] = 'G' })
		}, "bad greeting signature"},
		{"HTTP", func(string) []byte {
			return []byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n" + strings.Repeat(" ", 64))
		}, "bad greeting signature"},
		{"ZMTP 2", func(string) []byte {
			return greetingWith(func(g []byte) { g[10] = 2 })
		}, "ZMTP version 2.0"},
		{"bad flags before READY", func(string) []byte {
			return concat(greetingWith(nil), frame(0xF4, []byte("\x05READY")))
		}, "reserved bits"},
		{"bad flags after the handshake", func(peer string) []byte {
			return concat(handshake(peer), frame(0x10, []byte("x")))
		}, "reserved bits"},
		{"READY properties that overrun the body", func(string) []byte {
			return concat(greetingWith(nil), command("READY", []byte("\x0bSocket-Type\xff\xff\xff\x00DEALER")))
		}, "property value of 4294967040 bytes"},
		{"a READY property name past the body", func(string) []byte {
			return concat(greetingWith(nil), command("READY", []byte("\xc8Socket")))
		}, "property name of 200 bytes"},
		{"a READY without Socket-Type", func(string) []byte {
			return concat(greetingWith(nil), command("READY", readyProps("Identity", "x")))
		}, "READY has no Socket-Type"},
		{"an unknown socket type", func(string) []byte {
			return concat(greetingWith(nil), command("READY", readyProps("Socket-Type", "STREAM")))
		}, `unknown socket type \"STREAM\"`},
		{"a socket type that cannot talk to the port's", func(string) []byte {
			return handshake("PUSH")
		}, "a PUSH socket cannot talk to"},
		{"a truncated greeting", func(string) []byte {
			return greetingWith(nil)[:20]
		}, "inside a greeting"},
		{"a truncated READY", func(peer string) []byte {
			h := handshake(peer)
			return h[:len(h)-3]
		}, "inside a READY command"},
		{"a truncated frame", func(peer string) []byte {
			return concat(handshake(peer), []byte{0, 200}, []byte("only a little"))
		}, "inside a frame"},
		{"a truncated message", func(peer string) []byte {
			return concat(handshake(peer), frame(flagMore, []byte("first")))
		}, "inside a message"},
		{"a command inside a message", func(peer string) []byte {
			return concat(handshake(peer), frame(flagMore, []byte("first")), command("PING", nil))
		}, "command frame inside a message"},
	}
	for _, p := range kernelPorts(c) {
		for _, tt := range tests {
			t.Run(p.name+"/"+tt.name, func(t *testing.T) {
				peer := sendRaw(t, c.IP, p.port, tt.in(p.peerType))
				tk.waitLog(t, "closing a connection that breaks ZMTP", "socket="+p.name, "peer="+peer, tt.wantLog)
				tk.assertServes(t)
			})
		}
	}
}

// TestGuardSurvivesRandomPayloads sends random bytes, alone or after a
// valid greeting or handshake, to every port; whether they break the
// protocol or pass as frames (which the kernel then drops, unsigned),
// the kernel lives on.
func TestGuardSurvivesRandomPayloads(t *testing.T) {
	tk := startKernel(t, newFakeExecutor())
	c := tk.k.ConnectionInfo()
	rng := rand.New(rand.NewPCG(2026, 12))
	for _, p := range kernelPorts(c) {
		for i := range 12 {
			garbage := make([]byte, rng.IntN(400))
			for j := range garbage {
				garbage[j] = byte(rng.Uint32())
			}
			var prefix []byte
			switch i % 3 {
			case 1:
				prefix = greetingWith(nil)
			case 2:
				prefix = handshake(p.peerType)
			}
			t.Run(fmt.Sprintf("%s/%d", p.name, i), func(t *testing.T) {
				sendRaw(t, c.IP, p.port, concat(prefix, garbage))
				tk.assertServes(t)
			})
		}
	}
}

// TestGuardClosesSilentPeers: a peer that connects and sends nothing
// neither keeps others out (zmq4's own accept loop would wait for its
// handshake) nor stays connected past the handshake timeout.
func TestGuardClosesSilentPeers(t *testing.T) {
	tk := startKernelWith(t, newFakeExecutor(), func(k *Kernel) {
		k.guard.mu.Lock()
		k.guard.handshakeTimeout = 500 * time.Millisecond
		k.guard.mu.Unlock()
	})
	c := tk.k.ConnectionInfo()
	silent, err := net.Dial("tcp", net.JoinHostPort(c.IP, fmt.Sprint(c.ShellPort)))
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()

	// A client that connects while the silent one waits.
	late := zmq4.NewDealer(context.Background(), zmq4.WithID(zmq4.SocketIdentity("late-client")))
	defer late.Close()
	dialed := make(chan error, 1)
	go func() { dialed <- late.Dial(c.endpoint(c.ShellPort)) }()
	select {
	case err := <-dialed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("a client could not connect while a silent one waited")
	}
	lateBox := newMailbox()
	go tk.collect(late, lateBox)
	id := tk.send(late, "kernel_info_request", map[string]any{})
	if r := tk.reply(lateBox, id); r.header.MsgType != "kernel_info_reply" {
		t.Errorf("reply to the late client is %s", r.header.MsgType)
	}

	if err := silent.SetReadDeadline(time.Now().Add(waitTimeout)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, silent); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the kernel kept a silent connection open")
	}
	tk.waitLog(t, "closing a connection that breaks ZMTP", "peer="+silent.LocalAddr().String(), "i/o timeout")
	tk.assertServes(t)
}

// BenchmarkKernelInfoRoundTrip measures a kernel_info_request and its
// reply through the guard (TCP to the guard, which relays over a unix
// socket) and straight to the zmq4 socket's private endpoint: the
// difference is what the guard costs a request.
func BenchmarkKernelInfoRoundTrip(b *testing.B) {
	const key = "benchmark-key"
	k, err := New(ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", Key: key}, newFakeExecutor(), Info{},
		slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- k.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	s := signer{key: []byte(key)}
	c := k.ConnectionInfo()
	for _, route := range []struct{ name, endpoint string }{
		{"guarded", c.endpoint(c.ShellPort)},
		{"direct", k.guard.privateEndpoint("shell")},
	} {
		b.Run(route.name, func(b *testing.B) {
			client := zmq4.NewDealer(context.Background(), zmq4.WithID(zmq4.SocketIdentity("bench-"+route.name)))
			defer client.Close()
			if err := client.Dial(route.endpoint); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				kernelInfoRoundTrip(b, client, s)
			}
		})
	}
}

// kernelInfoRoundTrip sends a kernel_info_request signed by s on client
// and waits for its reply.
func kernelInfoRoundTrip(tb testing.TB, client zmq4.Socket, s signer) {
	tb.Helper()
	hdr := header{MsgID: uuid.NewString(), Session: "client", Username: "tester",
		Date: time.Now().UTC().Format(time.RFC3339Nano), MsgType: "kernel_info_request", Version: protocolVersion}
	frames, err := s.encodeHeader(nil, hdr, nil, map[string]any{})
	if err != nil {
		tb.Fatal(err)
	}
	if err := client.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		tb.Fatal(err)
	}
	raw, err := client.Recv()
	if err != nil {
		tb.Fatal(err)
	}
	reply, err := s.decode(raw.Frames)
	if err != nil || reply.header.MsgType != "kernel_info_reply" || parentID(reply) != hdr.MsgID {
		tb.Fatalf("reply %v, %v; want the kernel_info_reply to %s", reply, err, hdr.MsgID)
	}
}

// TestGuardOverIPC: with the ipc transport, the guard listens on the
// connection file's unix sockets, and turns hostile peers away there too.
func TestGuardOverIPC(t *testing.T) {
	const key = "ipc-key"
	logs := &logBuffer{}
	conn := ConnectionInfo{Transport: "ipc", IP: filepath.Join(t.TempDir(), "kernel"), Key: key,
		ShellPort: 1, ControlPort: 2, StdinPort: 3, IOPubPort: 4, HBPort: 5}
	k, err := New(conn, newFakeExecutor(), Info{}, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- k.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	client := zmq4.NewDealer(context.Background(), zmq4.WithID(zmq4.SocketIdentity("ipc-client")))
	defer client.Close()
	if err := client.Dial(conn.endpoint(conn.ShellPort)); err != nil {
		t.Fatal(err)
	}
	s := signer{key: []byte(key)}
	kernelInfoRoundTrip(t, client, s)

	hostile, err := net.Dial("unix", conn.IP+"-1")
	if err != nil {
		t.Fatal(err)
	}
	defer hostile.Close()
	_, _ = hostile.Write(concat(greetingWith(nil), frameHeaderLong(flagCommand, 1<<62)))
	if err := hostile.SetReadDeadline(time.Now().Add(waitTimeout)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, hostile); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the kernel kept the hostile connection open")
	}
	if !strings.Contains(logs.String(), "command of 4611686018427387904 bytes") {
		t.Errorf("the kernel did not log the hostile connection; log:\n%s", logs.String())
	}
	kernelInfoRoundTrip(t, client, s)
}
