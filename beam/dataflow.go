//go:build beam

package beam

// Registers the "dataflow" runner for Options{Runner: "dataflow"}.
import _ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
