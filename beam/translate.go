//go:build beam

package beam

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"

	apache "github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/rdd"
)

// methodOf returns what package rdd says of the method that made step.
func methodOf(step rdd.Step) rdd.MethodInfo {
	m, _ := rdd.MethodOf(step.Method)
	return m
}

// isSource reports whether step is a source whose partitions workers read
// themselves, remaking the RDD from the method's arguments: data given to
// the method or files, not a query of the notebook's SQL engine.
func isSource(step rdd.Step) bool {
	m := methodOf(step)
	return !m.Partitionwise && (m.Source == rdd.SourceData || m.Source == rdd.SourceFiles)
}

// isNarrow reports whether a worker redoes step after a source, partition
// by partition (rdd.MethodInfo.Partitionwise); the element-wise ones
// (Element) can also follow a shuffle.
func isNarrow(step rdd.Step) bool { return methodOf(step).Partitionwise }

// translator builds one pipeline from a lineage.
type translator struct {
	s     apache.Scope
	cols  map[*rdd.RDD]apache.PCollection
	local []int64 // ids of localFuncs this job registered
	// workersInProcess is whether the workers are this process, which
	// can run functions without source.
	workersInProcess bool
	// guard, when the harness runs in this process, is the job's (see
	// jobGuard): its DoFns stop the job there instead of failing it.
	guard *jobGuard
}

func (r *Runner) newTranslator() (*apache.Pipeline, *translator) {
	p, s := apache.NewPipelineWithRoot()
	t := &translator{s: s, cols: map[*rdd.RDD]apache.PCollection{}, workersInProcess: r.workersInProcess()}
	if r.harnessInProcess() {
		t.guard = newJobGuard()
	}
	return p, t
}

// release forgets the job's functions without source and its guard.
func (t *translator) release() {
	for _, id := range t.local {
		localFuncs.Delete(id)
	}
	if t.guard != nil {
		t.guard.release()
	}
}

// member makes fn a DoFn of the job's guard, if it has one.
func member[F jobMember](t *translator, fn F) F {
	if t.guard != nil {
		fn.joinJob(t.guard.id)
	}
	return fn
}

// named returns the method that messages of step name: the action it
// computes, when the rdd package made it for one.
func named(step rdd.Step) string {
	if step.Action != "" {
		return step.Action
	}
	return step.Method
}

// fail is a translation error naming the method and where it was called.
func fail(r *rdd.RDD, format string, args ...any) error {
	return fmt.Errorf("rdd.%s (%s): %s", r.Step().Method, r.String(), fmt.Sprintf(format, args...))
}

// funcRef returns the ref of the function among step's Args at i.
func (t *translator) funcRef(step rdd.Step, i int) (funcRef, error) {
	ref := funcRef{Method: named(step)}
	if srcs := rdds.Sources(step); i < len(srcs) && srcs[i] != nil {
		prog, err := srcs[i].Program()
		if err != nil {
			return ref, err
		}
		ref.Program = prog
		return ref, nil
	}
	if !t.workersInProcess {
		return ref, errNoSource(step.Method)
	}
	ref.Local = nextLocal.Add(1)
	localFuncs.Store(ref.Local, step.Args[i])
	t.local = append(t.local, ref.Local)
	return ref, nil
}

// spec returns step as workers redo it.
func (t *translator) spec(step rdd.Step) (stepSpec, error) {
	if rebuilt, ok, err := rebuiltStep(step); ok {
		if err != nil {
			return stepSpec{}, fmt.Errorf("rdd.%s: %w", step.Method, err)
		}
		step = rebuilt
	}
	s := stepSpec{Method: step.Method, Elem: methodOf(step).Element}
	data := make([]any, len(step.Args))
	s.Funcs = make([]funcRef, len(step.Args))
	for i, a := range step.Args {
		if a != nil && reflect.TypeOf(a).Kind() == reflect.Func {
			ref, err := t.funcRef(step, i)
			if err != nil {
				return s, err
			}
			s.Funcs[i] = ref
			continue
		}
		data[i] = a
	}
	b, err := encode(data)
	if err != nil {
		return s, fmt.Errorf("rdd.%s: its arguments cannot travel to the workers: %w", step.Method, err)
	}
	s.Args = b
	return s, nil
}

// pcol returns the PCollection of r's elements.
func (t *translator) pcol(r *rdd.RDD) (apache.PCollection, error) {
	if c, ok := t.cols[r]; ok {
		return c, nil
	}
	c, err := t.build(r)
	if err == nil {
		t.cols[r] = c
	}
	return c, err
}

func (t *translator) build(r *rdd.RDD) (apache.PCollection, error) {
	step := r.Step()
	m, info := step.Method, methodOf(step)
	s := t.s.Scope(m)
	parent := func(i int) (apache.PCollection, error) { return t.pcol(step.Parents[i]) }
	switch {
	case isSource(step) || info.Partitionwise:
		return t.chain(r)
	case info.Concat:
		cols := make([]apache.PCollection, len(step.Parents))
		for i := range step.Parents {
			c, err := parent(i)
			if err != nil {
				return c, err
			}
			cols[i] = c
		}
		if len(cols) == 0 {
			return t.chain(r.Context().EmptyRDD())
		}
		if len(cols) == 1 {
			return cols[0], nil
		}
		return apache.Flatten(s, cols...), nil
	case info.Identity:
		// Beam plans its own joins: a hint changes nothing there.
		return parent(0)
	case info.Kind == rdd.KindRepartition:
		// Beam has no partitions to place elements in: only a
		// round-robin shuffle (Repartition, Coalesce with shuffle) spreads
		// them again.
		c, err := parent(0)
		if err != nil || !step.Options.Shuffle {
			return c, err
		}
		return apache.Reshuffle(s, c), nil
	case info.Combiner != rdd.CombineNone:
		var c apache.PCollection
		var err error
		if !t.readsSource(step.Parents[0]) {
			if c, err = parent(0); err != nil {
				return c, err
			}
		}
		fn := &combineFn{Method: m, Action: step.Action}
		if info.Combiner == rdd.CombineZero {
			if fn.Zero, err = encode(step.Options.Zero); err != nil {
				return c, fail(r, "its zero value cannot travel to the workers: %v", err)
			}
		}
		for _, i := range info.FuncArgs {
			if a := step.Args[i]; a != nil && reflect.TypeOf(a).Kind() == reflect.Func {
				ref, err := t.funcRef(step, i)
				if err != nil {
					return c, err
				}
				fn.Funcs = append(fn.Funcs, ref)
			}
		}
		if t.readsSource(step.Parents[0]) {
			// Combine within each partition on the workers first.
			pre := &combineFn{Method: m, Action: step.Action, Zero: fn.Zero, Funcs: fn.Funcs}
			if c, err = t.chainWith(step.Parents[0], pre); err != nil {
				return c, err
			}
			fn.Precombined = true
		}
		kv := apache.ParDo(s, member(t, &toKVFn{Method: m, Tag: -1}), c)
		combined := apache.CombinePerKey(s, member(t, fn), kv)
		return apache.ParDo(s, member(t, &fromKVFn{}), combined), nil
	case info.Grouping == rdd.GroupValues:
		c, err := parent(0)
		if err != nil {
			return c, err
		}
		if len(info.FuncArgs) > 0 {
			// GroupBy keys the elements by its function first.
			spec, err := t.spec(step)
			if err != nil {
				return c, err
			}
			spec.Elem = rdd.ElemKeyBy
			c = apache.ParDo(s, member(t, &chainFn{Steps: []stepSpec{spec}}), c)
		}
		grouped := apache.GroupByKey(s, apache.ParDo(s, member(t, &toKVFn{Method: m, Tag: -1}), c))
		return apache.ParDo(s, member(t, &groupFn{Method: m}), grouped), nil
	case info.Grouping != rdd.GroupNone:
		asKey := info.WholeElements
		var tagged []apache.PCollection
		for i := range step.Parents {
			c, err := parent(i)
			if err != nil {
				return c, err
			}
			tagged = append(tagged, apache.ParDo(s, member(t, &toKVFn{Method: m, Tag: i, AsKey: asKey}), c))
		}
		all := tagged[0]
		if len(tagged) > 1 {
			all = apache.Flatten(s, tagged...)
		}
		return apache.ParDo(s, member(t, &groupFn{Method: m, Inputs: len(tagged)}), apache.GroupByKey(s, all)), nil
	case info.SortsAll:
		return apache.PCollection{}, fail(r, "sorting runs on Beam only as the last transformation of a job: sort the result in the notebook, or end the job with the sort")
	}
	return apache.PCollection{}, fail(r, "%s cannot run on Beam; the transformations that can are listed in the beam package's documentation", m)
}

// readsSource reports whether r is a source or narrow transformations of
// one, which a sourceFn computes.
func (t *translator) readsSource(r *rdd.RDD) bool {
	for isNarrow(r.Step()) {
		r = r.Step().Parents[0]
	}
	return isSource(r.Step())
}

// chain translates r, a source or a narrow transformation, with the
// narrow transformations under it down to a source or a shuffle.
func (t *translator) chain(r *rdd.RDD) (apache.PCollection, error) {
	return t.chainWith(r, nil)
}

// chainWith is chain; on a source, combine combines each partition's
// values by key before they leave the workers.
func (t *translator) chainWith(r *rdd.RDD, combine *combineFn) (apache.PCollection, error) {
	return t.sourceChain(r, &sourceFn{Combine: combine})
}

// sourceChain translates r as chainWith does, with fn's Combine or
// Results; with Results the source's ParDo writes them and its output
// is empty.
func (t *translator) sourceChain(r *rdd.RDD, fn *sourceFn) (apache.PCollection, error) {
	var steps []*rdd.RDD
	base := r
	for isNarrow(base.Step()) {
		steps = append(steps, base)
		base = base.Step().Parents[0]
	}
	specs := make([]stepSpec, 0, len(steps))
	for i := len(steps) - 1; i >= 0; i-- {
		spec, err := t.spec(steps[i].Step())
		if err != nil {
			return apache.PCollection{}, err
		}
		specs = append(specs, spec)
	}
	s := t.s.Scope(r.Step().Method)
	if !isSource(base.Step()) {
		in, err := t.pcol(base)
		if err != nil {
			return in, err
		}
		for _, sp := range specs {
			if sp.Elem == rdd.ElemNone {
				return in, fmt.Errorf("rdd.%s cannot run on Beam after a shuffle or a union: Beam has no partitions there", sp.Method)
			}
		}
		return apache.ParDo(s, member(t, &chainFn{Steps: specs}), in), nil
	}
	src := base.Step()
	if methodOf(src).Source == rdd.SourceData && len(src.Options.NumPartitions) == 0 {
		// The notebook's default slice count, which workers do not know.
		src = src.WithNumPartitions(base.GetNumPartitions())
	}
	spec, err := t.spec(src)
	if err != nil {
		return apache.PCollection{}, err
	}
	var n int
	if err := rdd.Try(func() { n = base.GetNumPartitions() }); err != nil {
		return apache.PCollection{}, err
	}
	parts := apache.ParDo(s, &partitionsFn{N: int64(n)}, apache.Impulse(s))
	fn.Source, fn.Steps, fn.Parallelism, fn.Partitions = spec, specs, r.Context().DefaultParallelism(), int64(n)
	// With Results the output stays empty.
	return apache.ParDo(s, member(t, fn), apache.Reshuffle(s, parts)), nil
}

// jobDir makes a directory of the job's result files.
func (r *Runner) jobDir(name string) (string, error) {
	base := strings.TrimSuffix(r.opts.TempDir, "/")
	if !strings.Contains(base, "://") {
		if err := os.MkdirAll(base, 0o755); err != nil {
			return "", err
		}
		dir, err := os.MkdirTemp(base, name+"-")
		return dir, err
	}
	return partName(base, "-"+name), nil
}

// runToFiles translates rd, ends it with sink and runs the pipeline.
// When rd reads a source with narrow transformations only, the source's
// workers write the files of each partition themselves instead, as
// atSource (with its Results or Save) says, in files named by the
// partition: results come back in the local engine's order, Take takes
// the first elements, saved parts are the partitions, and a retried
// partition writes its files again rather than twice.
func (r *Runner) runToFiles(ctx context.Context, rd *rdd.RDD, atSource *sourceFn, sink func(t *translator, col apache.PCollection)) error {
	p, t := r.newTranslator()
	defer t.release()
	if t.readsSource(rd) {
		if _, err := t.sourceChain(rd, atSource); err != nil {
			return err
		}
		return r.execute(ctx, p, t.guard)
	}
	col, err := t.pcol(rd)
	if err != nil {
		return err
	}
	sink(t, col)
	return r.execute(ctx, p, t.guard)
}

// runToResults is runToFiles with results as the sink.
func (r *Runner) runToResults(ctx context.Context, rd *rdd.RDD, results *resultFn) error {
	return r.runToFiles(ctx, rd, &sourceFn{Results: results}, func(t *translator, col apache.PCollection) {
		s := t.s.Scope("results")
		t.commitFiles(s, results.Dir, apache.ParDo(s, member(t, results), col))
	})
}

// Run computes rd's elements on Beam (at most limit of them when limit
// >= 0). A final SortBy or SortByKey sorts them here.
func (r *Runner) Run(ctx context.Context, rd *rdd.RDD, limit int) ([]any, error) {
	step := rd.Step()
	if methodOf(step).SortsAll {
		elems, err := r.Run(ctx, step.Parents[0], -1)
		if err != nil {
			return nil, err
		}
		local := rd.Context().Local().Parallelize(elems, 1)
		var sorted *rdd.RDD
		var out []any
		if sorted, err = callMethod(local, step.Method, step.Args, ""); err != nil {
			return nil, err
		}
		err = rdd.Try(func() {
			if limit >= 0 {
				out = sorted.Take(limit)
			} else {
				out = sorted.Collect()
			}
		})
		return out, err
	}
	dir, err := r.jobDir("results")
	if err != nil {
		return nil, err
	}
	defer removeDir(context.Background(), dir)
	err = r.runToResults(ctx, rd, &resultFn{Dir: dir, Limit: int64(limit)})
	if err != nil {
		return nil, err
	}
	return readResults(ctx, dir, limit)
}

// Count returns the number of rd's elements, counted on the workers.
func (r *Runner) Count(ctx context.Context, rd *rdd.RDD) (int64, error) {
	if methodOf(rd.Step()).SortsAll {
		rd = rd.Step().Parents[0] // sorting keeps the count
	}
	dir, err := r.jobDir("count")
	if err != nil {
		return 0, err
	}
	defer removeDir(context.Background(), dir)
	err = r.runToResults(ctx, rd, &resultFn{Dir: dir, Limit: -1, Count: true})
	if err != nil {
		return 0, err
	}
	return readCount(ctx, dir)
}

// SaveAsTextFile writes rd's elements as text lines under path: the
// workers write part files into the runner's TempDir, which are then
// copied into path, committed whole. A final sort runs here.
func (r *Runner) SaveAsTextFile(ctx context.Context, rd *rdd.RDD, path, codec string) error {
	if _, err := fileio.Default().Stat(ctx, path); err == nil {
		return fmt.Errorf("rdd.SaveAsTextFile: %s already exists", path)
	}
	if methodOf(rd.Step()).SortsAll {
		elems, err := r.Run(ctx, rd, -1)
		if err != nil {
			return err
		}
		return rdd.Try(func() { rd.Context().Local().Parallelize(elems, 1).SaveAsTextFile(path, codec) })
	}
	dir, err := r.jobDir("save")
	if err != nil {
		return err
	}
	defer removeDir(context.Background(), dir)
	err = r.runToFiles(ctx, rd, &sourceFn{Save: &saveFn{Dir: dir, Codec: codec}}, func(t *translator, col apache.PCollection) {
		s := t.s.Scope("save")
		t.commitFiles(s, dir, apache.ParDo(s, member(t, &saveFn{Dir: dir, Codec: codec}), col))
	})
	if err != nil {
		return err
	}
	return publish(ctx, dir, path, codec)
}
