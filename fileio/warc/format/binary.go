package warc

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// recordEncodingVersion starts a record's binary encoding.
const recordEncodingVersion = 1

// MarshalBinary encodes the record, its fields and the file it came from (the name its
// errors give), so that a record leaves memory (a cache's disk tier, a shuffle's spill, a
// Beam pipeline) and comes back whole. The parsed HTTP message is not encoded: HTTP
// parses the block again when it is first asked for.
func (r Record) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, len(r.Body)+64*len(r.Headers)+64)
	b = append(b, recordEncodingVersion)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(r.Version)
	if r.Headers == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
	}
	b = binary.AppendUvarint(b, uint64(len(r.Headers)))
	for _, f := range r.Headers {
		str(f.Name)
		str(f.Value)
	}
	if r.Body == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		str(string(r.Body))
	}
	if r.BodyTruncated {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendVarint(b, r.Offset)
	b = binary.AppendVarint(b, r.Length)
	str(r.path)
	return b, nil
}

var errShortRecord = errors.New("warc: truncated record encoding")

// UnmarshalBinary decodes what MarshalBinary encoded into r.
func (r *Record) UnmarshalBinary(data []byte) error {
	d := data
	fail := false
	uvarint := func() uint64 {
		x, n := binary.Uvarint(d)
		if n <= 0 {
			fail = true
			return 0
		}
		d = d[n:]
		return x
	}
	varint := func() int64 {
		x, n := binary.Varint(d)
		if n <= 0 {
			fail = true
			return 0
		}
		d = d[n:]
		return x
	}
	bytes := func() []byte {
		n := uvarint()
		if fail || uint64(len(d)) < n {
			fail = true
			return nil
		}
		s := d[:n:n]
		d = d[n:]
		return s
	}
	flag := func() bool {
		if len(d) == 0 {
			fail = true
			return false
		}
		f := d[0]
		d = d[1:]
		return f == 1
	}
	if len(d) == 0 || d[0] != recordEncodingVersion {
		return fmt.Errorf("warc: not a record encoding (version byte %v)", d[:min(len(d), 1)])
	}
	d = d[1:]
	var out Record
	out.Version = string(bytes())
	headers := flag()
	n := uvarint()
	if n > uint64(len(d)) {
		return errShortRecord
	}
	if headers {
		out.Headers = make([]Field, n)
		for i := range out.Headers {
			out.Headers[i] = Field{Name: string(bytes()), Value: string(bytes())}
		}
	}
	if flag() {
		out.Body = append([]byte{}, bytes()...)
	}
	out.BodyTruncated = flag()
	out.Offset = varint()
	out.Length = varint()
	out.path = string(bytes())
	if fail {
		return errShortRecord
	}
	if len(d) != 0 {
		return errors.New("warc: bytes left after a record's encoding")
	}
	*r = out
	return nil
}
