package rdd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestSpillDirectoriesOfDeadProcessesAreRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{ // name -> kept
		fmt.Sprintf("gosparkling-spill-%d-123", dead.Process.Pid): false,
		fmt.Sprintf("gosparkling-spill-%d-456", os.Getpid()):      true,
		fmt.Sprintf("gosparkling-spill-%d-789", os.Getppid()):     true,
		"gosparkling-spill-1234567":                               true, // not named by a process: left alone
	}
	for name := range dirs {
		if err := os.Mkdir(filepath.Join(tmp, name), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	sc := NewContext() // a Context's start removes them
	defer sc.Stop()
	for name, kept := range dirs {
		_, err := os.Stat(filepath.Join(tmp, name))
		if (err == nil) != kept {
			t.Errorf("%s: kept %v, want %v", name, err == nil, kept)
		}
	}
}

func TestADroppedContextGivesItsSpillDirectoryBack(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dir := func() string {
		sc := NewContext()
		sc.Parallelize([]any{1, 2, 3}, 1).Persist(DiskOnly).Count()
		dir, err := sc.spillDirectory()
		if err != nil {
			t.Fatal(err)
		}
		return dir // sc is dropped without Stop, as a notebook's `sc = rdd.NewContext()` drops the old one
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still exists", dir)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
