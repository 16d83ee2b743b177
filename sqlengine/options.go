package sqlengine

import "fmt"

// Option configures New.
type Option func(*config)

type config struct {
	memoryLimit int64
	threads     int
	tempDir     string
}

// MemoryLimit bounds the memory DuckDB takes for its data (its memory_limit setting), in
// bytes; past it, DuckDB spills to its temporary directory, or fails a query that cannot
// spill. Zero, the default, keeps DuckDB's own default: 80% of the machine's memory.
func MemoryLimit(bytes int64) Option {
	if bytes < 0 {
		panic(fmt.Sprintf("sqlengine.MemoryLimit: want at least 0 bytes, got %d", bytes))
	}
	return func(c *config) { c.memoryLimit = bytes }
}

// Threads sets how many threads DuckDB runs a query on; zero, the default, keeps
// DuckDB's: one per core.
func Threads(n int) Option {
	if n < 0 {
		panic(fmt.Sprintf("sqlengine.Threads: want at least 0 threads, got %d", n))
	}
	return func(c *config) { c.threads = n }
}

// TempDir sets the directory DuckDB spills to, which it makes when it first spills; by
// default one under os.TempDir, removed by Close.
func TempDir(dir string) Option {
	return func(c *config) { c.tempDir = dir }
}
