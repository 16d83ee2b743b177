package interp

import (
	"strings"
	"sync"
	"testing"
)

// RDDs made on a goroutine that outlives its cell (a cell's `go`
// statement, a job of a Context kept by compiled code) read the running
// cell's name for their lineage while the next cell's Execute sets it.
// Under the race detector this fails when the name is not synchronized.
func TestCellNameIsSafeFromGoroutinesThatOutliveTheirCell(t *testing.T) {
	s := newSession(t)
	sc := s.Context()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				sc.Parallelize([]int{1})
			}
		}
	}()
	for i := 0; i < 20; i++ {
		if got := execute(t, s, "1"); got.err != nil {
			t.Fatalf("a cell run beside the goroutine failed: %+v", got.err)
		}
	}
	close(stop)
	wg.Wait()
	if got := execute(t, s, "sc.Parallelize([]int{1}).ToDebugString()"); got.err != nil || !strings.Contains(got.plain, "In [21]") {
		t.Errorf("lineage of the last cell: %+v", got)
	}
}
