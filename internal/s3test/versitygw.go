// Package s3test serves directory trees as S3 for the integration tests
// of several packages: versitygw, built by `make test` and named by the
// VERSITYGW environment variable, on 127.0.0.1.
package s3test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/gosparkling/gosparkling/fileio"
)

// Credentials are the keys the servers are started with.
var Credentials = credentials.NewStaticCredentialsProvider("gosparkling", "gosparkling-secret", "")

// Server is a running versitygw.
type Server struct {
	// Endpoint is its URL: http://127.0.0.1:port.
	Endpoint string
	// Process is its process, which a test may kill; the test's cleanup
	// kills it too.
	Process *os.Process
}

// Start serves root, each directory of it a bucket, until the test ends.
// It skips the test when VERSITYGW is not set, and fails it when
// GOSPARKLING_E2E is set too (make test sets both). versitygw keeps its
// metadata (ETags, the parts of multipart uploads) in a sidecar
// directory: with --nometa it cannot complete uploads of parts over
// 8 MiB (InvalidPart).
func Start(t testing.TB, root string) *Server {
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
		logs.Close()
	})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			conn.Close()
			break
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(logs.Name())
			t.Fatalf("versitygw did not listen on %s: %s", addr, out)
		}
	}
	return &Server{Endpoint: "http://" + addr, Process: cmd.Process}
}

// FileSystem returns an S3 file system of the server with opts: its
// endpoint, path-style addressing, a region, and Credentials unless opts
// has others.
func (s *Server) FileSystem(t testing.TB, opts fileio.S3Options) *fileio.S3 {
	t.Helper()
	return FileSystemAt(t, s.Endpoint, opts)
}

// FileSystemAt is FileSystem for the server at endpoint.
func FileSystemAt(t testing.TB, endpoint string, opts fileio.S3Options) *fileio.S3 {
	t.Helper()
	opts.Endpoint, opts.PathStyle, opts.Region = endpoint, true, "us-east-1"
	if opts.Credentials == nil {
		opts.Credentials = Credentials
	}
	s3fs, err := fileio.NewS3(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s3fs
}

// FileSystems returns the default file systems with s3:// read and
// written through the server.
func (s *Server) FileSystems(t testing.TB) fileio.FileSystems {
	t.Helper()
	fss := fileio.Default()
	fss["s3"] = s.FileSystem(t, fileio.S3Options{})
	return fss
}
