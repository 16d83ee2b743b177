package rdd_test

// Integration tests against a real S3 server: versitygw, built by
// `make test` and named by the VERSITYGW environment variable, serving a
// fixture tree from a temporary directory on 127.0.0.1.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/internal/s3test"
	"github.com/gosparkling/gosparkling/rdd"
)

// startVersityGW serves root (each directory a bucket) and returns a
// Context reading and writing through it.
func startVersityGW(t *testing.T, root string) *rdd.Context {
	t.Helper()
	_, sc, _ := runVersityGW(t, root)
	return sc
}

// runVersityGW serves root (s3test.Start) and returns its endpoint, a
// Context reading and writing through it, and its process.
func runVersityGW(t *testing.T, root string) (endpoint string, sc *rdd.Context, proc *os.Process) {
	t.Helper()
	srv := s3test.Start(t, root)
	sc = rdd.NewContext(rdd.WithParallelism(2), rdd.WithFileSystems(srv.FileSystems(t)))
	t.Cleanup(sc.Stop)
	return srv.Endpoint, sc, srv.Process
}

func TestAgainstARealS3Server(t *testing.T) {
	root := t.TempDir()
	var big strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&big, "line %05d of a file split into byte ranges\n", i)
	}
	writeFile(t, filepath.Join(root, "data", "text", "big.txt"), big.String())
	writeFile(t, filepath.Join(root, "data", "text", "small.txt.gz"), "one\ntwo\n")
	writeFile(t, filepath.Join(root, "data", "text", "_SUCCESS"), "")
	writeFile(t, filepath.Join(root, "data", "nested", "a", "deep.txt"), "deep\n")
	warcData, err := os.ReadFile(filepath.Join(ccSamples, "whirlwind.warc.wet.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "data", "crawl"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "data", "crawl", "sample.warc.wet.gz"), warcData, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "results"), 0o755); err != nil {
		t.Fatal(err)
	}
	sc := startVersityGW(t, root)

	t.Run("split text file read by ranges", func(t *testing.T) {
		lines := sc.TextFile("s3://data/text/big.txt", 6)
		if n := lines.GetNumPartitions(); n < 6 {
			t.Errorf("%d partitions", n)
		}
		got := lines.Collect()
		if len(got) != 20000 || got[0] != "line 00000 of a file split into byte ranges" || got[19999] != "line 19999 of a file split into byte ranges" {
			t.Errorf("read %d lines, first %v", len(got), got[:1])
		}
	})
	t.Run("glob, directory and comma list", func(t *testing.T) {
		check(t, "glob", sc.TextFile("s3://data/text/*.gz").Collect(), []any{"one", "two"})
		check(t, "directory", sc.TextFile("s3://data/nested").Collect(), []any{"deep"})
		check(t, "comma list", sc.TextFile("s3://data/nested/**/deep.txt,s3://data/text/small.txt.gz").Collect(), []any{"deep", "one", "two"})
	})
	t.Run("WARC records", func(t *testing.T) {
		conv := sc.WarcFile("s3://data/crawl/*.warc.wet.gz").Filter(func(r *warc.Record) bool { return r.Type() == "conversion" })
		if n := conv.Count(); n == 0 {
			t.Error("no conversion records")
		}
	})
	t.Run("save and read back", func(t *testing.T) {
		sc.Range(0, 1000, 1, 3).SaveAsTextFile("s3://results/range", "zstd")
		if n := sc.TextFile("s3://results/range").Count(); n != 1000 {
			t.Errorf("read back %d lines", n)
		}
		if _, err := os.Stat(filepath.Join(root, "results", "range", "_SUCCESS")); err != nil {
			t.Errorf("no _SUCCESS: %v", err)
		}
	})
	t.Run("errors name the path", func(t *testing.T) {
		for _, path := range []string{"s3://data/text/missing.txt", "s3://nosuchbucket/x.txt"} {
			je := jobError(t, func() { sc.TextFile(path).Count() })
			if !strings.Contains(je.Error(), path) {
				t.Errorf("error %q does not name %s", je.Error(), path)
			}
		}
	})
}

func TestRealS3MultipartSave(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "results"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, sc, _ := runVersityGW(t, root)
	// One partition of 20 MB: three parts of 8 MiB (the default part size), completed at
	// commit. versitygw with --nometa refuses such uploads (InvalidPart).
	const lines = 400000
	sc.Range(0, lines, 1, 1).Map(func(i int64) string { return fmt.Sprintf("%-49d", i) }).SaveAsTextFile("s3://results/big")
	info, err := os.Stat(filepath.Join(root, "results", "big", "part-00000"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() != lines*50 {
		t.Errorf("part-00000 has %d bytes, want %d", info.Size(), lines*50)
	}
	back := sc.TextFile("s3://results/big").Map(func(s string) int { return len(s) }).Reduce(func(a, b int) int { return a + b })
	if back != lines*49 {
		t.Errorf("read back %v characters, want %d", back, lines*49)
	}
}

func TestRealS3FrozenServer(t *testing.T) {
	root := t.TempDir()
	big := strings.Repeat(strings.Repeat("x", 99)+"\n", 300000) // 30 MB: more than socket buffers hold
	writeFile(t, filepath.Join(root, "data", "big.txt"), big)
	endpoint, _, proc := runVersityGW(t, root)
	s3fs := s3test.FileSystemAt(t, endpoint, fileio.S3Options{Retry: fileio.RetryPolicy{Attempts: 2, BaseDelay: time.Millisecond, IdleTimeout: 300 * time.Millisecond}})
	ctx := context.Background()
	frozen := func(t *testing.T) {
		if err := proc.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { proc.Signal(syscall.SIGCONT) })
		// SIGSTOP takes effect asynchronously: wait until the process is
		// seen stopped, so that no request is answered before.
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", proc.Pid))
			if err != nil {
				return // no /proc: trust the signal
			}
			if f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:])); len(f) > 0 && f[0] == "T" {
				return
			}
		}
		t.Fatal("versitygw did not stop after SIGSTOP")
	}
	tests := []struct {
		name string
		path string
		op   func(t *testing.T) error
	}{
		{"frozen mid-read", "s3://data/big.txt", func(t *testing.T) error {
			rc, err := s3fs.Open(ctx, "s3://data/big.txt")
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			if _, err := io.ReadFull(rc, make([]byte, 1000)); err != nil {
				t.Fatal(err)
			}
			frozen(t)
			_, err = io.Copy(io.Discard, rc)
			return err
		}},
		{"frozen before a listing", "s3://data/", func(t *testing.T) error {
			frozen(t)
			_, err := s3fs.List(ctx, fileio.ListRequest{Prefix: "s3://data/"})
			return err
		}},
		{"frozen before a write", "s3://data/new.txt", func(t *testing.T) error {
			frozen(t)
			w, err := s3fs.Create(ctx, "s3://data/new.txt")
			if err != nil {
				return err
			}
			io.WriteString(w, big[:1000])
			return w.Close()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			err := tt.op(t)
			var idle *fileio.IdleTimeoutError
			if !errors.As(err, &idle) || !strings.Contains(err.Error(), tt.path) {
				t.Errorf("error %v, want an idle timeout naming %s", err, tt.path)
			}
			if elapsed := time.Since(start); elapsed > 10*time.Second {
				t.Errorf("gave up after %v", elapsed)
			}
			proc.Signal(syscall.SIGCONT)
		})
	}
}

func TestRealS3UnknownAccessKeyIsAnAuthError(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "data", "a.txt"), "x\n")
	endpoint, _, _ := runVersityGW(t, root)
	for _, creds := range []struct{ name, key, secret string }{
		{"unknown access key", "nobody", "nope"},
		{"wrong secret", "gosparkling", "wrong"},
	} {
		t.Run(creds.name, func(t *testing.T) {
			s3fs := s3test.FileSystemAt(t, endpoint, fileio.S3Options{Credentials: credentials.NewStaticCredentialsProvider(creds.key, creds.secret, "")})
			ops := map[string]func() error{
				"stat": func() error { _, err := s3fs.Stat(context.Background(), "s3://data/a.txt"); return err },
				"open": func() error { _, err := s3fs.Open(context.Background(), "s3://data/a.txt"); return err },
			}
			for name, op := range ops {
				err := op()
				if !errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s: %v, want an access error, not a missing object", name, err)
				}
			}
		})
	}
}
