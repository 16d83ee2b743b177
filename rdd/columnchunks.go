package rdd

// columnChunkLen is how many elements a chunk of columnChunks holds.
const columnChunkLen = 1 << 16

// columnChunks builds a column of many elements a chunk at a time: a
// column that grows by append copies its elements again at every growth
// (Go grows large slices by a quarter), and holds up to a quarter more
// than it needs when done. The chunks are joined once, into a column of
// exactly their length.
type columnChunks struct {
	full []column // chunks of columnChunkLen elements
	last column
	n    int // elements in full
}

// add appends x.
func (b *columnChunks) add(x any) {
	b.last.add(x)
	if b.last.len() == columnChunkLen {
		b.full = append(b.full, b.last)
		b.n += columnChunkLen
		b.last = column{hint: columnChunkLen}
	}
}

// addString appends x without boxing it while the chunk holds strings.
func (b *columnChunks) addString(x string) {
	b.last.addString(x)
	if b.last.len() == columnChunkLen {
		b.full = append(b.full, b.last)
		b.n += columnChunkLen
		b.last = column{hint: columnChunkLen}
	}
}

func (b *columnChunks) len() int { return b.n + b.last.len() }

// memory estimates the bytes the chunks take.
func (b *columnChunks) memory() int64 {
	total := b.last.memory()
	for i := range b.full {
		total += b.full[i].memory()
	}
	return total
}

// column joins the chunks into one column (unboxed when they all hold
// the same type) and empties b.
func (b *columnChunks) column() column {
	if len(b.full) == 0 {
		c := b.last
		*b = columnChunks{}
		return c
	}
	chunks := append(b.full, b.last)
	n := b.len()
	*b = columnChunks{}
	kind := chunks[0].kind
	for i := range chunks {
		if k := chunks[i].kind; k != kind && k != colEmpty {
			kind = colAny
		}
	}
	switch kind {
	case colInt64:
		return column{kind: kind, i64: joinChunks(chunks, n, func(c *column) []int64 { return c.i64 })}
	case colInt:
		return column{kind: kind, ints: joinChunks(chunks, n, func(c *column) []int { return c.ints })}
	case colFloat64:
		return column{kind: kind, f64: joinChunks(chunks, n, func(c *column) []float64 { return c.f64 })}
	case colString:
		return column{kind: kind, strs: joinChunks(chunks, n, func(c *column) []string { return c.strs })}
	case colBytes:
		return column{kind: kind, byts: joinChunks(chunks, n, func(c *column) [][]byte { return c.byts })}
	}
	anys := make([]any, 0, n)
	for i := range chunks {
		for j := range chunks[i].len() {
			anys = append(anys, chunks[i].at(j))
		}
		chunks[i] = column{} // let it go
	}
	return column{kind: colAny, anys: anys}
}

// joinChunks concatenates the elements of chunks, read by of, into one
// slice of n, letting each chunk go once copied.
func joinChunks[T any](chunks []column, n int, of func(*column) []T) []T {
	out := make([]T, 0, n)
	for i := range chunks {
		out = append(out, of(&chunks[i])...)
		chunks[i] = column{}
	}
	return out
}
