package fileio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// stalling returns a channel that blocks handlers until release is called, which must be
// registered with t.Cleanup after the server (so that it runs before the server's Close,
// which waits for the handlers).
func stalling() (stall <-chan struct{}, release func()) {
	c := make(chan struct{})
	return c, func() { close(c) }
}

// stallPolicy gives up a connection after 150ms without a byte, and tries twice.
var stallPolicy = RetryPolicy{Attempts: 2, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, IdleTimeout: 150 * time.Millisecond}

// wantStallError checks that err, which took elapsed, reports an idle timeout and names path.
func wantStallError(t *testing.T, err error, elapsed time.Duration, path string) {
	t.Helper()
	var idle *IdleTimeoutError
	switch {
	case err == nil:
		t.Fatal("no error from a stalled server")
	case !errors.As(err, &idle):
		t.Errorf("error %q is not an idle timeout", err)
	case !strings.Contains(err.Error(), path):
		t.Errorf("error %q does not name %s", err, path)
	case elapsed > 5*time.Second:
		t.Errorf("gave up after %v", elapsed)
	}
	t.Logf("%v: %v", elapsed, err)
}

func TestHTTPStalledServerFailsAfterTheIdleTimeout(t *testing.T) {
	body := strings.Repeat("0123456789", 10000)
	tests := []struct {
		name     string
		stallAll bool // every response stalls; else only the first does, then ranges are served
		headers  bool // the stalled response sends its headers and 30% of the body first
		wantErr  bool
		client   *http.Client // the caller's own (no deadline on its connections)
	}{
		{"a body that stops at 30% fails", true, true, true, nil},
		{"a server that never answers fails", true, false, true, nil},
		{"a body that stops once is resumed by range", false, true, false, nil},
		{"a body that stops at 30% fails with the caller's client", true, true, true, &http.Client{}},
		{"a body that stops once is resumed with the caller's client", false, true, false, &http.Client{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release, unblock := stalling()
			var requests atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := requests.Add(1)
				if tt.stallAll || n == 1 {
					if tt.headers {
						w.Header().Set("Content-Length", strconv.Itoa(len(body)))
						w.WriteHeader(http.StatusOK)
						io.WriteString(w, body[:len(body)*3/10])
						w.(http.Flusher).Flush()
					}
					<-release
					return
				}
				http.ServeContent(w, r, "f", time.Time{}, strings.NewReader(body))
			}))
			t.Cleanup(srv.Close)
			t.Cleanup(unblock)
			h := NewHTTP(HTTPOptions{Retry: stallPolicy, Client: tt.client})
			url := srv.URL + "/data.txt"
			start := time.Now()
			rc, err := h.Open(context.Background(), url)
			var got []byte
			if err == nil {
				got, err = io.ReadAll(rc)
				rc.Close()
			}
			if !tt.wantErr {
				if err != nil || string(got) != body {
					t.Fatalf("read %d bytes, %v", len(got), err)
				}
				return
			}
			wantStallError(t, err, time.Since(start), url)
		})
	}
}

func TestS3StalledServerFailsAfterTheIdleTimeout(t *testing.T) {
	ctx := context.Background()
	content := strings.Repeat("0123456789", 10000)
	tests := []struct {
		name  string
		stall string // the kind of request the server stalls on
		op    func(s3fs *S3, path string) error
	}{
		{"a read stalled at 30%", "GET", func(s3fs *S3, path string) error {
			rc, err := s3fs.Open(ctx, path)
			if err != nil {
				return err
			}
			defer rc.Close()
			n, err := io.Copy(io.Discard, rc)
			if err == nil && n != int64(len(content)) {
				return fmt.Errorf("read %d of %d bytes without an error", n, len(content))
			}
			return err
		}},
		{"a listing", "LIST", func(s3fs *S3, path string) error {
			_, err := s3fs.List(ctx, ListRequest{Prefix: path})
			return err
		}},
		{"a write", "PUT", func(s3fs *S3, path string) error {
			w, err := s3fs.Create(ctx, path+".new")
			if err != nil {
				return err
			}
			fmt.Fprint(w, content)
			return w.Close()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release, unblock := stalling()
			fake := newFakeS3(t, "bkt")
			t.Cleanup(unblock)
			fake.put(t, "bkt", map[string]string{"data.txt": content})
			fake.setMiddleware(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if s3Kind(r) != tt.stall {
						next.ServeHTTP(w, r)
						return
					}
					if tt.stall == "GET" && r.Header.Get("Range") == "" { // resumed reads stall at once
						w.Header().Set("Content-Length", strconv.Itoa(len(content)))
						w.WriteHeader(http.StatusOK)
						io.WriteString(w, content[:len(content)*3/10])
						w.(http.Flusher).Flush()
					}
					<-release
				})
			})
			s3fs := fake.fs(t, S3Options{Retry: stallPolicy})
			start := time.Now()
			err := tt.op(s3fs, "s3://bkt/data.txt")
			wantStallError(t, err, time.Since(start), "s3://bkt/data.txt")
		})
	}
}
