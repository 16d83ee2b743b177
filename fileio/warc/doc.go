// Package warc reads and writes WARC files (ISO 28500, WARC 1.0 and 1.1), the format of web
// archives and of Common Crawl's WARC, WET (extracted text) and WAT (JSON metadata) files.
//
// A Reader streams the records of a file one at a time, whether the file is compressed with
// one gzip member per record (.warc.gz, .warc.wet.gz, .warc.wat.gz) or not at all (.warc):
//
//	r, err := warc.Open(ctx, "testdata/commoncrawl/whirlwind.warc.wet.gz")
//	if err != nil { ... }
//	defer r.Close()
//	for {
//		rec, err := r.Next()
//		if err == io.EOF {
//			break
//		}
//		if err != nil { ... }
//		if rec.Type() == warc.TypeConversion {
//			fmt.Println(rec.TargetURI(), rec.Languages(), len(rec.Text()))
//		}
//	}
//
// Each Record keeps its header fields in order and its content block in memory (Body; see
// Reader.MaxBodySize), and interprets the block on demand: the HTTP message of request and
// response records (HTTP, HTTPStatus, HTTPHeaders, Payload), the JSON of WAT metadata records
// (JSON), the text of WET conversion records (Text). Its Offset and Length locate it in the
// file: for gzip-per-record files they are the gzip member's offset and compressed length,
// Common Crawl's warc_record_offset and warc_record_length, and ReadRecordAt fetches exactly
// that range.
//
// A Writer writes records, uncompressed or one gzip member each, computing Content-Length
// and, if asked, WARC-Block-Digest.
//
// Errors name the file and the offset of the damaged record, e.g.
//
//	warc: x.warc.gz at offset 1023: truncated record: gzip member cut off after 4096 of the block's 74581 bytes
package warc
