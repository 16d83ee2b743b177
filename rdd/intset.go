package rdd

import (
	"math/bits"
	"unsafe"
)

// intSet is the combine table of a Distinct over int64 or int keys: a
// set that keeps no combiners (they are all nil) and not even the keys
// apart from its index. Its open-addressing slots hold mix64 of each key,
// which is a bijection: the hash is the key (unmix64 gives it back), so a
// probe compares slots alone, touching one cache line where table's index
// and keys take two, and a table being merged into takes the hashes as
// they are. 0 marks an empty slot; the key whose hash is 0 (0 itself) is
// kept apart, in zero.
//
// A position is an index into dense, the hashes in slot order (key 0
// first), which is made when a position is first asked for after an
// insert and is all a sealed set keeps. So keys come in the order of
// their hashes' top bits, the same in every run, not first-seen order.
type intSet[K int | int64] struct {
	method string
	agg    *aggregator
	slots  []uint64 // nil once sealed
	shift  uint     // 64 - log2(len(slots))
	n      int      // non-zero hashes in slots
	zero   bool     // the set has key 0
	dense  []uint64 // the hashes by position; nil when stale
}

// newIntSet returns an empty set with room for more than hint keys.
func newIntSet[K int | int64](method string, agg *aggregator, hint int) *intSet[K] {
	s := &intSet[K]{method: method, agg: agg}
	s.makeSlots(hint)
	return s
}

func (s *intSet[K]) makeSlots(hint int) {
	size := 64
	for size*3/4 <= hint {
		size *= 2
	}
	s.slots, s.shift = make([]uint64, size), uint(64-bits.TrailingZeros(uint(size)))
}

// unmix64 inverts mix64.
func unmix64(x uint64) uint64 {
	x ^= x>>31 ^ x>>62
	x *= 0x319642b2d24d8ec3
	x ^= x>>27 ^ x>>54
	x *= 0x96de1b173f119089
	x ^= x>>30 ^ x>>60
	return x
}

// add puts the key of hash h in the set.
func (s *intSet[K]) add(h uint64) {
	if h == 0 {
		if !s.zero {
			s.zero, s.dense = true, nil
		}
		return
	}
	slots := s.slots
	mask := uint64(len(slots) - 1)
	for i := h >> s.shift; ; i = (i + 1) & mask {
		switch slots[i] {
		case h:
			return
		case 0:
			slots[i] = h
			s.dense = nil
			if s.n++; s.n*4 > len(slots)*3 {
				s.grow()
			}
			return
		}
	}
}

// has reports whether the key of hash h is in the set.
func (s *intSet[K]) has(h uint64) bool {
	if h == 0 {
		return s.zero
	}
	mask := uint64(len(s.slots) - 1)
	for i := h >> s.shift; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

// grow doubles the slots. Walking the old slots in order fills the new
// ones in about the same order.
func (s *intSet[K]) grow() {
	old := s.slots
	s.makeSlots(len(old))
	slots := s.slots
	mask := uint64(len(slots) - 1)
	for _, h := range old {
		if h == 0 {
			continue
		}
		i := h >> s.shift
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = h
	}
}

// hashes returns the hashes by position, making them when stale.
func (s *intSet[K]) hashes() []uint64 {
	if s.dense == nil {
		d := make([]uint64, 0, s.len())
		if s.zero {
			d = append(d, 0)
		}
		for _, h := range s.slots {
			if h != 0 {
				d = append(d, h)
			}
		}
		s.dense = d
	}
	return s.dense
}

func (s *intSet[K]) len() int {
	n := s.n
	if s.zero {
		n++
	}
	return n
}

func (s *intSet[K]) key(i int) any       { return K(unmix64(s.hashes()[i])) }
func (s *intSet[K]) value(int) any       { return nil }
func (s *intSet[K]) hashAt(i int) uint64 { return s.hashes()[i] }
func (s *intSet[K]) boxedValues() bool   { return false }
func (s *intSet[K]) indexBytes() int64   { return 8 * 16 / 9 }
func (s *intSet[K]) hashOf(k K) uint64   { return mix64(uint64(k)) }
func (s *intSet[K]) addKey(k K)          { s.add(s.hashOf(k)) }
func (s *intSet[K]) empty(hint int) combineTable {
	return newIntSet[K](s.method, s.agg, hint)
}

// The values of a Distinct are all nil: the set takes any and keeps none.

func (s *intSet[K]) addValue(k, _ any) misfit {
	kk, ok := k.(K)
	if !ok {
		return keyMisfit
	}
	s.addKey(kk)
	return fits
}

func (s *intSet[K]) addCombiner(k, _ any, _ bool) misfit { return s.addValue(k, nil) }

// lookup finds k's position by walking the hashes: Distinct, the only
// user of intSets, never looks a key up; joins index their keys in
// tables.
func (s *intSet[K]) lookup(k any) (int, bool) {
	kk, ok := k.(K)
	if !ok || !s.has(s.hashOf(kk)) {
		return 0, false
	}
	h := s.hashOf(kk)
	for i, x := range s.hashes() {
		if x == h {
			return i, true
		}
	}
	return 0, false
}

func (s *intSet[K]) mergeFrom(src combineTable, idx []int32, _ bool) bool {
	o, ok := src.(*intSet[K])
	if !ok {
		return false
	}
	hs := o.hashes()
	for _, i := range idx {
		s.add(hs[i])
	}
	return true
}

// widen returns the set as a table of boxed keys (another key type came).
func (s *intSet[K]) widen(misfit) combineTable {
	w := newTable[any, any](s.method, s.agg, s.len(), hashKey, boxedSize)
	for _, h := range s.hashes() {
		k := any(K(unmix64(h)))
		i, at, found := w.find(k)
		if !found {
			w.insert(k, nil, at)
		} else {
			w.vals[i] = nil
		}
	}
	if s.slots == nil {
		w.seal()
	}
	return w
}

func (s *intSet[K]) seal() {
	s.hashes()
	s.slots = nil
}

func (s *intSet[K]) memory() int64 {
	return int64(len(s.slots))*8 + int64(cap(s.dense))*int64(unsafe.Sizeof(uint64(0)))
}

func (s *intSet[K]) byPartition(n int) ([]int32, []int) {
	return partitionHashes(s.hashes(), n)
}

// sortedForSpill's positions, which encode takes, are those of the slots
// while the set has them (key 0 at len(slots)), so that spilling makes
// no dense copy of the hashes; those of dense once sealed.
func (s *intSet[K]) sortedForSpill(n int) ([]uint64, []int) {
	if s.slots == nil {
		return sortHashesForSpill(s.hashes(), n)
	}
	hs := s.slots
	if s.zero {
		hs = append(hs[:len(hs):len(hs)], 0)
	}
	ents, starts := sortHashesForSpill(hs, n)
	// Drop the empty slots, which sortHashesForSpill put first in
	// partition 0 (their hash, 0, is partition 0's and the least runKey),
	// but not key 0's, at position len(slots).
	empty := len(s.slots) - s.n
	j := 0
	for _, e := range ents[:starts[1]] {
		if entryKey(e) == 0 && entryPos(e) < len(s.slots) && s.slots[entryPos(e)] == 0 && empty > 0 {
			empty--
			continue
		}
		ents[j] = e
		j++
	}
	cut := starts[1] - j
	ents = append(ents[:j], ents[starts[1]:]...)
	for p := 1; p <= n; p++ {
		starts[p] -= cut
	}
	return ents, starts
}

// full reports whether adding a key would grow the slots.
func (s *intSet[K]) full() bool { return (s.n+1)*4 > len(s.slots)*3 }

func (s *intSet[K]) encode(e *encoder, i int) error {
	var h uint64
	switch {
	case s.slots == nil:
		h = s.hashes()[i]
	case i < len(s.slots):
		h = s.slots[i]
	}
	if err := encoderFor[K]()(e, K(unmix64(h))); err != nil {
		return err
	}
	return e.value(nil)
}

// partitionHashes groups positions 0..len(hs)-1 by the reduce partition
// (of n) of their hashes, in order within each: partition p's are
// order[starts[p]:starts[p+1]].
func partitionHashes(hs []uint64, n int) ([]int32, []int) {
	starts := make([]int, n+1)
	order := make([]int32, len(hs))
	if n == 1 {
		for i := range order {
			order[i] = int32(i)
		}
		starts[1] = len(order)
		return order, starts
	}
	for _, h := range hs {
		starts[h%uint64(n)+1]++
	}
	for p := range n {
		starts[p+1] += starts[p]
	}
	next := append([]int(nil), starts[:n]...)
	for i, h := range hs {
		p := h % uint64(n)
		order[next[p]] = int32(i)
		next[p]++
	}
	return order, starts
}

// sortHashesForSpill returns positions 0..len(hs)-1 as runEntry values
// sorted by reduce partition (of n), runKey and position.
func sortHashesForSpill(hs []uint64, n int) ([]uint64, []int) {
	starts := make([]int, n+1)
	for _, h := range hs {
		starts[h%uint64(n)+1]++
	}
	longest := 0
	for p := range n {
		longest = max(longest, starts[p+1])
		starts[p+1] += starts[p]
	}
	ents := make([]uint64, len(hs))
	next := append([]int(nil), starts[:n]...)
	for i, h := range hs {
		p := h % uint64(n)
		ents[next[p]] = runEntry(h, i)
		next[p]++
	}
	tmp := make([]uint64, longest)
	for p := range n {
		sortByRunKey(ents[starts[p]:starts[p+1]], tmp)
	}
	return ents, starts
}
