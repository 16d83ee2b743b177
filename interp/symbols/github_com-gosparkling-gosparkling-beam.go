//go:build beam

// Written by hand, as yaegi extract would write it: the beam package is
// built only with the beam tag, which extract does not pass.

package symbols

import (
	"reflect"

	"github.com/gosparkling/gosparkling/beam"
)

func init() {
	Symbols["github.com/gosparkling/gosparkling/beam/beam"] = map[string]reflect.Value{
		// function, constant and variable definitions
		"IsWorker":     reflect.ValueOf(beam.IsWorker),
		"Main":         reflect.ValueOf(beam.Main),
		"New":          reflect.ValueOf(beam.New),
		"Prism":        reflect.ValueOf(beam.Prism),
		"RegisterType": reflect.ValueOf(beam.RegisterType),
		"SetCompiler":  reflect.ValueOf(beam.SetCompiler),

		// type definitions
		"Elem":    reflect.ValueOf((*beam.Elem)(nil)),
		"Options": reflect.ValueOf((*beam.Options)(nil)),
		"Runner":  reflect.ValueOf((*beam.Runner)(nil)),
	}
}
