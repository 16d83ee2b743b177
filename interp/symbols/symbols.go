// Package symbols holds the yaegi symbol tables of gosparkling's own
// packages, so that notebook cells can import them. The tables are
// generated: run `go generate ./interp/symbols` after changing an exported
// API of those packages.
package symbols

import "reflect"

// Cells do not need what rdd offers Runners and interpreters: it stays out
// of their symbol tables and completion. That is its typed description of
// a lineage (Step, StepOptions, MethodOf, MethodInfo, StepKind and its Kind
// constants, the function shapes, element operations, source kinds,
// combiner forms and groupings). The engine plumbing is in internal/engine,
// no part of rdd's API; a worker's interpreter gets rdd.BroadcastOf, which
// shipped source names, on its own (interp's workerSymbols).
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -exclude ^Kind[A-Z],^StepKind$,^MethodOf$,^MethodInfo$,^FuncShape$,^Shape[A-Z],^ElementOp$,^Elem[A-Z],^SourceKind$,^Source[A-Z],^CombinerForm$,^Combine[A-Z],^Grouping$,^Group[A-Z],^StepOptions$,^Step$ github.com/gosparkling/gosparkling/rdd
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/display
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/fileio
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/fileio/warc
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/commoncrawl
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/sqlengine
//go:generate go run ./gendoc -o docs.go github.com/gosparkling/gosparkling/rdd=../../rdd github.com/gosparkling/gosparkling/rdd=../../rdd/kv github.com/gosparkling/gosparkling/display=../../display github.com/gosparkling/gosparkling/fileio=../../fileio github.com/gosparkling/gosparkling/fileio/warc=../../fileio/warc github.com/gosparkling/gosparkling/fileio/warc=../../fileio/warc/format github.com/gosparkling/gosparkling/commoncrawl=../../commoncrawl github.com/gosparkling/gosparkling/sqlengine=../../sqlengine

// Symbols maps "importpath/name" to the exported symbols of the package.
var Symbols = map[string]map[string]reflect.Value{}
