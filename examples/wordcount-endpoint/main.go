// Command wordcount-endpoint serves, over HTTP, the transformations a
// notebook explored: a compiled Go program imports the same rdd package
// the notebook's sc is made of, and applies the same pipeline to one
// document per request.
//
//	go run ./examples/wordcount-endpoint -addr 127.0.0.1:8080
//	curl --data-binary @README.md 'http://127.0.0.1:8080/top-words?n=5'
//
// The pipeline, TopWords, is the notebook cell's code, pasted into a
// function: the cell
//
//	sc.TextFile("README.md").
//		FlatMap(words).
//		Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
//		ReduceByKey(func(a, b int) int { return a + b }).
//		Top(10, func(p rdd.Pair) int { return p.Value.(int) })
//
// becomes TopWords(sc.Parallelize(lines), 10).
//
// Each request runs its job on a view of the server's Context made with
// sc.WithJobContext(r.Context()), so a client that goes away stops its
// job, and calls the pipeline through rdd.Catch, so a failed job answers
// 500 Internal Server Error instead of panicking in the handler.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/gosparkling/gosparkling/rdd"
)

// words splits a line into lower-case words of letters and digits.
func words(line string) []string {
	return strings.FieldsFunc(strings.ToLower(line), func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsDigit(c)
	})
}

// TopWords is the notebook's pipeline: the n most frequent words of the
// lines, with their counts, most frequent first.
func TopWords(lines *rdd.RDD, n int) []rdd.Pair {
	top := lines.
		FlatMap(words).
		Map(func(w string) rdd.Pair { return rdd.KV(w, 1) }).
		ReduceByKey(func(a, b int) int { return a + b }).
		Top(n, func(p rdd.Pair) int { return p.Value.(int) })
	pairs := make([]rdd.Pair, len(top))
	for i, p := range top {
		pairs[i] = p.(rdd.Pair)
	}
	return pairs
}

// maxDocument is the largest request body the endpoint reads.
const maxDocument = 32 << 20

// handler answers POST /top-words?n=N with topWords(lines, N) of the
// body's lines, as JSON [{"word": ..., "count": ...}, ...], or 500 when its
// job fails or the client goes away.
func handler(sc *rdd.Context, topWords func(lines *rdd.RDD, n int) []rdd.Pair) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /top-words", func(w http.ResponseWriter, r *http.Request) {
		n := 10
		if s := r.URL.Query().Get("n"); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil || v < 1 {
				http.Error(w, fmt.Sprintf("n=%q: want a positive whole number", s), http.StatusBadRequest)
				return
			}
			n = v
		}
		var lines []string
		scanner := bufio.NewScanner(http.MaxBytesReader(w, r.Body, maxDocument))
		scanner.Buffer(make([]byte, 64<<10), maxDocument)
		for scanner.Scan() {
			lines = append(lines, scanner.Text())
		}
		if err := scanner.Err(); err != nil {
			http.Error(w, "reading the document: "+err.Error(), http.StatusBadRequest)
			return
		}
		type wordCount struct {
			Word  string `json:"word"`
			Count int    `json:"count"`
		}
		// The job stops when the request's context is done: the client
		// went away or the server is shutting down.
		job := sc.WithJobContext(r.Context())
		top, err := rdd.Catch(func() []rdd.Pair { return topWords(job.Parallelize(lines), n) })
		if err != nil {
			log.Printf("POST /top-words: %v", err)
			http.Error(w, "counting the words failed", http.StatusInternalServerError)
			return
		}
		out := []wordCount{}
		for _, p := range top {
			out = append(out, wordCount{p.Key.(string), p.Value.(int)})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
	return mux
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	sc := rdd.NewContext()
	defer sc.Stop()
	log.Printf("serving POST http://%s/top-words?n=10", *addr)
	log.Fatal(http.ListenAndServe(*addr, handler(sc, TopWords)))
}
