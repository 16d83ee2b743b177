// Package syncpipe reads a pipe of process output in which the writer
// places sync markers: a reader delivers the text between them and can
// wait until a marker has been read, which proves that everything written
// before it has been delivered. The kernel uses it for the output of its
// session process and for the output of compiled code captured in-process.
package syncpipe

import (
	"bytes"
	"io"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// Reader reads one output pipe: it hands the text to deliver and cuts out
// the sync markers, recording the highest one seen.
type Reader struct {
	Name    string // "stdout" or "stderr", given to deliver
	r       io.Reader
	prefix  []byte // the marker prefix of this child
	deliver func(name, text string)
	// barrier is called at each marker, after what came before it was
	// delivered: it waits until the kernel has handled the message sent
	// with that marker, so that what comes after it is delivered later.
	barrier func(seq uint64)

	mu     sync.Mutex
	cond   *sync.Cond
	seen   uint64 // the highest marker read so far
	closed bool   // the pipe has ended
}

// NewReader returns a Reader of r, whose text goes to deliver with name.
// nonce must be the one the writer's markers carry (see Marker). barrier,
// when not nil, is called at each marker after the text before it was
// delivered, and holds back the text after it until it returns.
func NewReader(name string, r io.Reader, nonce string, deliver func(name, text string), barrier func(seq uint64)) *Reader {
	s := &Reader{Name: name, r: r, prefix: []byte(markerPrefix(nonce)), deliver: deliver, barrier: barrier}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// Run reads until the pipe ends.
func (s *Reader) Run() {
	buf := make([]byte, 64<<10)
	var pending []byte
	for {
		n, err := s.r.Read(buf)
		pending = append(pending, buf[:n]...)
		pending = s.consume(pending, err != nil)
		if err != nil {
			s.mu.Lock()
			s.closed = true
			s.mu.Unlock()
			s.cond.Broadcast()
			return
		}
	}
}

// consume delivers the text of p and records its markers. It returns what
// must wait for more bytes: a marker or a UTF-8 sequence cut by the read.
// At the end of the pipe everything left is text.
func (s *Reader) consume(p []byte, atEnd bool) []byte {
	for len(p) > 0 {
		i := bytes.Index(p, s.prefix)
		if i < 0 {
			keep := 0
			if !atEnd {
				keep = max(partialPrefix(p, s.prefix), partialRune(p))
			}
			s.emit(p[:len(p)-keep])
			return append([]byte(nil), p[len(p)-keep:]...)
		}
		s.emit(p[:i])
		rest := p[i+len(s.prefix):]
		end := bytes.IndexByte(rest, markerEnd[0])
		if end < 0 {
			if atEnd {
				s.emit(p[i:])
				return nil
			}
			return append([]byte(nil), p[i:]...)
		}
		seq, err := strconv.ParseUint(string(rest[:end]), 10, 64)
		if err != nil { // not one of ours after all
			s.emit(p[i : i+len(s.prefix)])
			p = rest
			continue
		}
		s.mu.Lock()
		s.seen = max(s.seen, seq)
		s.mu.Unlock()
		s.cond.Broadcast()
		if s.barrier != nil {
			s.barrier(seq)
		}
		p = rest[end+1:]
	}
	return nil
}

func (s *Reader) emit(text []byte) {
	if len(text) > 0 {
		s.deliver(s.Name, string(text))
	}
}

// WaitFor waits until marker seq has been read (and so everything written
// before it delivered), the pipe has ended, or timeout has passed. It
// reports whether the marker arrived.
func (s *Reader) WaitFor(seq uint64, timeout time.Duration) bool {
	expired := false
	t := time.AfterFunc(timeout, func() {
		s.mu.Lock()
		expired = true
		s.mu.Unlock()
		s.cond.Broadcast()
	})
	defer t.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.seen < seq && !s.closed && !expired {
		s.cond.Wait()
	}
	return s.seen >= seq
}

// partialPrefix is the length of the longest end of p that begins prefix.
func partialPrefix(p, prefix []byte) int {
	for n := min(len(p), len(prefix)-1); n > 0; n-- {
		if bytes.HasSuffix(p, prefix[:n]) {
			return n
		}
	}
	return 0
}

// partialRune is the length of an incomplete UTF-8 sequence ending p.
func partialRune(p []byte) int {
	for n := 1; n <= utf8.UTFMax-1 && n <= len(p); n++ {
		c := p[len(p)-n]
		if utf8.RuneStart(c) {
			if c >= utf8.RuneSelf && !utf8.FullRune(p[len(p)-n:]) {
				return n
			}
			return 0
		}
	}
	return 0
}

// Marker is what a writer writes into the pipe, in one write, so that a
// reader knows it has delivered everything written before: seq numbers
// the markers in order, and nonce, shared by the writer and the reader
// and kept secret from cells, keeps a cell's own output from passing for
// a marker.
func Marker(nonce string, seq uint64) []byte {
	return []byte(markerPrefix(nonce) + strconv.FormatUint(seq, 10) + markerEnd)
}

func markerPrefix(nonce string) string { return "\x00\x1bgosparkling-sync-" + nonce + "-" }

const markerEnd = "\x00"
