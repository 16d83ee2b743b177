package interp

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/rdd"
)

// The methods of types declared in leaf packages (rdd.Pair, warc.Record)
// show their docs, as those of their package.
func TestLeafTypesMethodDocs(t *testing.T) {
	for _, tt := range []struct {
		v    any
		name string
		want string
	}{
		{rdd.KV("a", 1), "String", "PySpark prints a tuple"},
		{&warc.Record{}, "TargetURI", "WARC-Target-URI"},
	} {
		if d := methodDoc(reflect.ValueOf(tt.v), tt.name); !strings.Contains(d, tt.want) {
			t.Errorf("methodDoc(%T, %s) = %q, want the embedded doc (%q)", tt.v, tt.name, d, tt.want)
		}
	}
}
