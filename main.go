// Command gosparkling is a Jupyter kernel for Go with Spark's RDD API:
// notebooks get a ready rdd.Context named sc.
//
//	gosparkling kernel CONNECTION_FILE   run the kernel (Jupyter starts it)
//	gosparkling install [--user | --sys-prefix | --prefix DIR]
//	gosparkling version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/gosparkling/gosparkling/install"
	"github.com/gosparkling/gosparkling/interp"
	"github.com/gosparkling/gosparkling/interp/isolate"
	"github.com/gosparkling/gosparkling/kernel"
)

// The kernel asks both ways of running cells, in the kernel's process
// or in a session process of their own, everything it asks an Executor.
var (
	_ kernel.Executor     = (*interp.Session)(nil)
	_ kernel.IsCompleter  = (*interp.Session)(nil)
	_ kernel.Completer    = (*interp.Session)(nil)
	_ kernel.Inspector    = (*interp.Session)(nil)
	_ kernel.Executor     = (*isolate.Executor)(nil)
	_ kernel.IsCompleter  = (*isolate.Executor)(nil)
	_ kernel.Completer    = (*isolate.Executor)(nil)
	_ kernel.Inspector    = (*isolate.Executor)(nil)
	_ kernel.SessionEnder = (*isolate.Executor)(nil)
)

// version is set at build time with -ldflags "-X main.version=..."; by
// default it is the module version go install recorded, or "devel".
var version = ""

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `gosparkling: Spark's RDD programming model in Go, in Jupyter.

Usage:
  gosparkling kernel CONNECTION_FILE                  run the Jupyter kernel
  gosparkling install [--user | --sys-prefix | --prefix DIR]
                                                      install the kernelspec
  gosparkling version                                 print the version

Run "gosparkling COMMAND -h" for a command's options.
`

// extraCommands are the commands of optional builds: the beam build tag
// adds "prism". extraUsage lists them for the usage text.
var (
	extraCommands = map[string]func(args []string, stdout, stderr io.Writer) error{}
	extraUsage    string
)

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage+extraUsage)
		return 2
	}
	var err error
	switch args[0] {
	case sessionCommand:
		runSessionProcess()
	case "kernel":
		err = runKernel(args[1:], stderr)
	case "install":
		err = runInstall(args[1:], stdout, stderr)
	case "version":
		err = runVersion(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage+extraUsage)
		return 0
	default:
		cmd, ok := extraCommands[args[0]]
		if !ok {
			fmt.Fprintf(stderr, "gosparkling: unknown command %q\n\n%s", args[0], usage+extraUsage)
			return 2
		}
		err = cmd(args[1:], stdout, stderr)
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "gosparkling %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// errUsage marks a command line error already explained to the user.
var errUsage = errors.New("usage")

func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: gosparkling %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func runKernel(args []string, stderr io.Writer) error {
	fs := newFlagSet("kernel", "kernel [--memory-limit SIZE] [--in-process] CONNECTION_FILE\n\n"+
		"Runs the Jupyter kernel on the sockets of CONNECTION_FILE (Jupyter passes it). Cells run\n"+
		"in a session process of their own, so that a crash of Go's runtime ends the session, not\n"+
		"the kernel.", stderr)
	memoryLimit := fs.String("memory-limit", os.Getenv("GOSPARKLING_MEMORY_LIMIT"),
		"the session's memory limit: 8GiB, 512MiB, 50% of the machine, or none (default: GOSPARKLING_MEMORY_LIMIT, else 75% of the machine)")
	inProcess := fs.Bool("in-process", false, "run cells in the kernel's own process (a crash of a cell then ends the kernel)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	conn, err := kernel.ReadConnectionFile(fs.Arg(0))
	if err != nil {
		return err
	}
	if *inProcess {
		return runKernelInProcess(conn, stderr)
	}
	var limit int64
	if *memoryLimit != "" {
		if limit, err = isolate.ParseMemoryLimit(*memoryLimit); err != nil {
			return err
		}
	}
	binary, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this program's path for the session process: %w", err)
	}
	logger := log.New(stderr, "gosparkling kernel: ", log.LstdFlags)
	exec, err := isolate.Start(isolate.Options{Command: []string{binary, sessionCommand}, MemoryLimit: limit, Log: logger})
	if err != nil {
		return err
	}
	defer exec.Close()
	if l := exec.MemoryLimit(); l > 0 {
		logger.Printf("the session's memory limit is %d MiB", l>>20)
	}
	return serveKernel(conn, exec, logger)
}

// sessionCommand is the hidden command that runs the session process the
// kernel starts (isolate.Serve).
const sessionCommand = "session-process"

// runSessionProcess serves the kernel's session; it never returns.
func runSessionProcess() {
	isolate.Serve(func(log io.Writer) (*interp.Session, error) {
		return interp.NewSession(interp.WithLog(log), interp.WithKernelPID(os.Getppid()))
	})
}

// runKernelInProcess runs cells in the kernel's own process.
func runKernelInProcess(conn kernel.ConnectionInfo, stderr io.Writer) error {
	session, err := interp.NewSession()
	if err != nil {
		return err
	}
	defer session.Close()
	// What compiled code writes to the process's stdout and stderr goes to
	// the running cell; the kernel logs on the original stderr.
	logOut := stderr
	if orig, restore, err := session.CaptureProcessOutput(); err != nil {
		fmt.Fprintf(stderr, "gosparkling kernel: output of compiled code stays in this log: %v\n", err)
	} else {
		defer restore()
		logOut = orig
	}
	return serveKernel(conn, session, log.New(logOut, "gosparkling kernel: ", log.LstdFlags))
}

// slogThrough returns a structured logger whose records ("level=WARN
// msg=... key=value") are lines of logger, with its prefix and time.
func slogThrough(logger *log.Logger) *slog.Logger {
	return slog.New(slog.NewTextHandler(logLines{logger}, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{} // logger writes the time
			}
			return a
		},
	}))
}

// logLines writes each record a slog handler formats as one line of a
// *log.Logger.
type logLines struct{ l *log.Logger }

func (w logLines) Write(p []byte) (int, error) {
	return len(p), w.l.Output(2, string(p))
}

// serveKernel serves Jupyter's connection with exec until shutdown or
// SIGTERM; SIGINT interrupts the running cell.
func serveKernel(conn kernel.ConnectionInfo, exec kernel.Executor, logger *log.Logger) error {
	k, err := kernel.New(conn, exec, kernelInfo(), slogThrough(logger))
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	// SIGINT interrupts the running cell, as it does in other kernels.
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt)
	go func() {
		for range interrupts {
			k.Interrupt()
		}
	}()
	if err := k.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

func kernelInfo() kernel.Info {
	return kernel.Info{
		Implementation:        "gosparkling",
		ImplementationVersion: moduleVersion(),
		Banner: fmt.Sprintf("gosparkling %s: Go %s (yaegi) with Spark's RDD API; sc is your rdd.Context",
			moduleVersion(), strings.TrimPrefix(runtime.Version(), "go")),
		HelpLinks: []kernel.HelpLink{
			{Text: "gosparkling", URL: "https://github.com/gosparkling/gosparkling"},
			{Text: "Go", URL: "https://go.dev/doc/"},
		},
	}
}

func runInstall(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("install", "install [--user | --sys-prefix | --prefix DIR]\n\nInstalls the kernelspec \""+install.Name+"\" so that Jupyter offers \""+install.DisplayName+"\".", stderr)
	user := fs.Bool("user", false, "install for the current user (the default)")
	sysPrefix := fs.Bool("sys-prefix", false, "install into the sys.prefix of the python3 on PATH (a virtualenv)")
	prefix := fs.String("prefix", "", "install under `DIR`/share/jupyter/kernels")
	if err := fs.Parse(args); err != nil {
		return err
	}
	chosen := 0
	for _, set := range []bool{*user, *sysPrefix, *prefix != ""} {
		if set {
			chosen++
		}
	}
	if chosen > 1 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "gosparkling install: give at most one of --user, --sys-prefix, --prefix DIR, and no arguments")
		fs.Usage()
		return errUsage
	}
	var dir string
	var err error
	switch {
	case *sysPrefix:
		var p string
		if p, err = install.SysPrefix("python3"); err == nil {
			dir = install.PrefixKernelsDir(p)
		}
	case *prefix != "":
		var abs string
		if abs, err = filepath.Abs(*prefix); err == nil {
			dir = install.PrefixKernelsDir(abs)
		}
	default:
		dir, err = install.UserKernelsDir()
	}
	if err != nil {
		return err
	}
	binary, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this program's path: %w", err)
	}
	if binary, err = filepath.EvalSymlinks(binary); err != nil {
		return fmt.Errorf("finding this program's path: %w", err)
	}
	dest, err := install.Install(dir, binary)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Installed kernelspec %s in %s\n", install.Name, dest)
	return nil
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "version\n\nPrints gosparkling's version and the Go version it was built with.", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "gosparkling %s (%s, %s/%s)\n", moduleVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// moduleVersion is the version set at link time, else the module version
// recorded by go install, else "devel".
func moduleVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
