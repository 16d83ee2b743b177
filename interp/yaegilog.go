package interp

import (
	"bytes"
	"io"
	"log"
	"sync"
)

// yaegi v0.16.1 reports some compile failures with log.Panic, which
// prints the message on the standard logger before panicking: the line
// would land in the cell's standard error (the kernel captures the
// process's), next to the error the session makes of the panic. While
// the session compiles, the standard logger drops those lines and passes
// any other on.

// yaegiLogPanics are the messages of yaegi's log.Panic calls at compile
// time (scope.go, cfg.go).
var yaegiLogPanics = [][]byte{[]byte("nil reflect type\n"), []byte("nil type\n")}

var quietLog struct {
	mu    sync.Mutex
	depth int // compiles in progress, of all sessions
	prev  io.Writer
}

// quietYaegiLog makes the standard logger drop yaegi's log.Panic lines
// until the returned function is called.
func quietYaegiLog() (restore func()) {
	quietLog.mu.Lock()
	defer quietLog.mu.Unlock()
	if quietLog.depth == 0 {
		quietLog.prev = log.Writer()
		log.SetOutput(yaegiLogFilter{quietLog.prev})
	}
	quietLog.depth++
	return func() {
		quietLog.mu.Lock()
		defer quietLog.mu.Unlock()
		if quietLog.depth--; quietLog.depth == 0 {
			log.SetOutput(quietLog.prev)
		}
	}
}

// yaegiLogFilter passes on what the standard logger writes but yaegi's
// log.Panic lines.
type yaegiLogFilter struct{ next io.Writer }

func (f yaegiLogFilter) Write(p []byte) (int, error) {
	for _, msg := range yaegiLogPanics {
		if bytes.HasSuffix(p, msg) {
			return len(p), nil
		}
	}
	if bytes.Contains(p, []byte("compositeGenerator not implemented")) {
		return len(p), nil
	}
	return f.next.Write(p)
}
