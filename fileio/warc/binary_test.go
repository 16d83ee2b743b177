package warc

import (
	"reflect"
	"testing"
)

func TestRecordsRoundTripThroughTheirBinaryEncoding(t *testing.T) {
	records := []Record{
		{},
		{Version: "WARC/1.1", Headers: []Field{}, Body: []byte{}, BodyTruncated: true, Offset: -1, Length: -1},
	}
	for _, r := range readFile(t, wgetGZ) {
		records = append(records, *r)
	}
	for i, r := range records {
		b, err := r.MarshalBinary()
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		var got Record
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		// DeepEqual compares the unexported fields too: the file the
		// record was read from comes back with it.
		if !reflect.DeepEqual(got, r) {
			t.Errorf("record %d came back as %+v, want %+v", i, got, r)
		}
		for n := range len(b) {
			if err := new(Record).UnmarshalBinary(b[:n]); err == nil {
				t.Fatalf("record %d: its first %d of %d bytes decode without an error", i, n, len(b))
			}
		}
	}
	// The parsed HTTP message is not carried: it is parsed again on demand.
	r := readFile(t, wgetGZ)[1]
	want := r.HTTPStatus()
	b, _ := r.MarshalBinary()
	var got Record
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if got.HTTPStatus() != want {
		t.Errorf("HTTPStatus after a round trip is %d, want %d", got.HTTPStatus(), want)
	}
}
