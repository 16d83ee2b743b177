package kernel

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/security/null"
)

// greetingWith is a valid peer greeting (ZMTP 3.0, NULL) changed by
// change, when not nil.
func greetingWith(change func(g []byte)) []byte {
	g := bytes.Clone(kernelGreeting)
	if change != nil {
		change(g)
	}
	return g
}

// frame encodes a frame with flags (LONG is added for bodies over 255
// bytes) and body.
func frame(flags byte, body []byte) []byte {
	if len(body) > 255 {
		flags |= flagLong
	}
	if flags&flagLong != 0 {
		return append(frameHeaderLong(flags, uint64(len(body))), body...)
	}
	return append([]byte{flags, byte(len(body))}, body...)
}

// frameHeaderLong is the header of a long frame that announces size
// bytes.
func frameHeaderLong(flags byte, size uint64) []byte {
	h := make([]byte, 9)
	h[0] = flags | flagLong
	binary.BigEndian.PutUint64(h[1:], size)
	return h
}

// command encodes a command frame: the name and the body.
func command(name string, body []byte) []byte {
	return frame(flagCommand, append(append([]byte{byte(len(name))}, name...), body...))
}

// readyProps encodes READY properties from name, value pairs.
func readyProps(kv ...string) []byte {
	var b []byte
	for i := 0; i+1 < len(kv); i += 2 {
		b = append(b, byte(len(kv[i])))
		b = append(b, kv[i]...)
		b = binary.BigEndian.AppendUint32(b, uint32(len(kv[i+1])))
		b = append(b, kv[i+1]...)
	}
	return b
}

// handshake is a valid greeting and READY of a peer of type socketType.
func handshake(socketType string) []byte {
	return append(greetingWith(nil), command("READY", readyProps("Socket-Type", socketType, "Identity", ""))...)
}

func concat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestReadHandshake(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		wantErr string // "" when the handshake passes
	}{
		{"dealer", handshake("DEALER"), ""},
		{"ZMTP 3.1 peer as server", concat(greetingWith(func(g []byte) { g[11], g[32] = 1, 1 }), command("READY", readyProps("Socket-Type", "SUB"))), ""},
		{"READY with a long value", concat(greetingWith(nil), command("READY", readyProps("X-Big", strings.Repeat("v", 300), "Socket-Type", "REQ"))), ""},
		{"libzmq's signature padding is ignored", concat(greetingWith(func(g []byte) { g[8] = 1 }), command("READY", readyProps("Socket-Type", "DEALER"))), ""},
		{"READY without properties", concat(greetingWith(nil), command("READY", nil)), "no Socket-Type"},
		{"READY without Socket-Type", concat(greetingWith(nil), command("READY", readyProps("Identity", "x"))), "no Socket-Type"},
		{"unknown socket type", concat(greetingWith(nil), command("READY", readyProps("Socket-Type", "STREAM"))), `unknown socket type "STREAM"`},
		{"empty socket type", concat(greetingWith(nil), command("READY", readyProps("Socket-Type", ""))), `unknown socket type ""`},
		{"lower-case socket type", concat(greetingWith(nil), command("READY", readyProps("Socket-Type", "dealer"))), `unknown socket type "dealer"`},
		{"two socket types", concat(greetingWith(nil), command("READY", readyProps("Socket-Type", "DEALER", "socket-type", "BAD"))), "two Socket-Type"},
		{"Socket-Type spelled otherwise", concat(greetingWith(nil), command("READY", readyProps("SOCKET-TYPE", "DEALER"))), `"SOCKET-TYPE", spelled otherwise`},

		{"empty", nil, "inside a greeting"},
		{"truncated greeting", greetingWith(nil)[:30], "inside a greeting"},
		{"bad signature", greetingWith(func(g []byte) { g[0] = 0 }), "bad greeting signature"},
		{"bad signature footer", greetingWith(func(g []byte) { g[9] = 0 }), "bad greeting signature"},
		{"ZMTP 2", greetingWith(func(g []byte) { g[10] = 2 }), "ZMTP version 2.0"},
		{"CURVE", greetingWith(func(g []byte) { copy(g[12:], "CURVE") }), `mechanism "CURVE"`},
		{"NULL with trailing garbage", greetingWith(func(g []byte) { g[20] = 'x' }), "mechanism"},
		{"as-server 2", greetingWith(func(g []byte) { g[32] = 2 }), "as-server flag 2"},
		{"no READY", greetingWith(nil), "inside a READY command"},
		{"command announcing 2^62 bytes", concat(greetingWith(nil), frameHeaderLong(flagCommand, 1<<62)), "command of 4611686018427387904 bytes"},
		{"command announcing 2^64-1 bytes", concat(greetingWith(nil), frameHeaderLong(flagCommand, 1<<64-1)), "more than 4096"},
		{"truncated long size", concat(greetingWith(nil), frameHeaderLong(flagCommand, 10)[:5]), "inside a frame size"},
		{"truncated READY", concat(greetingWith(nil), command("READY", readyProps("Socket-Type", "DEALER"))[:12]), "inside a READY command"},
		{"message before READY", concat(greetingWith(nil), frame(0, []byte("hi"))), "a message before the READY"},
		{"MORE on READY", concat(greetingWith(nil), frame(flagCommand|flagMore, []byte("\x05READY"))), "command frame with the MORE flag"},
		{"reserved flag bits", concat(greetingWith(nil), frame(0x80|flagCommand, []byte("\x05READY"))), "reserved bits"},
		{"another command", concat(greetingWith(nil), command("ERROR", []byte("\x03bad"))), `command "ERROR" where READY is due`},
		{"empty command", concat(greetingWith(nil), frame(flagCommand, nil)), "empty command"},
		{"command name past the body", concat(greetingWith(nil), frame(flagCommand, []byte("\x09READY"))), "command name of 9 bytes"},
		{"command name not letters", concat(greetingWith(nil), frame(flagCommand, []byte("\x05REA\x00Y"))), "not made of letters"},
		{"property name past the body", concat(greetingWith(nil), command("READY", []byte("\xc8Socket"))), "property name of 200 bytes"},
		{"property without its value length", concat(greetingWith(nil), command("READY", []byte("\x02ab\x00\x00"))), "property name of 2 bytes"},
		{"empty property name", concat(greetingWith(nil), command("READY", []byte("\x00\x00\x00\x00\x00"))), "property name of 0 bytes"},
		{"property value past the body", concat(greetingWith(nil), command("READY", []byte("\x02ab\x00\x00\x01\x00xyz"))), "value of 256 bytes in 3"},
		{"property value of 2^32-1 bytes", concat(greetingWith(nil), command("READY", []byte("\x02ab\xff\xff\xff\xff"))), "value of 4294967295 bytes in 0"},
		{"property name with a space", concat(greetingWith(nil), command("READY", readyProps("Socket Type", "DEALER"))), "outside [A-Za-z0-9-_.+]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, peerType, err := readHandshake(bytes.NewReader(tt.in), defaultZMTPLimits)
			if tt.wantErr == "" {
				if err != nil || !bytes.Equal(got, tt.in) || !socketTypes[peerType] {
					t.Errorf("readHandshake = %q, %q, %v; want the input, a socket type, nil", got, peerType, err)
				}
				return
			}
			var breach *zmtpError
			if !errors.As(err, &breach) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("readHandshake error = %v, want a breach saying %q", err, tt.wantErr)
			}
		})
	}
}

func TestRelayFrames(t *testing.T) {
	small := zmtpLimits{command: 16, message: 100, frames: 3}
	ping := command("PING", []byte("\x00\x0a"))
	tests := []struct {
		name    string
		in      []byte
		wantErr string // "" when every frame passes and the stream ends cleanly
	}{
		{"nothing", nil, ""},
		{"a message of three frames", concat(frame(flagMore, []byte("id")), frame(flagMore, nil), frame(0, []byte("body"))), ""},
		{"messages and commands between them", concat(frame(0, []byte("a")), ping, frame(flagMore, []byte("b")), frame(0, []byte("c"))), ""},
		{"a message of exactly the limit", concat(frame(flagMore, make([]byte, 60)), frame(0, make([]byte, 40))), ""},
		{"a short frame in the long format", concat(frameHeaderLong(0, 3), []byte("abc")), ""},
		{"frame flags 0x80", frame(0x80, []byte("x")), "reserved bits"},
		{"frame flags 0x08", concat(frame(0, []byte("ok")), frame(0x08, []byte("x"))), "reserved bits"},
		{"a message frame of 2^62 bytes", frameHeaderLong(0, 1<<62), "message of more than 100 bytes"},
		{"a message frame of 2^64-1 bytes", frameHeaderLong(flagMore, 1<<64-1), "message of more than 100 bytes"},
		{"a message over the limit in two frames", concat(frame(flagMore, make([]byte, 60)), frame(0, make([]byte, 41))), "a frame of 41 after 60"},
		{"limits hold per message", concat(frame(0, make([]byte, 60)), frame(0, make([]byte, 60))), ""},
		{"too many frames", concat(frame(flagMore, nil), frame(flagMore, nil), frame(flagMore, nil), frame(0, nil)), "more than 3 frames"},
		{"a big command", command("PING", make([]byte, 20)), "command of 25 bytes, more than 16"},
		{"a command inside a message", concat(frame(flagMore, []byte("a")), ping), "command frame inside a message"},
		{"a command with MORE", frame(flagCommand|flagMore, []byte("\x04PING")), "MORE flag"},
		{"a malformed command", frame(flagCommand, []byte("\x07PING")), "command name of 7 bytes"},
		{"a truncated header", []byte{0}, "inside a frame header"},
		{"a truncated long size", []byte{flagLong, 0, 0}, "inside a frame size"},
		{"a truncated body", concat(frame(0, []byte("a")), []byte{0, 10, 'x'}), "inside a frame"},
		{"a truncated command", []byte{flagCommand, 10, 4, 'P'}, "inside a command"},
		{"the end inside a message", frame(flagMore, []byte("a")), "inside a message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			w := bufio.NewWriter(&out)
			err := relayFrames(bufio.NewReader(bytes.NewReader(tt.in)), w, small)
			_ = w.Flush()
			if tt.wantErr == "" {
				if err != nil || !bytes.Equal(out.Bytes(), tt.in) {
					t.Errorf("relayFrames relayed %q, %v; want the input, nil", out.Bytes(), err)
				}
				return
			}
			var breach *zmtpError
			if !errors.As(err, &breach) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("relayFrames error = %v, want a breach saying %q", err, tt.wantErr)
			}
			if !bytes.HasPrefix(tt.in, out.Bytes()) {
				t.Errorf("relayFrames relayed %q, not a prefix of its input", out.Bytes())
			}
		})
	}
}

// replayConn is a net.Conn that reads a fixed stream and discards what
// is written to it: a peer for zmq4.Open.
type replayConn struct{ r io.Reader }

func (c replayConn) Read(p []byte) (int, error)         { return c.r.Read(p) }
func (c replayConn) Write(p []byte) (int, error)        { return len(p), nil }
func (c replayConn) Close() error                       { return nil }
func (c replayConn) LocalAddr() net.Addr                { return &net.UnixAddr{Name: "kernel", Net: "unix"} }
func (c replayConn) RemoteAddr() net.Addr               { return &net.UnixAddr{Name: "peer", Net: "unix"} }
func (c replayConn) SetDeadline(t time.Time) error      { return nil }
func (c replayConn) SetReadDeadline(t time.Time) error  { return nil }
func (c replayConn) SetWriteDeadline(t time.Time) error { return nil }

// FuzzZMTPGuard checks the guard's promise: whatever a peer sends, the
// checks do not panic, they pass on a prefix of it unchanged, and what
// they pass on does not make zmq4 panic (its ROUTER socket reads it as
// the kernel's shell socket would).
func FuzzZMTPGuard(f *testing.F) {
	f.Add(handshake("DEALER"))
	f.Add(concat(handshake("DEALER"), frame(flagMore, []byte("id")), frame(flagMore, nil), frame(0, []byte("body"))))
	f.Add(concat(handshake("DEALER"), command("PING", []byte("\x00\x0a"))))
	f.Add(concat(handshake("REQ"), frameHeaderLong(0, 1<<40)))
	f.Add(concat(greetingWith(nil), frameHeaderLong(flagCommand, 1<<62)))
	f.Add(concat(greetingWith(nil), command("READY", []byte("\xc8Socket"))))
	f.Add(concat(greetingWith(nil), command("READY", []byte("\x02ab\xff\xff\xff\xff"))))
	f.Add(concat(greetingWith(nil), command("READY", readyProps("Identity", "x"))))
	lim := zmtpLimits{command: 256, message: 1 << 16, frames: 64}
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		hs, _, err := readHandshake(bytes.NewReader(in), lim)
		if err != nil {
			return
		}
		out.Write(hs)
		w := bufio.NewWriter(&out)
		err = relayFrames(bufio.NewReader(bytes.NewReader(in[len(hs):])), w, lim)
		_ = w.Flush()
		if !bytes.HasPrefix(in, out.Bytes()) {
			t.Fatalf("passed on %q, not a prefix of %q", out.Bytes(), in)
		}
		if err == nil && out.Len() != len(in) {
			t.Fatalf("passed on %d bytes of %d and reported no breach", out.Len(), len(in))
		}
		conn, err := zmq4.Open(replayConn{bytes.NewReader(out.Bytes())}, null.Security(), zmq4.Router, nil, true, nil)
		if err != nil {
			return // zmq4 refused the peer, for its socket type for instance
		}
		for {
			if _, err := conn.RecvMsg(); err != nil {
				return
			}
		}
	})
}
