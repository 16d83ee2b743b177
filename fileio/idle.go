package fileio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// DefaultIdleTimeout is how long a network connection of the S3 and HTTP file systems may
// go without moving a byte, either way, before it is given up (RetryPolicy.IdleTimeout).
const DefaultIdleTimeout = 60 * time.Second

// EnvIdleTimeout sets the idle timeout of the S3 and HTTP file systems whose RetryPolicy
// does not: a Go duration such as "30s" or "2m" ("0" keeps the default).
const EnvIdleTimeout = "GOSPARKLING_IO_IDLE_TIMEOUT"

// envIdleTimeout returns the idle timeout EnvIdleTimeout sets, or 0.
func envIdleTimeout() (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv(EnvIdleTimeout))
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("environment variable %s=%q is not a duration such as 30s", EnvIdleTimeout, v)
	}
	return d, nil
}

// IdleTimeoutError is the cause of a failure of a connection that moved no byte for
// Timeout. It counts as a network failure worth retrying (it is a net.Error whose Timeout
// is true).
type IdleTimeoutError struct {
	After time.Duration // the idle timeout
	Op    string        // "read" or "write"
}

// Error says that the server stalled and for how long; the file systems
// wrap it with the URL or object.
func (e *IdleTimeoutError) Error() string {
	return fmt.Sprintf("the server stalled: no byte could be %s for %v (idle timeout; set %s or RetryPolicy.IdleTimeout)",
		map[string]string{"read": "read", "write": "written"}[e.Op], e.After, EnvIdleTimeout)
}

// Timeout reports true: the error is a network timeout.
func (e *IdleTimeoutError) Timeout() bool { return true }

// Temporary reports true: another connection may work.
func (e *IdleTimeoutError) Temporary() bool { return true }

// ConnectionError reports true, so that the AWS SDK retries the request.
func (e *IdleTimeoutError) ConnectionError() bool { return true }

// idleDialer wraps dial so that every connection it makes fails a read or a write that
// moves no byte for timeout.
func idleDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error), timeout time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil || timeout <= 0 {
			return c, err
		}
		return &idleConn{Conn: c, timeout: timeout}, nil
	}
}

// idleConn is a connection whose every Read and Write has a deadline of timeout from its
// start. An idle connection in a pool thus closes after timeout, which costs a new
// connection, not a failure.
type idleConn struct {
	net.Conn
	timeout time.Duration
}

func (c *idleConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	n, err := c.Conn.Read(p)
	if err != nil && isDeadline(err) {
		err = &net.OpError{Op: "read", Net: "tcp", Addr: c.RemoteAddr(), Err: &IdleTimeoutError{After: c.timeout, Op: "read"}}
	}
	return n, err
}

func (c *idleConn) Write(p []byte) (int, error) {
	written := 0
	for {
		// The deadline is renewed while bytes move: a large write that progresses slowly
		// is not idle.
		if err := c.Conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
			return written, err
		}
		n, err := c.Conn.Write(p[written:])
		written += n
		if err == nil || !isDeadline(err) {
			return written, err
		}
		if n == 0 {
			return written, &net.OpError{Op: "write", Net: "tcp", Addr: c.RemoteAddr(), Err: &IdleTimeoutError{After: c.timeout, Op: "write"}}
		}
	}
}

func isDeadline(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }
