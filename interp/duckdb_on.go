//go:build duckdb_arrow

package interp

// pluginTags are the build tags of the plugins of %%compile cells and compiled
// functions: the kernel's own, so that a plugin importing sqlengine gets the DuckDB the
// kernel has (a package of a plugin must be the kernel's very package).
const pluginTags = "duckdb_arrow"
