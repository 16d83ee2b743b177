// Command genbeam writes the yaegi symbol table of the beam package, as
// `yaegi extract` writes the others: extract loads packages without build
// tags, and beam is built only with the beam tag.
//
//	go run ./genbeam -o github_com-gosparkling-gosparkling-beam.go [-exclude REGEXPS] github.com/gosparkling/gosparkling/beam
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/build"
	"go/format"
	"os"
	"strings"

	"github.com/traefik/yaegi/extract"
)

func main() {
	out := flag.String("o", "", "the file to write")
	tag := flag.String("tag", "beam", "the build tag the package needs")
	exclude := flag.String("exclude", "", "comma-separated regexps of the symbols to leave out, as yaegi extract's -exclude")
	flag.Parse()
	if *out == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: genbeam -o FILE [-tag TAG] [-exclude REGEXPS] IMPORTPATH")
		os.Exit(2)
	}
	var excluded []string
	if *exclude != "" {
		excluded = strings.Split(*exclude, ",")
	}
	if err := generate(*out, *tag, flag.Arg(0), excluded); err != nil {
		fmt.Fprintln(os.Stderr, "genbeam:", err)
		os.Exit(1)
	}
}

// generate extracts the symbols of the package at importPath, loaded with
// tag, but those that match a regexp of exclude, into out, which builds
// only with tag.
func generate(out, tag, importPath string, exclude []string) error {
	build.Default.BuildTags = append(build.Default.BuildTags, tag)
	e := extract.Extractor{Dest: "symbols", Tag: []string{tag}, Exclude: exclude}
	var buf bytes.Buffer
	if _, err := e.Extract(importPath, "symbols", &buf); err != nil {
		return fmt.Errorf("extracting %s: %w", importPath, err)
	}
	src, err := format.Source(buf.Bytes())
	if err != nil {
		return fmt.Errorf("formatting the table of %s: %w", importPath, err)
	}
	return os.WriteFile(out, src, 0o644)
}
