package cell_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/gosparkling/gosparkling/cell"
)

// A kernel names the cell it runs; the RDDs the cell makes read the name
// back for their lineage.
func ExampleWithName() {
	ctx := cell.WithName(context.Background(), "In [7]")
	fmt.Println(cell.Name(ctx))
	fmt.Printf("%q\n", cell.Name(context.Background()))
	// Output:
	// In [7]
	// ""
}

// A failed cell's error carries what Jupyter's error reply shows.
func ExampleError() {
	var err error = &cell.Error{Name: "JobError", Value: "task 3 failed", Traceback: []string{"In [2], line 1"}}
	var ce *cell.Error
	if errors.As(err, &ce) {
		fmt.Println(ce.Name, "|", ce.Value, "|", ce.Traceback[0])
	}
	fmt.Println(err)
	// Output:
	// JobError | task 3 failed | In [2], line 1
	// JobError: task 3 failed
}
