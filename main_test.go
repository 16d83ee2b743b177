package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommandLine(t *testing.T) {
	prefix := t.TempDir()
	tests := []struct {
		name       string
		args       []string
		code       int
		wantOut    string
		wantErrOut string
	}{
		{"no command", nil, 2, "", "Usage:"},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"version", []string{"version"}, 0, "gosparkling ", ""},
		{"help of install", []string{"install", "-h"}, 0, "", "--sys-prefix"},
		{"help of kernel", []string{"kernel", "-h"}, 0, "", "gosparkling kernel [--memory-limit SIZE] [--in-process] CONNECTION_FILE"},
		{"help of version", []string{"version", "-h"}, 0, "", "gosparkling version"},
		{"kernel without connection file", []string{"kernel"}, 2, "", "CONNECTION_FILE"},
		{"kernel with a missing connection file", []string{"kernel", "/no/such/conn.json"}, 1, "", "/no/such/conn.json"},
		{"install with two targets", []string{"install", "--user", "--prefix", prefix}, 2, "", "at most one"},
		{"install --prefix", []string{"install", "--prefix", prefix}, 0, "Installed kernelspec gosparkling", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(tt.args, &out, &errOut); code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, errOut.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q lacks %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errOut.String(), tt.wantErrOut) {
				t.Errorf("stderr %q lacks %q", errOut.String(), tt.wantErrOut)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(prefix, "share", "jupyter", "kernels", "gosparkling", "kernel.json")); err != nil {
		t.Errorf("install --prefix wrote no kernel.json: %v", err)
	}
}
