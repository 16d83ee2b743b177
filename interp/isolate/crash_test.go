package isolate

import (
	"strings"
	"testing"
)

// Reports as the Go runtime writes them, cut to what matters.
func TestParseCrashReport(t *testing.T) {
	cases := []struct {
		name       string
		log        string
		ename      string
		evalue     string
		wantFrames []string
	}{
		{"concurrent map writes in interpreted code",
			"session: starting\nfatal error: concurrent map writes\n\ngoroutine 55 [running]:\n" +
				"internal/runtime/maps.fatal({0x2f6331c?, 0x0?})\n\t/usr/local/go/src/runtime/panic.go:1181 +0x18\n" +
				"reflect.mapassign0(0x2ce5a80, 0x2b84b80?)\n\t/usr/local/go/src/runtime/map.go:254 +0x1d\n" +
				"github.com/traefik/yaegi/interp.runCfg(0x1)\n\t/yaegi/interp/run.go:234 +0x265\n",
			"ConcurrentMapAccess", "concurrent map writes", nil},
		{"stack overflow",
			"runtime: goroutine stack exceeds 268435456-byte limit\nruntime: sp=0x1 stack=[0x1, 0x2]\n" +
				"fatal error: stack overflow\n\nruntime stack:\nruntime.throw({0x1})\n\t/go/src/runtime/panic.go:1229 +0x48\n\n" +
				"goroutine 7 [running]:\nreflect.Value.call({0x1})\n\t/go/src/reflect/value.go:473 +0x56c\n...2948 frames elided...\n",
			"StackOverflow", "stack overflow", nil},
		{"a panic in a compiled cell's goroutine",
			"panic: index out of range [recovered, repanicked]\n\ngoroutine 9 [running]:\n" +
				"panic({0x2f87a60?, 0x18f964ba4b70?})\n\t/usr/local/go/src/runtime/panic.go:860 +0x13a\n" +
				"plugin/unnamed-4f2a.parse(...)\n\t/tmp/gosparkling-compile/cell1.go:7 +0x1d\n" +
				"plugin/unnamed-4f2a.worker()\n\t/tmp/gosparkling-compile/cell1.go:12 +0x2a\n" +
				"created by plugin/unnamed-4f2a.Start in goroutine 1\n\t/tmp/gosparkling-compile/cell1.go:20 +0x2d\n",
			"GoroutinePanic", "index out of range",
			[]string{"plugin/unnamed-4f2a.parse (/tmp/gosparkling-compile/cell1.go:7)", "plugin/unnamed-4f2a.worker (/tmp/gosparkling-compile/cell1.go:12)"}},
		{"out of memory",
			"fatal error: runtime: out of memory\n\ngoroutine 1 [running]:\nruntime.throw({0x1})\n",
			"OutOfMemory", "runtime: out of memory", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			report := crashReport(tc.log)
			if report == "" || strings.Contains(report, "session: starting") {
				t.Fatalf("crashReport(%q) = %q", tc.log, report)
			}
			ename, evalue, _, frames := parseCrashReport(report)
			if ename != tc.ename || evalue != tc.evalue {
				t.Errorf("got %s: %s, want %s: %s", ename, evalue, tc.ename, tc.evalue)
			}
			var trimmed []string
			for _, f := range frames {
				trimmed = append(trimmed, strings.TrimSpace(f))
			}
			if strings.Join(trimmed, "\n") != strings.Join(tc.wantFrames, "\n") {
				t.Errorf("frames %q, want %q", trimmed, tc.wantFrames)
			}
		})
	}
	if got := crashReport("session: all is well\n"); got != "" {
		t.Errorf("a log without a crash gives report %q", got)
	}
}

func TestParseMemoryLimit(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		bad  bool
	}{
		{"8GiB", 8 << 30, false}, {"512MiB", 512 << 20, false}, {"2G", 2 << 30, false},
		{"1.5 GiB", 3 << 29, false}, {"1500000000", 1500000000, false}, {"none", -1, false},
		{"0", -1, false}, {"-3GiB", 0, true}, {"lots", 0, true}, {"150%", 0, true},
	}
	for _, tc := range cases {
		got, err := ParseMemoryLimit(tc.in)
		if (err != nil) != tc.bad || !tc.bad && got != tc.want {
			t.Errorf("ParseMemoryLimit(%q) = %d, %v; want %d (error: %v)", tc.in, got, err, tc.want, tc.bad)
		}
	}
}
