package fileio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Environment variables of the S3 file system. The AWS SDK reads its own as well: AWS_REGION,
// AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL (a custom endpoint), AWS_PROFILE,
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_CONFIG_FILE and so on.
const (
	// EnvS3Anonymous set to "1" or "true" sends unsigned requests, as public buckets such as
	// Common Crawl's accept, without looking for credentials (S3Options.Anonymous).
	EnvS3Anonymous = "GOSPARKLING_S3_ANONYMOUS"
	// EnvS3PathStyle set to "1" or "true" addresses buckets path-style
	// (http://endpoint/bucket/key), as most S3-compatible servers need (S3Options.PathStyle).
	EnvS3PathStyle = "GOSPARKLING_S3_PATH_STYLE"
)

// Defaults of S3Options.
const (
	DefaultS3Region   = "us-east-1" // when neither options, environment nor AWS config name one
	DefaultS3PageSize = 1000        // keys per listing request, S3's maximum
	DefaultS3PartSize = 8 << 20     // bytes per part of a multipart upload
)

// S3Options configures an S3 file system. The zero value uses the AWS SDK's standard
// configuration: region and endpoint from the environment or ~/.aws/config, credentials from
// the standard chain (environment, shared files, SSO, web identity, EC2/ECS roles).
type S3Options struct {
	// Region of the buckets; "" takes AWS_REGION or the AWS config's, else DefaultS3Region.
	// A bucket found in another region (S3 redirects with its region) is then addressed
	// there automatically.
	Region string
	// Endpoint is the URL of an S3-compatible server ("http://127.0.0.1:7070"); "" takes
	// AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, else AWS's own endpoints.
	Endpoint string
	// PathStyle addresses buckets as http://endpoint/bucket/key instead of
	// http://bucket.endpoint/key. Also set by GOSPARKLING_S3_PATH_STYLE=1.
	PathStyle bool
	// Anonymous sends unsigned requests and never looks for credentials. Also set by
	// GOSPARKLING_S3_ANONYMOUS=1. Without it, requests go unsigned only when the standard
	// credential chain finds no credentials (access errors then say so).
	Anonymous bool
	// Credentials replaces the standard credential chain.
	Credentials aws.CredentialsProvider
	// HTTPClient sends the requests; nil means the AWS SDK's default client, whose
	// connections fail after Retry's idle timeout without a byte moving (the request is
	// then retried, a read resumed).
	HTTPClient *http.Client
	// PageSize is the number of keys per listing request (1 to 1000); 0 means
	// DefaultS3PageSize.
	PageSize int
	// PartSize is the size of the parts a written file is uploaded in; a file no larger is
	// uploaded by one PutObject when it is closed. 0 means DefaultS3PartSize. S3 itself
	// rejects parts smaller than 5 MiB (the last one excepted). After every 1000 parts the
	// size doubles, so that S3's limit of 10000 parts is not reached before 5 TiB.
	PartSize int64
	// Retry says how failed requests and broken reads are retried. Requests go through the
	// AWS SDK's standard retryer with these attempts and waits.
	Retry RetryPolicy
}

// S3 is the FileSystem of Amazon S3 and S3-compatible object stores, serving paths
// "s3://bucket/key". Keys are flat; a "directory" is a key prefix ending in "/" under which
// objects exist. Reads stream (GetObject, with a Range for OpenRange) and resume from the
// current offset when a response breaks; listings are paged (ListObjectsV2, one request per
// page); writes become visible only when closed (PutObject, or a multipart upload that
// Abort cancels). Errors name the path: a missing bucket or key satisfies
// errors.Is(err, fs.ErrNotExist), a refused access errors.Is(err, fs.ErrPermission).
//
// The AWS configuration is read, and credentials are looked up, on first use.
type S3 struct {
	opts S3Options

	mu                   sync.Mutex
	cfg                  *aws.Config // nil until loaded
	anonymous, pathStyle bool        // from opts or the environment, once cfg is loaded
	client               *s3.Client  // nil until the first request
	// anonymousBecause is why requests go unsigned although not asked to: the credential
	// chain's error.
	anonymousBecause error

	regionsMu sync.Mutex
	regions   map[string]string // bucket -> region learnt from a redirect
}

// sharedS3 is the S3 of Default, configured from the environment at its first use.
var sharedS3 = &S3{regions: map[string]string{}}

// NewS3 returns an S3 file system configured by opts and the environment. It reads the AWS
// configuration (environment and shared config files, no network), so configuration errors
// surface here; credentials are looked up on the first request.
func NewS3(ctx context.Context, opts S3Options) (*S3, error) {
	s, err := newLazyS3(opts)
	if err != nil {
		return nil, fmt.Errorf("fileio: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.loadConfig(ctx); err != nil {
		return nil, fmt.Errorf("fileio: %w", err)
	}
	return s, nil
}

// newLazyS3 checks opts and returns an S3 that reads its configuration on first use.
func newLazyS3(opts S3Options) (*S3, error) {
	if opts.PageSize < 0 || opts.PageSize > 1000 {
		return nil, fmt.Errorf("S3 page size %d is not between 1 and 1000", opts.PageSize)
	}
	if opts.PartSize < 0 {
		return nil, fmt.Errorf("S3 part size %d is negative", opts.PartSize)
	}
	if opts.Endpoint != "" {
		if err := checkEndpoint(opts.Endpoint); err != nil {
			return nil, err
		}
	}
	return &S3{opts: opts, regions: map[string]string{}}, nil
}

func checkEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err == nil && (u.Scheme != "http" && u.Scheme != "https" || u.Host == "") {
		err = errors.New(`want "http://host[:port]" or "https://host[:port]"`)
	}
	if err != nil {
		return fmt.Errorf("bad S3 endpoint %q: %w", endpoint, err)
	}
	return nil
}

// envBool reads a boolean environment variable ("" is false).
func envBool(name string) (bool, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return false, nil
	}
	switch strings.ToLower(v) {
	case "yes", "on":
		return true, nil
	case "no", "off":
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("environment variable %s=%q is not a boolean (want 1 or 0)", name, v)
	}
	return b, nil
}

// loadConfig reads the AWS configuration once; s.mu must be held.
func (s *S3) loadConfig(ctx context.Context) (*aws.Config, error) {
	if s.cfg != nil {
		return s.cfg, nil
	}
	o := s.opts
	anonymous, pathStyle := o.Anonymous, o.PathStyle
	var err error
	if !anonymous {
		if anonymous, err = envBool(EnvS3Anonymous); err != nil {
			return nil, err
		}
	}
	if !pathStyle {
		if pathStyle, err = envBool(EnvS3PathStyle); err != nil {
			return nil, err
		}
	}
	policy := o.Retry
	load := []func(*config.LoadOptions) error{
		// Failures come back as errors; the SDK's own warnings would clutter notebooks.
		config.WithLogger(logging.Nop{}),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = policy.attempts()
				so.MaxBackoff = policy.maxDelay()
				so.Backoff = sdkBackoff(policy)
			})
		}),
	}
	if o.Region != "" {
		load = append(load, config.WithRegion(o.Region))
	}
	if o.HTTPClient != nil {
		load = append(load, config.WithHTTPClient(o.HTTPClient))
	} else {
		idle, err := policy.idleTimeout()
		if err != nil {
			return nil, err
		}
		load = append(load, config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.DialContext = idleDialer(tr.DialContext, idle)
		})))
	}
	switch {
	case o.Credentials != nil:
		load = append(load, config.WithCredentialsProvider(o.Credentials))
	case anonymous:
		load = append(load, config.WithCredentialsProvider(aws.AnonymousCredentials{}))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = DefaultS3Region
	}
	if o.Endpoint == "" {
		// The SDK reads AWS_ENDPOINT_URL(_S3) itself; check it here for a clear message.
		for _, name := range []string{"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"} {
			if v := os.Getenv(name); v != "" {
				if err := checkEndpoint(v); err != nil {
					return nil, fmt.Errorf("%w (from %s)", err, name)
				}
				break
			}
		}
	}
	s.anonymous, s.pathStyle = anonymous, pathStyle
	s.cfg = &cfg
	return s.cfg, nil
}

// sdkBackoff adapts a RetryPolicy to the AWS SDK's retryer.
type sdkBackoff RetryPolicy

// BackoffDelay returns the wait before retrying after failed attempt number attempt.
func (b sdkBackoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	return RetryPolicy(b).delay(attempt), nil
}

// api returns the S3 client, creating it on first use: the configuration is loaded and
// credentials looked up (requests go unsigned when none are found).
func (s *S3) api(ctx context.Context) (*s3.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client != nil {
		return s.client, nil
	}
	cfg, err := s.loadConfig(ctx)
	if err != nil {
		return nil, err
	}
	o := s.opts
	anonymous := s.anonymous && o.Credentials == nil
	if !anonymous && o.Credentials == nil {
		if cfg.Credentials == nil {
			anonymous, s.anonymousBecause = true, errors.New("no AWS credentials are configured")
		} else if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			anonymous, s.anonymousBecause = true, err
		}
	}
	s.client = s3.NewFromConfig(*cfg, func(so *s3.Options) {
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(o.Endpoint)
		}
		so.UsePathStyle = s.pathStyle
		// Objects written without checksums, and ranged reads, are not validated; the SDK
		// would log that on every read.
		so.DisableLogOutputChecksumValidationSkipped = true
		if anonymous {
			so.Credentials = aws.AnonymousCredentials{}
		}
	})
	return s.client, nil
}

// s3Call runs one S3 operation on bucket. If S3 answers that the bucket lives in another
// region, the region is remembered for the bucket and the operation tried once more.
func s3Call[T any](ctx context.Context, s *S3, bucket string, call func(*s3.Client, func(*s3.Options)) (T, error)) (T, error) {
	client, err := s.api(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	for try := 0; ; try++ {
		out, err := call(client, s.regionOption(bucket))
		if err == nil || try > 0 || !s.learnRegion(bucket, err) {
			return out, err
		}
	}
}

// regionOption addresses bucket in the region learnt for it, if any.
func (s *S3) regionOption(bucket string) func(*s3.Options) {
	s.regionsMu.Lock()
	region := s.regions[bucket]
	s.regionsMu.Unlock()
	return func(o *s3.Options) {
		if region != "" {
			o.Region = region
		}
	}
}

// learnRegion remembers the region named by a redirect (or a region mismatch) S3 answered for
// bucket; it reports whether there is a new region to try.
func (s *S3) learnRegion(bucket string, err error) bool {
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return false
	}
	switch re.HTTPStatusCode() {
	case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusBadRequest:
	default:
		return false
	}
	region := re.Response.Header.Get("X-Amz-Bucket-Region")
	if region == "" {
		return false
	}
	s.regionsMu.Lock()
	defer s.regionsMu.Unlock()
	if s.regions[bucket] == region {
		return false
	}
	s.regions[bucket] = region
	return true
}

// splitS3Path splits "s3://bucket/key" into its root ("s3://bucket/"), bucket and key.
func splitS3Path(op, path string) (root, bucket, key string, err error) {
	i := strings.Index(path, "://")
	if i < 0 {
		return "", "", "", &Error{Op: op, Path: path, Err: errors.New(`not an S3 URL (want "s3://bucket/key")`)}
	}
	bucket, key, _ = strings.Cut(path[i+3:], "/")
	if bucket == "" {
		return "", "", "", &Error{Op: op, Path: path, Err: errors.New(`no bucket name (want "s3://bucket/key")`)}
	}
	return path[:i+3] + bucket + "/", bucket, key, nil
}

// s3Error is an S3 error response explained: kind is fs.ErrNotExist, fs.ErrPermission or nil.
type s3Error struct {
	msg  string
	kind error
	err  error // the AWS SDK's error
}

func (e *s3Error) Error() string { return e.msg }

func (e *s3Error) Unwrap() []error {
	if e.kind == nil {
		return []error{e.err}
	}
	return []error{e.kind, e.err}
}

// errorCode returns the S3 error code of err ("NoSuchKey", "NotFound" for a HEAD 404, ...).
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// unknownAccessKey reports whether an S3 error code says that the request's access key is
// not known.
func unknownAccessKey(code string) bool {
	return code == "InvalidAccessKeyId" || strings.HasSuffix(code, "UserNotFound")
}

// fail turns an error of an S3 operation on path into an *Error with a clear cause.
func (s *S3) fail(op, path, bucket string, err error) error {
	var fe *Error
	if errors.As(err, &fe) {
		return err
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return &Error{Op: op, Path: path, Err: err}
	}
	code, detail := apiErr.ErrorCode(), apiErr.ErrorMessage()
	status := 0
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	e := &s3Error{err: err}
	switch {
	case unknownAccessKey(code):
		// Some servers answer 404 for an unknown key (versitygw: XAdminUserNotFound); that is
		// no statement about the object.
		e.kind, e.msg = fs.ErrPermission, "access denied: the server does not know the access key (S3 "+code+")"
	case code == "NoSuchBucket":
		e.kind, e.msg = fs.ErrNotExist, fmt.Sprintf("bucket %q does not exist (S3 NoSuchBucket)", bucket)
	case code == "NoSuchKey" || code == "NotFound" || status == http.StatusNotFound:
		e.kind, e.msg = fs.ErrNotExist, "no such object (S3 "+code+")"
	case code == "AccessDenied" || code == "Forbidden" || code == "AllAccessDisabled" ||
		code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "ExpiredToken" ||
		code == "InvalidToken" || status == http.StatusForbidden:
		e.kind, e.msg = fs.ErrPermission, "access denied (S3 "+code+")"
		if detail != "" && detail != "Access Denied" && detail != code {
			e.msg += ": " + detail
		}
		s.mu.Lock()
		why := s.anonymousBecause
		s.mu.Unlock()
		if why != nil {
			e.msg += fmt.Sprintf("; the request was sent unsigned because no AWS credentials were found (%v)", why)
		}
	case status == http.StatusMovedPermanently || code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed":
		e.msg = fmt.Sprintf("bucket %q is in another region than the client's (S3 %s); set AWS_REGION or S3Options.Region", bucket, code)
		if re != nil && re.Response != nil {
			if region := re.Response.Header.Get("X-Amz-Bucket-Region"); region != "" {
				e.msg = fmt.Sprintf("bucket %q is in region %s (S3 %s); set AWS_REGION=%s or S3Options.Region", bucket, region, code, region)
			}
		}
	default:
		e.msg = "S3 " + code
		if status != 0 {
			e.msg += fmt.Sprintf(" (HTTP %d)", status)
		}
		if detail != "" && detail != code {
			e.msg += ": " + detail
		}
	}
	return &Error{Op: op, Path: path, Err: e}
}

// Open streams an object.
func (s *S3) Open(ctx context.Context, path string) (io.ReadCloser, error) {
	return s.OpenRange(ctx, path, 0, -1)
}

// OpenRange streams length bytes of an object from offset (length < 0: to its end) with
// one ranged GetObject, resuming from the current offset if the response breaks.
func (s *S3) OpenRange(ctx context.Context, path string, offset, length int64) (io.ReadCloser, error) {
	if err := checkContext(ctx, "open", path); err != nil {
		return nil, err
	}
	if offset < 0 {
		return nil, &Error{Op: "open", Path: path, Err: errors.New("negative offset")}
	}
	_, bucket, key, err := splitS3Path("open", path)
	if err != nil {
		return nil, err
	}
	if key == "" || strings.HasSuffix(key, "/") {
		return nil, &Error{Op: "open", Path: path, Err: errors.New("is a directory (a key prefix), not an object")}
	}
	end := int64(-1)
	if length >= 0 {
		end = offset + length
	}
	var etag string // of the first response; a resumed read insists on it
	open := func(ctx context.Context, offset, end int64, resume bool) (io.ReadCloser, int64, error) {
		in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
		if offset > 0 || end >= 0 {
			in.Range = aws.String(byteRange(offset, end))
		}
		op := "open"
		if resume {
			op = "read"
			if etag != "" {
				in.IfMatch = aws.String(etag)
			}
		}
		out, err := s3Call(ctx, s, bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.GetObjectOutput, error) {
			return c.GetObject(ctx, in, o)
		})
		switch code := errorCode(err); {
		case err == nil:
		case code == "InvalidRange" && !resume:
			return http.NoBody, offset, nil // the range starts at or beyond the end
		case code == "PreconditionFailed" || code == "InvalidRange":
			return nil, 0, &Error{Op: op, Path: path, Err: fmt.Errorf("the object changed while being read (S3 %s)", code)}
		default:
			return nil, 0, s.fail(op, path, bucket, err)
		}
		if !resume {
			etag = aws.ToString(out.ETag)
		}
		size := int64(-1)
		if first, _, total, ok := parseContentRange(aws.ToString(out.ContentRange)); ok {
			if first >= 0 && first != offset {
				out.Body.Close()
				return nil, 0, &Error{Op: op, Path: path, Err: fmt.Errorf("asked for %s, the server sent Content-Range %q",
					aws.ToString(in.Range), aws.ToString(out.ContentRange))}
			}
			size = total
		} else if out.ContentLength != nil && in.Range == nil {
			size = *out.ContentLength
		} else if in.Range != nil && offset > 0 {
			// A server that ignored the Range would send the object from its start.
			out.Body.Close()
			return nil, 0, &Error{Op: op, Path: path, Err: fmt.Errorf("asked for %s, the server sent no Content-Range", aws.ToString(in.Range))}
		}
		return out.Body, clipEnd(end, size), nil
	}
	return openResumable(ctx, path, s.opts.Retry, offset, end, open)
}

// clipEnd returns the end of the bytes [offset, end) of a file of size bytes that exist (end
// or size < 0: unknown).
func clipEnd(end, size int64) int64 {
	switch {
	case size < 0:
		return end
	case end < 0:
		return size
	}
	return min(end, size)
}

// byteRange formats the HTTP Range of the bytes [offset, end) (end < 0: to the end). An
// empty range asks for one byte, which the reader then does not read.
func byteRange(offset, end int64) string {
	if end < 0 {
		return fmt.Sprintf("bytes=%d-", offset)
	}
	return fmt.Sprintf("bytes=%d-%d", offset, max(end-1, offset))
}

// parseContentRange parses "bytes first-last/size" (size -1 for "*").
func parseContentRange(s string) (first, last, size int64, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(s), "bytes ")
	if !found {
		return 0, 0, 0, false
	}
	span, total, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, 0, false
	}
	size = -1
	if total != "*" {
		var err error
		if size, err = strconv.ParseInt(total, 10, 64); err != nil {
			return 0, 0, 0, false
		}
	}
	if span == "*" {
		return -1, -1, size, true
	}
	a, b, found := strings.Cut(span, "-")
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if !found || err1 != nil || err2 != nil {
		return 0, 0, 0, false
	}
	return first, last, size, true
}

// Stat describes an object (HeadObject) or a directory: the bucket itself, or a key prefix
// followed by "/" under which objects exist (a one-key ListObjectsV2).
func (s *S3) Stat(ctx context.Context, path string) (FileInfo, error) {
	if err := checkContext(ctx, "stat", path); err != nil {
		return FileInfo{}, err
	}
	_, bucket, key, err := splitS3Path("stat", path)
	if err != nil {
		return FileInfo{}, err
	}
	if key != "" && !strings.HasSuffix(key, "/") {
		out, err := s3Call(ctx, s, bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.HeadObjectOutput, error) {
			return c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, o)
		})
		if err == nil {
			return FileInfo{Path: path, Size: aws.ToInt64(out.ContentLength), ModTime: aws.ToTime(out.LastModified)}, nil
		}
		if err := s.fail("stat", path, bucket, err); !errors.Is(err, fs.ErrNotExist) {
			return FileInfo{}, err
		}
		key += "/"
	}
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(1)}
	if key != "" {
		in.Prefix = aws.String(key)
	}
	out, err := s3Call(ctx, s, bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
		return c.ListObjectsV2(ctx, in, o)
	})
	if err != nil {
		return FileInfo{}, s.fail("stat", path, bucket, err)
	}
	if key != "" && len(out.Contents) == 0 && len(out.CommonPrefixes) == 0 {
		return FileInfo{}, &Error{Op: "stat", Path: path, Err: fmt.Errorf("no object with this key and none below it: %w", fs.ErrNotExist)}
	}
	return FileInfo{Path: path, IsDir: true}, nil
}

// List returns one page of keys (a ListObjectsV2 request of at most PageSize keys) starting
// with the prefix; unless req.Recursive, with delimiter "/", common prefixes becoming Dirs.
// Keys ending in "/" (directory markers) are not files and are left out.
func (s *S3) List(ctx context.Context, req ListRequest) (ListPage, error) {
	if err := checkContext(ctx, "list", req.Prefix); err != nil {
		return ListPage{}, err
	}
	root, bucket, keyPrefix, err := splitS3Path("list", req.Prefix)
	if err != nil {
		return ListPage{}, err
	}
	pageSize := s.opts.PageSize
	if pageSize == 0 {
		pageSize = DefaultS3PageSize
	}
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(int32(pageSize))}
	if keyPrefix != "" {
		in.Prefix = aws.String(keyPrefix)
	}
	if !req.Recursive {
		in.Delimiter = aws.String("/")
	}
	if req.PageToken != "" {
		in.ContinuationToken = aws.String(req.PageToken)
	}
	out, err := s3Call(ctx, s, bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
		return c.ListObjectsV2(ctx, in, o)
	})
	if err != nil {
		return ListPage{}, s.fail("list", req.Prefix, bucket, err)
	}
	var page ListPage
	for _, obj := range out.Contents {
		key := aws.ToString(obj.Key)
		if key == "" || strings.HasSuffix(key, "/") {
			continue
		}
		page.Files = append(page.Files, FileInfo{Path: root + key, Size: aws.ToInt64(obj.Size), ModTime: aws.ToTime(obj.LastModified)})
	}
	for _, p := range out.CommonPrefixes {
		if dir := strings.TrimSuffix(aws.ToString(p.Prefix), "/"); dir != "" {
			page.Dirs = append(page.Dirs, root+dir)
		}
	}
	if aws.ToBool(out.IsTruncated) {
		page.Next = aws.ToString(out.NextContinuationToken)
	}
	return page, nil
}

// Create starts writing an object. Nothing is visible under the key before Close: a file of
// up to PartSize bytes is uploaded by one PutObject at Close; a larger one goes up in parts
// of a multipart upload as it is written, which Close completes and Abort (or a failure)
// aborts.
func (s *S3) Create(ctx context.Context, path string) (FileWriter, error) {
	if err := checkContext(ctx, "create", path); err != nil {
		return nil, err
	}
	_, bucket, key, err := splitS3Path("create", path)
	if err != nil {
		return nil, err
	}
	if key == "" || strings.HasSuffix(key, "/") {
		return nil, &Error{Op: "create", Path: path, Err: errors.New(`an object key cannot be empty or end in "/"`)}
	}
	partSize := s.opts.PartSize
	if partSize == 0 {
		partSize = DefaultS3PartSize
	}
	return &s3Writer{s: s, ctx: ctx, path: path, bucket: bucket, key: key, basePartSize: partSize}, nil
}

// Remove deletes an object; a missing one is no error. Output
// directories use it to take back the files of an aborted output.
func (s *S3) Remove(ctx context.Context, path string) error {
	_, bucket, key, err := splitS3Path("remove", path)
	if err != nil {
		return err
	}
	_, err = s3Call(ctx, s, bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.DeleteObjectOutput, error) {
		return c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, o)
	})
	if err != nil {
		return s.fail("remove", path, bucket, err)
	}
	return nil
}

// s3Writer is the FileWriter of S3.Create.
type s3Writer struct {
	s            *S3
	ctx          context.Context
	path         string
	bucket, key  string
	basePartSize int64
	buf          []byte // the part being filled
	uploadID     string // of the multipart upload; "" until the first part is full
	parts        []types.CompletedPart
	err          error // sticky error; the upload has been aborted
	closed       bool
	// stage, when set, makes Close hand the uploaded but uncompleted multipart upload to an
	// output directory's commit instead of completing it: nothing is visible under the key
	// until the directory commits (see s3OutputDir).
	stage func(pendingObject)
}

// partSize is the size of the part being filled: it doubles after every 1000 parts.
func (w *s3Writer) partSize() int64 {
	return w.basePartSize << min(len(w.parts)/1000, 20)
}

func (w *s3Writer) Write(p []byte) (int, error) {
	if w.closed {
		return 0, &Error{Op: "write", Path: w.path, Err: fs.ErrClosed}
	}
	if w.err != nil {
		return 0, w.err
	}
	written := 0
	for len(p) > 0 {
		room := w.partSize() - int64(len(w.buf))
		n := int(min(room, int64(len(p))))
		w.buf = append(w.buf, p[:n]...)
		p, written = p[n:], written+n
		if int64(len(w.buf)) >= w.partSize() {
			if err := w.uploadPart(); err != nil {
				w.abort()
				w.err = err
				return written, err
			}
		}
	}
	return written, nil
}

// uploadPart uploads the buffer as the next part, starting the multipart upload first if
// needed.
func (w *s3Writer) uploadPart() error {
	ctx, bucket, key := w.ctx, aws.String(w.bucket), aws.String(w.key)
	if w.uploadID == "" {
		out, err := s3Call(ctx, w.s, w.bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
			return c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key,
				ChecksumAlgorithm: types.ChecksumAlgorithmCrc32}, o)
		})
		if err != nil {
			return w.s.fail("write", w.path, w.bucket, err)
		}
		w.uploadID = aws.ToString(out.UploadId)
	}
	number := aws.Int32(int32(len(w.parts) + 1))
	out, err := s3Call(ctx, w.s, w.bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.UploadPartOutput, error) {
		return c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: key, UploadId: aws.String(w.uploadID),
			PartNumber: number, Body: bytes.NewReader(w.buf), ContentLength: aws.Int64(int64(len(w.buf))),
			ChecksumAlgorithm: types.ChecksumAlgorithmCrc32}, o)
	})
	if err != nil {
		return w.s.fail("write", w.path, w.bucket, err)
	}
	w.parts = append(w.parts, types.CompletedPart{PartNumber: number, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32})
	w.buf = w.buf[:0]
	return nil
}

// Close makes the object visible: PutObject of the buffered bytes, or the last part and the
// completion of the multipart upload. On failure nothing is visible and the upload is
// aborted.
func (w *s3Writer) Close() error {
	if w.closed {
		return &Error{Op: "close", Path: w.path, Err: fs.ErrClosed}
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if err := checkContext(w.ctx, "create", w.path); err != nil {
		w.abort()
		return err
	}
	if w.stage != nil {
		return w.closeStaged()
	}
	ctx, bucket, key := w.ctx, aws.String(w.bucket), aws.String(w.key)
	if w.uploadID == "" {
		_, err := s3Call(ctx, w.s, w.bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.PutObjectOutput, error) {
			return c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key,
				Body: bytes.NewReader(w.buf), ContentLength: aws.Int64(int64(len(w.buf)))}, o)
		})
		w.buf = nil
		if err != nil {
			return w.s.fail("create", w.path, w.bucket, err)
		}
		return nil
	}
	if len(w.buf) > 0 {
		if err := w.uploadPart(); err != nil {
			w.abort()
			return err
		}
	}
	w.buf = nil
	_, err := s3Call(ctx, w.s, w.bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
		return c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key,
			UploadId: aws.String(w.uploadID), MultipartUpload: &types.CompletedMultipartUpload{Parts: w.parts}}, o)
	})
	if err != nil {
		w.abort()
		return w.s.fail("create", w.path, w.bucket, err)
	}
	return nil
}

// closeStaged uploads what is left as the last part (starting the multipart upload if no
// part went up yet) and hands the uncompleted upload to w.stage; an empty file is staged
// without any upload and written at commit.
func (w *s3Writer) closeStaged() error {
	if w.uploadID == "" && len(w.buf) == 0 {
		w.stage(pendingObject{path: w.path, key: w.key})
		return nil
	}
	if len(w.buf) > 0 {
		if err := w.uploadPart(); err != nil {
			w.abort()
			return err
		}
	}
	w.buf = nil
	w.stage(pendingObject{path: w.path, key: w.key, uploadID: w.uploadID, parts: w.parts})
	w.uploadID = "" // the output directory owns the upload now
	return nil
}

// Abort discards what was written: nothing appears under the key, and a multipart upload
// is aborted.
func (w *s3Writer) Abort() error {
	if w.closed {
		return nil
	}
	w.closed = true
	w.buf = nil
	if w.err != nil {
		return nil // already aborted
	}
	return w.abort()
}

// abort aborts the multipart upload, if one was started, even if the writer's context is
// cancelled.
func (w *s3Writer) abort() error {
	if w.uploadID == "" {
		return nil
	}
	uploadID := w.uploadID
	w.uploadID = ""
	ctx := context.WithoutCancel(w.ctx)
	_, err := s3Call(ctx, w.s, w.bucket, func(c *s3.Client, o func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
		return c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(w.bucket),
			Key: aws.String(w.key), UploadId: aws.String(uploadID)}, o)
	})
	if err != nil {
		return w.s.fail("abort", w.path, w.bucket, err)
	}
	return nil
}
