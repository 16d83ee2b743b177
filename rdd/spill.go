package rdd

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"reflect"

	"github.com/gosparkling/gosparkling/internal/elemcodec"
)

// Shuffle spills. A map task whose combine table outgrows its share of
// the Context's shuffle memory writes the table to a run file in the
// spill directory and starts an empty one. A run holds the table's
// entries sorted by reduce partition, runKey (the top 32 bits of the key's
// hash) and first-seen order, so that partition p's entries are one
// contiguous segment, sorted by runKey. The reduce side merges the
// segments of all runs (and of the outputs kept in memory) by runKey,
// combining the entries of equal keys as they meet, so that it holds only
// the entries of one runKey at a time.
//
// A record is the key's runKey (4 bytes, little endian), then the key and
// the combiner in the engine's one element encoding (package
// internal/elemcodec, which the cache's disk tier and Beam's coder use
// too): a compact tagged encoding that refuses what it cannot carry
// faithfully (a table holding such values stays in memory).

// spillRun is one sorted run on disk.
type spillRun struct {
	path    string
	offsets []int64 // partition p's records are at [offsets[p], offsets[p+1])
}

// errNotEncodable marks a value that the run encoding cannot write.
var errNotEncodable = elemcodec.ErrNotEncodable

func init() {
	elemcodec.Pairs.Split = func(x any) (k, v any, ok bool) {
		p, ok := x.(Pair)
		return p.Key, p.Value, ok
	}
	elemcodec.Pairs.Make = func(k, v any) any { return Pair{Key: k, Value: v} }
}

// encoder writes records into a run file in the element encoding of package elemcodec.
type encoder struct {
	elemcodec.Encoder
	written int64 // bytes flushed to the file
}

func (e *encoder) offset() int64 { return e.written + int64(e.W.Buffered()) }

func (e *encoder) runKey(k uint32) { e.Fixed32(k) }

func (e *encoder) value(x any) error { return e.Value(x) }

// encoderFor returns the func writing a T: without boxing for the types
// tables keep unboxed, through value for others.
func encoderFor[T any]() func(*encoder, T) error {
	var f any
	var zero T
	switch any(zero).(type) {
	case string:
		f = func(e *encoder, x string) error { e.String(x); return nil }
	case int:
		f = func(e *encoder, x int) error { e.Varint(elemcodec.TagInt, int64(x)); return nil }
	case int64:
		f = func(e *encoder, x int64) error { e.Varint(elemcodec.TagInt64, x); return nil }
	case float64:
		f = func(e *encoder, x float64) error { e.Float64(x); return nil }
	case struct{}: // a keysOnly table's combiners, which are nil
		f = func(e *encoder, _ struct{}) error { return e.value(nil) }
	default:
		return func(e *encoder, x T) error { return e.value(any(x)) }
	}
	return f.(func(*encoder, T) error)
}

// key writes key k, refusing keys that hold pointers or channels: they
// are equal by identity, which a decoded copy would not keep.
func (e *encoder) key(k any) error {
	switch k.(type) {
	case nil, string, int, int64, float64, bool:
	default:
		if byIdentity(reflect.ValueOf(k)) {
			return fmt.Errorf("%w: key of type %T holds a pointer", errNotEncodable, k)
		}
	}
	return e.value(k)
}

// byIdentity reports whether comparable value v holds a pointer, channel
// or unsafe pointer.
func byIdentity(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer:
		return true
	case reflect.Interface:
		return !v.IsNil() && byIdentity(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			if byIdentity(v.Field(i)) {
				return true
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			if byIdentity(v.Index(i)) {
				return true
			}
		}
	}
	return false
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n *int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	*c.n += int64(n)
	return n, err
}

// runWriter writes one run file, partition by partition.
type runWriter struct {
	f       *os.File
	enc     *encoder
	offsets []int64
	next    int // partitions before next have their start offset
}

func newRunWriter(sc *Context, name string, nParts int) (*runWriter, error) {
	dir, err := sc.spillDirectory()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, name+"-*.run")
	if err != nil {
		return nil, err
	}
	w := &runWriter{f: f, offsets: make([]int64, nParts+1), next: 1} // partition 0 starts at 0
	w.enc = &encoder{}
	w.enc.W = bufio.NewWriterSize(countingWriter{f, &w.enc.written}, 256<<10)
	return w, nil
}

// partition starts partition p's records (partitions come in order).
func (w *runWriter) partition(p int) {
	for ; w.next <= p; w.next++ {
		w.offsets[w.next] = w.enc.offset()
	}
}

// finish ends the file and returns its run.
func (w *runWriter) finish() (*spillRun, error) {
	w.partition(len(w.offsets) - 1)
	err := w.enc.W.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(w.f.Name())
		return nil, err
	}
	return &spillRun{path: w.f.Name(), offsets: w.offsets}, nil
}

// abort removes the file.
func (w *runWriter) abort() {
	w.f.Close()
	os.Remove(w.f.Name())
}

// writeTableRun writes every entry of t as a sorted run of n partitions.
func writeTableRun(sc *Context, name string, t combineTable, n int) (*spillRun, error) {
	w, err := newRunWriter(sc, name, n)
	if err != nil {
		return nil, err
	}
	ents, starts := t.sortedForSpill(n)
	for p := range n {
		w.partition(p)
		for _, e := range ents[starts[p]:starts[p+1]] {
			w.enc.runKey(entryKey(e))
			if err := t.encode(w.enc, entryPos(e)); err != nil {
				w.abort()
				return nil, err
			}
		}
	}
	return w.finish()
}

// decoder reads the records of a run segment.
type decoder struct {
	elemcodec.Decoder
}

// runKey reads the runKey that starts a record, reporting false at the
// end of the segment.
func (d *decoder) runKey() (uint32, bool) {
	var b [4]byte
	n, err := io.ReadFull(d.R, b[:])
	if err == io.EOF && n == 0 {
		return 0, false
	}
	if err != nil {
		failTask(spillReadError(err))
	}
	return binary.LittleEndian.Uint32(b[:]), true
}

func (d *decoder) value() any {
	x, err := d.Value()
	if err != nil {
		failTask(spillReadError(err))
	}
	return x
}

func spillReadError(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("rdd: reading a shuffle spill: %w", err)
}

// mergeSource is a sequence of (runKey, key, combiner) records sorted by
// runKey: a segment of a run, or a bucket kept in memory.
type mergeSource interface {
	// next moves to the next record, reporting false at the end.
	next() bool
	runKey() uint32
	record() (key, comb any)
	// owned says the combiners are fresh (decoded), the reader's to keep.
	owned() bool
	close()
}

// runSource reads partition p's segment of a run.
type runSource struct {
	f    *os.File
	dec  decoder
	rk   uint32
	k, c any
}

func openRunSegment(run *spillRun, p int) *runSource {
	f, err := os.Open(run.path)
	if err != nil {
		failTask(fmt.Errorf("rdd: opening a shuffle spill: %w", err))
	}
	start, end := run.offsets[p], run.offsets[p+1]
	s := &runSource{f: f}
	s.dec.R = bufio.NewReaderSize(io.NewSectionReader(f, start, end-start), 64<<10)
	return s
}

func (s *runSource) next() bool {
	rk, ok := s.dec.runKey()
	if !ok {
		return false
	}
	s.rk = rk
	s.k = s.dec.value()
	s.c = s.dec.value()
	return true
}

func (s *runSource) runKey() uint32          { return s.rk }
func (s *runSource) record() (key, comb any) { return s.k, s.c }
func (s *runSource) owned() bool             { return true }
func (s *runSource) close()                  { s.f.Close() }

// tableSource reads the entries of a table kept in memory, sorted by
// runKey.
type tableSource struct {
	t    combineTable
	ents []uint64 // runEntry values
	pos  int
}

// newTableSource sorts entries idx of t by runKey (then first-seen order).
func newTableSource(t combineTable, idx []int32) *tableSource {
	ents := make([]uint64, len(idx))
	for j, i := range idx {
		ents[j] = runEntry(t.hashAt(int(i)), int(i))
	}
	sortByRunKey(ents, make([]uint64, len(ents)))
	return &tableSource{t: t, ents: ents, pos: -1}
}

func (s *tableSource) next() bool     { s.pos++; return s.pos < len(s.ents) }
func (s *tableSource) runKey() uint32 { return entryKey(s.ents[s.pos]) }
func (s *tableSource) record() (key, comb any) {
	i := entryPos(s.ents[s.pos])
	return s.t.key(i), s.t.value(i)
}
func (s *tableSource) owned() bool { return false }
func (s *tableSource) close()      {}

// mergeSources merges sources, each sorted by runKey, into one sequence
// of (runKey, key, combiner), combining the combiners of equal keys with
// agg in source order (sources come in map partition order, a map task's
// runs oldest first). Keys come in runKey order, keys of equal runKey in
// the order they first come. It closes the sources.
func mergeSources(t *task, agg *aggregator, sources []mergeSource, emit func(rk uint32, k, c any) bool) {
	defer func() {
		for _, s := range sources {
			s.close()
		}
	}()
	heap := make([]int, 0, len(sources))
	less := func(a, b int) bool {
		ha, hb := sources[a].runKey(), sources[b].runKey()
		return ha < hb || ha == hb && a < b
	}
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(heap) {
				return
			}
			m := l
			if r := l + 1; r < len(heap) && less(heap[r], heap[l]) {
				m = r
			}
			if !less(heap[m], heap[i]) {
				return
			}
			heap[i], heap[m] = heap[m], heap[i]
			i = m
		}
	}
	for i, s := range sources {
		if s.next() {
			heap = append(heap, i)
		}
	}
	for i := len(heap)/2 - 1; i >= 0; i-- {
		down(i)
	}
	type entry struct{ k, c any }
	var group []entry
	for len(heap) > 0 {
		h := sources[heap[0]].runKey()
		group = group[:0]
		for len(heap) > 0 && sources[heap[0]].runKey() == h {
			s := sources[heap[0]]
			for {
				k, c := s.record()
				owned := s.owned()
				j := 0
				for j < len(group) && group[j].k != k {
					j++
				}
				if j == len(group) {
					if !owned {
						c = agg.copy(c)
					}
					group = append(group, entry{k, c})
				} else {
					if !owned && !agg.safeMerge {
						c = agg.copy(c)
					}
					group[j].c = agg.mergeCombiners(group[j].c, c)
				}
				if !s.next() {
					heap[0] = heap[len(heap)-1]
					heap = heap[:len(heap)-1]
					break
				}
				if s.runKey() != h {
					break
				}
			}
			down(0)
		}
		for _, e := range group {
			if t.stopped() || !emit(h, e.k, e.c) {
				return
			}
		}
	}
}

// mergeInto merges sources into the current partition of run w: to merge
// a map task's runs into one, or some of a reduce task's sources when it
// has too many to open at once.
func mergeInto(t *task, agg *aggregator, sources []mergeSource, w *runWriter) error {
	var err error
	mergeSources(t, agg, sources, func(rk uint32, k, c any) bool {
		w.enc.runKey(rk)
		if err = w.enc.key(k); err == nil {
			err = w.enc.value(c)
		}
		return err == nil
	})
	return err
}
