//go:build beam

package symbols

// The beam package builds only with the beam tag, which yaegi extract
// cannot pass: genbeam extracts its table (go generate -tags beam).
//go:generate go run ./genbeam -o github_com-gosparkling-gosparkling-beam.go github.com/gosparkling/gosparkling/beam
