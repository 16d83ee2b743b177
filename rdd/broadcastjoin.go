package rdd

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
)

// Broadcast joins.
//
// A join of a big RDD with a small one need not shuffle the big one: the
// small side is collected once into a hash table (unboxed for int64,
// int, float64 and string keys, as the shuffled join's tables are), and
// each partition of the big side is joined with it where it is, as a
// narrow transformation. Spark SQL does this (its broadcast hash join)
// when a side carries a broadcast hint or is known to be smaller than
// spark.sql.autoBroadcastJoinThreshold; Join, LeftOuterJoin,
// RightOuterJoin and SubtractByKey do it here on the same conditions
// (Hint, WithAutoBroadcastJoinThreshold).

// DefaultAutoBroadcastJoinThreshold is the default of
// WithAutoBroadcastJoinThreshold: 10 MiB, as Spark's
// spark.sql.autoBroadcastJoinThreshold.
const DefaultAutoBroadcastJoinThreshold int64 = 10 << 20

// WithAutoBroadcastJoinThreshold sets the size, in estimated bytes, up to
// which a side of a join is broadcast without a hint when its size is
// known from a previous action: when it is persisted and every one of its
// partitions is kept (in memory, at their estimated size, or on disk, at
// their files' size), as after an action on a cached RDD. A negative
// threshold turns the automatic broadcast off (Spark's -1); Hint("broadcast")
// still broadcasts. By default it is DefaultAutoBroadcastJoinThreshold.
// The decision is made when the join is called (Join, LeftOuterJoin...),
// on what is kept then.
func WithAutoBroadcastJoinThreshold(bytes int64) Option {
	return func(c *Context) { c.autoBroadcast = bytes }
}

// joinHint is what Hint marks an RDD with.
type joinHint uint8

const (
	noHint          joinHint = iota
	broadcastHint            // "broadcast": broadcast this side of a join
	shuffleHashHint          // "shuffle_hash": shuffle this side, never broadcast it unasked
)

// hintNames are the names Hint takes, lower case, as Spark spells them.
var hintNames = map[string]joinHint{
	"broadcast": broadcastHint, "broadcastjoin": broadcastHint, "mapjoin": broadcastHint,
	"shuffle_hash": shuffleHashHint,
}

// Hint returns this RDD marked with a hint for the joins it takes part
// in, as Spark's Dataset.hint: the same elements, partitions and
// persistence (it reads this RDD, cached or not). The names, in any case:
//
//   - "broadcast" (or "broadcastjoin", "mapjoin", as in Spark): Join,
//     LeftOuterJoin, RightOuterJoin and SubtractByKey with the returned
//     RDD on either side collect it once into a hash table and join each
//     partition of the other side with it where it is, without shuffling
//     the other side (a broadcast hash join). The result has the other
//     side's partitions (numPartitions, which sizes a shuffle, does not
//     apply) and the same elements as the shuffled join, in another
//     order. As in Spark, a side whose unmatched keys the join keeps is
//     never broadcast (the left of LeftOuterJoin, the right of
//     RightOuterJoin, either side of FullOuterJoin, the receiver of
//     SubtractByKey): such a join shuffles, as does one whose hinted side
//     turns out not to fit the shuffle memory (WithShuffleMemory), which
//     the broadcast side counts in while it lives. When both sides carry
//     the hint, the smaller known one is broadcast, else the right.
//   - "shuffle_hash": the joins shuffle this side (a shuffled hash join)
//     even when it is small enough to broadcast automatically
//     (WithAutoBroadcastJoinThreshold); a broadcast hint on the other
//     side still wins, as in Spark.
//
// The hint belongs to the RDD Hint returns, not to RDDs derived from it;
// other methods ignore it. An unknown name panics naming it.
func (r *RDD) Hint(name string) *RDD {
	h, ok := hintNames[strings.ToLower(name)]
	if !ok {
		panic(fmt.Sprintf("rdd.Hint: unknown hint %q: the hints are \"broadcast\" (or \"broadcastjoin\", \"mapjoin\") and \"shuffle_hash\"", name))
	}
	out := r.narrow("Hint", keepsPlacement, nil)
	out.compute = r.iterate
	out.strs, out.int64s, out.pairs = typedOf[string](r), typedOf[int64](r), typedOf[Pair](r)
	out.keyedStrs = keyedStringsOf(r)
	out.joinHint = h
	return record(out, "Hint", []*RDD{r}, name)
}

// knownSize returns the estimated bytes of r's elements when a previous
// action kept them all (r, or the RDD a Hint marks, is persisted and
// complete).
func (r *RDD) knownSize() (int64, bool) {
	for {
		if c := r.cacheIfPersisted(); c != nil && c.complete(r) {
			return c.size()
		}
		if r.joinHint == noHint {
			return 0, false
		}
		r = r.deps[0].rdd
	}
}

// size sums what the kept partitions take: their estimated sizes in
// memory, their files' sizes on disk.
func (c *partitionCache) size() (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var total int64
	for _, n := range c.memSize {
		total += n
	}
	for _, path := range c.files {
		st, err := os.Stat(path)
		if err != nil {
			return 0, false
		}
		total += st.Size()
	}
	return total, true
}

// broadcastSide returns which side of a join to broadcast, 0 (left) or 1
// (right), or -1 for a shuffled join: a side with a broadcast hint whose
// unmatched keys the join drops, else, without numPartitions, one known
// to be within the Context's threshold and not hinted "shuffle_hash";
// the smaller known one when both qualify, else the right.
func (c *Context) broadcastSide(left, right *RDD, keepLeft, keepRight bool, numPartitions []int) int {
	sides := [2]*RDD{left, right}
	keep := [2]bool{keepLeft, keepRight}
	var sizes [2]int64
	var known [2]bool
	for i, r := range sides {
		sizes[i], known[i] = r.knownSize()
	}
	pick := func(ok func(i int) bool) int {
		side := -1
		for _, i := range []int{1, 0} {
			if keep[i] || !ok(i) {
				continue
			}
			if side < 0 || known[i] && (!known[side] || sizes[i] < sizes[side]) {
				side = i
			}
		}
		return side
	}
	if side := pick(func(i int) bool { return sides[i].joinHint == broadcastHint }); side >= 0 {
		return side
	}
	if len(numPartitions) > 0 || c.autoBroadcast < 0 {
		return -1
	}
	return pick(func(i int) bool {
		return sides[i].joinHint != shuffleHashHint && known[i] && sizes[i] <= c.autoBroadcast
	})
}

// broadcastTable is the small side of a broadcast join, collected once
// by the first job that needs it: its hash table, or the shuffled join
// the join falls back to when the side did not fit the shuffle memory.
type broadcastTable struct {
	mu       sync.Mutex
	done     bool
	lookup   func(k any) ([]any, bool)
	fallback *RDD
}

// broadcastJoin joins left and right by broadcasting the side small (0
// or 1): partition p of the result is partition p of the other side,
// each of its Pairs given to visit with the small side's values for its
// key (nil when it has none, only when the big side's unmatched keys
// are kept), left's first. When the small side turns out not to fit the
// shuffle memory, the join is shuffledJoin's, into as many partitions as
// the big side has.
func (c *Context) broadcastJoin(method string, left, right *RDD, small int, keepLeft, keepRight bool,
	visit func(key any, left, right []any, emit func(any) bool) bool) *RDD {
	sides := [2]*RDD{left, right}
	big, bc := sides[1-small], sides[small]
	keepBig := [2]bool{keepLeft, keepRight}[1-small]
	out := c.newRDD("BroadcastHashJoinRDD", method, []dependency{{rdd: big}, {rdd: bc, broadcast: true}})
	out.partitions = big.numPartitions
	out.partitioner = big.partitioner
	out.sizes = big.derivedSizes(false)
	state := &broadcastTable{}
	out.prepare = func(j *job) error {
		state.mu.Lock()
		defer state.mu.Unlock()
		if state.done {
			if state.fallback != nil {
				return j.prepareShuffles(state.fallback)
			}
			return nil
		}
		lookup, held, ok, err := collectBroadcast(j, method, bc)
		if err != nil {
			return err
		}
		if ok {
			state.lookup = lookup
			hold := &shuffleHold{sc: c, reserved: held}
			runtime.AddCleanup(state, (*shuffleHold).release, hold)
		} else {
			state.fallback = c.shuffledJoin(method, left, right, big.numPartitions, keepLeft, keepRight, visit)
			out.fallback.Store(state.fallback)
			if err := j.prepareShuffles(state.fallback); err != nil {
				return err
			}
		}
		state.done = true
		return nil
	}
	out.compute = func(t *task, p int, emit func(any) bool) {
		state.mu.Lock()
		done, lookup, fallback := state.done, state.lookup, state.fallback
		state.mu.Unlock()
		switch {
		case !done:
			failTaskf("rdd.%s: the broadcast side was not collected before the task ran", method)
		case fallback != nil:
			fallback.compute(t, p, emit)
			return
		}
		one := []any{nil} // visit keeps no list it is given
		pairsOf(method, big)(t, p, func(kv Pair) bool {
			var values []any
			if vs, found := lookup(kv.Key); found {
				values = vs
			} else if !keepBig {
				return true
			}
			one[0] = kv.Value
			if small == 1 {
				return visit(kv.Key, one, values, emit)
			}
			return visit(kv.Key, values, one, emit)
		})
	}
	return out
}

// collectBroadcast collects the Pairs of bc into a hash table of each
// key's values, in a stage of job j, counting them in the shuffle memory
// as they come. It returns the table's lookup and the shuffle memory it
// holds, or false (having given the memory back) when they did not fit.
func collectBroadcast(j *job, method string, bc *RDD) (func(k any) ([]any, bool), int64, bool, error) {
	sc := bc.sc
	n, err := bc.numPartitions()
	if err != nil {
		j.fail(-1, err)
		return nil, 0, false, err
	}
	parts := make([][]Pair, n)
	var mu sync.Mutex
	var reserved int64
	tooLarge := false
	// reserve counts n more bytes, or reports that they do not fit.
	reserve := func(n int64) bool {
		mu.Lock()
		defer mu.Unlock()
		if tooLarge || !sc.reserveShuffle(n) {
			tooLarge = true
			return false
		}
		reserved += n
		return true
	}
	const every = 256 // Pairs sized once per this many
	j.runStage(bc, fmt.Sprintf("%s (broadcast)", method), allPartitions(n), func(t *task, p int) {
		var pairs []Pair
		pairsOf(method, bc)(t, p, func(kv Pair) bool {
			if len(pairs)%every == 0 {
				const pairBytes = 2 * 16
				size := every * (pairBytes + boxedSize(kv.Key) + boxedSize(kv.Value))
				if !reserve(size) {
					return false
				}
			}
			pairs = append(pairs, kv)
			return true
		})
		parts[p] = pairs
	})
	if j.stop.Load() {
		sc.releaseShuffle(reserved)
		if j.err == nil {
			return nil, 0, false, errStopped
		}
		return nil, 0, false, j.err
	}
	if tooLarge {
		sc.releaseShuffle(reserved)
		return nil, 0, false, nil
	}
	index := newCombineMap(method, joinAggregator)
	for p, pairs := range parts {
		for _, kv := range pairs {
			index.addValue(kv.Key, kv.Value)
		}
		parts[p] = nil
	}
	lookup, filterBytes := probeOf(index)
	held := filterBytes
	if index.t != nil {
		held += index.t.memory()
	}
	// Hold what the table takes rather than what was counted on the way.
	if held > reserved && !sc.reserveShuffle(held-reserved) {
		sc.releaseShuffle(reserved)
		return nil, 0, false, nil
	}
	if held < reserved {
		sc.releaseShuffle(reserved - held)
	}
	return lookup, held, true, nil
}

// probeOf returns the lookup of the values of a key in index, and the
// bytes it adds to it. Int64 keys are first looked up in a bitmap of
// their hashes, 8 bits a key (a few hundred kB, in cache where the
// table is not): a key the small side lacks, which is most keys of most
// broadcast joins, then costs no probe of the table.
func probeOf(index *combineMap) (func(k any) ([]any, bool), int64) {
	if tbl, ok := index.t.(*table[int64, any]); ok {
		words := 1
		for words*64 < 8*len(tbl.keys) {
			words *= 2
		}
		mask := uint64(words - 1)
		bits := make([]uint64, words)
		for _, k := range tbl.keys {
			h := hashInt64(k)
			bits[(h>>6)&mask] |= 1 << (h & 63)
		}
		return func(k any) ([]any, bool) {
			x, ok := k.(int64)
			if !ok {
				return nil, false
			}
			if h := hashInt64(x); bits[(h>>6)&mask]&(1<<(h&63)) == 0 {
				return nil, false
			}
			if i, _, found := tbl.find(x); found {
				return tbl.vals[i].([]any), true
			}
			return nil, false
		}, int64(8 * words)
	}
	return func(k any) ([]any, bool) {
		if i, found := index.lookup(k); found {
			return index.value(i).([]any), true
		}
		return nil, false
	}, 0
}
