package kernel

import (
	"os/exec"
	"strings"
	"testing"
)

// The protocol package stays small: it talks to the interpreter through
// package cell only, and links neither the interpreter nor the engine
// nor what they bring (Arrow, the AWS SDK).
func TestKernelLinksNoInterpreter(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	forbidden := []string{
		"github.com/traefik/yaegi",
		"github.com/apache/arrow-go",
		"github.com/aws/",
		"github.com/gosparkling/gosparkling/interp",
		"github.com/gosparkling/gosparkling/rdd",
		"github.com/gosparkling/gosparkling/display",
		"github.com/gosparkling/gosparkling/fileio",
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("package kernel depends on %s", dep)
			}
		}
	}
}
