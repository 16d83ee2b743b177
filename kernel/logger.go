package kernel

import (
	"fmt"
	"log"
	"strings"
)

// kvLogger writes leveled lines "LEVEL msg key=value ..." to a
// *log.Logger.
type kvLogger struct {
	l *log.Logger
}

func (k kvLogger) Info(msg string, kv ...any)  { k.print("INFO", msg, kv) }
func (k kvLogger) Warn(msg string, kv ...any)  { k.print("WARN", msg, kv) }
func (k kvLogger) Error(msg string, kv ...any) { k.print("ERROR", msg, kv) }

func (k kvLogger) print(level, msg string, kv []any) {
	var b strings.Builder
	b.WriteString(level)
	b.WriteByte(' ')
	b.WriteString(msg)
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, " %v=%q", kv[i], fmt.Sprint(kv[i+1]))
	}
	k.l.Print(b.String())
}
