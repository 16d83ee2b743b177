package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
)

// protocolVersion is the Jupyter messaging protocol version spoken.
const protocolVersion = "5.3"

// delimiter separates the routing identities from the message proper.
var delimiter = []byte("<IDS|MSG>")

// errBadSignature marks a message whose HMAC does not match.
var errBadSignature = errors.New("bad or missing signature")

// errReplayed marks a message whose signature was seen before.
var errReplayed = errors.New("duplicate signature: a replayed message")

// header is a Jupyter message header.
type header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// message is one decoded, signature-checked Jupyter message.
type message struct {
	identities [][]byte
	header     header
	rawHeader  json.RawMessage // as received: the parent_header of responses
	parent     json.RawMessage
	metadata   json.RawMessage
	content    json.RawMessage
	buffers    [][]byte
	signature  []byte // hex HMAC as received; empty when unsigned
}

// parentMsgID returns the msg_id of the message's parent header, or ""
// when it has none.
func (m *message) parentMsgID() string {
	var h header
	if err := json.Unmarshal(m.parent, &h); err != nil {
		return ""
	}
	return h.MsgID
}

// signer signs and verifies messages with a connection's key; an empty
// key disables both.
type signer struct {
	key []byte
}

// sign returns the hex HMAC-SHA256 of the four signed parts, or an empty
// signature when there is no key.
func (s signer) sign(parts ...[]byte) []byte {
	if len(s.key) == 0 {
		return nil
	}
	mac := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		mac.Write(p)
	}
	sum := mac.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// verify reports whether sig is the signature of parts, comparing in
// constant time. Without a key every message is accepted.
func (s signer) verify(sig []byte, parts ...[]byte) bool {
	if len(s.key) == 0 {
		return true
	}
	got := make([]byte, hex.DecodedLen(len(sig)))
	if _, err := hex.Decode(got, sig); err != nil {
		return false
	}
	mac := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		mac.Write(p)
	}
	return hmac.Equal(mac.Sum(nil), got)
}

// decode parses the frames of a wire message and checks its signature.
// The error says what is wrong with the message and never includes the
// key.
func (s signer) decode(frames [][]byte) (*message, error) {
	d := -1
	for i, f := range frames {
		if bytes.Equal(f, delimiter) {
			d = i
			break
		}
	}
	if d < 0 {
		return nil, fmt.Errorf("no %s delimiter among %d frames", delimiter, len(frames))
	}
	rest := frames[d+1:]
	if len(rest) < 5 {
		return nil, fmt.Errorf("%d frames after the delimiter, want at least 5 (signature, header, parent_header, metadata, content)", len(rest))
	}
	if !s.verify(rest[0], rest[1:5]...) {
		return nil, errBadSignature
	}
	m := &message{
		identities: frames[:d],
		rawHeader:  rest[1],
		parent:     rest[2],
		metadata:   rest[3],
		content:    rest[4],
		buffers:    rest[5:],
		signature:  rest[0],
	}
	if err := json.Unmarshal(rest[1], &m.header); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if m.header.MsgType == "" {
		return nil, errors.New("header has no msg_type")
	}
	for _, part := range []struct {
		name string
		data json.RawMessage
	}{{"parent_header", m.parent}, {"metadata", m.metadata}, {"content", m.content}} {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(part.data, &obj); err != nil {
			return nil, fmt.Errorf("%s of %s: %w", part.name, m.header.MsgType, err)
		}
	}
	return m, nil
}

// newHeader returns the header of a new message of the kernel's session.
func newHeader(session, msgType string) header {
	return header{
		MsgID:    uuid.NewString(),
		Session:  session,
		Username: "kernel",
		Date:     time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
		MsgType:  msgType,
		Version:  protocolVersion,
	}
}

// encode builds the frames of an outgoing message: identities, delimiter,
// signature, header, parent_header, metadata, content. parent is the raw
// header of the message being answered (nil for none).
func (s signer) encode(identities [][]byte, session, msgType string, parent json.RawMessage, content any) ([][]byte, error) {
	return s.encodeHeader(identities, newHeader(session, msgType), parent, content)
}

// withMetadata is the content of a message that has metadata (as a
// widget's comm_open has its protocol version), for encode.
type withMetadata struct {
	content  any
	metadata map[string]any
}

// encodeHeader is encode for a message whose header the caller made,
// to know its msg_id. A content of type withMetadata gives the message
// its metadata too; other messages have none.
func (s signer) encodeHeader(identities [][]byte, hdr header, parent json.RawMessage, content any) ([][]byte, error) {
	h, err := json.Marshal(hdr)
	if err != nil {
		return nil, fmt.Errorf("encoding %s header: %w", hdr.MsgType, err)
	}
	if len(parent) == 0 {
		parent = json.RawMessage("{}")
	}
	metadata := []byte("{}")
	if wm, ok := content.(withMetadata); ok {
		content = wm.content
		if len(wm.metadata) > 0 {
			if metadata, err = json.Marshal(wm.metadata); err != nil {
				return nil, fmt.Errorf("encoding %s metadata: %w", hdr.MsgType, err)
			}
		}
	}
	c, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("encoding %s content: %w", hdr.MsgType, err)
	}
	frames := make([][]byte, 0, len(identities)+6)
	frames = append(frames, identities...)
	frames = append(frames, delimiter, s.sign(h, parent, metadata, c), h, parent, metadata, c)
	return frames, nil
}

// replayMemory is how many signatures a replayGuard remembers, as many
// as jupyter_client's Session does.
const replayMemory = 1 << 16

// replayGuard remembers the signatures of the latest messages received,
// so that a captured signed message cannot be sent again (jupyter_client
// rejects duplicate signatures the same way). It is safe for use from
// several goroutines.
type replayGuard struct {
	mu   sync.Mutex
	seen map[[sha256.Size]byte]struct{}
	ring [][sha256.Size]byte // in arrival order, oldest overwritten first
	next int
}

// firstSeen records the hex signature sig and reports whether it was new.
// Unsigned messages (an empty signature, when the connection has no key)
// are always new.
func (g *replayGuard) firstSeen(sig []byte) bool {
	var d [sha256.Size]byte
	if len(sig) == 0 || hex.DecodedLen(len(sig)) != len(d) {
		return true
	}
	if _, err := hex.Decode(d[:], sig); err != nil {
		return true // not a signature verify accepted
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.seen == nil {
		g.seen = make(map[[sha256.Size]byte]struct{})
	}
	if _, dup := g.seen[d]; dup {
		return false
	}
	g.seen[d] = struct{}{}
	if len(g.ring) < replayMemory {
		g.ring = append(g.ring, d)
		return true
	}
	delete(g.seen, g.ring[g.next])
	g.ring[g.next] = d
	g.next = (g.next + 1) % replayMemory
	return true
}
