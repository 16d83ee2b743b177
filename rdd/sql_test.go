package rdd_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

// fakeEngine is an rdd.SQLEngine without SQL: a query names a view, whose elements are
// its rows (one column, "value"), or is "fail", or "numbers", two columns of rows.
type fakeEngine struct {
	mu    sync.Mutex
	views map[string]*rdd.TempView
	args  [][]any
}

func (e *fakeEngine) Query(ctx context.Context, query string, args []any, row func([]string, []any) bool) error {
	e.mu.Lock()
	e.args = append(e.args, args)
	view := e.views[query]
	e.mu.Unlock()
	switch {
	case query == "fail":
		return errors.New("Parser Error: syntax error at or near \"fail\"")
	case query == "numbers":
		for i := range 3 {
			if !row([]string{"n", "name"}, []any{i, fmt.Sprint("n", i)}) {
				return nil
			}
		}
		return nil
	case view != nil:
		errStop := errors.New("stop")
		err := view.Stream(ctx, 2, func(batch []any) error {
			for _, x := range batch {
				if !row([]string{"value"}, []any{x}) {
					return errStop
				}
			}
			return nil
		})
		if errors.Is(err, errStop) {
			return nil
		}
		return err
	}
	return fmt.Errorf("Catalog Error: Table with name %s does not exist", query)
}

func (e *fakeEngine) CreateOrReplaceTempView(name string, view *rdd.TempView) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.views == nil {
		e.views = map[string]*rdd.TempView{}
	}
	e.views[name] = view
	return nil
}

type numbered struct {
	N    int
	Name string
}

// TestSQLThroughAnEngine: SQL and CreateOrReplaceTempView hand their work to the
// Context's engine: rows become maps or structs, arguments are passed on, views stream
// their RDD's elements, all partitions, in batches, and the engine's errors fail the job
// with its message.
func TestSQLThroughAnEngine(t *testing.T) {
	engine := &fakeEngine{}
	sc := rdd.NewContext(rdd.WithSQL(engine), rdd.WithParallelism(3))
	defer sc.Stop()
	sc.Parallelize([]string{"a", "b", "c", "d", "e", "f", "g"}, 3).CreateOrReplaceTempView("letters")

	tests := []struct {
		name string
		r    *rdd.RDD
		want []any
	}{
		{"rows as maps", sc.SQL("numbers"), []any{
			map[string]any{"n": 0, "name": "n0"}, map[string]any{"n": 1, "name": "n1"}, map[string]any{"n": 2, "name": "n2"}}},
		{"rows as structs", sc.SQL("numbers", rdd.RowsAs(numbered{})), []any{numbered{0, "n0"}, numbered{1, "n1"}, numbered{2, "n2"}}},
		{"a view's elements", sc.SQL("letters").Map(func(row map[string]any) string { return row["value"].(string) }),
			[]any{"a", "b", "c", "d", "e", "f", "g"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.Collect()
			sort.Slice(got, func(i, j int) bool { return fmt.Sprint(got[i]) < fmt.Sprint(got[j]) })
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("arguments", func(t *testing.T) {
		engine.args = nil
		sc.SQL("numbers", 7, "x", rdd.RowsAs(numbered{})).Count()
		if len(engine.args) != 1 || !slices.Equal(engine.args[0], []any{7, "x"}) {
			t.Errorf("the engine got %v, want [[7 x]]: RowsAs is no argument", engine.args)
		}
	})
	t.Run("a stopped view", func(t *testing.T) {
		if got := sc.SQL("letters").Take(3); len(got) != 3 {
			t.Errorf("Take(3) = %v", got)
		}
		if n := sc.ActiveJobs(); n != 0 {
			t.Errorf("%d jobs still run after the query stopped reading its view", n)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for query, want := range map[string]string{"fail": "syntax error", "nowhere": "Table with name nowhere does not exist"} {
			_, err := rdd.Catch(sc.SQL(query).Collect)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %v, want one containing %q", query, err, want)
			}
		}
	})
	t.Run("a cancelled view", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := rdd.Catch(sc.WithJobContext(ctx).SQL("letters").Collect)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want one caused by context.Canceled", err)
		}
	})
}

// TestSQLWithoutAnEngine: on a Context without an engine, SQL and
// CreateOrReplaceTempView panic saying how to get one.
func TestSQLWithoutAnEngine(t *testing.T) {
	sc := rdd.NewContext()
	defer sc.Stop()
	for name, f := range map[string]func(){
		"SQL":                     func() { sc.SQL("SELECT 1") },
		"CreateOrReplaceTempView": func() { sc.Parallelize([]int{1}).CreateOrReplaceTempView("one") },
	} {
		func() {
			defer func() {
				if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), "rdd.WithSQL") {
					t.Errorf("%s: panic %v, want one naming rdd.WithSQL", name, p)
				}
			}()
			f()
		}()
	}
}
