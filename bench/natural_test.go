package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/fileio/warc"
)

// tinyNaturalConfig writes a small letters corpus and two small WET files
// and returns the configuration that reads them.
func tinyNaturalConfig(t *testing.T) naturalConfig {
	t.Helper()
	dir := t.TempDir()
	cfg := naturalConfig{
		letters:   filepath.Join(dir, "letters.txt"),
		cacheRoot: filepath.Join(dir, "cache"),
		scripts:   "pysparkling",
		repeat:    1, repeatSlow: 1,
	}
	if err := writeLetterCorpus(cfg.letters, 64<<10); err != nil {
		t.Fatal(err)
	}
	texts := map[string][]string{
		"eng": {"The city of the river, the market.", "Data about the world: 3 years of data!"},
		"deu": {"Die Stadt und der Fluss. Über die Welt und die Menschen.", "Der Markt, die Musik."},
	}
	for i, lang := range []string{"eng", "deu"} {
		path := filepath.Join(dir, fmt.Sprintf("part-%d.warc.wet.gz", i))
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := warc.NewWriter(f, true)
		if _, _, err := w.WriteRecord([]warc.Field{{Name: "WARC-Type", Value: "warcinfo"}}, []byte("software: bench test\r\n")); err != nil {
			t.Fatal(err)
		}
		for j, text := range texts[lang] {
			fields := []warc.Field{
				{Name: "WARC-Type", Value: "conversion"},
				{Name: "WARC-Target-URI", Value: fmt.Sprintf("https://example.com/%s/%d", lang, j)},
				{Name: "WARC-Identified-Content-Language", Value: lang + ",fra"},
			}
			if _, _, err := w.WriteRecord(fields, []byte(text)); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		cfg.wet = append(cfg.wet, path)
	}
	return cfg
}

// TestNaturalCellsAgree runs every natural cell interpreted, as a Go
// program with rdd and as a plain Go loop, and, when PYSPARKLING names a
// pysparkling checkout, as its pysparkling script: all must give the same
// result. Without -short and unless GOSPARKLING_COMPILE=off (as make
// test sets it), the cells also run with their functions compiled
// (GOSPARKLING_COMPILE=wait), which builds plugins: seconds each once Go's
// build cache holds gosparkling's packages for plugins, minutes before.
func TestNaturalCellsAgree(t *testing.T) {
	cfg := tinyNaturalConfig(t)
	cfg.python, cfg.checkout, cfg.why = findPysparkling(defaultPython(), os.Getenv("PYSPARKLING"))
	_, goErr := exec.LookPath("go")
	compiled := !testing.Short() && goErr == nil && os.Getenv("GOSPARKLING_COMPILE") != "off"
	if compiled && os.Getenv("GOCACHE") == "" {
		// The sessions' XDG_CACHE_HOME would move Go's build cache too.
		if out, err := exec.Command("go", "env", "GOCACHE").Output(); err == nil {
			t.Setenv("GOCACHE", strings.TrimSpace(string(out)))
		}
	}
	for _, c := range naturalCells {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("GOSPARKLING_COMPILE", "")
			t.Setenv("XDG_CACHE_HOME", "")
			input := cfg.input(c)
			_, want, _, err := runNaturalSession(cfg, c.source(input), interpreted)
			if err != nil {
				t.Fatalf("interpreted: %v", err)
			}
			got := map[contender]string{}
			if got[goRDD], err = c.rdd(input); err != nil {
				t.Fatalf("Go with rdd: %v", err)
			}
			if c.plain != nil {
				if got[plainGo], err = c.plain(input); err != nil {
					t.Fatalf("plain Go: %v", err)
				}
			}
			if compiled {
				if _, got["compiled"], _, err = runNaturalSession(cfg, c.source(input), "fill"); err != nil {
					t.Fatalf("compiled: %v", err)
				}
			}
			if cfg.python != "" {
				if _, got[pysparkling], err = runPython(cfg, c); err != nil {
					t.Fatalf("pysparkling: %v", err)
				}
			}
			for k, check := range got {
				if check != want {
					t.Errorf("%s gives %q, the interpreted cell %q", k, check, want)
				}
			}
		})
	}
	if !compiled {
		t.Log("the compiled cells were not run: -short, GOSPARKLING_COMPILE=off or no Go toolchain")
	}
	if cfg.python == "" {
		t.Logf("pysparkling was not run: %s", cfg.why)
	}
}

func TestNaturalTargets(t *testing.T) {
	s := func(secs float64) []time.Duration { return []time.Duration{time.Duration(secs * float64(time.Second))} }
	tests := []struct {
		name                                      string
		interp, first, second, python, goProgram  []time.Duration
		pythonRatio, goRatio, firstRatio, comment string
	}{
		{
			name:   "every target met",
			interp: s(20), first: s(8), second: s(1), python: s(4), goProgram: s(0.8),
			pythonRatio: "4.0x, met", goRatio: "1.25x, met", firstRatio: "0.40x, met",
		},
		{
			name:   "slower than pysparkling and Go, slow first run",
			interp: s(12), first: s(7), second: s(2), python: s(4), goProgram: s(1),
			pythonRatio: "2.0x, **not met**", goRatio: "2.00x, **not met**", firstRatio: "0.58x, **not met**",
		},
		{
			name:   "a quick interpreted cell has no first-run target",
			interp: s(5), first: s(6), second: s(1), python: s(3), goProgram: s(1),
			pythonRatio: "3.0x, met", goRatio: "1.00x, met", firstRatio: "1.20x (under 10 s: no target)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := naturalResult{timings: map[contender]timing{
				interpreted: {runs: tt.interp}, firstCold: {runs: tt.first}, secondWarm: {runs: tt.second},
				pysparkling: {runs: tt.python}, goRDD: {runs: tt.goProgram},
			}}
			got := r.targets()
			want := []string{tt.pythonRatio, tt.goRatio, tt.firstRatio}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("targets %q, want %q", got, want)
			}
		})
	}
}

func TestMergeResultsKeepsTheOtherSection(t *testing.T) {
	rows := "# Benchmark results\n\n| row |\n"
	natural := naturalBegin + "\n## Natural cells\nnew\n" + naturalEnd + "\n"
	old := "# Benchmark results\n\n| old row |\n\n" + naturalBegin + "\nold\n" + naturalEnd + "\n"
	tests := []struct {
		name, old, rows, natural, want string
	}{
		{"both new", old, rows, natural, rows + "\n" + natural},
		{"only the natural cells keep the old rows", old, "", natural, "# Benchmark results\n\n| old row |\n\n" + natural},
		{"only rows keep the old natural cells", old, rows, "", rows + "\n" + naturalBegin + "\nold\n" + naturalEnd + "\n"},
		{"no old natural section", "# old\n", "", natural, "# old\n\n" + natural},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mergeResults(tt.old, tt.rows, tt.natural); got != tt.want {
				t.Errorf("mergeResults:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestMedianIsTheMiddleRun(t *testing.T) {
	tests := []struct {
		runs []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{3}, 3},
		{[]time.Duration{5, 1, 3}, 3},
		{[]time.Duration{4, 1, 3, 2}, 2},
	}
	for _, tt := range tests {
		if got := (timing{runs: tt.runs}).median(); got != tt.want {
			t.Errorf("median of %v = %v, want %v", tt.runs, got, tt.want)
		}
	}
}
