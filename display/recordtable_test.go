package display_test

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gosparkling/gosparkling/display"
)

// TestRecordTable: the first rows of a longer Arrow result are shown with the size of the
// whole, as %%sql cells show a query's result.
func TestRecordTable(t *testing.T) {
	rec, err := display.ToRecord([]struct {
		TLD   string
		Pages int
	}{{"com", 195}, {"io", 128}, {"de", 89}}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	tests := []struct {
		name  string
		total int64
		opts  display.Options
		want  []string
	}{
		{"the whole result", 3, display.Options{}, []string{"com", "de", "3 rows × 2 columns"}},
		{"the first rows of a million", 1_000_000, display.Options{}, []string{"com", "de", "1,000,000 rows × 2 columns"}},
		{"fewer rows shown", 3, display.Options{MaxRows: 2}, []string{"com", "io", "… 1 more row"}},
		{"a total below the rows given", 1, display.Options{}, []string{"de", "3 rows × 2 columns"}},
		{"a column missing", 3, display.Options{Columns: []string{"lang"}}, []string{`no column "lang"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, _ := display.RecordTable(rec, tt.total, tt.opts).MIMEBundle()["text/plain"].(string)
			for _, w := range tt.want {
				if !strings.Contains(plain, w) {
					t.Errorf("shows\n%s\nwant %q in it", plain, w)
				}
			}
		})
	}
}
