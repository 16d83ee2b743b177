// Package symbols holds the yaegi symbol tables of gosparkling's own
// packages, so that notebook cells can import them. The tables are
// generated: run `go generate ./interp/symbols` after changing an exported
// API of those packages.
package symbols

import "reflect"

// rdd's engine plumbing is for interpreters and Runners, not for cells: it
// stays out of their symbol tables and completion. That is its vocabulary
// of methods (StepKind and its Kind constants, MethodOf, MethodInfo, the
// function shapes, element operations, source kinds, combiner forms and
// groupings, StepOptions) and the adapters and types Runners and plugins
// use (UnaryFunc, BinaryFunc, PredicateFunc, FlatFunc, GuardPanic,
// RecoveredError, BuiltinFunc, CloneValue, FuncProgram, FuncSource,
// FuncTier, Step). Plugins of compiled cell functions import package rdd
// as compiled Go, and reach them there. BroadcastOf stays: the Go source of
// a shipped function, which a worker interprets, names it.
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -exclude ^Kind[A-Z],^StepKind$,^MethodOf$,^MethodInfo$,^FuncShape$,^Shape[A-Z],^ElementOp$,^Elem[A-Z],^SourceKind$,^Source[A-Z],^CombinerForm$,^Combine[A-Z],^Grouping$,^Group[A-Z],^StepOptions$,^UnaryFunc$,^BinaryFunc$,^PredicateFunc$,^FlatFunc$,^GuardPanic$,^RecoveredError$,^BuiltinFunc$,^CloneValue$,^FuncProgram$,^FuncSource$,^FuncTier$,^Step$ github.com/gosparkling/gosparkling/rdd
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/display
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/fileio
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/fileio/warc
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/commoncrawl
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/sqlengine
//go:generate go run ./gendoc -o docs.go github.com/gosparkling/gosparkling/rdd=../../rdd github.com/gosparkling/gosparkling/rdd=../../rdd/kv github.com/gosparkling/gosparkling/display=../../display github.com/gosparkling/gosparkling/fileio=../../fileio github.com/gosparkling/gosparkling/fileio/warc=../../fileio/warc github.com/gosparkling/gosparkling/fileio/warc=../../fileio/warc/format github.com/gosparkling/gosparkling/commoncrawl=../../commoncrawl github.com/gosparkling/gosparkling/sqlengine=../../sqlengine

// Symbols maps "importpath/name" to the exported symbols of the package.
var Symbols = map[string]map[string]reflect.Value{}
