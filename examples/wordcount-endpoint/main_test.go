package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosparkling/gosparkling/rdd"
)

func TestTopWordsEndpoint(t *testing.T) {
	sc := rdd.NewContext()
	defer sc.Stop()
	srv := httptest.NewServer(handler(sc, TopWords))
	defer srv.Close()

	tests := []struct {
		name, query, body string
		status            int
		want              string // the JSON answer, for status 200
	}{
		{"top two", "?n=2", "the cat and the dog\nThe end, the END.", 200,
			`[{"word":"the","count":4},{"word":"end","count":2}]`},
		{"default n", "", "a b a", 200, `[{"word":"a","count":2},{"word":"b","count":1}]`},
		{"empty document", "?n=3", "", 200, `[]`},
		{"bad n", "?n=zero", "a", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Post(srv.URL+"/top-words"+tt.query, "text/plain", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status != 200 {
				return
			}
			var got any
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			gotJSON, _ := json.Marshal(got)
			var want any
			json.Unmarshal([]byte(tt.want), &want)
			wantJSON, _ := json.Marshal(want)
			if string(gotJSON) != string(wantJSON) {
				t.Errorf("got %s, want %s", gotJSON, wantJSON)
			}
		})
	}
}

// TestTopWordsEndpointFailures checks that a job that fails answers 500
// and that a request whose client goes away stops its job, leaving the
// Context free for the next request.
func TestTopWordsEndpointFailures(t *testing.T) {
	sc := rdd.NewContext(rdd.WithParallelism(2))
	defer sc.Stop()
	lines := strings.Repeat("a b\n", 100000)

	tests := []struct {
		name string
		// pipeline replaces TopWords; it is given the request's cancel,
		// for a client that goes away while the job runs.
		pipeline func(cancel func()) func(*rdd.RDD, int) []rdd.Pair
	}{
		{"a user function panics", func(func()) func(*rdd.RDD, int) []rdd.Pair {
			return func(lines *rdd.RDD, n int) []rdd.Pair {
				return TopWords(lines.Map(func(s string) string {
					if s == "a b" {
						panic("no words today")
					}
					return s
				}), n)
			}
		}},
		{"the client goes away", func(cancel func()) func(*rdd.RDD, int) []rdd.Pair {
			var once sync.Once
			return func(lines *rdd.RDD, n int) []rdd.Pair {
				// Without the cancel, 100000 lines at a millisecond each
				// would take minutes.
				return TopWords(lines.Map(func(s string) string {
					once.Do(cancel)
					time.Sleep(time.Millisecond)
					return s
				}), n)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req := httptest.NewRequest("POST", "/top-words?n=2", strings.NewReader(lines)).WithContext(ctx)
			rec := httptest.NewRecorder()
			start := time.Now()
			handler(sc, tt.pipeline(cancel)).ServeHTTP(rec, req)
			if rec.Code != http.StatusInternalServerError {
				t.Fatalf("status %d (%s), want 500", rec.Code, rec.Body)
			}
			if got := strings.TrimSpace(rec.Body.String()); got != "counting the words failed" {
				t.Errorf("body %q", got)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("the failed job took %v to answer", d)
			}
			if n := sc.ActiveJobs(); n != 0 {
				t.Errorf("%d jobs still running", n)
			}
		})
	}

	// The Context still serves requests after those failures.
	rec := httptest.NewRecorder()
	handler(sc, TopWords).ServeHTTP(rec, httptest.NewRequest("POST", "/top-words?n=1", strings.NewReader("x y x")))
	if got := strings.TrimSpace(rec.Body.String()); rec.Code != 200 || got != `[{"word":"x","count":2}]` {
		t.Errorf("after the failures: %d %s", rec.Code, got)
	}
}
