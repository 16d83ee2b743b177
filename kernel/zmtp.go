package kernel

// This file checks the ZMTP 3.x byte stream that a peer sends to the
// kernel (https://rfc.zeromq.org/spec/23/), for the guard in guard.go:
// go-zeromq/zmq4 trusts what it reads (it allocates whatever size a frame
// announces, and indexes READY properties without bounds checks), and it
// does so on goroutines of its own, where a panic cannot be recovered.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

const (
	// maxZMTPCommand bounds the body of a command frame (READY, PING,
	// SUBSCRIBE, ...). The commands of Jupyter's peers take a few dozen
	// bytes; their READY carries a socket type and an identity.
	maxZMTPCommand = 4 << 10
	// maxZMTPMessage bounds one message, all its frames together: zmq4
	// holds a whole message in memory before the kernel sees it. Jupyter
	// messages carry code, outputs of widgets and comm buffers; 256 MiB is
	// far above any of them and still fits in a small machine's memory.
	maxZMTPMessage = 256 << 20
	// maxZMTPFrames bounds the frames of one message (identities, the
	// delimiter, the five parts and buffers), so that empty frames cannot
	// fill memory with slice headers.
	maxZMTPFrames = 1 << 16

	zmtpGreetingSize = 64

	flagMore    = 0x01
	flagLong    = 0x02
	flagCommand = 0x04
)

// zmtpLimits are the bounds that a peer's frames must keep.
type zmtpLimits struct {
	command int64 // bytes of a command's body
	message int64 // bytes of a message, all frames together
	frames  int   // frames of a message
}

var defaultZMTPLimits = zmtpLimits{command: maxZMTPCommand, message: maxZMTPMessage, frames: maxZMTPFrames}

// zmtpError is a peer's breach of the protocol or of the limits, as
// opposed to an I/O error.
type zmtpError struct{ reason string }

func (e *zmtpError) Error() string { return e.reason }

func breach(format string, args ...any) error {
	return &zmtpError{reason: fmt.Sprintf(format, args...)}
}

// kernelGreeting is the greeting zmq4 sends: ZMTP 3.0, mechanism NULL,
// as-server 0. The guard sends it to a peer in the kernel's name.
var kernelGreeting = func() []byte {
	g := make([]byte, zmtpGreetingSize)
	g[0], g[9] = 0xFF, 0x7F
	g[10], g[11] = 3, 0
	copy(g[12:32], "NULL")
	return g
}()

// checkGreeting checks a peer's 64-byte greeting: the signature, a ZMTP
// 3.x version, the NULL mechanism (the only one zmq4 speaks here) and an
// as-server flag of 0 or 1.
func checkGreeting(g []byte) error {
	switch {
	case len(g) != zmtpGreetingSize:
		return breach("greeting of %d bytes, want %d", len(g), zmtpGreetingSize)
	case g[0] != 0xFF || g[9] != 0x7F:
		return breach("bad greeting signature % x", g[:10])
	case g[10] != 3:
		return breach("ZMTP version %d.%d, want 3.x", g[10], g[11])
	case !bytes.Equal(g[12:32], kernelGreeting[12:32]):
		return breach("security mechanism %q, want NULL", bytes.TrimRight(g[12:32], "\x00"))
	case g[32] > 1:
		return breach("as-server flag %d, want 0 or 1", g[32])
	}
	return nil
}

// frameHeader reads a frame's header (flags and size) from r into buf
// and returns the flags, the size and the header's bytes. It checks the
// flags; the caller checks the size.
func frameHeader(r io.Reader, buf *[9]byte) (flags byte, size uint64, raw []byte, err error) {
	if _, err := io.ReadFull(r, buf[:2]); err != nil {
		return 0, 0, nil, err
	}
	flags = buf[0]
	if flags&^(flagMore|flagLong|flagCommand) != 0 {
		return 0, 0, nil, breach("frame flags %#02x have reserved bits set", flags)
	}
	if flags&flagCommand != 0 && flags&flagMore != 0 {
		return 0, 0, nil, breach("command frame with the MORE flag")
	}
	if flags&flagLong == 0 {
		return flags, uint64(buf[1]), buf[:2], nil
	}
	if _, err := io.ReadFull(r, buf[2:]); err != nil {
		return 0, 0, nil, truncated(err, "frame size")
	}
	return flags, binary.BigEndian.Uint64(buf[1:]), buf[:], nil
}

// truncated turns the end of the stream in the middle of what into a
// breach; other errors are returned as they are.
func truncated(err error, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return breach("stream ends inside a %s", what)
	}
	return err
}

// readHandshake reads a peer's greeting and its first command, which
// must be READY (the NULL mechanism's handshake), checks them and
// returns their bytes, to be forwarded to zmq4 as they are, and the
// peer's socket type.
func readHandshake(r io.Reader, lim zmtpLimits) (handshake []byte, peerType string, err error) {
	greeting := make([]byte, zmtpGreetingSize)
	if _, err := io.ReadFull(r, greeting); err != nil {
		return nil, "", truncated(err, "greeting")
	}
	if err := checkGreeting(greeting); err != nil {
		return nil, "", err
	}
	var buf [9]byte
	flags, size, raw, err := frameHeader(r, &buf)
	if err != nil {
		return nil, "", truncated(err, "READY command")
	}
	if flags&flagCommand == 0 {
		return nil, "", breach("a message before the READY command")
	}
	if size > uint64(lim.command) {
		return nil, "", breach("command of %d bytes, more than %d", size, lim.command)
	}
	out := make([]byte, 0, len(greeting)+len(raw)+int(size))
	out = append(append(out, greeting...), raw...)
	body := make([]byte, size)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, "", truncated(err, "READY command")
	}
	peerType, err = checkReady(body)
	if err != nil {
		return nil, "", err
	}
	return append(out, body...), peerType, nil
}

// socketTypes are the socket types zmq4 knows; it panics on any other.
var socketTypes = map[string]bool{
	"PAIR": true, "PUB": true, "SUB": true, "REQ": true, "REP": true, "DEALER": true,
	"ROUTER": true, "PULL": true, "PUSH": true, "XPUB": true, "XSUB": true,
}

// checkReady checks the body of the READY command: its name, then
// properties, each a name of 1 to 255 characters of [A-Za-z0-9-_.+]
// and a value whose 4-byte length fits in what is left. Exactly one
// name may be Socket-Type in any case, spelled so, and its value must be
// a socket type zmq4 knows (which it returns): zmq4 panics on a missing
// or unknown one.
func checkReady(body []byte) (socketType string, err error) {
	name, props, err := commandName(body)
	if err != nil {
		return "", err
	}
	if name != "READY" {
		return "", breach("command %q where READY is due", name)
	}
	found := false
	for len(props) > 0 {
		n := int(props[0])
		if n == 0 || n+1+4 > len(props) {
			return "", breach("READY property name of %d bytes in %d bytes left", n, len(props)-1)
		}
		name := string(props[1 : 1+n])
		for _, c := range []byte(name) {
			if !isPropertyNameChar(c) {
				return "", breach("READY property name %q has a character outside [A-Za-z0-9-_.+]", name)
			}
		}
		props = props[1+n:]
		v := binary.BigEndian.Uint32(props)
		props = props[4:]
		if uint64(v) > uint64(len(props)) {
			return "", breach("READY property value of %d bytes in %d bytes left", v, len(props))
		}
		value := props[:v]
		props = props[v:]
		if !strings.EqualFold(name, "Socket-Type") {
			continue
		}
		switch {
		case found:
			return "", breach("READY has two Socket-Type properties")
		case name != "Socket-Type":
			return "", breach("READY property %q, spelled otherwise than Socket-Type", name)
		case !socketTypes[string(value)]:
			return "", breach("unknown socket type %q", value)
		}
		found, socketType = true, string(value)
	}
	if !found {
		return "", breach("READY has no Socket-Type")
	}
	return socketType, nil
}

// commandName splits a command's body into its name (1 to 255 letters)
// and the rest.
func commandName(body []byte) (name string, rest []byte, err error) {
	if len(body) == 0 {
		return "", nil, breach("empty command")
	}
	n := int(body[0])
	if n == 0 || n > len(body)-1 {
		return "", nil, breach("command name of %d bytes in a body of %d", n, len(body))
	}
	for _, c := range body[1 : 1+n] {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return "", nil, breach("command name %q is not made of letters", body[1:1+n])
		}
	}
	return string(body[1 : 1+n]), body[1+n:], nil
}

func isPropertyNameChar(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '+'
}

// relayFrames copies the frames that follow the handshake from r to w,
// checking each before any of its body is copied: commands must be
// well formed and small, a message keeps within lim and a command never
// comes between the frames of a message. It flushes w after each
// message and command, so that a request leaves at once. It returns nil
// when r ends between frames, a *zmtpError on a breach and other errors
// as they come.
func relayFrames(r *bufio.Reader, w *bufio.Writer, lim zmtpLimits) error {
	var (
		buf          [9]byte
		cmd          []byte
		inMessage    bool
		frames       int
		messageBytes int64
	)
	for {
		flags, size, raw, err := frameHeader(r, &buf)
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
			if size > uint64(lim.command) {
				return breach("command of %d bytes, more than %d", size, lim.command)
			}
			if uint64(cap(cmd)) < size {
				cmd = make([]byte, size)
			}
			cmd = cmd[:size]
			if _, err := io.ReadFull(r, cmd); err != nil {
				return truncated(err, "command")
			}
			if _, _, err := commandName(cmd); err != nil {
				return err
			}
			if _, err := w.Write(raw); err != nil {
				return err
			}
			if _, err := w.Write(cmd); err != nil {
				return err
			}
			if err := w.Flush(); err != nil {
				return err
			}
			continue
		}
		if frames++; frames > lim.frames {
			return breach("message of more than %d frames", lim.frames)
		}
		if size > uint64(lim.message-messageBytes) {
			return breach("message of more than %d bytes (a frame of %d after %d)", lim.message, size, messageBytes)
		}
		messageBytes += int64(size)
		if _, err := w.Write(raw); err != nil {
			return err
		}
		if _, err := io.CopyN(w, r, int64(size)); err != nil {
			return truncated(err, "frame")
		}
		inMessage = flags&flagMore != 0
		if !inMessage {
			frames, messageBytes = 0, 0
			if err := w.Flush(); err != nil {
				return err
			}
		}
	}
}
