package parquet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gosparkling/gosparkling/fileio"
)

// DefaultFooterReadSize is how many bytes at the end of a file ReaderAt fetches on its first
// read there: the footer (the file's metadata) of most Parquet files fits, so that opening one
// costs a single ranged read. It is Arrow C++'s default too.
const DefaultFooterReadSize = 64 << 10

// DefaultMaxHole is the largest gap between two planned byte ranges that ReaderAt.Plan
// fetches along with them, so that neighbouring column chunks take one request.
const DefaultMaxHole = 8 << 10

// maxCoalesced bounds a fetch that Plan merges from several ranges.
const maxCoalesced = 64 << 20

// ReaderAt reads one file of a fileio.FileSystem by ranged reads (FileSystem.OpenRange), as
// io.ReaderAt and io.Seeker, for the Parquet reader: it fetches each byte range it is asked
// for when first asked, and keeps what it fetched for later reads of the same bytes.
//
// The first read in the last DefaultFooterReadSize bytes fetches all of them, footer and
// metadata at once. Ranges announced with Plan (the column chunks a row group needs) are
// coalesced when close together and each fetched whole on its first read. Other reads fetch
// exactly the bytes asked for. Forget drops what was fetched, except the footer.
//
// A ReaderAt is safe for concurrent use. Its reads use the context it was made with.
type ReaderAt struct {
	ctx  context.Context
	fsys fileio.FileSystem
	path string
	size int64
	pos  atomic.Int64 // for Seek

	mu     sync.Mutex
	tail   []byte // the last len(tail) bytes, once fetched
	blocks []block
	plan   []span

	requests, bytes atomic.Int64
}

// block is bytes fetched from off.
type block struct {
	off  int64
	data []byte
}

// span is the byte range [off, end).
type span struct{ off, end int64 }

// Range is a byte range of a file: Length bytes from Offset.
type Range struct{ Offset, Length int64 }

// NewReaderAt returns a ReaderAt of the file at path on fsys whose size is known (from a
// listing, say); a negative size is looked up with fsys.Stat.
func NewReaderAt(ctx context.Context, fsys fileio.FileSystem, path string, size int64) (*ReaderAt, error) {
	if size < 0 {
		info, err := fsys.Stat(ctx, path)
		if err != nil {
			return nil, err
		}
		if info.IsDir {
			return nil, &fileio.Error{Op: "open", Path: path, Err: errors.New("is a directory")}
		}
		if info.Size < 0 {
			return nil, &fileio.Error{Op: "open", Path: path, Err: errors.New("the server does not tell the size of the file, which Parquet needs")}
		}
		size = info.Size
	}
	return &ReaderAt{ctx: ctx, fsys: fsys, path: path, size: size}, nil
}

// Path returns the path of the file.
func (r *ReaderAt) Path() string { return r.path }

// Size returns the size of the file in bytes.
func (r *ReaderAt) Size() int64 { return r.size }

// Stats returns the number of ranged reads made so far and the bytes they fetched.
func (r *ReaderAt) Stats() (requests, bytes int64) { return r.requests.Load(), r.bytes.Load() }

// Seek sets the offset of the next Read (only Seek is used by the Parquet reader, to learn
// the size).
func (r *ReaderAt) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.pos.Load()
	case io.SeekEnd:
		offset += r.size
	default:
		return 0, &fileio.Error{Op: "seek", Path: r.path, Err: fmt.Errorf("bad whence %d", whence)}
	}
	if offset < 0 {
		return 0, &fileio.Error{Op: "seek", Path: r.path, Err: errors.New("negative position")}
	}
	r.pos.Store(offset)
	return offset, nil
}

// Read reads from the offset Seek set.
func (r *ReaderAt) Read(p []byte) (int, error) {
	n, err := r.ReadAt(p, r.pos.Load())
	r.pos.Add(int64(n))
	return n, err
}

// Plan announces byte ranges that are about to be read (the column chunks of a row group).
// Ranges less than DefaultMaxHole apart are merged, up to 64 MiB; the first read that falls
// in a merged range fetches it whole, in one request. Plan fetches nothing itself.
func (r *ReaderAt) Plan(ranges ...Range) {
	var spans []span
	for _, rg := range ranges {
		if rg.Length > 0 && rg.Offset >= 0 {
			spans = append(spans, span{rg.Offset, min(rg.Offset+rg.Length, r.size)})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return compareInt64(a.off, b.off) })
	var merged []span
	for _, s := range spans {
		if n := len(merged); n > 0 && s.off-merged[n-1].end <= DefaultMaxHole && s.end-merged[n-1].off <= maxCoalesced {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	r.mu.Lock()
	r.plan = merged
	r.mu.Unlock()
}

// Forget drops the bytes fetched and the plan, keeping the footer.
func (r *ReaderAt) Forget() {
	r.mu.Lock()
	r.blocks, r.plan = nil, nil
	r.mu.Unlock()
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ReadAt reads len(p) bytes at off, fetching them if they were not fetched before. It
// returns io.EOF only when fewer than len(p) bytes are left in the file.
func (r *ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, &fileio.Error{Op: "read", Path: r.path, Err: errors.New("negative offset")}
	}
	if off >= r.size {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	want := p
	if rest := r.size - off; int64(len(want)) > rest {
		want = want[:rest]
	}
	n, err := r.readAt(want, off)
	if err == nil && n < len(p) {
		err = io.EOF
	}
	return n, err
}

func (r *ReaderAt) readAt(p []byte, off int64) (int, error) {
	end := off + int64(len(p))
	r.mu.Lock()
	if data, ok := r.cached(off, end); ok {
		r.mu.Unlock()
		return copy(p, data), nil
	}
	// What to fetch: the footer region, a planned range, or exactly p.
	from, to := off, end
	tailStart := max(r.size-DefaultFooterReadSize, 0)
	isTail := r.tail == nil && off >= tailStart
	switch {
	case isTail:
		from, to = tailStart, r.size
	default:
		for _, s := range r.plan {
			if off >= s.off && end <= s.end {
				from, to = s.off, s.end
				break
			}
		}
	}
	r.mu.Unlock()

	data, err := r.fetch(from, to)
	if err != nil {
		return 0, err
	}
	r.mu.Lock()
	if isTail {
		r.tail = data
	} else {
		r.blocks = append(r.blocks, block{from, data})
	}
	r.mu.Unlock()
	return copy(p, data[off-from:end-from]), nil
}

// cached returns the bytes [off, end) if one fetched block holds them all.
func (r *ReaderAt) cached(off, end int64) ([]byte, bool) {
	if r.tail != nil {
		if start := r.size - int64(len(r.tail)); off >= start {
			return r.tail[off-start : end-start], true
		}
	}
	for _, b := range r.blocks {
		if off >= b.off && end <= b.off+int64(len(b.data)) {
			return b.data[off-b.off : end-b.off], true
		}
	}
	return nil, false
}

// fetch reads [from, to) with one ranged read.
func (r *ReaderAt) fetch(from, to int64) ([]byte, error) {
	r.requests.Add(1)
	rc, err := r.fsys.OpenRange(r.ctx, r.path, from, to-from)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data := make([]byte, to-from)
	n, err := io.ReadFull(rc, data)
	r.bytes.Add(int64(n))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			err = fmt.Errorf("the file ended after %d of the %d bytes at offset %d: it changed while being read?", n, to-from, from)
		}
		var fe *fileio.Error
		if !errors.As(err, &fe) {
			err = &fileio.Error{Op: "read", Path: r.path, Err: err}
		}
		return nil, err
	}
	return data, nil
}
