//go:build beam

package beam

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/apache/beam/sdks/v2/go/container/tools"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/util/grpcx"
)

// Beam starts an SDK worker in one of two ways: a container's boot program
// (or Prism's PROCESS environment, which runs the command of its
// environment_config) calls it with --id and --provision_endpoint; the
// boot program then runs the worker binary with --worker and the
// harness's endpoints. The gosparkling binary plays both parts: as the
// boot program it asks the provisioning service for the endpoints and the
// options and runs itself as the worker, so that the worker is the very
// binary that can interpret the notebook's functions.

// flagValue returns the value of --name=value (or -name=value) in args.
func flagValue(args []string, name string) (string, bool) {
	for _, a := range args {
		for _, prefix := range []string{"--" + name + "=", "-" + name + "="} {
			if v, ok := strings.CutPrefix(a, prefix); ok {
				return v, true
			}
		}
	}
	return "", false
}

// IsBoot reports whether args (os.Args) start this process as a Beam
// boot program: the binary's main then calls Boot first.
func IsBoot(args []string) bool {
	_, ok := flagValue(args[1:], "provision_endpoint")
	return ok && !IsWorker(args)
}

// Boot runs this process as Beam's boot program, starting the binary
// itself as the SDK worker, and exits with the worker's status.
func Boot() {
	if err := boot(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gosparkling beam boot:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func boot(args []string) error {
	id, _ := flagValue(args, "id")
	// Prism quotes the id as a shell would (--id='job-001_go'), but runs
	// the command without a shell.
	id = strings.Trim(id, "'")
	endpoint, _ := flagValue(args, "provision_endpoint")
	ctx := grpcx.WriteWorkerID(context.Background(), id)
	info, err := tools.ProvisionInfo(ctx, endpoint)
	if err != nil {
		return fmt.Errorf("provisioning from %s: %w", endpoint, err)
	}
	logging, control := info.GetLoggingEndpoint().GetUrl(), info.GetControlEndpoint().GetUrl()
	if logging == "" || control == "" {
		return fmt.Errorf("the provisioning service at %s gave no logging or control endpoint", endpoint)
	}
	options, err := tools.ProtoToJSON(info.GetPipelineOptions())
	if err != nil {
		return fmt.Errorf("reading the pipeline options: %w", err)
	}
	dir, err := os.MkdirTemp("", "gosparkling-worker-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	optionsFile := filepath.Join(dir, "pipeline_options.json")
	if err := os.WriteFile(optionsFile, []byte(options), 0o600); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe, "--worker=true", "--id="+id, "--logging_endpoint="+logging,
		"--control_endpoint="+control, "--semi_persist_dir="+dir)
	cmd.Env = append(os.Environ(), "PIPELINE_OPTIONS_FILE="+optionsFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the worker %s: %w", exe, err)
	}
	var copying sync.WaitGroup
	for _, c := range []struct {
		from io.Reader
		to   io.Writer
	}{{stdout, os.Stdout}, {stderr, os.Stderr}} {
		copying.Add(1)
		go func() {
			defer copying.Done()
			copyWorkerOutput(c.to, c.from)
		}()
	}
	copying.Wait()
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("the worker process: %w", err)
	}
	return nil
}

// harnessNoise are the lines Beam's Go harness prints in every worker
// that say nothing to a notebook's user: it tries to raise the open-file
// limit to 90% of the memory size, and says goodbye.
var harnessNoise = map[string]bool{
	"Error Setting Rlimit  operation not permitted": true,
	"Worker exited successfully!":                   true,
}

// copyWorkerOutput copies the lines of r to w but harnessNoise.
func copyWorkerOutput(w io.Writer, r io.Reader) {
	defer func() {
		if recover() != nil { // a worker's output is not worth a crash
			io.Copy(io.Discard, r)
		}
	}()
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if line != "" && !harnessNoise[strings.TrimRight(line, "\r\n")] {
			io.WriteString(w, line)
		}
		if err != nil {
			return
		}
	}
}
