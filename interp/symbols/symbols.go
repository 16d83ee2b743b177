// Package symbols holds the yaegi symbol tables of gosparkling's own
// packages, so that notebook cells can import them. The tables are
// generated: run `go generate ./interp/symbols` after changing an exported
// API of those packages.
package symbols

import "reflect"

// rdd's vocabulary of methods (StepKind, its Kind constants, MethodOf) is
// for interpreters and Runners, not for cells: it stays out of their
// completion.
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -exclude ^Kind[A-Z],^StepKind$,^MethodOf$,^MethodInfo$ github.com/gosparkling/gosparkling/rdd
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/display
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/fileio
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/fileio/warc
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/commoncrawl
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gosparkling/gosparkling/sqlengine
//go:generate go run ./gendoc -o docs.go github.com/gosparkling/gosparkling/rdd=../../rdd github.com/gosparkling/gosparkling/display=../../display github.com/gosparkling/gosparkling/fileio=../../fileio github.com/gosparkling/gosparkling/fileio/warc=../../fileio/warc github.com/gosparkling/gosparkling/commoncrawl=../../commoncrawl github.com/gosparkling/gosparkling/sqlengine=../../sqlengine

// Symbols maps "importpath/name" to the exported symbols of the package.
var Symbols = map[string]map[string]reflect.Value{}
