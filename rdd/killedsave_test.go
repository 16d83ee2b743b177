package rdd_test

// A save killed with SIGKILL at several points must leave a destination
// that reads back either complete or as an error, never as part of the
// output. The saving process is this test binary run again as a helper.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/gosparkling/gosparkling/fileio"
	"github.com/gosparkling/gosparkling/internal/s3test"
	"github.com/gosparkling/gosparkling/rdd"
)

// Environment of the helper process.
const (
	envKillHelperDest     = "GOSPARKLING_TEST_SAVE_DEST"     // where the helper saves
	envKillHelperEndpoint = "GOSPARKLING_TEST_SAVE_ENDPOINT" // versitygw's, for s3:// destinations
	envKillHelperFormat   = "GOSPARKLING_TEST_SAVE_FORMAT"   // "text" or "parquet"
)

const (
	killedSaveLines      = 100000
	killedSavePartitions = 10
)

// TestKilledSaveHelper is the saving process of the tests below; it does
// nothing unless run by them.
func TestKilledSaveHelper(t *testing.T) {
	dest := os.Getenv(envKillHelperDest)
	if dest == "" {
		t.Skip("run by TestKilledSave*")
	}
	fss := fileio.Default()
	if endpoint := os.Getenv(envKillHelperEndpoint); endpoint != "" {
		fss["s3"] = s3test.FileSystemAt(t, endpoint, fileio.S3Options{})
	}
	sc := rdd.NewContext(rdd.WithParallelism(2), rdd.WithFileSystems(fss))
	defer sc.Stop()
	lines := sc.Range(0, killedSaveLines, 1, killedSavePartitions).
		MapPartitionsWithIndex(func(p int, xs []any) []any {
			fmt.Printf("partition %d\n", p) // the test kills this process on such a line
			out := make([]any, len(xs))
			for i, x := range xs {
				out[i] = fmt.Sprintf("line %07d", x)
			}
			return out
		})
	if os.Getenv(envKillHelperFormat) == "parquet" {
		lines.SaveAsParquet(dest)
	} else {
		lines.SaveAsTextFile(dest)
	}
	fmt.Println("saved")
}

// killPoints are when the helper is killed: at the start of a partition
// (the ones before it written or being written), or some time after the
// last one started (during the commit, or after it).
var killPoints = []struct {
	name      string
	partition int
	after     time.Duration
}{
	{"before any part is written", 0, 0},
	{"at 30%", 3, 0},
	{"at 70%", 7, 0},
	{"while the last part is written", killedSavePartitions - 1, 0},
	{"around the commit (a)", killedSavePartitions - 1, 30 * time.Millisecond},
	{"around the commit (b)", killedSavePartitions - 1, 80 * time.Millisecond},
	{"around the commit (c)", killedSavePartitions - 1, 150 * time.Millisecond},
}

// runAndKill runs the helper saving to dest and kills it when it prints
// "partition <partition>", after the given wait. It reports whether the
// save finished before the kill.
func runAndKill(t *testing.T, dest, endpoint, format string, partition int, after time.Duration) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledSaveHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), envKillHelperDest+"="+dest, envKillHelperEndpoint+"="+endpoint, envKillHelperFormat+"="+format)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	finished := false
	for sc.Scan() {
		line := sc.Text()
		if line == "saved" {
			finished = true
			break
		}
		if line == fmt.Sprintf("partition %d", partition) {
			time.Sleep(after)
			cmd.Process.Signal(syscall.SIGKILL)
			break
		}
	}
	go func() { // let the helper write its stdout until it dies
		for sc.Scan() {
		}
	}()
	err = cmd.Wait()
	if finished {
		return true
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		// The kill came after the helper ended by itself.
		if err != nil {
			t.Fatalf("helper: %v\n%s", err, stderr.String())
		}
		return true
	}
	return false
}

// checkCompleteOrError reads dest back: all of the lines or an error. It
// reports whether the output is complete.
func checkCompleteOrError(t *testing.T, sc *rdd.Context, dest, format string, finished bool) bool {
	t.Helper()
	var n int64
	err := rdd.Try(func() {
		if format == "parquet" {
			n = sc.ParquetFile(dest).Count()
		} else {
			n = sc.TextFile(dest).Count()
		}
	})
	t.Logf("save finished: %v; read back %d lines, error %v", finished, n, err)
	switch {
	case err == nil && n == killedSaveLines:
		return true
	case err == nil:
		t.Errorf("read back %d of %d lines without an error", n, killedSaveLines)
	case finished:
		t.Errorf("the save finished, yet reading fails: %v", err)
	case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fileio.ErrIncompleteOutput):
		t.Errorf("reading fails with %v, want fs.ErrNotExist or ErrIncompleteOutput", err)
	case !strings.Contains(err.Error(), strings.TrimSuffix(dest, "/")):
		t.Errorf("the error %q does not name %s", err, dest)
	}
	return false
}

func TestKilledSaveOnLocalDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("runs helper processes")
	}
	t.Setenv("TMPDIR", t.TempDir()) // where the helpers note their staging directories
	for _, format := range []string{"text", "parquet"} {
		for _, kp := range killPoints {
			t.Run(format+"/"+kp.name, func(t *testing.T) {
				parent := t.TempDir()
				dest := filepath.Join(parent, "out")
				finished := runAndKill(t, dest, "", format, kp.partition, kp.after)
				sc := newContext(t) // its start removes the staging directory the killed save left
				if entries, _ := os.ReadDir(parent); len(entries) > 1 || len(entries) == 1 && entries[0].Name() != "out" {
					t.Errorf("after a Context's start, the parent holds %v, want at most out", entries)
				}
				checkCompleteOrError(t, sc, dest, format, finished)
				if finished {
					return
				}
				// The next save removes the staging directory a killed one left.
				os.RemoveAll(dest)
				os.Mkdir(filepath.Join(parent, ".out.tmp-99999999-1"), 0o755) // of a process that is gone
				os.WriteFile(filepath.Join(parent, ".out.tmp-99999999-1", "part-00000"), []byte("x"), 0o644)
				sc.Parallelize([]any{"again"}, 1).SaveAsTextFile(dest)
				entries, _ := os.ReadDir(parent)
				if len(entries) != 1 || entries[0].Name() != "out" {
					var names []string
					for _, e := range entries {
						names = append(names, e.Name())
					}
					t.Errorf("after the next save, the parent holds %q, want only out", names)
				}
			})
		}
	}
}

func TestKilledSaveOnS3(t *testing.T) {
	if testing.Short() {
		t.Skip("runs helper processes")
	}
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "bkt"), 0o755); err != nil {
		t.Fatal(err)
	}
	endpoint, sc, _ := runVersityGW(t, root)
	s3fs := s3test.FileSystemAt(t, endpoint, fileio.S3Options{})
	for _, format := range []string{"text", "parquet"} {
		for i, kp := range killPoints {
			t.Run(format+"/"+kp.name, func(t *testing.T) {
				dest := fmt.Sprintf("s3://bkt/%s-%d", format, i)
				finished := runAndKill(t, dest, endpoint, format, kp.partition, kp.after)
				complete := checkCompleteOrError(t, sc, dest, format, finished)
				if finished {
					return
				}
				// Cleanup removes every trace of a killed save (no object, no
				// upload) and keeps an output that was committed before the kill.
				if err := fileio.FileSystems(map[string]fileio.FileSystem{"s3": s3fs}).CleanupDir(context.Background(), dest); err != nil {
					t.Fatal(err)
				}
				if complete {
					checkCompleteOrError(t, sc, dest, format, true)
				} else if _, err := s3fs.Stat(context.Background(), dest); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("after CleanupDir, %s: %v", dest, err)
				}
				if uploads := uploadsIn(t, endpoint, "bkt"); uploads != 0 {
					t.Errorf("%d multipart uploads remain", uploads)
				}
			})
		}
	}
}

// uploadsIn counts the multipart uploads in progress in a bucket.
func uploadsIn(t *testing.T, endpoint, bucket string) int {
	t.Helper()
	client := s3.New(s3.Options{BaseEndpoint: aws.String(endpoint), UsePathStyle: true, Region: "us-east-1",
		Credentials: s3test.Credentials})
	out, err := client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.Uploads)
}
