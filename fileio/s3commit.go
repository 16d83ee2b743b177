package fileio

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TemporaryDir is the hidden sub-directory of an output directory where a job keeps what it
// has not committed yet, as Hadoop names it. A directory with entries under _temporary/ but
// no _SUCCESS marker is the output of a job that did not finish committing; Expand refuses to
// read it (ErrIncompleteOutput).
const TemporaryDir = "_temporary"

// commitManifestPrefix starts the names of the manifests that S3 commits write into
// TemporaryDir: the keys the commit publishes, one a line.
const commitManifestPrefix = "commit-"

// s3CommitParallelism bounds the CompleteMultipartUpload requests a commit sends at once.
const s3CommitParallelism = 8

// pendingObject is a file of an S3 output directory that is uploaded but not visible yet.
type pendingObject struct {
	path, key string
	uploadID  string // of its multipart upload; "" for an empty file, written at commit
	parts     []types.CompletedPart
}

// s3OutputDir is S3's OutputDir, committed as Hadoop's S3A "magic" committer does: every file
// goes up as a multipart upload that its writer's Close leaves uncompleted, so that nothing
// is visible under the directory while the job runs. Commit first writes a manifest of the
// keys it publishes into _temporary/, completes the uploads, writes _SUCCESS and deletes the
// manifest. A job killed before Commit leaves only uncompleted uploads (invisible, removed by
// the next CreateDir or CleanupDir of the path); one killed during Commit leaves the manifest,
// which makes readers refuse the directory and tells CleanupDir what to delete.
type s3OutputDir struct {
	s      *S3
	path   string // as the caller spelled it, without a trailing "/"
	root   string // "s3://bucket/"
	bucket string
	prefix string // key prefix of the directory's files, ending in "/" (or "" for a bucket)
	job    string // random name of this output's commit manifest

	mu      sync.Mutex
	pending map[string]pendingObject // by key
	done    bool                     // committed or aborted
}

func (s *S3) stageDir(ctx context.Context, path string) (OutputDir, error) {
	root, bucket, key, err := splitS3Path("create", path)
	if err != nil {
		return nil, err
	}
	prefix := strings.TrimSuffix(key, "/")
	if prefix != "" {
		prefix += "/"
	}
	var id [8]byte
	rand.Read(id[:])
	return &s3OutputDir{s: s, path: strings.TrimSuffix(path, "/"), root: root, bucket: bucket, prefix: prefix,
		job: hex.EncodeToString(id[:]), pending: map[string]pendingObject{}}, nil
}

// Create starts a file whose Close uploads it without making it visible.
func (d *s3OutputDir) Create(ctx context.Context, name string) (FileWriter, error) {
	if name == "" || strings.Contains(name, "/") {
		return nil, &Error{Op: "create", Path: joinPath(d.path, name), Err: errors.New("not a base name")}
	}
	w, err := d.s.Create(ctx, joinPath(d.path, name))
	if err != nil {
		return nil, err
	}
	sw := w.(*s3Writer)
	sw.stage = d.stage
	return sw, nil
}

// stage records a closed file; a file written again (a retried task) replaces the earlier
// one, whose upload is aborted.
func (d *s3OutputDir) stage(p pendingObject) {
	d.mu.Lock()
	old, had := d.pending[p.key]
	d.pending[p.key] = p
	d.mu.Unlock()
	if had {
		d.abortUpload(context.Background(), old)
	}
}

// Commit publishes every closed file, then _SUCCESS. On failure what it published is deleted
// again and the rest aborted.
func (d *s3OutputDir) Commit(ctx context.Context) error {
	d.mu.Lock()
	if d.done {
		d.mu.Unlock()
		return &Error{Op: "commit", Path: d.path, Err: errors.New("output directory already committed or aborted")}
	}
	d.done = true
	pending := slices.Collect(maps.Values(d.pending))
	d.pending = nil
	d.mu.Unlock()
	slices.SortFunc(pending, func(a, b pendingObject) int { return strings.Compare(a.key, b.key) })

	var manifest bytes.Buffer
	for _, p := range pending {
		manifest.WriteString(p.key + "\n")
	}
	manifestKey := d.prefix + TemporaryDir + "/" + commitManifestPrefix + d.job
	if err := d.put(ctx, manifestKey, manifest.Bytes()); err != nil {
		d.rollback(pending, nil, "")
		return err
	}
	published := make([]bool, len(pending))
	errs := make([]error, len(pending))
	sem := make(chan struct{}, s3CommitParallelism)
	var wg sync.WaitGroup
	for i, p := range pending {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = d.publish(ctx, p)
			published[i] = errs[i] == nil
		}()
	}
	wg.Wait()
	err := errors.Join(errs...)
	if err == nil {
		err = d.put(ctx, d.prefix+SuccessMarker, nil)
	}
	if err != nil {
		d.rollback(pending, published, manifestKey)
		return err
	}
	// The output is committed; a manifest left behind next to _SUCCESS is harmless.
	d.remove(context.WithoutCancel(ctx), manifestKey)
	return nil
}

// publish makes one pending file visible.
func (d *s3OutputDir) publish(ctx context.Context, p pendingObject) error {
	if p.uploadID == "" {
		return d.put(ctx, p.key, nil)
	}
	_, err := s3Call(ctx, d.s, d.bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
		return c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(d.bucket),
			Key: aws.String(p.key), UploadId: aws.String(p.uploadID),
			MultipartUpload: &types.CompletedMultipartUpload{Parts: p.parts}}, o)
	})
	if err != nil {
		return d.s.fail("commit", p.path, d.bucket, err)
	}
	return nil
}

// rollback deletes the files a failed commit published, aborts the uploads of the others and
// deletes the manifest (if any), even when ctx is cancelled.
func (d *s3OutputDir) rollback(pending []pendingObject, published []bool, manifestKey string) {
	ctx := context.Background()
	for i, p := range pending {
		if published != nil && published[i] {
			d.remove(ctx, p.key)
		} else {
			d.abortUpload(ctx, p)
		}
	}
	if manifestKey != "" {
		d.remove(ctx, manifestKey)
	}
}

// Abort aborts the uploads of the closed files and any other multipart upload left below the
// directory (by writers still open), even when ctx is cancelled.
func (d *s3OutputDir) Abort(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	d.mu.Lock()
	if d.done {
		d.mu.Unlock()
		return nil
	}
	d.done = true
	pending := d.pending
	d.pending = nil
	d.mu.Unlock()
	var errs []error
	for _, p := range pending {
		errs = append(errs, d.abortUpload(ctx, p))
	}
	errs = append(errs, d.s.abortUploadsBelow(ctx, d.path, d.bucket, d.prefix))
	return errors.Join(errs...)
}

func (d *s3OutputDir) abortUpload(ctx context.Context, p pendingObject) error {
	if p.uploadID == "" {
		return nil
	}
	_, err := s3Call(ctx, d.s, d.bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
		return c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(d.bucket),
			Key: aws.String(p.key), UploadId: aws.String(p.uploadID)}, o)
	})
	if err != nil && errorCode(err) != "NoSuchUpload" {
		return d.s.fail("abort", p.path, d.bucket, err)
	}
	return nil
}

func (d *s3OutputDir) put(ctx context.Context, key string, body []byte) error {
	return d.s.putObject(ctx, d.root+key, d.bucket, key, body)
}

func (d *s3OutputDir) remove(ctx context.Context, key string) error {
	return d.s.Remove(ctx, d.root+key)
}

// putObject writes a small object in one request.
func (s *S3) putObject(ctx context.Context, path, bucket, key string, body []byte) error {
	_, err := s3Call(ctx, s, bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.PutObjectOutput, error) {
		return c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
			Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body)))}, o)
	})
	if err != nil {
		return s.fail("create", path, bucket, err)
	}
	return nil
}

// abortUploadsBelow aborts every multipart upload whose key starts with prefix.
func (s *S3) abortUploadsBelow(ctx context.Context, path, bucket, prefix string) error {
	in := &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket), Prefix: aws.String(prefix)}
	var errs []error
	for {
		out, err := s3Call(ctx, s, bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error) {
			return c.ListMultipartUploads(ctx, in, o)
		})
		if errorCode(err) == "NoSuchUpload" { // gofakes3's answer when there are none
			return errors.Join(errs...)
		}
		if err != nil {
			return errors.Join(append(errs, s.fail("cleanup", path, bucket, err))...)
		}
		for _, u := range out.Uploads {
			_, err := s3Call(ctx, s, bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
				return c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(bucket),
					Key: u.Key, UploadId: u.UploadId}, o)
			})
			if err != nil && errorCode(err) != "NoSuchUpload" {
				errs = append(errs, s.fail("cleanup", path, bucket, err))
			}
		}
		if !aws.ToBool(out.IsTruncated) || (aws.ToString(out.NextKeyMarker) == "" && aws.ToString(out.NextUploadIdMarker) == "") {
			return errors.Join(errs...)
		}
		in.KeyMarker, in.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
	}
}

// cleanupDir removes what saves to path that were killed or failed left: the multipart
// uploads below it, and, unless _SUCCESS marks the directory committed, the objects that an
// interrupted commit published (those its manifest lists) and the manifest.
func (s *S3) cleanupDir(ctx context.Context, path string) error {
	root, bucket, key, err := splitS3Path("cleanup", path)
	if err != nil {
		return err
	}
	prefix := strings.TrimSuffix(key, "/")
	if prefix == "" {
		// A whole bucket is no output directory (CreateDir refuses it: it exists); its
		// uploads may belong to anything.
		return nil
	}
	prefix += "/"
	errs := []error{s.abortUploadsBelow(ctx, path, bucket, prefix)}
	_, err = s.Stat(ctx, root+prefix+SuccessMarker)
	committed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return errors.Join(append(errs, err)...)
	}
	tmp := root + prefix + TemporaryDir + "/" + commitManifestPrefix
	req := ListRequest{Prefix: tmp, Recursive: true}
	for {
		page, err := s.List(ctx, req)
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		for _, f := range page.Files {
			if !committed {
				errs = append(errs, s.removeListed(ctx, root, prefix, f.Path))
			}
			errs = append(errs, s.Remove(ctx, f.Path))
		}
		if page.Next == "" {
			break
		}
		req.PageToken = page.Next
	}
	return errors.Join(errs...)
}

// removeListed deletes the keys a commit manifest lists, those below prefix only.
func (s *S3) removeListed(ctx context.Context, root, prefix, manifest string) error {
	rc, err := s.Open(ctx, manifest)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	defer rc.Close()
	var errs []error
	sc := bufio.NewScanner(rc)
	for sc.Scan() {
		if key := strings.TrimSpace(sc.Text()); strings.HasPrefix(key, prefix) && key != prefix {
			errs = append(errs, s.Remove(ctx, root+key))
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, wrapErr("read", manifest, err))
	}
	return errors.Join(errs...)
}
