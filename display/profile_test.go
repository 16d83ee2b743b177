package display

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

func TestProfile(t *testing.T) {
	type visit struct {
		Host   string
		Status int
		Bytes  float64
		Lang   *string
	}
	en, empty := "en", ""
	visits := make([]visit, 0, 10_000)
	for i := range 10_000 {
		v := visit{Host: fmt.Sprintf("host%d.org", i%100), Status: 200, Bytes: float64(i)}
		switch {
		case i%10 == 0:
			v.Status, v.Lang = 404, &empty
		case i%2 == 0:
			v.Lang = &en
		}
		visits = append(visits, v)
	}
	sc := rdd.NewContext(rdd.WithParallelism(2))
	tests := []struct {
		name string
		in   any
	}{
		{"a slice", visits},
		{"an RDD of 7 partitions", sc.Parallelize(visits, 7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Profile(tt.in)
			if r.Err() != nil {
				t.Fatal(r.Err())
			}
			b := r.MIMEBundle()
			text := b["text/plain"].(string)
			lines := strings.Split(text, "\n")
			want := []string{
				"Profile of 10,000 rows",
				"   column  type      count  nulls  empty  distinct  min  max   mean    top values",
				`0  Host    utf8     10,000      0      0  100                          "host0.org" (100), "host1.org" (100), "host10.org" (100)`,
				"1  Status  int64    10,000      0      0  ≈2        200  404   220.4",
				"2  Bytes   float64  10,000      0      0  ≈",
				`3  Lang    utf8       5000   5000   1000  2                            "en" (4,000), "" (1,000)`,
			}
			if len(lines) < len(want) {
				t.Fatalf("profile:\n%s", text)
			}
			for i, w := range want {
				if i == 4 { // distinct count of 10,000 values is an estimate
					if !regexp.MustCompile(`^2  Bytes   float64  10,000      0      0  ≈(9,[89]\d\d|10,[01]\d\d) +0 +9999  4999.5$`).MatchString(lines[i]) {
						t.Errorf("line %d = %q", i, lines[i])
					}
					continue
				}
				if strings.TrimRight(lines[i], " ") != w {
					t.Errorf("line %d = %q\nwant       %q", i, lines[i], w)
				}
			}
			h := b["text/html"].(string)
			if n := strings.Count(h, `class="gsp-spark"`); n != 2 {
				t.Errorf("%d histograms, want 2 (Status and Bytes)", n)
			}
			if strings.Contains(h, "<script") {
				t.Errorf("the profile has a script")
			}
		})
	}
}

func TestProfileDistinctIsClose(t *testing.T) {
	for _, n := range []int{10, 1000, 100_000} {
		words := make([]string, n)
		for i := range words {
			words[i] = fmt.Sprintf("w%d", i)
		}
		p := profileRows(source{n: n, at: func(i int) any { return words[i] }})
		if got := p.cols[0].distinct(); math.Abs(float64(got)-float64(n)) > 0.05*float64(n)+1 {
			t.Errorf("%d distinct words estimated as %d", n, got)
		}
	}
}

func TestProfileErrors(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"not tabular", 42, "display.Profile: a int is not tabular"},
		{"nil RDD", (*rdd.RDD)(nil), "display.Profile: a nil *rdd.RDD"},
		{"failing RDD", rdd.NewContext().Parallelize([]int{1, 0}).Map(func(x int) int { return 1 / x }), "integer divide by zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Profile(tt.in).Err()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestLargeTablesOfferTheirProfile checks what follows a table: nothing
// when it shows all its rows, the profile of all of them folded under a
// link (and a Profile button in the live table's data) when it shows
// some, and a hint of display.Profile when they are too many to profile
// while the table is shown.
func TestLargeTablesOfferTheirProfile(t *testing.T) {
	ints := func(n int) []int {
		v := make([]int, n)
		for i := range v {
			v[i] = i % 97
		}
		return v
	}
	tests := []struct {
		name      string
		v         any
		opts      Options
		link      string // "" for none
		profiling bool   // the data asks the script for a Profile button
	}{
		{"all rows shown", ints(DefaultMaxRows), Options{}, "", false},
		{"more rows than shown", ints(DefaultMaxRows + 1), Options{}, "Profile of all 21 rows", true},
		{"a static table", ints(50), Options{BrowserRows: -1, MaxRows: 10}, "Profile of all 50 rows", false},
		{"too many rows to profile at once", ints(maxProfiledRows + 1), Options{}, "display.Profile(…) profiles all 200,001 rows", false},
		{"an Arrow record, which Profile does not take", nil, Options{}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.v
			if v == nil {
				rec, err := ToRecord(ints(100), nil)
				if err != nil {
					t.Fatal(err)
				}
				defer rec.Release()
				v = rec
			}
			page := tt.opts.Bundle(v)["text/html"].(string)
			link := strings.Index(page, `class="gsp-profile-link"`)
			if tt.link == "" {
				if link >= 0 {
					t.Errorf("the table offers a profile:\n%.3000s", page[link:])
				}
				return
			}
			// The table's element ends before the link.
			if end := strings.Index(page, "</table>\n"); link < end || !strings.Contains(page[link:], tt.link) {
				t.Errorf("no %q after the table:\n%.3000s", tt.link, page)
			}
			if got := strings.Contains(page, `"profile":true`); got != tt.profiling {
				t.Errorf("the live table's Profile button: %v, want %v", got, tt.profiling)
			}
		})
	}
}
