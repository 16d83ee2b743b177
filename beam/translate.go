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

// Sources are the Context methods whose partitions workers read
// themselves, remaking the RDD from the method's arguments.
var sources = map[string]bool{"Parallelize": true, "Range": true, "EmptyRDD": true, "TextFile": true,
	"WholeTextFiles": true, "BinaryFiles": true, "BinaryRecords": true, "WarcFile": true,
	"ParquetFile": true, "ReadParquet": true}

// narrowSteps are the transformations that a worker redoes after a
// source, partition by partition; elementSteps (dofns.go) can also follow
// a shuffle.
var narrowSteps = map[string]bool{"Map": true, "FlatMap": true, "Filter": true, "MapValues": true,
	"FlatMapValues": true, "KeyBy": true, "Keys": true, "Values": true, "MapPartitions": true,
	"MapPartitionsWithIndex": true, "Glom": true, "ZipWithUniqueID": true, "Sample": true, "WarcRecords": true, "Pipe": true}

// combiners and cogroups are the shuffles translated to Beam combiners
// and to groupings of tagged inputs.
var (
	combiners = map[string]bool{"ReduceByKey": true, "AggregateByKey": true, "FoldByKey": true, "CombineByKey": true}
	cogroups  = map[string]bool{"Cogroup": true, "GroupWith": true, "Join": true, "LeftOuterJoin": true,
		"RightOuterJoin": true, "FullOuterJoin": true, "SubtractByKey": true, "Intersection": true, "Subtract": true}
)

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
	if i < len(step.Sources) && step.Sources[i] != nil {
		prog, err := step.Sources[i].Program()
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
	s := stepSpec{Method: step.Method}
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
	m := step.Method
	s := t.s.Scope(m)
	parent := func(i int) (apache.PCollection, error) { return t.pcol(step.Parents[i]) }
	switch {
	case sources[m] || narrowSteps[m]:
		return t.chain(r)
	case m == "Union":
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
	case m == "Coalesce" || m == "PartitionBy":
		// Beam has no partitions to place elements in.
		if m == "Coalesce" {
			if sh, _ := step.Args[1].([]bool); len(sh) > 0 && sh[0] {
				c, err := parent(0)
				if err != nil {
					return c, err
				}
				return apache.Reshuffle(s, c), nil
			}
		}
		return parent(0)
	case m == "Hint":
		// Beam plans its own joins: a hint changes nothing there.
		return parent(0)
	case m == "Repartition":
		c, err := parent(0)
		if err != nil {
			return c, err
		}
		return apache.Reshuffle(s, c), nil
	case combiners[m]:
		var c apache.PCollection
		var err error
		if !t.readsSource(step.Parents[0]) {
			if c, err = parent(0); err != nil {
				return c, err
			}
		}
		fn := &combineFn{Method: m, Action: step.Action}
		first := 0
		if m == "AggregateByKey" || m == "FoldByKey" {
			first = 1
			if fn.Zero, err = encode(step.Args[0]); err != nil {
				return c, fail(r, "its zero value cannot travel to the workers: %v", err)
			}
		}
		for i := first; i < len(step.Args); i++ {
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
	case m == "GroupByKey" || m == "GroupBy":
		c, err := parent(0)
		if err != nil {
			return c, err
		}
		if m == "GroupBy" {
			spec, err := t.spec(rdd.Step{Method: "KeyBy", Args: step.Args[:1], Sources: step.Sources})
			if err != nil {
				return c, err
			}
			c = apache.ParDo(s, member(t, &chainFn{Steps: []stepSpec{spec}}), c)
		}
		grouped := apache.GroupByKey(s, apache.ParDo(s, member(t, &toKVFn{Method: m, Tag: -1}), c))
		return apache.ParDo(s, member(t, &groupFn{Method: m}), grouped), nil
	case m == "Distinct" || cogroups[m]:
		asKey := m == "Distinct" || m == "Intersection" || m == "Subtract"
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
	case m == "SortBy" || m == "SortByKey":
		return apache.PCollection{}, fail(r, "sorting runs on Beam only as the last transformation of a job: sort the result in the notebook, or end the job with the sort")
	}
	return apache.PCollection{}, fail(r, "%s cannot run on Beam; the transformations that can are listed in the beam package's documentation", m)
}

// readsSource reports whether r is a source or narrow transformations of
// one, which a sourceFn computes.
func (t *translator) readsSource(r *rdd.RDD) bool {
	for narrowSteps[r.Step().Method] {
		r = r.Step().Parents[0]
	}
	return sources[r.Step().Method]
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
	for narrowSteps[base.Step().Method] {
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
	if !sources[base.Step().Method] {
		in, err := t.pcol(base)
		if err != nil {
			return in, err
		}
		for _, sp := range specs {
			if !elementSteps[sp.Method] {
				return in, fmt.Errorf("rdd.%s cannot run on Beam after a shuffle or a union: Beam has no partitions there", sp.Method)
			}
		}
		return apache.ParDo(s, member(t, &chainFn{Steps: specs}), in), nil
	}
	src := base.Step()
	if src.Method == "Parallelize" {
		// The notebook's default slice count, which workers do not know.
		if n, _ := src.Args[1].([]int); len(n) == 0 {
			src.Args = []any{src.Args[0], []int{base.GetNumPartitions()}}
		}
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
		s := t.s.Scope("Collect")
		t.commitFiles(s, results.Dir, apache.ParDo(s, member(t, results), col))
	})
}

// Run computes rd's elements on Beam (at most limit of them when limit
// >= 0). A final SortBy or SortByKey sorts them here.
func (r *Runner) Run(ctx context.Context, rd *rdd.RDD, limit int) ([]any, error) {
	step := rd.Step()
	if step.Method == "SortBy" || step.Method == "SortByKey" {
		elems, err := r.Run(ctx, step.Parents[0], -1)
		if err != nil {
			return nil, err
		}
		local := rd.Context().Local().Parallelize(elems, 1)
		var sorted *rdd.RDD
		var out []any
		err = rdd.Try(func() {
			if step.Method == "SortBy" {
				sorted = local.SortBy(step.Args[0], step.Args[1].(bool), step.Args[2].([]int)...)
			} else {
				sorted = local.SortByKey(step.Args[0].(bool), step.Args[1].([]int)...)
			}
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
	if m := rd.Step().Method; m == "SortBy" || m == "SortByKey" {
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
	if m := rd.Step().Method; m == "SortBy" || m == "SortByKey" {
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
		s := t.s.Scope("SaveAsTextFile")
		t.commitFiles(s, dir, apache.ParDo(s, member(t, &saveFn{Dir: dir, Codec: codec}), col))
	})
	if err != nil {
		return err
	}
	return publish(ctx, dir, path, codec)
}
