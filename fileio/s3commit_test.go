package fileio

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// keysBelow lists the visible keys (relative to prefix) and the multipart uploads below prefix.
func keysBelow(t *testing.T, s3fs *S3, bucket, prefix string) (keys []string, uploads int) {
	t.Helper()
	ctx := context.Background()
	page, err := s3fs.List(ctx, ListRequest{Prefix: "s3://" + bucket + "/" + prefix, Recursive: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range page.Files {
		keys = append(keys, strings.TrimPrefix(f.Path, "s3://"+bucket+"/"+prefix))
	}
	sort.Strings(keys)
	out, err := s3Client(t, s3fs).ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	if errorCode(err) == "NoSuchUpload" { // gofakes3's answer when there are none
		return keys, 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return keys, len(out.Uploads)
}

func TestS3OutputDirIsInvisibleUntilCommit(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		failPart string // the part whose CompleteMultipartUpload the server refuses
		abort    bool
		want     []string
	}{
		{"Commit publishes every part, then _SUCCESS", "", false, []string{"_SUCCESS", "empty", "large", "small"}},
		{"Abort leaves nothing, not even uploads", "", true, nil},
		{"a failed commit takes back what it published", "small", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeS3(t, "bkt")
			s3fs := fake.fs(t, S3Options{PartSize: 1000})
			fss := FileSystems{"s3": s3fs}
			dir, err := fss.CreateDir(ctx, "s3://bkt/out")
			if err != nil {
				t.Fatal(err)
			}
			contents := map[string]string{"small": "a few bytes\n", "large": strings.Repeat("0123456789", 250), "empty": ""}
			for _, name := range slices.Sorted(func(yield func(string) bool) {
				for k := range contents {
					if !yield(k) {
						return
					}
				}
			}) {
				w, err := dir.Create(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.Write([]byte(contents[name])); err != nil {
					t.Fatal(err)
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if keys, _ := keysBelow(t, s3fs, "bkt", "out/"); len(keys) != 0 {
				t.Errorf("visible before Commit: %v", keys)
			}
			if _, err := fss.Expand(ctx, "s3://bkt/out"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("reading before Commit: %v, want fs.ErrNotExist", err)
			}
			if tt.failPart != "" {
				fake.setMiddleware(func(next http.Handler) http.Handler {
					return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						if s3Kind(r) == "COMPLETE" && strings.HasSuffix(r.URL.Path, "/"+tt.failPart) {
							http.Error(w, "<Error><Code>InvalidPart</Code></Error>", http.StatusBadRequest)
							return
						}
						next.ServeHTTP(w, r)
					})
				})
			}
			if tt.abort {
				err = dir.Abort(ctx)
			} else {
				err = dir.Commit(ctx)
			}
			if (err != nil) != (tt.failPart != "") {
				t.Fatalf("error %v", err)
			}
			keys, uploads := keysBelow(t, s3fs, "bkt", "out/")
			if !slices.Equal(keys, tt.want) || uploads != 0 {
				t.Errorf("left keys %q and %d uploads, want %q and none", keys, uploads, tt.want)
			}
			for _, k := range tt.want {
				if c, ok := contents[k]; ok {
					if got := objectContent(t, fake, "s3://bkt/out/"+k); got != c {
						t.Errorf("%s holds %d bytes, want %d", k, len(got), len(c))
					}
				}
			}
		})
	}
}

func TestS3OutputLeftByAKilledJob(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		objects  map[string]string // what the killed job left visible
		uploads  []string          // keys of multipart uploads it left
		readErr  error             // reading the directory
		leftover []string          // what CleanupDir leaves
	}{
		{"killed while writing: only invisible uploads", nil, []string{"out/part-00000", "out/part-00001"}, fs.ErrNotExist, nil},
		{"killed during commit: a manifest and some parts",
			map[string]string{"out/_temporary/commit-1": "out/part-00000\nout/part-00001\n", "out/part-00000": "x\n"},
			[]string{"out/part-00001"}, ErrIncompleteOutput, nil},
		{"killed after _SUCCESS: committed, only the manifest goes",
			map[string]string{"out/_temporary/commit-1": "out/part-00000\n", "out/part-00000": "x\n", "out/_SUCCESS": ""},
			nil, nil, []string{"_SUCCESS", "part-00000"}},
		{"a directory not written by a job is left alone",
			map[string]string{"out/data.txt": "x\n"}, []string{"out/part-9"}, nil, []string{"data.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeS3(t, "bkt")
			fake.put(t, "bkt", tt.objects)
			s3fs := fake.fs(t, S3Options{})
			for _, key := range tt.uploads {
				if _, err := s3Client(t, s3fs).CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String(key)}); err != nil {
					t.Fatal(err)
				}
			}
			fss := FileSystems{"s3": s3fs}
			_, err := fss.Expand(ctx, "s3://bkt/out")
			if tt.readErr == nil && err != nil || !errors.Is(err, tt.readErr) {
				t.Errorf("reading: %v, want %v", err, tt.readErr)
			}
			if err != nil && !strings.Contains(err.Error(), "s3://bkt/out") {
				t.Errorf("the error %q does not name the directory", err)
			}
			if err := fss.CleanupDir(ctx, "s3://bkt/out"); err != nil {
				t.Fatal(err)
			}
			keys, uploads := keysBelow(t, s3fs, "bkt", "out/")
			if !slices.Equal(keys, tt.leftover) || uploads != 0 {
				t.Errorf("CleanupDir left %q and %d uploads, want %q and none", keys, uploads, tt.leftover)
			}
			if len(tt.leftover) == 0 {
				dir, err := fss.CreateDir(ctx, "s3://bkt/out")
				if err != nil {
					t.Fatalf("the next save: %v", err)
				}
				dir.Abort(ctx)
			}
		})
	}
}

func TestS3CleanupOfABucketLeavesItsUploadsAlone(t *testing.T) {
	ctx := context.Background()
	fake := newFakeS3(t, "bkt")
	s3fs := fake.fs(t, S3Options{})
	if _, err := s3Client(t, s3fs).CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bkt"), Key: aws.String("other/job")}); err != nil {
		t.Fatal(err)
	}
	fss := FileSystems{"s3": s3fs}
	if _, err := fss.CreateDir(ctx, "s3://bkt"); !errors.Is(err, fs.ErrExist) {
		t.Errorf("CreateDir of a bucket: %v, want fs.ErrExist", err)
	}
	if err := fss.CleanupDir(ctx, "s3://bkt/"); err != nil {
		t.Fatal(err)
	}
	if _, uploads := keysBelow(t, s3fs, "bkt", ""); uploads != 1 {
		t.Errorf("%d uploads left, want the other job's one", uploads)
	}
}
