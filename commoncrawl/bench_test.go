package commoncrawl

import (
	"testing"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

// BenchmarkParsePage parses the whirlwind sample's page (74 KB of HTML): title, text and
// links in one pass.
func BenchmarkParsePage(b *testing.B) {
	var page *warc.Record
	for _, r := range readRecords(&testing.T{}, "whirlwind.warc.gz") {
		if r.Type() == warc.TypeResponse {
			page = r
		}
	}
	payload := page.Payload()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		ParsePage(page.TargetURI(), payload)
	}
}
