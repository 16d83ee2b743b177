//go:build !duckdb_arrow

package interp

// pluginTags are the build tags of the plugins of %%compile cells and compiled
// functions: the kernel's own (none: it was built without DuckDB).
const pluginTags = ""
