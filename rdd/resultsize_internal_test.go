package rdd

import "testing"

// BenchmarkResultTally measures the size estimate per element of a
// result, which Collect pays with a MaxResultSize set.
func BenchmarkResultTally(b *testing.B) {
	elems := map[string]any{
		"string": "word12345",
		"Pair":   Pair{Key: "word", Value: 1},
		"struct": struct{ A, B string }{"a", "b"}, // sized by reflection, sampled
	}
	for name, x := range elems {
		b.Run(name, func(b *testing.B) {
			g := &resultGuard{method: "Collect", limit: 1 << 62}
			tally := g.tally()
			for range b.N {
				tally.add(x)
			}
			tally.flush()
		})
	}
}

// TestResultSizeEstimate: the estimate of a result is near what its
// elements take.
func TestResultSizeEstimate(t *testing.T) {
	tests := []struct {
		name     string
		elem     any
		min, max int64 // bytes per element
	}{
		{"string of 100 bytes", string(make([]byte, 100)), 116, 140},
		{"int", 7, 16, 32},
		{"Pair of string and int", Pair{Key: "key", Value: 1}, 48, 80},
		{"struct", struct{ A, B string }{"a", "b"}, 32, 80},
		{"[]any of 10 ints", make([]any, 10), 160, 260},
	}
	for _, tt := range tests {
		g := &resultGuard{method: "Collect", limit: 1 << 62}
		tally := g.tally()
		const n = 10000
		for range n {
			tally.add(tt.elem)
		}
		tally.flush()
		if per := g.size.Load() / n; per < tt.min || per > tt.max {
			t.Errorf("%s: %d bytes per element, want %d..%d", tt.name, per, tt.min, tt.max)
		}
	}
}
