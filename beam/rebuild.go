//go:build beam

package beam

import (
	"context"
	"fmt"

	"github.com/gosparkling/gosparkling/rdd"
)

// Two steps are not redone on a worker by calling their method with the
// arguments the notebook gave: ReadParquet's options are functions, so
// they travel as the names and arguments of the functions that made them;
// WarcRecords is a Context method whose index argument is the RDD the
// worker already has.

// travelingParquetOptions are the ReadParquet options a worker can make
// again from their arguments.
var travelingParquetOptions = map[string]func(args []any) (rdd.ParquetOption, error){
	"Columns": func(args []any) (rdd.ParquetOption, error) {
		names, ok := args[0].([]string)
		if !ok {
			return rdd.ParquetOption{}, fmt.Errorf("rdd.Columns option of %T", args[0])
		}
		return rdd.Columns(names...), nil
	},
	"Where": func(args []any) (rdd.ParquetOption, error) {
		column, ok1 := args[0].(string)
		values, ok2 := args[1].([]any)
		if !ok1 || !ok2 && args[1] != nil {
			return rdd.ParquetOption{}, fmt.Errorf("rdd.Where option of %T, %T", args[0], args[1])
		}
		return rdd.Where(column, values...), nil
	},
	// A struct type of a notebook cell arrives as a struct type with the
	// same fields and tags, which is the same type to the interpreter.
	"RowsAs": func(args []any) (o rdd.ParquetOption, err error) {
		err = rdd.Try(func() { o = rdd.RowsAs(args[0]) })
		return o, err
	},
	"MaxSplitBytes": func(args []any) (rdd.ParquetOption, error) {
		n, ok := args[0].(int64)
		if !ok {
			return rdd.ParquetOption{}, fmt.Errorf("MaxSplitBytes of %T", args[0])
		}
		return rdd.MaxSplitBytes(n), nil
	},
}

// parquetOptionSpecs returns ReadParquet's options as they travel: a
// []any{name, args} each.
func parquetOptionSpecs(opts []rdd.ParquetOption) ([]any, error) {
	specs := make([]any, 0, len(opts))
	for _, o := range opts {
		if travelingParquetOptions[o.Name()] == nil {
			return nil, fmt.Errorf("the option rdd.%s cannot travel to the workers: its function has no source (Where on partition columns skips directories too)", o.Name())
		}
		specs = append(specs, []any{o.Name(), o.Args()})
	}
	return specs, nil
}

// parquetOptions makes again the options of parquetOptionSpecs.
func parquetOptions(specs any) ([]rdd.ParquetOption, error) {
	list, _ := specs.([]any)
	opts := make([]rdd.ParquetOption, 0, len(list))
	for _, s := range list {
		spec, _ := s.([]any)
		if len(spec) != 2 {
			return nil, fmt.Errorf("rdd.ReadParquet: a bad option %v", s)
		}
		name, _ := spec[0].(string)
		args, _ := spec[1].([]any)
		remake := travelingParquetOptions[name]
		if remake == nil || len(args) == 0 {
			return nil, fmt.Errorf("rdd.ReadParquet: a bad option %v", s)
		}
		o, err := remake(args)
		if err != nil {
			return nil, fmt.Errorf("rdd.ReadParquet: option %w", err)
		}
		opts = append(opts, o)
	}
	return opts, nil
}

// rebuiltStep returns step as it travels when a worker cannot redo it
// from its recorded arguments; ok is false for the other steps.
func rebuiltStep(step rdd.Step) (_ rdd.Step, ok bool, err error) {
	switch m := methodOf(step); {
	case m.OptionFuncs:
		specs, err := parquetOptionSpecs(step.Options.Parquet)
		if err != nil {
			return step, true, err
		}
		return rdd.Step{Method: step.Method, Args: []any{step.Options.Paths, specs}}, true, nil
	case m.Source == rdd.SourceIndexed:
		return rdd.Step{Method: step.Method, Args: []any{step.Options.Root}}, true, nil
	}
	return step, false, nil
}

// callRebuilt redoes a step of rebuiltStep on recv (a Context for a
// source); ok is false for the other steps.
func callRebuilt(method string, recv any, args []any) (out *rdd.RDD, ok bool, err error) {
	switch m := methodOf(rdd.Step{Method: method}); {
	case m.OptionFuncs:
		sc, _ := recv.(*rdd.Context)
		paths, _ := args[0].(string)
		opts, err := parquetOptions(args[1])
		if sc == nil || err != nil {
			return nil, true, err
		}
		err = rdd.Try(func() { out = sc.ReadParquet(paths, opts...) })
		return out, true, err
	case m.Source == rdd.SourceIndexed:
		index, _ := recv.(*rdd.RDD)
		root, _ := args[0].([]string)
		if index == nil {
			return nil, true, fmt.Errorf("rdd.WarcRecords: no index RDD on the worker")
		}
		err = rdd.Try(func() { out = index.Context().WarcRecords(index, root...) })
		return out, true, err
	}
	return nil, false, nil
}

// warcRecordsOf returns an element step that fetches the record each
// index row points to, for WarcRecords after a shuffle.
func warcRecordsOf(args []any, next func(any, func(any)) error) func(any, func(any)) error {
	root, _ := args[0].([]string)
	sc := workerContext(1)
	return func(row any, emit func(any)) (err error) {
		var records *rdd.RDD
		if err := rdd.Try(func() { records = sc.WarcRecords(sc.Parallelize([]any{row}, 1), root...) }); err != nil {
			return err
		}
		var failed error
		err = rdds.RunPartition(records, context.Background(), 0, func(rec any) bool {
			failed = next(rec, emit)
			return failed == nil
		})
		if err != nil {
			return err
		}
		return failed
	}
}
