package valuekind

import "testing"

// TestColumn: the column types that tables and Parquet files infer.
func TestColumn(t *testing.T) {
	set := func(ks ...Kind) Set {
		var s Set
		for _, k := range ks {
			s |= 1 << k
		}
		return s
	}
	tests := []struct {
		name     string
		seen     Set
		negative bool
		want     Kind
	}{
		{"nothing", 0, false, Null},
		{"integers", set(Int), true, Int},
		{"big unsigned integers", set(Int, Uint), false, Uint},
		{"big unsigned integers and negative ones", set(Int, Uint), true, Other},
		{"float32 alone", set(Float32), false, Float32},
		{"float32 and float64", set(Float32, Float64), false, Float64},
		{"integers and floats", set(Int, Float32), false, Float64},
		{"strings", set(String), false, String},
		{"times", set(Time), false, Time},
		{"durations", set(Duration), false, Duration},
		{"bytes", set(Bytes), false, Bytes},
		{"bools", set(Bool), false, Bool},
		{"strings and numbers", set(String, Int), false, Other},
		{"other values", set(Other), false, Other},
		{"numbers and other values", set(Int, Other), false, Other},
	}
	for _, tt := range tests {
		if got := tt.seen.Column(tt.negative); got != tt.want {
			t.Errorf("%s: Column = %d, want %d", tt.name, got, tt.want)
		}
	}
}
