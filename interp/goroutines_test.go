package interp

import (
	"strings"
	"testing"
)

// Cells that start many short goroutines, repeated, once killed the
// process now and then with "reflect.Value.Call: call of nil function"
// on a goroutine yaegi had started; the cells' go statements now start
// their goroutines from compiled code.
func TestCellsStartingManyGoroutinesRepeatedly(t *testing.T) {
	s := newSession(t)
	cells := []string{
		"var wg sync.WaitGroup; for i := 0; i < 20; i++ { wg.Add(1); go func() { defer wg.Done(); _ = i * 2 }() }; wg.Wait()",
		"for i := 0; i < 20; i++ { go func() { _ = i * 2 }() }",
	}
	for i := 0; i < 60; i++ {
		for _, code := range cells {
			if got := execute(t, s, code); got.err != nil {
				t.Fatalf("run %d of %q: %v", i, code, got.err)
			}
		}
	}
}

func TestGoStatementsKeepGoSemantics(t *testing.T) {
	s := newSession(t)
	tests := []struct{ name, code, plain, err string }{
		{"untyped constant argument", "ch := make(chan float64)\ngo func(x float64) { ch <- x }(1)\n<-ch", "1", ""},
		{"declared function with arguments", "func send(ch chan int, n int) { ch <- n * 2 }\nch := make(chan int)\ngo send(ch, 21)\n<-ch", "42", ""},
		{"variadic function", "func total(ch chan int, xs ...int) { n := 0; for _, x := range xs { n += x }; ch <- n }\nch := make(chan int)\ngo total(ch, 1, 2, 3)\n<-ch", "6", ""},
		{"spread arguments", "ch := make(chan int)\nxs := []int{4, 5}\ngo total(ch, xs...)\n<-ch", "9", ""},
		{"method value", "type box struct{ ch chan string }\nfunc (b box) put(s string) { b.ch <- s }\nb := box{make(chan string)}\ngo b.put(\"m\")\n<-b.ch", "m", ""},
		{"builtin", "c := make(chan int)\ngo close(c)\nfor range c {}\n\"closed\"", "closed", ""},
		{"wrong argument type is a compile error", "go send(make(chan int), \"x\")", "", "cannot"},
		{"panic", "done := make(chan bool)\ngo func() { defer close(done); panic(\"boom\") }()\n<-done", "", "in a goroutine: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := execute(t, s, tt.code)
			if tt.err != "" {
				if got.err == nil || !strings.Contains(got.err.Value, tt.err) {
					t.Fatalf("got %+v (%v), want an error with %q", got, got.err, tt.err)
				}
				return
			}
			if got.err != nil || got.plain != tt.plain {
				t.Errorf("got %q, %v; want %q", got.plain, got.err, tt.plain)
			}
		})
	}
}
