package kernel

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestSignMatchesJupyterHMAC(t *testing.T) {
	// Computed with Python: hmac.new(b"secret", header+parent+metadata+content, sha256).hexdigest()
	const want = "32972b1815408d08f4296c6fe7ec76ca2b7e7a96abe4a2babcb557017d696574"
	s := signer{key: []byte("secret")}
	got := s.sign([]byte(`{"msg_type":"x"}`), []byte(`{}`), []byte(`{}`), []byte(`{"a":1}`))
	if string(got) != want {
		t.Errorf("sign = %s, want %s", got, want)
	}
	if sig := (signer{}).sign([]byte("x")); len(sig) != 0 {
		t.Errorf("sign without key = %q, want empty", sig)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	s := signer{key: []byte("k")}
	parent := json.RawMessage(`{"msg_id":"p1","msg_type":"execute_request","session":"s","username":"u","date":"","version":"5.3"}`)
	frames, err := s.encode([][]byte{[]byte("id1"), []byte("id2")}, "sess", "execute_reply", parent, map[string]any{"status": "ok"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.decode(frames)
	if err != nil {
		t.Fatalf("decode(encode(...)): %v", err)
	}
	if len(m.identities) != 2 || string(m.identities[0]) != "id1" || string(m.identities[1]) != "id2" {
		t.Errorf("identities = %q, want [id1 id2]", m.identities)
	}
	h := m.header
	if h.MsgType != "execute_reply" || h.Session != "sess" || h.Version != "5.3" || h.Username == "" {
		t.Errorf("header = %+v", h)
	}
	if _, err := uuid.Parse(h.MsgID); err != nil {
		t.Errorf("msg_id %q is not a UUID: %v", h.MsgID, err)
	}
	if d, err := time.Parse(time.RFC3339Nano, h.Date); err != nil || d.Location() != time.UTC || !strings.Contains(h.Date, ".") {
		t.Errorf("date %q is not RFC 3339 UTC with fractional seconds (err %v)", h.Date, err)
	}
	if string(m.parent) != string(parent) {
		t.Errorf("parent_header = %s, want %s", m.parent, parent)
	}
	if string(m.content) != `{"status":"ok"}` {
		t.Errorf("content = %s", m.content)
	}
}

func TestDecodeRejectsMalformedMessages(t *testing.T) {
	s := signer{key: []byte("k")}
	good := func(content string) [][]byte {
		h, p, md, c := []byte(`{"msg_id":"1","msg_type":"kernel_info_request"}`), []byte(`{}`), []byte(`{}`), []byte(content)
		return [][]byte{[]byte("client"), delimiter, s.sign(h, p, md, c), h, p, md, c}
	}
	resign := func(f [][]byte) [][]byte { f[2] = s.sign(f[3:7]...); return f }
	tests := []struct {
		name    string
		frames  [][]byte
		wantErr string
	}{
		{"no delimiter", [][]byte{[]byte("client"), []byte("{}")}, "no <IDS|MSG> delimiter"},
		{"too few frames", good("{}")[:5], "3 frames after the delimiter"},
		{"wrong signature", func() [][]byte { f := good("{}"); f[2] = []byte(strings.Repeat("0", 64)); return f }(), errBadSignature.Error()},
		{"missing signature", func() [][]byte { f := good("{}"); f[2] = nil; return f }(), errBadSignature.Error()},
		{"signature not hex", func() [][]byte { f := good("{}"); f[2] = []byte("zz"); return f }(), errBadSignature.Error()},
		{"tampered content", func() [][]byte { f := good("{}"); f[6] = []byte(`{"x":1}`); return f }(), errBadSignature.Error()},
		{"header not JSON", resign(func() [][]byte { f := good("{}"); f[3] = []byte("{"); return f }()), "header"},
		{"header without msg_type", resign(func() [][]byte { f := good("{}"); f[3] = []byte(`{"msg_id":"1"}`); return f }()), "no msg_type"},
		{"content not JSON", good("{oops"), "content of kernel_info_request"},
		{"content not an object", good("[1]"), "content of kernel_info_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.decode(tt.frames)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("decode error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	if _, err := s.decode(good(`{}`)); err != nil {
		t.Fatalf("decode(well-formed) = %v", err)
	}
}

func TestDecodeWithoutKeyAcceptsAnySignature(t *testing.T) {
	h := []byte(`{"msg_type":"kernel_info_request"}`)
	frames := [][]byte{[]byte("c"), delimiter, []byte("whatever"), h, []byte("{}"), []byte("{}"), []byte("{}"), []byte("buffer")}
	m, err := signer{}.decode(frames)
	if err != nil {
		t.Fatalf("decode without key: %v", err)
	}
	if len(m.buffers) != 1 || string(m.buffers[0]) != "buffer" {
		t.Errorf("buffers = %q, want [buffer]", m.buffers)
	}
}

func TestReplayGuardRemembersTheLatestSignatures(t *testing.T) {
	s := signer{key: []byte("k")}
	sig := func(i int) []byte { return s.sign([]byte(fmt.Sprint(i))) }
	var g replayGuard
	if !g.firstSeen(sig(0)) || g.firstSeen(sig(0)) {
		t.Fatal("a signature is not new the second time")
	}
	for range 2 {
		if !g.firstSeen(nil) {
			t.Error("unsigned messages (no key) must always pass")
		}
	}
	for i := 1; i <= replayMemory; i++ { // pushes signature 0 out
		if !g.firstSeen(sig(i)) {
			t.Fatalf("signature %d seen before", i)
		}
	}
	if g.firstSeen(sig(replayMemory)) {
		t.Error("the latest signature is forgotten")
	}
	if !g.firstSeen(sig(0)) {
		t.Error("the oldest signature is still remembered beyond replayMemory")
	}
	if len(g.seen) != replayMemory {
		t.Errorf("remembers %d signatures, want %d", len(g.seen), replayMemory)
	}
}
