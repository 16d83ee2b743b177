package rdd

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// JobError is the panic value of an action whose job failed: a user
// function panicked, an element did not fit a function's parameter, a file
// could not be read, or the job was cancelled. Try turns it into an error.
type JobError struct {
	Message   string // what failed, naming the method or input
	Partition int    // index of the failing partition, -1 when not tied to one
	Lineage   string // ToDebugString of the RDD whose job failed
	Cause     error  // the underlying error; context.Canceled when interrupted
}

// Error returns the message with the failing partition.
func (e *JobError) Error() string {
	if e.Partition < 0 {
		return "job failed: " + e.Message
	}
	return fmt.Sprintf("job failed in partition %d: %s", e.Partition, e.Message)
}

// Unwrap returns the cause, so errors.Is(err, context.Canceled) works.
func (e *JobError) Unwrap() error { return e.Cause }

// Try runs f and returns the *JobError an action in it panicked with, or
// nil. Other panics propagate unchanged. Compiled programs use it to handle
// failed jobs as errors:
//
//	err := rdd.Try(func() { counts = words.CountByValue() })
func Try(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			je, ok := r.(*JobError)
			if !ok {
				panic(r)
			}
			err = je
		}
	}()
	f()
	return nil
}

// Catch calls action and returns its result, or the *JobError it panicked
// with as an error, for programs that handle failed jobs as errors; other
// panics propagate unchanged, as with Try. A method value is the action:
//
//	n, err := rdd.Catch(words.Count)
//	lines, err := rdd.Catch(func() []any { return words.Take(10) })
//
// Catch is generic, so notebook cells, whose interpreter imports no
// generic functions, cannot call it: they use the panicking actions, or
// Try.
func Catch[T any](action func() T) (result T, err error) {
	err = Try(func() { result = action() })
	return result, err
}

// taskFailure is the panic value used inside tasks to abort with an error
// that needs no stack: a file that cannot be opened, an element of the
// wrong type. Any other panic in a task is a user function's and keeps its
// stack for the report.
type taskFailure struct{ err error }

// Error makes a task failure recovered outside the package (by a Runner's
// worker calling engine.UnaryFunc's function) print as its error.
func (f taskFailure) Error() string { return f.err.Error() }

func failTask(err error) { panic(taskFailure{err}) }

// failTaskf aborts the running task with a formatted error.
func failTaskf(format string, args ...any) { failTask(fmt.Errorf(format, args...)) }

// UserPanicError is the cause of a JobError raised by a panic in a user
// function; it keeps the panic value, the stack where it happened and,
// when the panic was in a function passed to a method, that method and
// the element the function failed on.
type UserPanicError struct {
	Value   any    // what the function panicked with
	Stack   string // goroutine stack at the panic
	Method  string // the method the function was passed to ("Map"); "" when unknown
	Element string // the element it failed on, as %v cut at 200 runes (strings quoted)
}

// Error describes the panic value.
func (e *UserPanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap returns the panic value when it is an error.
func (e *UserPanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// workerError returns the error that a value recovered from a panic in a
// user function stands for, as a job reports it: the package's own
// failures (an element that does not fit the function's parameter) as
// they are, anything else as "user function panicked: <value>". A
// Runner's workers call it (engine.RecoveredError).
func workerError(r any) error {
	err := recoveredError(r)
	if up, ok := err.(*UserPanicError); ok {
		return errors.New(userPanicMessage(up))
	}
	return err
}

// userPanicMessage is how a job's error tells of a user function's panic.
func userPanicMessage(up *UserPanicError) string {
	if up.Method == "" {
		return fmt.Sprintf("user function panicked: %v", up.Value)
	}
	return fmt.Sprintf("user function panicked: %v (the function passed to %s, on element %s)", up.Value, up.Method, up.Element)
}

// recoveredError converts a value recovered in a task into the error that
// explains it.
func recoveredError(r any) error {
	switch v := r.(type) {
	case taskFailure:
		return v.err
	case *JobError:
		return v
	case *UserPanicError:
		return v
	}
	return &UserPanicError{Value: r, Stack: string(debug.Stack())}
}

// errStopped is the cause of tasks that ended because another task of the
// same job failed first; it is never reported to the user.
var errStopped = errors.New("job stopped")
