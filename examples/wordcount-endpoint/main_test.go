package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gosparkling/gosparkling/rdd"
)

func TestTopWordsEndpoint(t *testing.T) {
	sc := rdd.NewContext()
	defer sc.Stop()
	srv := httptest.NewServer(handler(sc))
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
