package rdd

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// stageLog records the stages of a Context's jobs as they end.
type stageLog struct {
	mu     sync.Mutex
	stages []string
}

func (l *stageLog) record(sp StageProgress) {
	if sp.Finished {
		l.mu.Lock()
		l.stages = append(l.stages, sp.Stage)
		l.mu.Unlock()
	}
}

// count returns how many recorded stages have names ending in suffix,
// and forgets them all.
func (l *stageLog) count(suffix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.stages {
		if strings.HasSuffix(s, suffix) {
			n++
		}
	}
	return n
}

func (l *stageLog) reset() {
	l.mu.Lock()
	l.stages = nil
	l.mu.Unlock()
}

func TestBroadcastJoinsGiveTheShuffledJoinsPairs(t *testing.T) {
	// A broadcast join gives the Pairs of the shuffled join, whichever
	// side is broadcast and whether a hint or a previous action chose it,
	// with duplicate keys on both sides and keys of one side only; it
	// shuffles neither side. A side whose unmatched keys the join keeps
	// is never broadcast: the join shuffles both.
	makePairs := func(n, keys, offset int, key func(i int) any) []Pair {
		ps := make([]Pair, n)
		for i := range ps {
			ps[i] = KV(key(i*7%keys+offset), fmt.Sprint("v", i))
		}
		return ps
	}
	keyings := testKeyings
	// big has keys 0..299 (each about 3 times), small keys 295..334
	// (each twice): 5 keys in common.
	joins := []struct {
		name                string
		keepLeft, keepRight bool
		join                func(l, r *RDD) *RDD
	}{
		{"Join", false, false, func(l, r *RDD) *RDD { return l.Join(r) }},
		{"LeftOuterJoin", true, false, func(l, r *RDD) *RDD { return l.LeftOuterJoin(r) }},
		{"RightOuterJoin", false, true, func(l, r *RDD) *RDD { return l.RightOuterJoin(r) }},
		{"FullOuterJoin", true, true, func(l, r *RDD) *RDD { return l.FullOuterJoin(r) }},
		{"SubtractByKey", true, false, func(l, r *RDD) *RDD { return l.SubtractByKey(r) }},
	}
	ways := []struct {
		name       string
		smallLeft  bool
		mark       func(small *RDD) *RDD
		broadcasts func(keepLeft, keepRight bool) bool
	}{
		{"the right side hinted", false, func(s *RDD) *RDD { return s.Hint("broadcast") },
			func(_, keepRight bool) bool { return !keepRight }},
		{"the left side hinted", true, func(s *RDD) *RDD { return s.Hint("BROADCAST") },
			func(keepLeft, _ bool) bool { return !keepLeft }},
		{"the right side cached and counted", false, func(s *RDD) *RDD { s.Cache().Count(); return s },
			func(_, keepRight bool) bool { return !keepRight }},
		{"the left side cached and counted", true, func(s *RDD) *RDD { s.Cache().Count(); return s },
			func(keepLeft, _ bool) bool { return !keepLeft }},
		{"the right side hinted mapjoin, the left shuffle_hash", false, func(s *RDD) *RDD { return s.Hint("mapjoin") },
			func(_, keepRight bool) bool { return !keepRight }},
	}
	for _, k := range keyings {
		bigPairs := makePairs(900, 300, 0, k.key)
		smallPairs := makePairs(80, 40, 295, k.key)
		for _, w := range ways {
			for _, j := range joins {
				if j.name == "SubtractByKey" && w.smallLeft {
					continue // its left side is always kept
				}
				t.Run(fmt.Sprintf("%s, %s, %s", j.name, k.name, w.name), func(t *testing.T) {
					var log stageLog
					sc := NewContext(WithParallelism(2), WithProgress(log.record))
					defer sc.Stop()
					big, small := sc.Parallelize(bigPairs, 3), sc.Parallelize(smallPairs, 2)
					if strings.Contains(w.name, "shuffle_hash") {
						big = big.Hint("shuffle_hash")
					}
					left, right := big, small
					if w.smallLeft {
						left, right = small, big
					}
					want := sortedByKeyAndValue(j.join(left.Hint("shuffle_hash"), right.Hint("shuffle_hash")).Collect())
					if n := log.count("(shuffle write)"); n != 2 {
						t.Fatalf("the shuffled join ran %d shuffle stages, want 2", n)
					}
					if j.name != "SubtractByKey" {
						var l, r []Pair = bigPairs, smallPairs
						if w.smallLeft {
							l, r = r, l
						}
						if nested := sortedByKeyAndValue(nestedJoin(l, r, j.keepLeft, j.keepRight)); !reflect.DeepEqual(want, nested) {
							t.Fatalf("the shuffled join gave %d Pairs, the nested loops %d", len(want), len(nested))
						}
					}
					if w.smallLeft {
						left = w.mark(small)
					} else {
						right = w.mark(small)
					}
					log.reset()
					joined := j.join(left, right)
					got := sortedByKeyAndValue(joined.Collect())
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("got %d Pairs, want %d: %v... want %v...", len(got), len(want), head(got), head(want))
					}
					shuffles, broadcasts := log.count("(shuffle write)"), log.count("(broadcast)")
					if w.broadcasts(j.keepLeft, j.keepRight) {
						if shuffles != 0 || broadcasts != 1 {
							t.Fatalf("ran %d shuffle stages and %d broadcasts, want none and 1", shuffles, broadcasts)
						}
						if n := joined.GetNumPartitions(); n != 3 {
							t.Fatalf("%d partitions, want the big side's 3", n)
						}
					} else if shuffles != 2 || broadcasts != 0 {
						t.Fatalf("ran %d shuffle stages and %d broadcasts, want 2 and none", shuffles, broadcasts)
					}
				})
			}
		}
	}
}

func TestBroadcastJoinChoices(t *testing.T) {
	// When a join broadcasts, which side, and what it costs: a broadcast
	// side is collected once for every job on the join; a side that does
	// not fit the shuffle memory is not broadcast but shuffled.
	pairsOf := func(n, keys int) []Pair {
		ps := make([]Pair, n)
		for i := range ps {
			ps[i] = KV(int64(i%keys), int64(i))
		}
		return ps
	}
	bigPairs, smallPairs := pairsOf(2000, 500), pairsOf(100, 50)
	want := sortedByKeyAndValue(nestedJoin(bigPairs, smallPairs, false, false))
	cases := []struct {
		name string
		opts []Option
		join func(big, small *RDD) *RDD
		// shuffles and broadcasts are the stages of two jobs on the join.
		shuffles, broadcasts, partitions int
	}{
		{"a hint broadcasts the hinted side once", nil,
			func(b, s *RDD) *RDD { return b.Join(s.Hint("broadcast")) }, 0, 1, 4},
		{"a hint wins over numPartitions, which does not apply", nil,
			func(b, s *RDD) *RDD { return b.Join(s.Hint("broadcast"), 7) }, 0, 1, 4},
		{"both hinted: the smaller known side", nil,
			func(b, s *RDD) *RDD {
				b.Cache().Count()
				s.Cache().Count()
				return b.Hint("broadcast").Join(s.Hint("broadcast"))
			}, 0, 1, 4},
		{"a cached side within the threshold", nil,
			func(b, s *RDD) *RDD { s.Cache().Count(); return b.Join(s) }, 0, 1, 4},
		{"a cached side beyond the threshold", []Option{WithAutoBroadcastJoinThreshold(100)},
			func(b, s *RDD) *RDD { s.Cache().Count(); return b.Join(s) }, 2, 0, 4},
		{"a threshold of -1 turns the automatic broadcast off", []Option{WithAutoBroadcastJoinThreshold(-1)},
			func(b, s *RDD) *RDD { s.Cache().Count(); return b.Join(s) }, 2, 0, 4},
		{"a cached side not yet computed", nil,
			func(b, s *RDD) *RDD { s.Cache(); return b.Join(s) }, 2, 0, 4},
		{"numPartitions keeps the automatic broadcast off", nil,
			func(b, s *RDD) *RDD { s.Cache().Count(); return b.Join(s, 5) }, 2, 0, 5},
		{"shuffle_hash keeps the automatic broadcast off", nil,
			func(b, s *RDD) *RDD { s.Cache().Count(); return b.Join(s.Hint("shuffle_hash")) }, 2, 0, 4},
		{"a hinted side beyond the shuffle memory is shuffled", []Option{WithShuffleMemory(1 << 10)},
			func(b, s *RDD) *RDD { return b.Join(s.Hint("broadcast")) }, 2, 1, 4},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var log stageLog
			sc := NewContext(append([]Option{WithParallelism(2), WithProgress(log.record)}, tt.opts...)...)
			defer sc.Stop()
			joined := tt.join(sc.Parallelize(bigPairs, 4), sc.Parallelize(smallPairs, 2))
			log.reset()
			for range 2 {
				if got := sortedByKeyAndValue(joined.Collect()); !reflect.DeepEqual(got, want) {
					t.Fatalf("got %d Pairs, want %d: %v... want %v...", len(got), len(want), head(got), head(want))
				}
			}
			if s, b := log.count("(shuffle write)"), log.count("(broadcast)"); s != tt.shuffles || b != tt.broadcasts {
				t.Errorf("ran %d shuffle stages and %d broadcasts, want %d and %d", s, b, tt.shuffles, tt.broadcasts)
			}
			if n := joined.GetNumPartitions(); n != tt.partitions {
				t.Errorf("%d partitions, want %d", n, tt.partitions)
			}
			if used := sc.shuffleUsed.Load(); tt.broadcasts > 0 && tt.shuffles == 0 && used <= 0 {
				t.Errorf("the broadcast table counts %d bytes of shuffle memory, want some", used)
			}
		})
	}
}

func TestBroadcastJoinShowsItsSides(t *testing.T) {
	sc := NewContext(WithParallelism(2))
	defer sc.Stop()
	big := sc.Parallelize([]Pair{KV(1, "a"), KV(2, "b")}, 2)
	small := sc.Parallelize([]Pair{KV(1, "x")}, 1).Hint("broadcast")
	joined := big.Join(small)
	debug := joined.ToDebugString()
	for _, want := range []string{"(2) BroadcastHashJoinRDD[", " +-(1) MapPartitionsRDD[", " at Hint at "} {
		if !strings.Contains(debug, want) {
			t.Errorf("ToDebugString lacks %q:\n%s", want, debug)
		}
	}
	if got, want := joined.Step().Method, "Join"; got != want {
		t.Errorf("Step().Method = %q, want %q", got, want)
	}
	if got := small.Step(); got.Method != "Hint" || !slices.Equal(got.Args, []any{"broadcast"}) || got.Kind != KindNarrow {
		t.Errorf("the hint's Step = %+v", got)
	}
}

func TestHintRefusesUnknownNames(t *testing.T) {
	sc := NewContext()
	defer sc.Stop()
	defer func() {
		msg := fmt.Sprint(recover())
		if !strings.Contains(msg, `rdd.Hint: unknown hint "broadcst"`) || !strings.Contains(msg, `"broadcast"`) {
			t.Errorf("Hint(\"broadcst\") panicked with %q, want a message naming it and the known hints", msg)
		}
	}()
	sc.Parallelize([]int{1}).Hint("broadcst")
}

func TestHintKeepsTheElementsAndTheirCache(t *testing.T) {
	sc := NewContext(WithParallelism(2))
	defer sc.Stop()
	words := sc.Parallelize([]string{"a", "b", "c"}, 2).Cache()
	hinted := words.Hint("broadcast")
	if got := hinted.Collect(); !reflect.DeepEqual(got, []any{"a", "b", "c"}) {
		t.Errorf("Collect = %v", got)
	}
	if n := hinted.GetNumPartitions(); n != 2 {
		t.Errorf("%d partitions, want 2", n)
	}
	if size, ok := hinted.knownSize(); !ok || size <= 0 {
		t.Errorf("knownSize = %d, %v: the hint should see the cache of the RDD it marks", size, ok)
	}
}
