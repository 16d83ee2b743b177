package fileio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HTTPOptions configures an HTTP file system.
type HTTPOptions struct {
	// Client sends the requests; nil means a client shared by the HTTP file systems made
	// without one, with a connection timeout and the idle timeout of Retry (no byte for
	// that long fails the request or read, which is then retried or resumed) but no overall
	// timeout (bodies stream as long as they flow).
	Client *http.Client
	// Header is added to every request (an Authorization header, say).
	Header http.Header
	// Retry says how failed requests and broken reads are retried.
	Retry RetryPolicy
}

// HTTP is the read-only FileSystem of web servers, serving "http://" and "https://" URLs
// (taken literally, query included). Open is a GET; OpenRange a GET with a Range header (a
// server that ignores it is read from the start and the bytes before the offset skipped);
// Stat a HEAD, or a one-byte ranged GET where HEAD is refused (405, 501, or 403 as for
// pre-signed URLs) or does not tell the size (Size is then -1 if the GET does not tell
// either). Requests failing with a network error, 408, 429 or a 5xx status are retried
// with backoff, and a body that breaks is resumed from the current offset with a Range,
// provided the file has not changed (same ETag, Last-Modified and size). A 404 or 410
// gives an error satisfying errors.Is(err, fs.ErrNotExist), a 401 or 403
// errors.Is(err, fs.ErrPermission). Web servers cannot be listed: List returns an error
// satisfying errors.Is(err, ErrListingUnsupported), so that Expand takes URLs literally.
// Create fails: HTTP is read-only here.
type HTTP struct {
	client *http.Client
	header http.Header
	retry  RetryPolicy
}

// httpClients are the clients of HTTP file systems made without one, by idle timeout;
// like http.DefaultClient they are shared so that connections are reused.
var (
	httpClientsMu sync.Mutex
	httpClients   = map[time.Duration]*http.Client{}
)

// sharedHTTPClient returns the client whose connections fail after idle without a byte.
func sharedHTTPClient(idle time.Duration) *http.Client {
	httpClientsMu.Lock()
	defer httpClientsMu.Unlock()
	if c := httpClients[idle]; c != nil {
		return c
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DialContext = idleDialer(transport.DialContext, idle)
	transport.MaxIdleConnsPerHost = 16
	c := &http.Client{Transport: transport}
	httpClients[idle] = c
	return c
}

// sharedHTTP is the HTTP of Default.
var sharedHTTP = NewHTTP(HTTPOptions{})

// NewHTTP returns an HTTP file system configured by opts.
func NewHTTP(opts HTTPOptions) *HTTP {
	client := opts.Client
	if client == nil {
		// An invalid GOSPARKLING_IO_IDLE_TIMEOUT leaves the default; S3 reports it.
		idle, _ := opts.Retry.idleTimeout()
		client = sharedHTTPClient(idle)
	}
	return &HTTP{client: client, header: opts.Header.Clone(), retry: opts.Retry}
}

// noListingError is the cause of List's error on HTTP.
type noListingError struct{}

func (noListingError) Error() string { return "HTTP(S) servers cannot be listed" }

func (noListingError) Is(target error) bool { return target == ErrListingUnsupported }

// statusError is an HTTP response status taken as an error.
type statusError struct {
	code   int
	status string // "404 Not Found"
}

func (e *statusError) Error() string { return "HTTP " + e.status }

// Is makes 404 and 410 match fs.ErrNotExist, 401 and 403 fs.ErrPermission.
func (e *statusError) Is(target error) bool {
	switch target {
	case fs.ErrNotExist:
		return e.code == http.StatusNotFound || e.code == http.StatusGone
	case fs.ErrPermission:
		return e.code == http.StatusUnauthorized || e.code == http.StatusForbidden
	}
	return false
}

func newStatusError(resp *http.Response) *statusError {
	status := resp.Status
	if status == "" {
		status = strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
	}
	return &statusError{code: resp.StatusCode, status: status}
}

// retryableStatus reports whether a response status is worth another try.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests:
		return true
	case http.StatusNotImplemented, http.StatusHTTPVersionNotSupported, http.StatusNetworkAuthenticationRequired:
		return false
	}
	return code >= 500 && code <= 599
}

// retryAfter returns the wait a Retry-After header asks for, at most limit.
func retryAfter(h http.Header, limit time.Duration) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil {
		d = time.Duration(secs) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = time.Until(at)
	}
	return max(min(d, limit), 0)
}

// do sends a request, retrying network errors and retryable statuses with backoff. Any other
// response is returned as is, whatever its status.
func (h *HTTP) do(ctx context.Context, method, rawURL string, setHeader func(http.Header)) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, rawURL, nil)
		if err != nil {
			return nil, err
		}
		for k, v := range h.header {
			req.Header[k] = slices.Clone(v)
		}
		// The bytes as stored: no transparent decompression, offsets stay file offsets.
		req.Header.Set("Accept-Encoding", "identity")
		if setHeader != nil {
			setHeader(req.Header)
		}
		resp, err := h.client.Do(req)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // the URL is named by the caller's *Error
			}
			if !transientRequestError(err) {
				return nil, err
			}
		case retryableStatus(resp.StatusCode):
			err = newStatusError(resp)
			wait = retryAfter(resp.Header, h.retry.maxDelay())
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		default:
			return resp, nil
		}
		if attempt >= h.retry.attempts() {
			if attempt > 1 {
				err = fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
			}
			return nil, err
		}
		if err := sleep(ctx, max(wait, h.retry.delay(attempt))); err != nil {
			return nil, err
		}
	}
}

// checkHTTPURL rejects what is not an absolute http(s) URL.
func checkHTTPURL(op, path string) error {
	u, err := url.Parse(path)
	if err == nil && (u.Scheme != "http" && u.Scheme != "https" || u.Host == "") {
		err = errors.New(`not an HTTP URL (want "http(s)://host/path")`)
	}
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return &Error{Op: op, Path: path, Err: err}
	}
	return nil
}

// Open streams the body of a GET.
func (h *HTTP) Open(ctx context.Context, path string) (io.ReadCloser, error) {
	return h.OpenRange(ctx, path, 0, -1)
}

// OpenRange streams length bytes from offset (length < 0: to the end) with a ranged GET.
func (h *HTTP) OpenRange(ctx context.Context, path string, offset, length int64) (io.ReadCloser, error) {
	if err := checkContext(ctx, "open", path); err != nil {
		return nil, err
	}
	if offset < 0 {
		return nil, &Error{Op: "open", Path: path, Err: errors.New("negative offset")}
	}
	if err := checkHTTPURL("open", path); err != nil {
		return nil, err
	}
	end := int64(-1)
	if length >= 0 {
		end = offset + length
	}
	var first validator // of the first response; resumed reads insist on the same
	open := func(ctx context.Context, offset, end int64, resume bool) (io.ReadCloser, int64, error) {
		op := "open"
		if resume {
			op = "read"
		}
		ranged := offset > 0 || end >= 0
		resp, err := h.do(ctx, http.MethodGet, path, func(hd http.Header) {
			if ranged {
				hd.Set("Range", byteRange(offset, end))
			}
		})
		if err != nil {
			return nil, 0, &Error{Op: op, Path: path, Err: err}
		}
		body, knownEnd, err := h.rangeBody(resp, offset, end, ranged, resume, &first)
		if err != nil {
			resp.Body.Close()
			return nil, 0, &Error{Op: op, Path: path, Err: err}
		}
		return body, knownEnd, nil
	}
	return openResumable(ctx, path, h.retry, offset, end, open)
}

// rangeBody checks the response to a GET of [offset, end) and returns its body positioned at
// offset, with the end the reader must reach (see rangeOpener).
func (h *HTTP) rangeBody(resp *http.Response, offset, end int64, ranged, resume bool, first *validator) (io.ReadCloser, int64, error) {
	v := validatorOf(resp)
	if resume {
		if err := first.check(v); err != nil {
			return nil, 0, err
		}
	} else {
		*first = v
	}
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, _, size, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != offset {
			return nil, 0, fmt.Errorf("asked for %s, the server sent Content-Range %q", byteRange(offset, end),
				resp.Header.Get("Content-Range"))
		}
		return resp.Body, clipEnd(end, size), nil
	case http.StatusOK:
		knownEnd := clipEnd(end, max(resp.ContentLength, -1))
		if ranged && offset > 0 {
			// The server ignored the Range header: skip to the offset.
			skipped, err := io.CopyN(io.Discard, resp.Body, offset)
			if err == io.EOF && !resume {
				resp.Body.Close()
				return http.NoBody, offset, nil // the file ends before offset
			}
			if err != nil {
				return nil, 0, fmt.Errorf("skipping to byte %d of a response without range support (at %d): %w", offset, skipped, err)
			}
		}
		return resp.Body, knownEnd, nil
	case http.StatusRequestedRangeNotSatisfiable:
		if resume {
			return nil, 0, errors.New("the file changed while being read (now shorter)")
		}
		resp.Body.Close()
		return http.NoBody, offset, nil // the range starts at or beyond the end
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil, 0, fmt.Errorf("unexpected response %s to a GET", newStatusError(resp).status)
	}
	return nil, 0, newStatusError(resp)
}

// validator identifies the version of a file a response came from.
type validator struct {
	etag, lastModified string
	size               int64 // -1 if unknown
}

func validatorOf(resp *http.Response) validator {
	v := validator{etag: resp.Header.Get("ETag"), lastModified: resp.Header.Get("Last-Modified"), size: -1}
	switch resp.StatusCode {
	case http.StatusOK:
		v.size = resp.ContentLength
	case http.StatusPartialContent:
		_, _, v.size, _ = parseContentRange(resp.Header.Get("Content-Range"))
	}
	return v
}

// check returns an error if now describes another version of the file than v.
func (v validator) check(now validator) error {
	switch {
	case v.etag != "" && now.etag != "" && v.etag != now.etag:
		return fmt.Errorf("the file changed while being read (ETag %s, now %s)", v.etag, now.etag)
	case v.lastModified != "" && now.lastModified != "" && v.lastModified != now.lastModified:
		return fmt.Errorf("the file changed while being read (Last-Modified %s, now %s)", v.lastModified, now.lastModified)
	case v.size >= 0 && now.size >= 0 && v.size != now.size:
		return fmt.Errorf("the file changed while being read (size %d, now %d)", v.size, now.size)
	}
	return nil
}

// Stat describes the file at a URL: a HEAD, or a one-byte ranged GET where HEAD is refused
// or does not tell the size. A URL is always a file, never a directory.
func (h *HTTP) Stat(ctx context.Context, path string) (FileInfo, error) {
	if err := checkContext(ctx, "stat", path); err != nil {
		return FileInfo{}, err
	}
	if err := checkHTTPURL("stat", path); err != nil {
		return FileInfo{}, err
	}
	resp, err := h.do(ctx, http.MethodHead, path, nil)
	if err != nil {
		return FileInfo{}, &Error{Op: "stat", Path: path, Err: err}
	}
	resp.Body.Close()
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	if ok && resp.ContentLength >= 0 {
		return FileInfo{Path: path, Size: resp.ContentLength, ModTime: lastModified(resp)}, nil
	}
	switch {
	case ok, resp.StatusCode == http.StatusMethodNotAllowed, resp.StatusCode == http.StatusNotImplemented,
		resp.StatusCode == http.StatusForbidden:
	default:
		return FileInfo{}, &Error{Op: "stat", Path: path, Err: newStatusError(resp)}
	}
	// HEAD refused (or silent about the size): ask for the first byte instead.
	resp, err = h.do(ctx, http.MethodGet, path, func(hd http.Header) { hd.Set("Range", "bytes=0-0") })
	if err != nil {
		return FileInfo{}, &Error{Op: "stat", Path: path, Err: err}
	}
	defer resp.Body.Close()
	size := int64(-1)
	switch resp.StatusCode {
	case http.StatusPartialContent:
		if _, _, total, ok := parseContentRange(resp.Header.Get("Content-Range")); ok {
			size = total
		}
	case http.StatusOK:
		size = max(resp.ContentLength, -1)
	case http.StatusRequestedRangeNotSatisfiable:
		size = 0 // not even one byte
	default:
		return FileInfo{}, &Error{Op: "stat", Path: path, Err: newStatusError(resp)}
	}
	return FileInfo{Path: path, Size: size, ModTime: lastModified(resp)}, nil
}

func lastModified(resp *http.Response) time.Time {
	t, err := http.ParseTime(resp.Header.Get("Last-Modified"))
	if err != nil {
		return time.Time{}
	}
	return t
}

// List fails: web servers have no listing protocol. The error satisfies
// errors.Is(err, ErrListingUnsupported).
func (h *HTTP) List(ctx context.Context, req ListRequest) (ListPage, error) {
	return ListPage{}, &Error{Op: "list", Path: req.Prefix, Err: noListingError{}}
}

// Create fails: HTTP(S) URLs are read-only. The error satisfies
// errors.Is(err, errors.ErrUnsupported).
func (h *HTTP) Create(ctx context.Context, path string) (FileWriter, error) {
	return nil, &Error{Op: "create", Path: path, Err: fmt.Errorf("HTTP(S) URLs are read-only: %w", errors.ErrUnsupported)}
}
