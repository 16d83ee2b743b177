//go:build beam

package beam

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	apache "github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gosparkling/gosparkling/internal/engine"
	"github.com/gosparkling/gosparkling/rdd"
)

// Elem is an RDD element in a PCollection. Its coder is the element codec.
type Elem struct{ V any }

// accum is a combiner's accumulator: Set once it holds a value. Err says
// why it holds none when its value could not be encoded in a job with a
// guard, which its next use stops (see encodeAccum).
type accum struct {
	Set bool
	V   any
	Err string
}

// err returns the accumulator's Err as an error, or nil.
func (a accum) err() error {
	if a.Err == "" {
		return nil
	}
	return errors.New(a.Err)
}

func init() {
	apache.RegisterCoder(reflect.TypeOf(Elem{}), encodeElem, decodeElem)
	apache.RegisterCoder(reflect.TypeOf(accum{}), encodeAccum, decodeAccum)
	register.Emitter1[Elem]()
	register.Emitter1[int64]()
	register.Emitter2[Elem, Elem]()
	register.Iter1[Elem]()
	register.DoFn2x1[[]byte, func(int64), error](&partitionsFn{})
	register.DoFn3x1[context.Context, int64, func(Elem), error](&sourceFn{})
	register.DoFn3x1[context.Context, Elem, func(Elem), error](&chainFn{})
	register.DoFn2x1[Elem, func(Elem, Elem), error](&toKVFn{})
	register.DoFn3x1[Elem, Elem, func(Elem), error](&fromKVFn{})
	register.DoFn4x1[context.Context, Elem, func(*Elem) bool, func(Elem), error](&groupFn{})
	register.Combiner3[accum, Elem, Elem](&combineFn{})
	register.Emitter1[string]()
	register.Iter1[string]()
	register.DoFn2x1[Elem, func(string), error](&resultFn{})
	register.DoFn2x1[Elem, func(string), error](&saveFn{})
	register.DoFn3x1[context.Context, []byte, func(*string) bool, error](&manifestFn{})
}

func encodeElem(e Elem) ([]byte, error) { return encode(e.V) }

func decodeElem(b []byte) (Elem, error) {
	v, err := decode(b)
	return Elem{v}, err
}

// encodeAccum encodes a: 0 when unset, 1 and its value, or 2 and its
// Err. Beam encodes accumulators outside any DoFn (a lifted combiner's
// cache), where an error fails the job on Beam; while a job with a guard
// runs in this process, a value that cannot be encoded is sent on as an
// Err instead, for the combiner's next step to stop the job with.
func encodeAccum(a accum) ([]byte, error) {
	switch {
	case a.Err != "":
		return append([]byte{2}, a.Err...), nil
	case !a.Set:
		return []byte{0}, nil
	}
	b, err := encode(a.V)
	if err != nil && liveGuards.Load() > 0 {
		return append([]byte{2}, "a combined value cannot travel to the next step: "+err.Error()...), nil
	}
	return append([]byte{1}, b...), err
}

func decodeAccum(b []byte) (accum, error) {
	switch {
	case len(b) == 0 || b[0] == 0:
		return accum{}, nil
	case b[0] == 2:
		return accum{Err: string(b[1:])}, nil
	}
	v, err := decode(b[1:])
	return accum{Set: true, V: v}, err
}

// funcRef is a user function as a worker finds it: its shipped program,
// or the id of a function of the notebook's process (for compiled
// programs on workers of that process).
type funcRef struct {
	Program *engine.FuncProgram
	Local   int64
	Method  string
}

// localFuncs holds the functions without source of running jobs, by id.
var (
	localFuncs sync.Map // int64 -> any
	nextLocal  atomic.Int64
)

// resolve returns the function ref names.
func (f funcRef) resolve() (any, error) {
	if f.Program != nil {
		return f.program(f.Program)
	}
	if fn, ok := localFuncs.Load(f.Local); ok {
		return fn, nil
	}
	return nil, errNoSource(f.Method)
}

// program returns the function of p, a shipped program or a builtin one.
func (f funcRef) program(p *engine.FuncProgram) (any, error) {
	if p.Builtin != "" {
		fn, err := engine.BuiltinFunc(p, f.Method, f.program)
		if err != nil {
			return nil, fmt.Errorf("rdd.%s: %w", f.Method, err)
		}
		return fn, nil
	}
	c := compile.Load()
	if c == nil {
		return nil, fmt.Errorf("rdd.%s: this worker cannot interpret shipped functions: run the gosparkling binary built with -tags beam as the worker", f.Method)
	}
	return (*c)(p)
}

// errNoSource says that method's function cannot run on this worker.
func errNoSource(method string) error {
	return fmt.Errorf("rdd.%s: its function has no source (it was not written in a notebook cell), so it runs only on workers of the process that made it (Prism in loopback mode)", method)
}

// stepSpec is a narrow transformation as workers redo it.
type stepSpec struct {
	Method string
	// Elem is what the step makes of each element, when it is
	// element-wise (rdd.MethodInfo.Element): how a chainFn applies it.
	Elem  rdd.ElementOp
	Args  []byte    // the encoded non-function arguments, nil at functions
	Funcs []funcRef // per argument; the zero funcRef where none
}

// args returns the step's arguments, functions resolved.
func (s stepSpec) args() ([]any, error) {
	decoded, err := decode(s.Args)
	if err != nil {
		return nil, fmt.Errorf("rdd.%s: decoding its arguments: %w", s.Method, err)
	}
	args, _ := decoded.([]any)
	for i, f := range s.Funcs {
		if f.Program == nil && f.Local == 0 {
			continue
		}
		fn, err := f.resolve()
		if err != nil {
			return nil, err
		}
		args[i] = fn
	}
	return args, nil
}

// call calls the method of recv that the step names with its arguments.
func (s stepSpec) call(recv any) (out *rdd.RDD, err error) {
	args, err := s.args()
	if err != nil {
		return nil, err
	}
	if out, ok, err := callRebuilt(s.Method, recv, args); ok {
		return out, err
	}
	return callMethod(recv, s.Method, args, " on the worker")
}

// callMethod calls recv's method with args, as a step recorded them (a
// variadic parameter as its slice), and returns the RDD it makes. A panic
// is its error: the *rdd.JobError as it is, another one as said of the
// method, with where after its name.
func callMethod(recv any, method string, args []any, where string) (out *rdd.RDD, err error) {
	m := reflect.ValueOf(recv).MethodByName(method)
	if !m.IsValid() {
		return nil, fmt.Errorf("rdd.%s: no such method", method)
	}
	mt := m.Type()
	if len(args) != mt.NumIn() {
		return nil, fmt.Errorf("rdd.%s: %d arguments for %d parameters", method, len(args), mt.NumIn())
	}
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		if a == nil {
			in[i] = reflect.Zero(mt.In(i))
		} else {
			in[i] = reflect.ValueOf(a)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			if je, ok := r.(*rdd.JobError); ok {
				err = je
				return
			}
			err = fmt.Errorf("rdd.%s%s: %v", method, where, r)
		}
	}()
	var res []reflect.Value
	if mt.IsVariadic() {
		res = m.CallSlice(in)
	} else {
		res = m.Call(in)
	}
	return res[0].Interface().(*rdd.RDD), nil
}

// workerContexts are the Contexts that workers of this process compute
// source partitions with, by parallelism.
var workerContexts sync.Map // int -> *rdd.Context

func workerContext(parallelism int) *rdd.Context {
	if sc, ok := workerContexts.Load(parallelism); ok {
		return sc.(*rdd.Context)
	}
	sc, _ := workerContexts.LoadOrStore(parallelism, rdd.NewContext(rdd.WithParallelism(max(parallelism, 1))))
	return sc.(*rdd.Context)
}

// partitionsFn emits the partition numbers of a source.
type partitionsFn struct{ N int64 }

func (f *partitionsFn) ProcessElement(_ []byte, emit func(int64)) error {
	for p := int64(0); p < f.N; p++ {
		emit(p)
	}
	return nil
}

// sourceFn computes partitions of a source RDD and the narrow steps after
// it, remade on the worker as the notebook made them.
type sourceFn struct {
	Source      stepSpec
	Steps       []stepSpec
	Parallelism int
	Partitions  int64
	// Combine, when set, combines the values of each key within the
	// partition before they leave the worker: one Pair per key and
	// partition, as the local engine's map side does, instead of one
	// Beam element per value.
	Combine *combineFn
	// Results, when set, are where the partitions' elements go instead
	// of the output: files named by the partition (see partitionResults).
	Results *resultFn
	// Save, when set, is where the partitions' text lines go instead of
	// the output (see savePartition).
	Save *saveFn
	inJob

	r        *rdd.RDD
	setupErr error
}

func (f *sourceFn) Setup() error {
	return f.setupFailed(f.setup(), &f.setupErr)
}

func (f *sourceFn) setup() error {
	r, err := f.Source.call(workerContext(f.Parallelism))
	if err != nil {
		return err
	}
	for _, s := range f.Steps {
		if r, err = s.call(r); err != nil {
			return err
		}
	}
	if n := int64(r.GetNumPartitions()); n != f.Partitions {
		return fmt.Errorf("rdd.%s: the worker sees %d partitions where the notebook saw %d: did the input change?", f.Source.Method, n, f.Partitions)
	}
	f.r = r
	return nil
}

func (f *sourceFn) ProcessElement(ctx context.Context, p int64, emit func(Elem)) error {
	defer afterCancel(ctx)
	return f.run(func() error {
		if f.setupErr != nil {
			return f.setupErr
		}
		ctx, stop := f.context(ctx)
		defer stop()
		switch {
		case f.Combine != nil:
			return f.combinePartition(ctx, int(p), emit)
		case f.Results != nil:
			return f.Results.partitionResults(ctx, f.r, int(p))
		case f.Save != nil:
			return f.Save.savePartition(ctx, f.r, int(p))
		}
		return rdds.RunPartition(f.r, ctx, int(p), func(x any) bool {
			emit(Elem{x})
			return true
		})
	})
}

// harnessShutdown is how long a bundle stopped by its job's cancellation
// waits before it ends.
const harnessShutdown = 250 * time.Millisecond

// afterCancel waits, when ctx was cancelled, for Beam's Go harness to shut
// its control stream down before the bundle ends (sources, element
// chains and groupings check; the other steps end soon after them): the
// harness checks that it is not shutting down, then sends the bundle's
// response on a channel that the shutdown closes, and a response sent as
// it shuts down is a send on a closed channel, which kills the process.
// Once the harness has begun to shut down, it sends no response. Jobs
// with a guard (see jobGuard) are cancelled on Beam only when they do not
// drain within drainTimeout; this narrows the window then, and for
// worker processes.
func afterCancel(ctx context.Context) {
	if ctx.Err() != nil {
		time.Sleep(harnessShutdown)
	}
}

// precombineKeys is how many keys the combining of a partition on a
// worker holds at most: it then sends their values on and starts again,
// and Beam's combiner merges what comes of each key. (FoldByKey's and
// AggregateByKey's zero, which must be neutral, is then applied once per
// such part of a partition.)
const precombineKeys = 1 << 16

// combinePartition emits the combined values of each key of partition p:
// one per key, or more when the partition has more than
// Combine.MaxKeys (precombineKeys by default) keys.
func (f *sourceFn) combinePartition(ctx context.Context, p int, emit func(Elem)) error {
	c := f.Combine
	if err := c.init(); err != nil {
		return err
	}
	maxKeys := c.MaxKeys
	if maxKeys <= 0 {
		maxKeys = precombineKeys
	}
	// The keys in first-seen order with their combined values, and where
	// each key is (a NaN key is a new one each time, as in a Go map).
	var keys, values []any
	index := map[any]int{}
	flush := func() {
		for i, k := range keys {
			emit(Elem{rdd.Pair{Key: k, Value: values[i]}})
		}
		clear(index)
		keys, values = keys[:0], values[:0]
	}
	var bad error
	err := rdds.RunPartition(f.r, ctx, p, func(x any) bool {
		kv, ok := x.(rdd.Pair)
		if !ok {
			bad = fmt.Errorf("rdd.%s: element %v (%T) is not an rdd.Pair", c.name(), x, x)
			return false
		}
		if kv.Key != nil && !reflect.TypeOf(kv.Key).Comparable() {
			bad = fmt.Errorf("rdd.%s: key %v of type %T is not comparable", c.name(), kv.Key, kv.Key)
			return false
		}
		if i, ok := index[kv.Key]; ok {
			values[i] = c.add(values[i], kv.Value)
		} else {
			if len(keys) == maxKeys {
				flush()
			}
			index[kv.Key] = len(keys)
			keys, values = append(keys, kv.Key), append(values, c.create(kv.Value))
		}
		return true
	})
	if err != nil {
		return err
	}
	if bad != nil {
		return bad
	}
	flush()
	return nil
}

// chainFn applies element-wise transformations.
type chainFn struct {
	Steps []stepSpec
	inJob

	apply    func(x any, emit func(any)) error
	setupErr error
}

func (f *chainFn) Setup() error {
	return f.setupFailed(f.setup(), &f.setupErr)
}

func (f *chainFn) setup() (err error) {
	defer func() {
		if r := recover(); r != nil { // a function that does not fit its method
			err = engine.RecoveredError(r)
		}
	}()
	apply := func(x any, emit func(any)) error { emit(x); return nil }
	for i := len(f.Steps) - 1; i >= 0; i-- {
		next, err := elementStep(f.Steps[i], apply)
		if err != nil {
			return err
		}
		apply = next
	}
	f.apply = apply
	return nil
}

func (f *chainFn) ProcessElement(ctx context.Context, e Elem, emit func(Elem)) error {
	if err := ctx.Err(); err != nil {
		afterCancel(ctx)
		return err
	}
	return f.run(func() error {
		if f.setupErr != nil {
			return f.setupErr
		}
		return f.apply(e.V, func(x any) { emit(Elem{x}) })
	})
}

// elementStep returns s applied to each element before next.
func elementStep(s stepSpec, next func(any, func(any)) error) (func(any, func(any)) error, error) {
	args, err := s.args()
	if err != nil {
		return nil, err
	}
	method := s.Method
	var f any
	if m, _ := rdd.MethodOf(method); len(m.FuncArgs) > 0 && m.FuncArgs[0] < len(args) {
		f = args[m.FuncArgs[0]]
	}
	guard := func(do func(x any, emit func(any)) error) func(any, func(any)) error {
		return func(x any, emit func(any)) (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = engine.RecoveredError(r)
				}
			}()
			return do(x, emit)
		}
	}
	pair := func(x any) (rdd.Pair, error) {
		kv, ok := x.(rdd.Pair)
		if !ok {
			return kv, fmt.Errorf("rdd.%s: element %v (%T) is not an rdd.Pair", method, x, x)
		}
		return kv, nil
	}
	switch s.Elem {
	case rdd.ElemWarcRecords:
		return warcRecordsOf(args, next), nil
	case rdd.ElemMap:
		g := engine.UnaryFunc(method, f)
		return guard(func(x any, emit func(any)) error { return next(g(x), emit) }), nil
	case rdd.ElemFlatMap:
		g := engine.FlatFunc(method, f)
		return guard(func(x any, emit func(any)) (err error) {
			g(x, func(y any) bool { err = next(y, emit); return err == nil })
			return err
		}), nil
	case rdd.ElemFilter:
		g := engine.PredicateFunc(method, f)
		return guard(func(x any, emit func(any)) error {
			if g(x) {
				return next(x, emit)
			}
			return nil
		}), nil
	case rdd.ElemKeyBy:
		g := engine.UnaryFunc(method, f)
		return guard(func(x any, emit func(any)) error { return next(rdd.Pair{Key: g(x), Value: x}, emit) }), nil
	case rdd.ElemMapValues:
		g := engine.UnaryFunc(method, f)
		return guard(func(x any, emit func(any)) error {
			kv, err := pair(x)
			if err != nil {
				return err
			}
			return next(rdd.Pair{Key: kv.Key, Value: g(kv.Value)}, emit)
		}), nil
	case rdd.ElemFlatMapValues:
		g := engine.FlatFunc(method, f)
		return guard(func(x any, emit func(any)) (err error) {
			kv, err := pair(x)
			if err != nil {
				return err
			}
			g(kv.Value, func(v any) bool { err = next(rdd.Pair{Key: kv.Key, Value: v}, emit); return err == nil })
			return err
		}), nil
	case rdd.ElemKeys, rdd.ElemValues:
		keys := s.Elem == rdd.ElemKeys
		return guard(func(x any, emit func(any)) error {
			kv, err := pair(x)
			if err != nil {
				return err
			}
			if keys {
				return next(kv.Key, emit)
			}
			return next(kv.Value, emit)
		}), nil
	}
	return nil, fmt.Errorf("rdd.%s cannot run on Beam after a shuffle or union", method)
}

// toKVFn turns Pairs into Beam KVs, keyed by their encoded key. With
// Tag >= 0 the value is tagged Pair{Tag, value}, for a cogroup; AsKey
// makes the whole element the key.
type toKVFn struct {
	Method string
	Tag    int
	AsKey  bool
	inJob
}

func (f *toKVFn) ProcessElement(e Elem, emit func(Elem, Elem)) error {
	return f.run(func() error { return f.toKV(e, emit) })
}

func (f *toKVFn) toKV(e Elem, emit func(Elem, Elem)) error {
	k, v := e.V, any(nil)
	if !f.AsKey {
		kv, ok := e.V.(rdd.Pair)
		if !ok {
			return fmt.Errorf("rdd.%s: element %v (%T) is not an rdd.Pair", f.Method, e.V, e.V)
		}
		k, v = kv.Key, kv.Value
	}
	if k != nil && !reflect.TypeOf(k).Comparable() {
		return fmt.Errorf("rdd.%s: key %v of type %T is not comparable", f.Method, k, k)
	}
	if f.Tag >= 0 {
		v = rdd.Pair{Key: f.Tag, Value: v}
	}
	emit(Elem{k}, Elem{v})
	return nil
}

// fromKVFn turns Beam KVs back into Pairs.
type fromKVFn struct{ inJob }

func (f *fromKVFn) ProcessElement(k, v Elem, emit func(Elem)) error {
	// emit panics when the Pair cannot be encoded for the next step.
	return f.run(func() error {
		emit(Elem{rdd.Pair{Key: k.V, Value: v.V}})
		return nil
	})
}

// groupFn turns a grouped key into the elements of the method: the
// Pair{key, []any} of GroupByKey, the rows of a join, the keys of
// Distinct. Values of a cogroup are tagged by input (toKVFn).
type groupFn struct {
	Method string
	Inputs int
	inJob
}

func (f *groupFn) ProcessElement(ctx context.Context, k Elem, values func(*Elem) bool, emit func(Elem)) error {
	if err := ctx.Err(); err != nil {
		afterCancel(ctx)
		return err
	}
	return f.run(func() error { return f.group(k, values, emit) })
}

func (f *groupFn) group(k Elem, values func(*Elem) bool, emit func(Elem)) error {
	m, _ := rdd.MethodOf(f.Method)
	if m.Grouping == rdd.GroupValues {
		list := []any{}
		var v Elem
		for values(&v) {
			list = append(list, v.V)
		}
		emit(Elem{rdd.Pair{Key: k.V, Value: list}})
		return nil
	}
	groups := make([][]any, f.Inputs)
	for i := range groups {
		groups[i] = []any{}
	}
	var v Elem
	for values(&v) {
		tagged := v.V.(rdd.Pair)
		i := tagged.Key.(int)
		groups[i] = append(groups[i], tagged.Value)
	}
	out := func(x any) { emit(Elem{x}) }
	key := k.V
	switch m.Grouping {
	case rdd.GroupCogroup:
		out(rdd.Pair{Key: key, Value: groups})
	case rdd.GroupJoin:
		left, right := groups[0], groups[1]
		if len(right) == 0 && m.OuterLeft {
			right = []any{nil}
		}
		if len(left) == 0 && m.OuterRight {
			left = []any{nil}
		}
		for _, a := range left {
			for _, b := range right {
				out(rdd.Pair{Key: key, Value: rdd.Pair{Key: a, Value: b}})
			}
		}
	case rdd.GroupSubtract:
		if len(groups[1]) == 0 {
			for _, a := range groups[0] {
				if m.WholeElements {
					out(key)
				} else {
					out(rdd.Pair{Key: key, Value: a})
				}
			}
		}
	case rdd.GroupDistinct:
		out(key)
	case rdd.GroupIntersect:
		if len(groups[0]) > 0 && len(groups[1]) > 0 {
			out(key)
		}
	default:
		return fmt.Errorf("rdd.%s: not a grouping", f.Method)
	}
	return nil
}

// combineFn combines the values of each key as ReduceByKey,
// AggregateByKey, FoldByKey or CombineByKey do. Beam lifts it: values
// are combined on the map side first.
type combineFn struct {
	Method string
	// Action, when set, is the action the combiner computes (a Reduce as a
	// ReduceByKey), which messages name.
	Action string
	// Precombined says the values are already combined per key and
	// partition (sourceFn.Combine): they are merged as combiners.
	Precombined bool
	// MaxKeys bounds the keys a partition's combining holds (sourceFn);
	// 0 is precombineKeys.
	MaxKeys int
	Zero    []byte    // the encoded zero value of AggregateByKey and FoldByKey
	Funcs   []funcRef // ReduceByKey: f; FoldByKey: f; AggregateByKey: seq, comb; CombineByKey: create, mergeValue, mergeCombiners
	inJob

	once    sync.Once
	initErr error
	create  func(any) any
	add     func(any, any) any
	merge   func(any, any) any
}

// name returns the method that messages name.
func (f *combineFn) name() string {
	if f.Action != "" {
		return f.Action
	}
	return f.Method
}

func (f *combineFn) init() error {
	f.once.Do(func() {
		fns := make([]any, len(f.Funcs))
		for i, ref := range f.Funcs {
			if fns[i], f.initErr = ref.resolve(); f.initErr != nil {
				return
			}
		}
		m := f.name()
		info, _ := rdd.MethodOf(f.Method)
		switch info.Combiner {
		case rdd.CombineReduce:
			g := engine.BinaryFunc(m, fns[0])
			f.create, f.add, f.merge = func(v any) any { return v }, g, g
		case rdd.CombineZero:
			seq := engine.BinaryFunc(m, fns[0])
			comb := seq
			if len(fns) > 1 {
				comb = engine.BinaryFunc(m, fns[1])
			}
			zero := f.Zero
			f.create = func(v any) any {
				z, err := decode(zero)
				if err != nil {
					panic(fmt.Sprintf("decoding the zero value: %v", err))
				}
				return seq(z, v)
			}
			f.add, f.merge = seq, comb
		case rdd.CombineCreate:
			f.create = engine.UnaryFunc(m, fns[0])
			f.add, f.merge = engine.BinaryFunc(m, fns[1]), engine.BinaryFunc(m, fns[2])
		default:
			f.initErr = fmt.Errorf("rdd.%s: not a combiner", f.Method)
		}
	})
	return f.initErr
}

// guarded runs do, turning a panic (a user function's, or a failed
// conversion) into an error as the local engine says it
// (engine.RecoveredError). Without a job guard it panics with do's error,
// which Beam reports; with one it stops the job, and the accumulator a
// stays as it was.
func (f *combineFn) guarded(a accum, do func() (accum, error)) accum {
	out := a
	err := f.run(func() (err error) {
		if err := f.init(); err != nil {
			return err
		}
		defer func() {
			if r := recover(); r != nil {
				err = engine.RecoveredError(r)
			}
		}()
		var combined accum
		if combined, err = do(); err == nil {
			out = combined
		}
		return err
	})
	if err != nil {
		panic(err)
	}
	return out
}

func (f *combineFn) CreateAccumulator() accum { return accum{} }

func (f *combineFn) AddInput(a accum, v Elem) accum {
	return f.guarded(a, func() (accum, error) {
		switch {
		case a.Err != "":
			return a, a.err()
		case !a.Set && f.Precombined:
			return accum{Set: true, V: v.V}, nil
		case !a.Set:
			return accum{Set: true, V: f.create(v.V)}, nil
		case f.Precombined:
			return accum{Set: true, V: f.merge(a.V, v.V)}, nil
		}
		return accum{Set: true, V: f.add(a.V, v.V)}, nil
	})
}

func (f *combineFn) MergeAccumulators(a, b accum) accum {
	return f.guarded(a, func() (accum, error) {
		switch {
		case a.Err != "":
			return a, a.err()
		case b.Err != "":
			return b, b.err()
		case !a.Set:
			return b, nil
		case !b.Set:
			return a, nil
		}
		return accum{Set: true, V: f.merge(a.V, b.V)}, nil
	})
}

func (f *combineFn) ExtractOutput(a accum) Elem {
	if err := f.run(a.err); err != nil {
		panic(err)
	}
	return Elem{a.V}
}
