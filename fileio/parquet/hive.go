package parquet

import (
	"net/url"
	"strings"
)

// Partition is one Hive-style partition directory of a path: "crawl=CC-MAIN-2024-22" is
// Key "crawl", Value "CC-MAIN-2024-22".
type Partition struct {
	Key, Value string
}

// PartitionOf parses the base name of a directory as a Hive partition, key=value, with
// the value %-unescaped as Hive and Spark escape it. ok is false for other names.
func PartitionOf(dir string) (p Partition, ok bool) {
	name := strings.TrimSuffix(dir, "/")
	name = name[strings.LastIndexByte(name, '/')+1:]
	key, value, found := strings.Cut(name, "=")
	if !found || key == "" || strings.HasPrefix(key, "_") || strings.HasPrefix(key, ".") {
		return Partition{}, false
	}
	if v, err := url.PathUnescape(value); err == nil {
		value = v
	}
	return Partition{Key: key, Value: value}, true
}

// Partitions returns the Hive partitions of the directories of a file's path, outermost
// first: ".../crawl=CC-MAIN-2024-22/subset=warc/part-00000.parquet" has crawl and subset.
// A key that occurs twice keeps its innermost value.
func Partitions(path string) []Partition {
	if i := strings.Index(path, "://"); i >= 0 {
		path = path[i+3:]
	}
	dirs := strings.Split(path, "/")
	var out []Partition
	for _, d := range dirs[:len(dirs)-1] {
		p, ok := PartitionOf(d)
		if !ok {
			continue
		}
		replaced := false
		for i := range out {
			if out[i].Key == p.Key {
				out[i].Value, replaced = p.Value, true
			}
		}
		if !replaced {
			out = append(out, p)
		}
	}
	return out
}
