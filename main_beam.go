//go:build beam

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	"github.com/gosparkling/gosparkling/beam"
	"github.com/gosparkling/gosparkling/interp"
)

// With the beam build tag the binary is also a Beam worker, which
// interprets the functions notebooks ship, and can serve Prism.
func init() {
	beam.SetCompiler(interp.CompileFunc)
	switch {
	case beam.IsWorker(os.Args):
		beam.Main()
	case beam.IsBoot(os.Args):
		beam.Boot()
	}
	extraCommands["prism"] = runPrism
	extraUsage = `
With Beam:
  gosparkling prism [--port N]                        serve Beam's Prism runner
`
}

func runPrism(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("prism", "prism [--port N]\n\nServes Beam's local runner, Prism, as a job server: a notebook's\nbeam.New(beam.Options{Endpoint: \"127.0.0.1:N\"}) submits its jobs to it.", stderr)
	port := fs.Int("port", 8073, "the job server's port")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if _, err := prism.CreateJobServer(ctx, prism.Options{Port: *port}); err != nil {
		return fmt.Errorf("starting Prism: %w", err)
	}
	fmt.Fprintf(stdout, "Prism job server on 127.0.0.1:%d\n", *port)
	<-ctx.Done()
	return nil
}
