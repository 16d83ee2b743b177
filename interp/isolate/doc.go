// Package isolate runs a notebook's interp.Session in a child process, so
// that what Go cannot recover from inside a process (a fatal error such as
// concurrent map writes or a stack overflow, running out of memory, a
// panic on a goroutine nobody recovers) ends the session, not the kernel.
//
// The kernel process, which holds the Jupyter sockets, starts the child
// with Start and uses the returned *Executor as its kernel.Executor. The
// child is the same program, started again with a command that calls
// Serve. When the child dies, the running cell fails with an error that
// names what happened (the Go runtime's message, the cell, the user's
// frames where the crash report has them) and says that the session's
// state was lost; a fresh child is started at once, so the next cell runs.
//
// The two processes talk over a socket pair with length-prefixed JSON
// messages. What the child writes to its standard output and error, from
// interpreted and compiled code alike, reaches the kernel through two
// pipes; sync markers written into the pipes before each reply and each
// display keep output in order and make every byte a cell wrote arrive
// before its reply. The child's file descriptor 2 and the runtime's crash
// report go to the kernel's log.
//
// The session is limited in memory: the kernel watches the child's
// resident size and ends a child that passes the limit, and the child
// stops a cell whose heap nears it, keeping its state (see Options).
package isolate
