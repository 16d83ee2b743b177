package interp

import (
	"slices"
	"testing"
)

// TestSQLParameters: $var and {var} become numbered parameters, outside quotes and
// comments only, a variable used twice one parameter; DuckDB's own $1 stays.
func TestSQLParameters(t *testing.T) {
	tests := []struct {
		query, want string
		vars        []string
	}{
		{"SELECT 1", "SELECT 1", nil},
		{"SELECT * FROM t WHERE n > $min", "SELECT * FROM t WHERE n > $1", []string{"min"}},
		{"SELECT * FROM read_parquet({path}) WHERE a = {x} OR b = $x", "SELECT * FROM read_parquet($1) WHERE a = $2 OR b = $2", []string{"path", "x"}},
		{"SELECT '$x', \"{x}\" FROM t", "SELECT '$x', \"{x}\" FROM t", nil},
		{"SELECT 'it''s $x' AS s, $y", "SELECT 'it''s $x' AS s, $1", []string{"y"}},
		{"SELECT 1 -- $x\n, $y /* {z} */", "SELECT 1 -- $x\n, $1 /* {z} */", []string{"y"}},
		{"SELECT $1, {'a': 1}, {x: 2}", "SELECT $1, {'a': 1}, {x: 2}", nil},
		{"SELECT 'unterminated $x", "SELECT 'unterminated $x", nil},
	}
	for _, tt := range tests {
		got, vars := sqlParameters(tt.query)
		if got != tt.want || !slices.Equal(vars, tt.vars) {
			t.Errorf("sqlParameters(%q) = %q, %q; want %q, %q", tt.query, got, vars, tt.want, tt.vars)
		}
	}
}
