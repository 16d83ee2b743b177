package rdd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"

	"github.com/gosparkling/gosparkling/fileio"
)

// Range returns the int64 numbers from start up to end (excluded), by
// step (stepAndSlices[0], default 1, may be negative), in
// stepAndSlices[1] partitions (default DefaultParallelism), sliced as
// Parallelize slices.
func (c *Context) Range(start, end int64, stepAndSlices ...int64) *RDD {
	step, k := int64(1), int64(c.parallelism)
	if len(stepAndSlices) > 0 {
		step = stepAndSlices[0]
	}
	if len(stepAndSlices) > 1 {
		k = stepAndSlices[1]
	}
	if step == 0 {
		panic("rdd.Range: step must not be 0")
	}
	if k < 1 {
		panic(fmt.Sprintf("rdd.Range: numSlices must be at least 1, got %d", k))
	}
	var n int64
	if step > 0 && end > start {
		n = (end - start + step - 1) / step
	} else if step < 0 && end < start {
		n = (start - end - step - 1) / -step
	}
	r := c.newRDD("ParallelCollectionRDD", "Range", nil)
	r.partitions = fixedPartitions(int(k))
	setSource(r, func(t *task, p int, emit func(int64) bool) {
		lo, hi := int64(p)*n/k, int64(p+1)*n/k
		for i := lo; i < hi; i++ {
			if t.stopped() || !emit(start+i*step) {
				return
			}
		}
	})
	r.sizes = func() ([]float64, bool, error) {
		w := make([]float64, k)
		for p := range w {
			w[p] = float64(int64(p+1)*n/k - int64(p)*n/k)
		}
		return w, true, nil
	}
	return record(r, "Range", nil, start, end, stepAndSlices)
}

// Broadcast is a read-only value shared with every task, as Spark's
// broadcast variables are. In one process it is simply shared memory:
// tasks must not change it.
type Broadcast struct {
	id    int
	value any
}

// Broadcast wraps value for use in tasks.
func (c *Context) Broadcast(value any) *Broadcast {
	return &Broadcast{id: int(c.nextRDDID.Add(1) - 1), value: value}
}

// Value returns the broadcast value.
func (b *Broadcast) Value() any { return b.value }

// ID returns the broadcast's identifier, unique within its Context.
func (b *Broadcast) ID() int { return b.id }

// Accumulator is a value that tasks add to and only the caller reads, as
// Spark's accumulators. It is safe for use by many goroutines.
type Accumulator struct {
	mu    sync.Mutex
	value reflect.Value
	add   func(acc, v reflect.Value) (reflect.Value, error)
}

// Accumulator returns an accumulator starting at zero, a number (Add adds
// numbers converted losslessly to zero's type; a complex zero adds complex
// and real numbers), a string (Add appends
// strings) or a slice (Add appends elements or slices of them).
func (c *Context) Accumulator(zero any) *Accumulator {
	if zero == nil {
		panic("rdd.Accumulator: zero must be a number (complex too), a string or a slice, got nil")
	}
	v := reflect.ValueOf(zero)
	t := v.Type()
	acc := &Accumulator{value: reflect.New(t).Elem()}
	acc.value.Set(v)
	switch {
	case classify(t.Kind()) != notNumber:
		acc.add = func(a, x reflect.Value) (reflect.Value, error) {
			xv, ok := convertValue(x.Interface(), t)
			if !ok {
				return a, fmt.Errorf("cannot add %s (value %v) to an accumulator of %s", x.Type(), x, t)
			}
			out := reflect.New(t).Elem()
			switch classify(t.Kind()) {
			case signedInt:
				out.SetInt(a.Int() + xv.Int())
			case unsignedInt:
				out.SetUint(a.Uint() + xv.Uint())
			default:
				out.SetFloat(a.Float() + xv.Float())
			}
			return out, nil
		}
	case t.Kind() == reflect.Complex64 || t.Kind() == reflect.Complex128:
		acc.add = func(a, x reflect.Value) (reflect.Value, error) {
			var c complex128
			switch {
			case x.Kind() == reflect.Complex64 || x.Kind() == reflect.Complex128:
				c = x.Complex()
			case classify(x.Kind()) != notNumber:
				f, ok := convertValue(x.Interface(), reflect.TypeOf(0.0))
				if !ok {
					return a, fmt.Errorf("cannot add %s (value %v) to an accumulator of %s without loss", x.Type(), x, t)
				}
				c = complex(f.Float(), 0)
			default:
				return a, fmt.Errorf("cannot add %s (value %v) to an accumulator of %s", x.Type(), x, t)
			}
			out := reflect.New(t).Elem()
			out.SetComplex(a.Complex() + c)
			return out, nil
		}
	case t.Kind() == reflect.String:
		acc.add = func(a, x reflect.Value) (reflect.Value, error) {
			if x.Kind() != reflect.String {
				return a, fmt.Errorf("cannot add %s to an accumulator of %s", x.Type(), t)
			}
			return reflect.ValueOf(a.String() + x.String()).Convert(t), nil
		}
	case t.Kind() == reflect.Slice:
		acc.add = func(a, x reflect.Value) (reflect.Value, error) {
			if x.Type().AssignableTo(t) {
				return reflect.AppendSlice(a, x), nil
			}
			if e, ok := convertValue(x.Interface(), t.Elem()); ok {
				return reflect.Append(a, e), nil
			}
			return a, fmt.Errorf("cannot add %s to an accumulator of %s", x.Type(), t)
		}
	default:
		panic(fmt.Sprintf("rdd.Accumulator: zero must be a number (complex too), a string or a slice; a %s cannot be added to", t))
	}
	return acc
}

// Add adds v to the accumulator. A value that does not fit panics; inside
// a task that fails the job with a clear message.
func (a *Accumulator) Add(v any) {
	if v == nil {
		panic(fmt.Sprintf("rdd.Accumulator.Add: cannot add nil to an accumulator of %s", a.value.Type()))
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	next, err := a.add(a.value, reflect.ValueOf(v))
	if err != nil {
		panic("rdd.Accumulator.Add: " + err.Error())
	}
	a.value = next
}

// Value returns the accumulated value.
func (a *Accumulator) Value() any {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.value.Interface()
}

// Pipe sends each partition's elements, one fmt.Sprint per line, to the
// standard input of command and returns the lines of its standard output.
// command is split into words as a shell would (quotes and backslashes)
// but runs without a shell; env adds environment variables. A command
// that exits with an error fails the job, with its standard error.
func (r *RDD) Pipe(command string, env ...map[string]string) *RDD {
	argv, err := splitCommand(command)
	if err != nil || len(argv) == 0 {
		panic(fmt.Sprintf("rdd.Pipe: cannot parse command %q: %v", command, err))
	}
	environ := os.Environ()
	for _, e := range env {
		for k, v := range e {
			environ = append(environ, k+"="+v)
		}
	}
	out := r.sc.newRDD("PipedRDD", "Pipe", []dependency{{rdd: r}})
	out.partitions = r.numPartitions
	out.compute = func(t *task, p int, emit func(any) bool) {
		pipePartition(t, r, p, argv, environ, emit)
	}
	return record(out, "Pipe", []*RDD{r}, command, env)
}

func pipePartition(t *task, r *RDD, p int, argv, environ []string, emit func(any) bool) {
	ctx, cancel := context.WithCancel(t.job.ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = environ
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		failTask(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		failTask(err)
	}
	if err := cmd.Start(); err != nil {
		failTaskf("rdd.Pipe: starting %q: %v", strings.Join(argv, " "), err)
	}
	// The writer runs the parent's computation on its own goroutine and
	// hands any failure back to this task.
	writeErr := make(chan error, 1)
	go func() {
		var err error
		defer func() {
			if rec := recover(); rec != nil {
				err = recoveredError(rec)
			}
			stdin.Close()
			writeErr <- err
		}()
		w := bufio.NewWriter(stdin)
		wt := &task{job: t.job, partition: p}
		r.iterate(wt, p, func(x any) bool {
			fmt.Fprintln(w, x)
			return ctx.Err() == nil
		})
		w.Flush()
	}()
	lines := fileio.NewLineReader(stdout)
	stoppedEarly := false
	for lines.Next() {
		if t.stopped() || !emit(lines.Text()) {
			stoppedEarly = true
			cancel()
			break
		}
	}
	if stoppedEarly {
		for lines.Next() { // drain so the command can end
		}
	}
	werr := <-writeErr
	waitErr := cmd.Wait()
	switch {
	case stoppedEarly || t.stopped():
		return
	case werr != nil && !errors.Is(werr, os.ErrClosed):
		failTask(werr)
	case waitErr != nil:
		failTaskf("rdd.Pipe: %q failed: %v: %s", strings.Join(argv, " "), waitErr, shorten(strings.TrimSpace(stderr.String()), 500))
	}
}

// splitCommand splits a command line into words: whitespace separates
// words, single quotes keep text as is, double quotes keep text but
// backslash escapes, and a backslash outside quotes escapes the next
// character.
func splitCommand(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("unterminated single quote")
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("unterminated double quote")
			}
			inWord = true
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
