package rdd_test

// Integration tests against a real S3 server: versitygw, built by
// `make test` and named by the VERSITYGW environment variable, serving a
// fixture tree from a temporary directory on 127.0.0.1.

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/fileio/warc"
	"github.com/gosparkling/gosparkling/rdd"
)

// startVersityGW serves root (each directory a bucket) and returns a
// Context reading and writing through it.
func startVersityGW(t *testing.T, root string) *rdd.Context {
	t.Helper()
	_, sc, _ := runVersityGW(t, root)
	return sc
}

// versityCredentials are the keys versitygw is started with.
var versityCredentials = credentials.NewStaticCredentialsProvider("gosparkling", "gosparkling-secret", "")

// versityS3 returns an S3 file system of the versitygw at endpoint.
func versityS3(t testing.TB, endpoint string, opts fileio.S3Options) *fileio.S3 {
	t.Helper()
	opts.Endpoint, opts.PathStyle, opts.Region = endpoint, true, "us-east-1"
	if opts.Credentials == nil {
		opts.Credentials = versityCredentials
	}
	s3fs, err := fileio.NewS3(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s3fs
}

// runVersityGW serves root and returns its endpoint, a Context reading
// and writing through it, and its process. versitygw keeps its metadata (ETags, the parts of
// multipart uploads) in a sidecar directory: with --nometa it cannot
// complete uploads of parts over 8 MiB (InvalidPart).
func runVersityGW(t *testing.T, root string) (endpoint string, sc *rdd.Context, proc *os.Process) {
	t.Helper()
	bin := os.Getenv("VERSITYGW")
	if bin == "" {
		if os.Getenv("GOSPARKLING_E2E") != "" {
			t.Fatal("VERSITYGW is not set: `make test` builds versitygw and sets it")
		}
		t.Skip("VERSITYGW is not set (make test sets it)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--access", "gosparkling", "--secret", "gosparkling-secret", "--port", addr,
		"posix", "--sidecar", t.TempDir(), root)
	logs, err := os.Create(filepath.Join(t.TempDir(), "versitygw.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			conn.Close()
			break
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(logs.Name())
			t.Fatalf("versitygw did not listen on %s: %s", addr, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	endpoint = "http://" + addr
	fss := fileio.Default()
	fss["s3"] = versityS3(t, endpoint, fileio.S3Options{})
	sc = rdd.NewContext(rdd.WithParallelism(2), rdd.WithFileSystems(fss))
	t.Cleanup(sc.Stop)
	return endpoint, sc, cmd.Process
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
