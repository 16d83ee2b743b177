//go:build beam

package symbols

// The beam package builds only with the beam tag, which yaegi extract
// cannot pass: genbeam extracts its table (go generate -tags beam).
// SetCompiler, which the gosparkling binary calls to give its Beam workers
// the interpreter of shipped functions, and whose parameter is of a type of
// internal/engine, is not for cells.
//go:generate go run ./genbeam -o github_com-gosparkling-gosparkling-beam.go -exclude ^SetCompiler$ github.com/gosparkling/gosparkling/beam
