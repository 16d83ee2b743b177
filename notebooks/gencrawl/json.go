package main

import (
	"bytes"
	"encoding/json"
)

// object is a JSON object whose members keep their order, as in Common Crawl's WAT files
// (encoding/json sorts the keys of maps).
type object []member

type member struct {
	Key   string
	Value any // a string, number, bool, object or []object
}

// appendJSON appends v to b as compact JSON, HTML characters unescaped as Common Crawl
// writes them.
func appendJSON(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case object:
		b.WriteByte('{')
		for i, m := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			appendJSON(b, m.Key)
			b.WriteByte(':')
			appendJSON(b, m.Value)
		}
		b.WriteByte('}')
	case []object:
		b.WriteByte('[')
		for i, o := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			appendJSON(b, o)
		}
		b.WriteByte(']')
	default:
		enc := json.NewEncoder(b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			panic(err) // only strings, numbers and bools reach here
		}
		b.Truncate(b.Len() - 1) // Encode's newline
	}
}
