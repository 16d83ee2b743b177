package kernel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadConnectionFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    ConnectionInfo
		wantErr string // substring of the error; "" for success
	}{
		{
			name: "jupyter connection file",
			content: `{"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004,
				"hb_port": 5005, "ip": "127.0.0.1", "key": "secret", "transport": "tcp",
				"signature_scheme": "hmac-sha256", "kernel_name": "gosparkling"}`,
			want: ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: 5001, IOPubPort: 5002,
				StdinPort: 5003, ControlPort: 5004, HBPort: 5005, Key: "secret", SignatureScheme: "hmac-sha256"},
		},
		{
			name:    "ipc transport without key",
			content: `{"transport": "ipc", "ip": "/tmp/k", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}`,
			want:    ConnectionInfo{Transport: "ipc", IP: "/tmp/k", ShellPort: 1, IOPubPort: 2, StdinPort: 3, ControlPort: 4, HBPort: 5},
		},
		{name: "not JSON", content: `shell_port=1`, wantErr: "invalid character"},
		{name: "unknown transport", content: `{"transport": "udp", "ip": "127.0.0.1"}`, wantErr: `unsupported transport "udp"`},
		{name: "missing ip", content: `{"transport": "tcp"}`, wantErr: "ip is empty"},
		{name: "unknown signature scheme", content: `{"transport": "tcp", "ip": "127.0.0.1", "key": "k", "signature_scheme": "hmac-md5"}`, wantErr: `unsupported signature_scheme "hmac-md5"`},
		{name: "port out of range", content: `{"transport": "tcp", "ip": "127.0.0.1", "hb_port": 70000}`, wantErr: "hb_port 70000 out of range"},
		{name: "ipc without ports", content: `{"transport": "ipc", "ip": "/tmp/k", "shell_port": 1}`, wantErr: "control_port is 0: ipc needs explicit ports"},
		{name: "two sockets on one port", content: `{"transport": "tcp", "ip": "127.0.0.1", "shell_port": 9, "hb_port": 9}`, wantErr: "shell_port and hb_port are both 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "kernel.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadConnectionFile(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("ReadConnectionFile error = %v, want one naming %s and containing %q", err, path, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadConnectionFile: %v", err)
			}
			if got != tt.want {
				t.Errorf("ReadConnectionFile = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReadConnectionFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.json")
	if _, err := ReadConnectionFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("ReadConnectionFile(missing) error = %v, want one naming %s", err, path)
	}
}

func TestEndpoint(t *testing.T) {
	tests := []struct {
		conn ConnectionInfo
		port int
		want string
	}{
		{ConnectionInfo{Transport: "tcp", IP: "127.0.0.1"}, 5555, "tcp://127.0.0.1:5555"},
		{ConnectionInfo{Transport: "tcp", IP: "::1"}, 5555, "tcp://[::1]:5555"},
		{ConnectionInfo{Transport: "ipc", IP: "/run/kernel"}, 3, "ipc:///run/kernel-3"},
	}
	for _, tt := range tests {
		if got := tt.conn.endpoint(tt.port); got != tt.want {
			t.Errorf("endpoint(%+v, %d) = %q, want %q", tt.conn, tt.port, got, tt.want)
		}
	}
}

func TestListenAddr(t *testing.T) {
	tests := []struct {
		conn                  ConnectionInfo
		port                  int
		wantNetwork, wantAddr string
	}{
		{ConnectionInfo{Transport: "tcp", IP: "127.0.0.1"}, 5555, "tcp", "127.0.0.1:5555"},
		{ConnectionInfo{Transport: "tcp", IP: "::1"}, 0, "tcp", "[::1]:0"},
		{ConnectionInfo{Transport: "tcp", IP: "*"}, 5555, "tcp", "0.0.0.0:5555"},
		{ConnectionInfo{Transport: "ipc", IP: "/run/kernel"}, 3, "unix", "/run/kernel-3"},
	}
	for _, tt := range tests {
		if network, addr := tt.conn.listenAddr(tt.port); network != tt.wantNetwork || addr != tt.wantAddr {
			t.Errorf("listenAddr(%+v, %d) = %s %s, want %s %s", tt.conn, tt.port, network, addr, tt.wantNetwork, tt.wantAddr)
		}
	}
}
