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
	// The goroutines take the loop's value as an argument: reading i, a
	// variable the loop changes (yaegi has Go's loop variables before
	// 1.22), races. The WaitGroup's Wait is no expression, which a cell
	// runs as a program of its own: a goroutine that starts while the
	// interpreter starts a program races with it in yaegi (over the
	// channel that stops programs).
	cells := []string{
		"var wg sync.WaitGroup; for i := 0; i < 20; i++ { wg.Add(1); go func(n int) { defer wg.Done(); _ = n * 2 }(i) }; if true { wg.Wait() }",
		"for i := 0; i < 20; i++ { go func(n int) { _ = n * 2 }(i) }",
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
	// The cells check their results in the program that starts the
	// goroutine: a function value called on a goroutine while yaegi
	// starts the cell's next program (its last expression) races in
	// yaegi, as it did before the go statements were rewritten so.
	check := "\nif got != want { panic(fmt.Sprint(got, \" != \", want)) }"
	tests := []struct{ name, code, plain, err string }{
		{"untyped constant argument", "ch := make(chan float64)\ngo func(x float64) { ch <- x }(1)\ngot := <-ch\nwant := 1.0" + check, "", ""},
		{"declared function with arguments", "func send(ch chan int, n int) { ch <- n * 2 }\nch := make(chan int)\ngo send(ch, 21)\ngot := <-ch\nwant := 42" + check, "", ""},
		{"variadic function", "func total(ch chan int, xs ...int) { n := 0; for _, x := range xs { n += x }; ch <- n }\nch := make(chan int)\ngo total(ch, 1, 2, 3)\ngot := <-ch\nwant := 6" + check, "", ""},
		{"spread arguments", "ch := make(chan int)\nxs := []int{4, 5}\ngo total(ch, xs...)\ngot := <-ch\nwant := 9" + check, "", ""},
		{"method value", "type box struct{ ch chan string }\nfunc (b box) put(s string) { b.ch <- s }\nb := box{make(chan string)}\ngo b.put(\"m\")\ngot := <-b.ch\nwant := \"m\"" + check, "", ""},
		{"loop values", "ch := make(chan int, 10)\nfor i := 0; i < 10; i++ { go func(n int) { ch <- n }(i) }\ngot, want := 0, 45\nfor i := 0; i < 10; i++ { got += <-ch }" + check, "", ""},
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
