package rdd

import (
	"strings"
	"sync"
	"weak"

	"github.com/gosparkling/gosparkling/internal/engine"
)

// Releasing shuffles. A shuffle's map outputs (memory and spill files)
// serve every later job on its RDD, and are given back when the shuffle
// is garbage (shuffleHold), as Spark's ContextCleaner removes them once
// the RDD is collected. A driver that keeps RDDs it will never use again
// reachable (an interpreter's frame keeps a cell's temporaries) calls
// releaseShufflesExcept, through internal/engine, with the RDDs it still
// has: the outputs of every other shuffle of the Context go, and a job
// that needs one later computes it again.

// shuffleRegistry is what a Context knows of its shuffles, for
// releaseShufflesExcept: those holding outputs, weakly, the RDDs of the
// jobs running now, and those made SQL views, whose lineages' shuffles
// are not released.
type shuffleRegistry struct {
	mu      sync.Mutex
	held    []weak.Pointer[shuffleDep]
	running map[*job]*RDD
	// views are the RDDs made views (CreateOrReplaceTempView), by name
	// in lower case, as the SQL engine compares them: weakly, since the
	// engine, which holds them while the view is there, may drop one.
	views map[string]weak.Pointer[RDD]
}

// viewMade records that r is now the view name of the SQL engine.
func (g *shuffleRegistry) viewMade(name string, r *RDD) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.views == nil {
		g.views = map[string]weak.Pointer[RDD]{}
	}
	g.views[strings.ToLower(name)] = weak.Make(r)
}

// holding records that s, now materialized, holds outputs.
func (g *shuffleRegistry) holding(s *shuffleDep) {
	g.mu.Lock()
	defer g.mu.Unlock()
	live := g.held[:0]
	for _, p := range g.held {
		if p.Value() != nil {
			live = append(live, p)
		}
	}
	g.held = append(live, weak.Make(s))
}

// jobStarted records that job j computes r until the returned func is
// called. A release waits for the registration, so that the shuffles a
// job reads are either kept for it or released before it looks at them.
func (g *shuffleRegistry) jobStarted(j *job, r *RDD) (ended func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.running == nil {
		g.running = map[*job]*RDD{}
	}
	g.running[j] = r
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		delete(g.running, j)
	}
}

// releaseShufflesExcept drops the map outputs of every shuffle of c that
// holds some and is in the lineage of none of live, of a running job and
// of an RDD made an SQL view (a query may read it again),
// giving back their shuffle memory and removing their spill files. A
// shuffle being computed is left alone. Persisted RDDs keep their
// partitions: only shuffle outputs go.
func (c *Context) releaseShufflesExcept(live []*RDD) engine.ReleasedShuffles {
	g := &c.shuffles
	g.mu.Lock()
	defer g.mu.Unlock()
	roots := append([]*RDD(nil), live...)
	for _, r := range g.running {
		roots = append(roots, r)
	}
	for name, p := range g.views {
		if r := p.Value(); r != nil {
			roots = append(roots, r)
		} else {
			delete(g.views, name)
		}
	}
	keep := lineageShuffles(roots)
	var out engine.ReleasedShuffles
	held := g.held[:0]
	for _, p := range g.held {
		s := p.Value()
		if s == nil {
			continue
		}
		if keep[s] {
			held = append(held, p)
			continue
		}
		if bytes, files, ok := s.releaseOutputs(); ok {
			out.Shuffles++
			out.Bytes += bytes
			out.Files += files
			continue
		}
		held = append(held, p)
	}
	clear(g.held[len(held):])
	g.held = held
	return out
}

// lineageShuffles returns the shuffles that computing roots may read:
// those of their lineages, a broadcast join's fallback included.
func lineageShuffles(roots []*RDD) map[*shuffleDep]bool {
	keep := map[*shuffleDep]bool{}
	seen := map[*RDD]bool{}
	stack := roots
	for len(stack) > 0 {
		r := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if r == nil || seen[r] {
			continue
		}
		seen[r] = true
		for _, d := range r.deps {
			stack = append(stack, d.rdd)
			if s := d.shuffle; s != nil {
				keep[s] = true
				stack = append(stack, s.parent, s.keys)
			}
		}
		if f := r.fallback.Load(); f != nil {
			stack = append(stack, f)
		}
	}
	return keep
}

// releaseOutputs drops s's outputs, unless a job is computing it, and
// reports the shuffle memory and spill files they held, and whether
// there were outputs to drop. A later job computes them again.
func (s *shuffleDep) releaseOutputs() (bytes int64, files int, ok bool) {
	if !s.mu.TryLock() {
		return 0, 0, false // being computed, by a job that will need it
	}
	defer s.mu.Unlock()
	if !s.done {
		return 0, 0, false
	}
	if h := s.hold; h != nil {
		bytes, files = h.reserved, len(h.files)
		h.release()
	}
	s.outputs, s.done, s.hold = nil, false, nil
	return bytes, files, true
}
