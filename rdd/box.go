package rdd

import (
	"strings"
	"unsafe"
)

// Boxing a string, an int64 or a float64 into an interface allocates one
// small object per value. Where the engine boxes many values at once that
// live and die together (the values of GroupByKey's groups, cut from one
// array), a boxer puts them in blocks instead: one allocation per
// boxBlockLen values, each interface pointing at its value in the block.
// Interfaces are immutable, so the values are never written again; a
// block lives while any of its values does, which is why blocks stay
// small.

// boxBlockLen is how many values a boxer's block holds.
const boxBlockLen = 128

// eface is the layout of an empty interface: its dynamic type and a
// pointer to its value (for the types a boxer takes, which are not
// pointer-shaped).
type eface struct {
	typ, data unsafe.Pointer
}

// boxer boxes values of type T in blocks. Its zero value is not ready:
// make one with newBoxer.
type boxer[T string | int | int64 | float64] struct {
	typ   unsafe.Pointer
	block []T
}

func newBoxer[T string | int | int64 | float64]() *boxer[T] {
	var zero any = *new(T)
	return &boxer[T]{typ: (*eface)(unsafe.Pointer(&zero)).typ}
}

// box returns v as an interface, as any(v) does.
func (b *boxer[T]) box(v T) any {
	if len(b.block) == cap(b.block) {
		b.block = make([]T, 0, boxBlockLen)
	}
	b.block = append(b.block, v)
	var x any
	e := (*eface)(unsafe.Pointer(&x))
	e.typ, e.data = b.typ, unsafe.Pointer(&b.block[len(b.block)-1])
	return x
}

// stringArena copies strings into blocks of its own, many short strings
// to a block: what a table keeps of its string keys. A block's bytes are
// never written again once a string is cut from them.
type stringArena struct {
	block []byte
}

const (
	// arenaBlockLen is the size of a stringArena's blocks.
	arenaBlockLen = 32 << 10
	// arenaMaxString is the longest string a stringArena puts in its
	// blocks; longer ones are copied on their own.
	arenaMaxString = 256
)

// own returns a copy of s in the arena's blocks.
func (a *stringArena) own(s string) string {
	n := len(s)
	switch {
	case n == 0:
		return ""
	case n > arenaMaxString:
		return strings.Clone(s)
	case cap(a.block)-len(a.block) < n:
		a.block = make([]byte, 0, arenaBlockLen)
	}
	start := len(a.block)
	a.block = append(a.block, s...)
	return unsafe.String(&a.block[start], n)
}
