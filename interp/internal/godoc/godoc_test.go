package godoc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDir(t *testing.T) {
	dir := t.TempDir()
	src := `// Package demo is a demo.
package demo

// Answer is the answer.
const Answer = 42

// Greeter greets.
type Greeter struct{ Name string }

// Greet returns a greeting.
func (g Greeter) Greet() string { return "hi " + g.Name }

// New makes a Greeter.
func New(name string) Greeter { return Greeter{name} }
`
	if err := os.WriteFile(filepath.Join(dir, "demo.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, err := Dir(dir, "example.com/demo")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string][]string{
		"":              {"package demo", "is a demo"},
		"Answer":        {"const Answer = 42", "the answer"},
		"Greeter":       {"type Greeter struct", "greets"},
		"Greeter.Greet": {"func (g Greeter) Greet() string", "returns a greeting"},
		"New":           {"func New(name string) Greeter", "makes a Greeter"},
	}
	for key, wants := range tests {
		for _, w := range wants {
			if !strings.Contains(docs[key], w) {
				t.Errorf("docs[%q] = %q, lacks %q", key, docs[key], w)
			}
		}
		if strings.Contains(docs[key], "{ return") {
			t.Errorf("docs[%q] includes a body: %q", key, docs[key])
		}
	}
}
