package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gosparkling/gosparkling/interp"
	"github.com/gosparkling/gosparkling/rdd"
)

// Tiered execution: cells whose functions are not of the few shapes the
// session replaces by compiled ones run interpreted, until the session
// has built them as plugins in the background (interp/tiered.go). Each
// such cell is measured interpreted (GOSPARKLING_COMPILE=off), on its
// first run (the plugins build while the job runs, from an empty plugin
// cache), on a run in a new kernel with the plugins in the cache, and
// written in compiled Go.

// naturalWordCount is the word count a user writes without thinking of
// speed: letters only, lower case, words of four letters or more.
const naturalWordCount = `counts := sc.TextFile(%q).
	FlatMap(func(line string) []string {
		return strings.FieldsFunc(strings.ToLower(line), func(r rune) bool { return !unicode.IsLetter(r) })
	}).
	Filter(func(w string) bool { return utf8.RuneCountInString(w) >= 4 }).
	Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
	ReduceByKey(func(a, b int) int { return a + b })
top := counts.Top(20, func(p rdd.Pair) int { return p.Value.(int) })
fmt.Sprintf("%%d distinct words, the most frequent %%v", counts.Count(), top[0].(rdd.Pair).Key)`

// rangeCell is a Map and a Filter over ten million numbers.
const rangeCell = `sc.Range(0, 1e7).Map(func(i int64) int64 { return i % 7 }).Filter(func(i int64) bool { return i == 3 }).Count()`

// tieredRun says how a row runs a cell.
type tieredRun int

const (
	interpretedRun tieredRun = iota // GOSPARKLING_COMPILE=off
	firstRun                        // an empty plugin cache
	warmRun                         // the plugins of the previous row in the cache
)

// runCell runs cell in a new session in the way run says, and returns
// its value.
func runCell(in inputs, cell string, run tieredRun) (string, error) {
	cache, err := filepath.Abs(filepath.Join(filepath.Dir(in.corpus), "plugin-cache"))
	if err != nil {
		return "", err
	}
	switch run {
	case interpretedRun:
		os.Setenv("GOSPARKLING_COMPILE", "off")
	case firstRun:
		if err := os.RemoveAll(cache); err != nil {
			return "", err
		}
		fallthrough
	case warmRun:
		os.Setenv("GOSPARKLING_COMPILE", "background")
		os.Setenv("XDG_CACHE_HOME", cache)
	}
	s, err := interp.NewSession()
	if err != nil {
		return "", err
	}
	defer s.Close()
	var out collected
	bundle, err := s.Execute(context.Background(), cell, &out)
	if err != nil {
		return "", err
	}
	if out.stderr.Len() > 0 {
		return "", fmt.Errorf("the cell wrote on its standard error: %s", out.stderr.String())
	}
	return fmt.Sprint(bundle["text/plain"]), nil
}

// collected is an interp.Output that keeps the standard error.
type collected struct {
	discard
	stderr strings.Builder
}

func (c *collected) Stream(name, text string) {
	if name == "stderr" {
		c.stderr.WriteString(text)
	}
}

func naturalRow(run tieredRun) func(inputs) (string, error) {
	return func(in inputs) (string, error) {
		return runCell(in, fmt.Sprintf(naturalWordCount, in.letters), run)
	}
}

func rangeRow(run tieredRun) func(inputs) (string, error) {
	return func(in inputs) (string, error) {
		n, err := runCell(in, rangeCell, run)
		return n + " numbers i%7 == 3", err
	}
}

// runNaturalCompiled is the natural word count in compiled Go.
func runNaturalCompiled(in inputs) (string, error) {
	sc := rdd.NewContext()
	counts := sc.TextFile(in.letters).
		FlatMap(func(line string) []string {
			return strings.FieldsFunc(strings.ToLower(line), func(r rune) bool { return !unicode.IsLetter(r) })
		}).
		Filter(func(w string) bool { return utf8.RuneCountInString(w) >= 4 }).
		Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
		ReduceByKey(func(a, b int) int { return a + b })
	top := counts.Top(20, func(p rdd.Pair) int { return p.Value.(int) })
	return fmt.Sprintf("%d distinct words, the most frequent %v", counts.Count(), top[0].(rdd.Pair).Key), nil
}

// runRangeCompiled is the Range cell in compiled Go.
func runRangeCompiled(inputs) (string, error) {
	sc := rdd.NewContext()
	n := sc.Range(0, 1e7).Map(func(i int64) int64 { return i % 7 }).Filter(func(i int64) bool { return i == 3 }).Count()
	return fmt.Sprintf("%d numbers i%%7 == 3", n), nil
}

// writeLetterCorpus writes about size bytes of sentences of 5 to 19
// words of letters drawn from a Zipf law, capitalized, with punctuation:
// the same bytes for the same size.
func writeLetterCorpus(path string, size int) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewPCG(3, 4))
	zipf := rand.NewZipf(rng, 1.1, 1, 99_999)
	for written := 0; written < size; {
		n := 5 + rng.IntN(15)
		for i := 0; i < n; i++ {
			word := letterWord(zipf.Uint64())
			if i == 0 {
				word = strings.ToUpper(word[:1]) + word[1:]
			} else {
				w.WriteByte(' ')
				written++
			}
			if i < n-1 && rng.IntN(8) == 0 {
				word += ","
			}
			w.WriteString(word)
			written += len(word)
		}
		w.WriteString(".\n")
		written += 2
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// letterWord spells n in the letters a to z, two letters at least.
func letterWord(n uint64) string {
	var b []byte
	for n += 26; n > 0; n /= 26 {
		b = append(b, byte('a'+n%26))
	}
	return string(b)
}
