package fileio

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/url"
	"time"
)

// Defaults of RetryPolicy.
const (
	DefaultRetryAttempts  = 5                      // tries in all, the first included
	DefaultRetryBaseDelay = 200 * time.Millisecond // wait after the first failure
	DefaultRetryMaxDelay  = 10 * time.Second       // longest single wait
)

// RetryPolicy says how the S3 and HTTP file systems retry transient failures (server errors,
// throttling, network errors) of one request, and how often a read that breaks mid-way is
// resumed from where it stopped. The waits grow exponentially with random jitter: before
// retry n the wait is between half and all of min(BaseDelay·2^(n-1), MaxDelay). Zero fields
// take the defaults above.
type RetryPolicy struct {
	Attempts  int           // tries in all, the first included; 1 means no retry
	BaseDelay time.Duration // wait after the first failure, doubled after each further one
	MaxDelay  time.Duration // upper bound of one wait
	// IdleTimeout is how long a connection may move no byte, either way (waiting for a
	// response, reading a body, sending a request or an upload, listing), before the
	// request fails as a transient failure: retried with backoff, a read resumed by range
	// where the server allows it, and in the end an error naming the URL or object. 0 takes
	// GOSPARKLING_IO_IDLE_TIMEOUT, else DefaultIdleTimeout. Reads of bodies are watched
	// whatever the client; requests, listings and uploads through the clients the file
	// systems make themselves (an HTTPOptions.Client or S3Options.HTTPClient given to them
	// keeps its own timeouts there).
	IdleTimeout time.Duration
}

// idleTimeout returns the idle timeout in effect; an invalid environment variable is an
// error.
func (p RetryPolicy) idleTimeout() (time.Duration, error) {
	if p.IdleTimeout > 0 {
		return p.IdleTimeout, nil
	}
	d, err := envIdleTimeout()
	if err != nil {
		return DefaultIdleTimeout, err
	}
	if d > 0 {
		return d, nil
	}
	return DefaultIdleTimeout, nil
}

func (p RetryPolicy) attempts() int {
	if p.Attempts <= 0 {
		return DefaultRetryAttempts
	}
	return p.Attempts
}

func (p RetryPolicy) maxDelay() time.Duration {
	if p.MaxDelay <= 0 {
		return DefaultRetryMaxDelay
	}
	return p.MaxDelay
}

// delay returns the wait before retry number retry (1 for the first retry).
func (p RetryPolicy) delay(retry int) time.Duration {
	base := p.BaseDelay
	if base <= 0 {
		base = DefaultRetryBaseDelay
	}
	d, limit := base, p.maxDelay()
	for i := 1; i < retry && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	if half := d / 2; half > 0 {
		d = half + rand.N(d-half+1)
	}
	return d
}

// sleep waits for d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// transientRequestError reports whether a request that failed with err (no response) may
// succeed when tried again: network failures yes; a cancelled context, certificate problems,
// unknown hosts and malformed requests no.
func transientRequestError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ue *url.Error // a net.Error whatever its cause
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalidCert      x509.CertificateInvalidError
		recordHeader     tls.RecordHeaderError
		dnsErr           *net.DNSError
	)
	switch {
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &invalidCert),
		errors.As(err, &recordHeader):
		return false
	case errors.As(err, &dnsErr):
		return !dnsErr.IsNotFound
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// rangeOpener opens the bytes [offset, end) of a file (end < 0: to the end of the file) and
// returns them together with the end of the file's bytes it now knows the reader must reach:
// end itself when given, otherwise the file's size if the response tells it, otherwise -1.
// resume is false for the first call and true for the calls that continue a broken read; an
// opener can then check that the file has not changed. An opener retries failed requests
// itself; its errors end the read.
type rangeOpener func(ctx context.Context, offset, end int64, resume bool) (body io.ReadCloser, knownEnd int64, err error)

// resumableReader streams a byte range of a remote file, reopening it from the current
// offset when the body breaks before its end (a connection reset, a cut response).
type resumableReader struct {
	ctx      context.Context
	path     string
	open     rangeOpener
	policy   RetryPolicy
	body     io.ReadCloser
	offset   int64 // position of the next byte in the file
	end      int64 // end of the range, or -1 while unknown (read to EOF)
	gotBytes bool  // the current body delivered something
	failures int   // consecutive broken bodies that delivered nothing
	err      error // sticky error
}

// openResumable opens [offset, end) of a file (end < 0: to its end) through open, failing at
// once if the first request fails.
func openResumable(ctx context.Context, path string, policy RetryPolicy, offset, end int64, open rangeOpener) (io.ReadCloser, error) {
	idle, _ := policy.idleTimeout() // an invalid environment variable leaves the default
	open = watchedOpener(open, idle)
	body, knownEnd, err := open(ctx, offset, end, false)
	if err != nil {
		return nil, err
	}
	return &resumableReader{ctx: ctx, path: path, open: open, policy: policy, body: body, offset: offset, end: knownEnd}, nil
}

// watchedOpener makes the bodies open returns fail when a Read gets no byte for idle: the
// request's context is cancelled, which makes any client give up the connection (the
// clients the file systems make have a deadline on the connection as well; this covers
// clients given to them).
func watchedOpener(open rangeOpener, idle time.Duration) rangeOpener {
	return func(ctx context.Context, offset, end int64, resume bool) (io.ReadCloser, int64, error) {
		reqCtx, cancel := context.WithCancelCause(ctx)
		body, knownEnd, err := open(reqCtx, offset, end, resume)
		if err != nil {
			cancel(nil)
			return nil, 0, err
		}
		w := &watchedBody{body: body, ctx: reqCtx, cancel: cancel, idle: idle}
		w.timer = time.AfterFunc(time.Hour, func() { cancel(&IdleTimeoutError{After: idle, Op: "read"}) })
		w.timer.Stop()
		return w, knownEnd, nil
	}
}

// watchedBody is a response body whose Read fails after idle without a byte.
type watchedBody struct {
	body   io.ReadCloser
	ctx    context.Context
	cancel context.CancelCauseFunc
	idle   time.Duration
	timer  *time.Timer
}

func (w *watchedBody) Read(p []byte) (int, error) {
	w.timer.Reset(w.idle)
	n, err := w.body.Read(p)
	w.timer.Stop()
	if err != nil && err != io.EOF {
		var idle *IdleTimeoutError
		if cause := context.Cause(w.ctx); errors.As(cause, &idle) {
			err = cause
		}
	}
	return n, err
}

func (w *watchedBody) Close() error {
	w.timer.Stop()
	err := w.body.Close()
	w.cancel(nil)
	return err
}

// Read reads from the current body, reopening the file from the current offset when the
// body breaks (after a backoff wait when the previous body delivered nothing).
func (r *resumableReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if err := r.ctx.Err(); err != nil {
		r.err = &Error{Op: "read", Path: r.path, Err: err}
		return 0, r.err
	}
	if r.end >= 0 {
		if r.offset >= r.end {
			return 0, io.EOF
		}
		if rest := r.end - r.offset; int64(len(p)) > rest {
			p = p[:rest]
		}
	}
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if r.body == nil {
			if err := sleep(r.ctx, r.retryDelay()); err != nil {
				r.err = &Error{Op: "read", Path: r.path, Err: err}
				return 0, r.err
			}
			body, knownEnd, err := r.open(r.ctx, r.offset, r.end, true)
			if err != nil {
				r.err = wrapErr("read", r.path, err)
				return 0, r.err
			}
			if r.end < 0 {
				r.end = knownEnd
			}
			r.body, r.gotBytes = body, false
		}
		n, err := r.body.Read(p)
		r.offset += int64(n)
		if n > 0 {
			r.gotBytes = true
		}
		if err == nil || err == io.EOF && (r.end < 0 || r.offset >= r.end) {
			return n, err
		}
		if err == io.EOF {
			err = fmt.Errorf("response ended at byte %d of %d: %w", r.offset, r.end, io.ErrUnexpectedEOF)
		}
		r.body.Close()
		r.body = nil
		if r.gotBytes {
			r.failures = 0
		}
		r.failures++
		if r.ctx.Err() != nil {
			err = r.ctx.Err()
		}
		if r.ctx.Err() != nil || r.failures >= r.policy.attempts() {
			if r.failures > 1 {
				err = fmt.Errorf("%w (resumed %d times)", err, r.failures-1)
			}
			r.err = wrapErr("read", r.path, err)
			return n, r.err
		}
		if n > 0 {
			return n, nil
		}
	}
}

// retryDelay is the wait before reopening: none after a body that delivered bytes.
func (r *resumableReader) retryDelay() time.Duration {
	if r.failures <= 1 && r.gotBytes {
		return 0
	}
	return r.policy.delay(r.failures)
}

// Close closes the current body; later reads fail.
func (r *resumableReader) Close() error {
	if r.err == nil {
		r.err = &Error{Op: "read", Path: r.path, Err: fs.ErrClosed}
	}
	if r.body == nil {
		return nil
	}
	err := r.body.Close()
	r.body = nil
	return wrapErr("close", r.path, err)
}
