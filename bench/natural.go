package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/rdd"
)

// Natural cells: pipelines written as an analyst writes them, with no
// thought for the shapes the session knows how to speed up, each with the
// same logic in pysparkling (bench/pysparkling/natural_<name>.py), in compiled Go
// with the rdd package and, where it is natural, in plain Go. Every
// contender returns the same check (a count and a top element) or the
// bench fails.

// naturalCell is one natural cell and its other contenders.
type naturalCell struct {
	name string // names the cell on the command line and its Python script
	what string // the table's description
	wet  bool   // reads the WET files, else the letters corpus
	// cell is the notebook cell; %[1]q is the input (a path or a comma
	// list of paths). It may declare types before its statements: the
	// session splits a cell into declarations and statements.
	cell  string
	rdd   func(input string) (string, error) // the cell in compiled Go with the rdd package
	plain func(input string) (string, error) // the cell as a plain Go loop, or nil
}

var naturalCells = []naturalCell{
	{
		name: "stdlib",
		what: "closures calling stdlib functions: ToLower, TrimSuffix, Split, TrimRight, ContainsAny; Distinct, Count, Max",
		cell: `words := sc.TextFile(%[1]q).
	Map(func(line string) string { return strings.TrimSuffix(strings.ToLower(line), ".") }).
	FlatMap(func(line string) []string { return strings.Split(line, " ") }).
	Map(func(w string) string { return strings.TrimRight(w, ",") }).
	Filter(func(w string) bool { return strings.ContainsAny(w, "xyz") }).
	Distinct().
	Cache()
fmt.Sprintf("%%d distinct words with x, y or z, the greatest %%v", words.Count(), words.Max())`,
		rdd:   stdlibRDD,
		plain: stdlibPlain,
	},
	{
		name: "struct",
		what: "a struct declared in the cell flowing through Map, Filter, Map to pairs, ReduceByKey of structs, SortByKey",
		cell: `type wordInfo struct {
	Word   string
	Vowels int
}

type lengthStats struct {
	Words  int
	Vowels int
}

byLength := sc.TextFile(%[1]q).
	FlatMap(func(line string) []string { return strings.Fields(line) }).
	Map(func(w string) wordInfo {
		w = strings.ToLower(strings.Trim(w, ".,"))
		vowels := 0
		for _, r := range w {
			if strings.ContainsRune("aeiou", r) {
				vowels++
			}
		}
		return wordInfo{Word: w, Vowels: vowels}
	}).
	Filter(func(i wordInfo) bool { return i.Vowels > 0 }).
	Map(func(i wordInfo) rdd.Pair { return rdd.KV(len(i.Word), lengthStats{Words: 1, Vowels: i.Vowels}) }).
	ReduceByKey(func(a, b lengthStats) lengthStats { return lengthStats{a.Words + b.Words, a.Vowels + b.Vowels} }).
	SortByKey(true).
	Collect()
last := byLength[len(byLength)-1].(rdd.Pair)
fmt.Sprintf("%%d lengths, %%v letters: %%d words, %%d vowels", len(byLength), last.Key, last.Value.(lengthStats).Words, last.Value.(lengthStats).Vowels)`,
		rdd: structRDD,
	},
	{
		name: "threshold",
		what: "a threshold the cell sets, captured by a Filter: words of minLetters letters or more, Count, First",
		cell: `minLetters := 4
long := sc.TextFile(%[1]q).
	FlatMap(func(line string) []string { return strings.Fields(line) }).
	Map(func(w string) string { return strings.Trim(w, ".,") }).
	Filter(func(w string) bool { return len(w) >= minLetters })
fmt.Sprintf("%%d words of %%d letters or more, the first %%v", long.Count(), minLetters, long.First())`,
		rdd:   thresholdRDD,
		plain: thresholdPlain,
	},
	{
		name: "rune",
		what: "a rune predicate: FieldsFunc(ToLower(line), !unicode.IsLetter), Filter on utf8.RuneCountInString, ReduceByKey, Top 20",
		cell: `counts := sc.TextFile(%[1]q).
	FlatMap(func(line string) []string {
		return strings.FieldsFunc(strings.ToLower(line), func(r rune) bool { return !unicode.IsLetter(r) })
	}).
	Filter(func(w string) bool { return utf8.RuneCountInString(w) >= 4 }).
	Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
	ReduceByKey(func(a, b int) int { return a + b })
top := counts.Top(20, func(p rdd.Pair) int { return p.Value.(int) })
fmt.Sprintf("%%d distinct words, the 20 most frequent seen %%v to %%v times", counts.Count(), top[len(top)-1].(rdd.Pair).Value, top[0].(rdd.Pair).Value)`,
		rdd:   runeRDD,
		plain: runePlain,
	},
	{
		name: "group",
		what: "GroupByKey by initial with a MapValues counting distinct words, SortByKey",
		cell: `byInitial := sc.TextFile(%[1]q).
	FlatMap(func(line string) []string { return strings.Fields(strings.ToLower(line)) }).
	Map(func(w string) string { return strings.Trim(w, ".,") }).
	KeyBy(func(w string) string { return w[:1] }).
	GroupByKey().
	MapValues(func(ws []any) int {
		distinct := map[any]bool{}
		for _, w := range ws {
			distinct[w] = true
		}
		return len(distinct)
	}).
	SortByKey(true).
	Collect()
first, last := byInitial[0].(rdd.Pair), byInitial[len(byInitial)-1].(rdd.Pair)
fmt.Sprintf("%%d initials, %%v: %%v distinct words, %%v: %%v", len(byInitial), first.Key, first.Value, last.Key, last.Value)`,
		rdd: groupRDD,
	},
	{
		name: "sortby",
		what: "SortBy with a computed key (count times length), descending, Take 3",
		cell: `counts := sc.TextFile(%[1]q).
	FlatMap(func(line string) []string { return strings.Fields(strings.ToLower(line)) }).
	Map(func(w string) rdd.Pair { return rdd.KV(strings.Trim(w, ".,"), 1) }).
	ReduceByKey(func(a, b int) int { return a + b })
ranked := counts.SortBy(func(p rdd.Pair) int { return p.Value.(int) * len(p.Key.(string)) }, false).Take(3)
var top []string
for _, r := range ranked {
	p := r.(rdd.Pair)
	top = append(top, fmt.Sprintf("%%v %%v", p.Key, p.Value))
}
fmt.Sprintf("letters written most: %%s", strings.Join(top, ", "))`,
		rdd: sortbyRDD,
	},
	{
		name: "wet",
		what: "WET pipeline over the generated crawl: conversion records, words of letters by first language, ReduceByKey, Top 3",
		wet:  true,
		cell: `counts := sc.WarcFile(%[1]q).
	Filter(func(r *warc.Record) bool { return r.Type() == "conversion" }).
	FlatMap(func(r *warc.Record) []rdd.Pair {
		lang := strings.Split(r.IdentifiedLanguage(), ",")[0]
		var pairs []rdd.Pair
		for _, w := range strings.FieldsFunc(strings.ToLower(r.Text()), func(c rune) bool { return !unicode.IsLetter(c) }) {
			pairs = append(pairs, rdd.KV(lang+" "+w, 1))
		}
		return pairs
	}).
	ReduceByKey(func(a, b int) int { return a + b })
var top []string
for _, t := range counts.Top(3, func(p rdd.Pair) int { return p.Value.(int) }) {
	top = append(top, fmt.Sprintf("%%v %%v", t.(rdd.Pair).Key, t.(rdd.Pair).Value))
}
fmt.Sprintf("%%d language-word pairs, the most frequent %%s", counts.Count(), strings.Join(top, ", "))`,
		rdd: wetRDD,
	},
}

// source is the cell with its input.
func (c naturalCell) source(input string) string { return fmt.Sprintf(c.cell, input) }

func stdlibRDD(input string) (string, error) {
	sc := rdd.NewContext()
	defer sc.Stop()
	words := sc.TextFile(input).
		Map(func(line string) string { return strings.TrimSuffix(strings.ToLower(line), ".") }).
		FlatMap(func(line string) []string { return strings.Split(line, " ") }).
		Map(func(w string) string { return strings.TrimRight(w, ",") }).
		Filter(func(w string) bool { return strings.ContainsAny(w, "xyz") }).
		Distinct().
		Cache()
	return fmt.Sprintf("%d distinct words with x, y or z, the greatest %v", words.Count(), words.Max()), nil
}

func stdlibPlain(input string) (string, error) {
	distinct := map[string]bool{}
	greatest := ""
	err := eachLine(input, func(line string) {
		for _, w := range strings.Split(strings.TrimSuffix(strings.ToLower(line), "."), " ") {
			w = strings.TrimRight(w, ",")
			if strings.ContainsAny(w, "xyz") && !distinct[w] {
				distinct[w] = true
				greatest = max(greatest, w)
			}
		}
	})
	return fmt.Sprintf("%d distinct words with x, y or z, the greatest %v", len(distinct), greatest), err
}

// wordInfo and lengthStats are the struct cell's types.
type wordInfo struct {
	Word   string
	Vowels int
}

type lengthStats struct {
	Words  int
	Vowels int
}

func structRDD(input string) (string, error) {
	sc := rdd.NewContext()
	defer sc.Stop()
	byLength := sc.TextFile(input).
		FlatMap(strings.Fields).
		Map(func(w string) wordInfo {
			w = strings.ToLower(strings.Trim(w, ".,"))
			vowels := 0
			for _, r := range w {
				if strings.ContainsRune("aeiou", r) {
					vowels++
				}
			}
			return wordInfo{Word: w, Vowels: vowels}
		}).
		Filter(func(i wordInfo) bool { return i.Vowels > 0 }).
		Map(func(i wordInfo) rdd.Pair { return rdd.KV(len(i.Word), lengthStats{Words: 1, Vowels: i.Vowels}) }).
		ReduceByKey(func(a, b lengthStats) lengthStats { return lengthStats{a.Words + b.Words, a.Vowels + b.Vowels} }).
		SortByKey(true).
		Collect()
	if len(byLength) == 0 {
		return "", errors.New("no word has a vowel")
	}
	last := byLength[len(byLength)-1].(rdd.Pair)
	stats := last.Value.(lengthStats)
	return fmt.Sprintf("%d lengths, %v letters: %d words, %d vowels", len(byLength), last.Key, stats.Words, stats.Vowels), nil
}

func thresholdRDD(input string) (string, error) {
	sc := rdd.NewContext()
	defer sc.Stop()
	minLetters := 4
	long := sc.TextFile(input).
		FlatMap(strings.Fields).
		Map(func(w string) string { return strings.Trim(w, ".,") }).
		Filter(func(w string) bool { return len(w) >= minLetters })
	return fmt.Sprintf("%d words of %d letters or more, the first %v", long.Count(), minLetters, long.First()), nil
}

func thresholdPlain(input string) (string, error) {
	minLetters := 4
	n, first := 0, ""
	err := eachLine(input, func(line string) {
		for _, w := range strings.Fields(line) {
			if w = strings.Trim(w, ".,"); len(w) >= minLetters {
				if n == 0 {
					first = w
				}
				n++
			}
		}
	})
	return fmt.Sprintf("%d words of %d letters or more, the first %v", n, minLetters, first), err
}

// runeRDD is the rune cell in compiled Go: the natural word count of rows
// 7 to 10, telling the counts of the top 20 rather than a word (many words
// share the top count).
func runeRDD(input string) (string, error) {
	sc := rdd.NewContext()
	defer sc.Stop()
	counts := sc.TextFile(input).
		FlatMap(func(line string) []string {
			return strings.FieldsFunc(strings.ToLower(line), func(r rune) bool { return !unicode.IsLetter(r) })
		}).
		Filter(func(w string) bool { return utf8.RuneCountInString(w) >= 4 }).
		Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
		ReduceByKey(func(a, b int) int { return a + b })
	top := counts.Top(20, func(p rdd.Pair) int { return p.Value.(int) })
	if len(top) == 0 {
		return "", errors.New("no word of four letters")
	}
	return fmt.Sprintf("%d distinct words, the 20 most frequent seen %v to %v times", counts.Count(), top[len(top)-1].(rdd.Pair).Value, top[0].(rdd.Pair).Value), nil
}

func runePlain(input string) (string, error) {
	counts := map[string]int{}
	err := eachLine(input, func(line string) {
		for _, w := range strings.FieldsFunc(strings.ToLower(line), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if utf8.RuneCountInString(w) >= 4 {
				counts[w]++
			}
		}
	})
	if len(counts) == 0 {
		return "", errors.Join(err, errors.New("no word of four letters"))
	}
	top := make([]int, 0, len(counts))
	for _, n := range counts {
		top = append(top, n)
	}
	slices.Sort(top)
	slices.Reverse(top)
	top = top[:min(20, len(top))]
	return fmt.Sprintf("%d distinct words, the 20 most frequent seen %v to %v times", len(counts), top[len(top)-1], top[0]), err
}

func groupRDD(input string) (string, error) {
	sc := rdd.NewContext()
	defer sc.Stop()
	byInitial := sc.TextFile(input).
		FlatMap(func(line string) []string { return strings.Fields(strings.ToLower(line)) }).
		Map(func(w string) string { return strings.Trim(w, ".,") }).
		KeyBy(func(w string) string { return w[:1] }).
		GroupByKey().
		MapValues(func(ws []any) int {
			distinct := map[any]bool{}
			for _, w := range ws {
				distinct[w] = true
			}
			return len(distinct)
		}).
		SortByKey(true).
		Collect()
	if len(byInitial) == 0 {
		return "", errors.New("no words")
	}
	first, last := byInitial[0].(rdd.Pair), byInitial[len(byInitial)-1].(rdd.Pair)
	return fmt.Sprintf("%d initials, %v: %v distinct words, %v: %v", len(byInitial), first.Key, first.Value, last.Key, last.Value), nil
}

func sortbyRDD(input string) (string, error) {
	sc := rdd.NewContext()
	defer sc.Stop()
	counts := sc.TextFile(input).
		FlatMap(func(line string) []string { return strings.Fields(strings.ToLower(line)) }).
		Map(func(w string) rdd.Pair { return rdd.KV(strings.Trim(w, ".,"), 1) }).
		ReduceByKey(func(a, b int) int { return a + b })
	ranked := counts.SortBy(func(p rdd.Pair) int { return p.Value.(int) * len(p.Key.(string)) }, false).Take(3)
	var top []string
	for _, r := range ranked {
		p := r.(rdd.Pair)
		top = append(top, fmt.Sprintf("%v %v", p.Key, p.Value))
	}
	return fmt.Sprintf("letters written most: %s", strings.Join(top, ", ")), nil
}

func wetRDD(input string) (string, error) {
	sc := rdd.NewContext()
	defer sc.Stop()
	counts := sc.WarcFile(input).
		Filter(func(r *warc.Record) bool { return r.Type() == "conversion" }).
		FlatMap(func(r *warc.Record) []rdd.Pair {
			lang := strings.Split(r.IdentifiedLanguage(), ",")[0]
			var pairs []rdd.Pair
			for _, w := range strings.FieldsFunc(strings.ToLower(r.Text()), func(c rune) bool { return !unicode.IsLetter(c) }) {
				pairs = append(pairs, rdd.KV(lang+" "+w, 1))
			}
			return pairs
		}).
		ReduceByKey(func(a, b int) int { return a + b })
	var top []string
	for _, t := range counts.Top(3, func(p rdd.Pair) int { return p.Value.(int) }) {
		top = append(top, fmt.Sprintf("%v %v", t.(rdd.Pair).Key, t.(rdd.Pair).Value))
	}
	return fmt.Sprintf("%d language-word pairs, the most frequent %s", counts.Count(), strings.Join(top, ", ")), nil
}

// eachLine calls f with each line of the file.
func eachLine(path string, f func(line string)) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		f(scanner.Text())
	}
	if err := scanner.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}

// wetInput is the comma list of the first n WET files of the crawl glob
// (all of them when n is 0), sorted by path.
func wetInput(glob string, n int) ([]string, error) {
	files, err := filepath.Glob(glob)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no WET files %s (go run ./notebooks/gencrawl -size large)", glob)
	}
	if n > 0 && n < len(files) {
		files = files[:n]
	}
	return files, nil
}
