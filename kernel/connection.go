package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
)

// ConnectionInfo is the content of a Jupyter connection file: where the
// kernel binds its five sockets and how it signs messages.
type ConnectionInfo struct {
	Transport       string `json:"transport"` // "tcp" or "ipc"
	IP              string `json:"ip"`        // for "ipc", the path prefix of the socket files
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	StdinPort       int    `json:"stdin_port"`
	IOPubPort       int    `json:"iopub_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`              // HMAC key; empty disables signing
	SignatureScheme string `json:"signature_scheme"` // "hmac-sha256" ("" means the same)
}

// ReadConnectionFile reads and validates the JSON connection file that
// Jupyter passes to a kernel it starts.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	var info ConnectionInfo
	data, err := os.ReadFile(path)
	if err != nil {
		return info, fmt.Errorf("kernel: reading connection file: %w", err)
	}
	if err := json.Unmarshal(data, &info); err != nil {
		return info, fmt.Errorf("kernel: connection file %s: %w", path, err)
	}
	if err := info.validate(); err != nil {
		return info, fmt.Errorf("kernel: connection file %s: %w", path, err)
	}
	return info, nil
}

// validate reports the first problem that would keep the kernel from
// binding its sockets or signing its messages.
func (c ConnectionInfo) validate() error {
	switch c.Transport {
	case "tcp", "ipc":
	default:
		return fmt.Errorf("unsupported transport %q (want \"tcp\" or \"ipc\")", c.Transport)
	}
	if c.IP == "" {
		return errors.New("ip is empty")
	}
	switch c.SignatureScheme {
	case "", "hmac-sha256":
	default:
		return fmt.Errorf("unsupported signature_scheme %q (want \"hmac-sha256\")", c.SignatureScheme)
	}
	seen := make(map[int]string)
	for _, p := range c.ports() {
		if p.port < 0 || p.port > 65535 {
			return fmt.Errorf("%s %d out of range", p.name, p.port)
		}
		if p.port == 0 {
			if c.Transport == "ipc" {
				return fmt.Errorf("%s is 0: ipc needs explicit ports", p.name)
			}
			continue // any free port
		}
		if other, dup := seen[p.port]; dup {
			return fmt.Errorf("%s and %s are both %d", other, p.name, p.port)
		}
		seen[p.port] = p.name
	}
	return nil
}

type namedPort struct {
	name string
	port int
}

func (c ConnectionInfo) ports() []namedPort {
	return []namedPort{
		{"shell_port", c.ShellPort},
		{"control_port", c.ControlPort},
		{"stdin_port", c.StdinPort},
		{"iopub_port", c.IOPubPort},
		{"hb_port", c.HBPort},
	}
}

// endpoint is the ZeroMQ address of one of the kernel's ports, in the
// form Jupyter uses: tcp://ip:port or ipc://ip-port.
func (c ConnectionInfo) endpoint(port int) string {
	if c.Transport == "ipc" {
		return fmt.Sprintf("ipc://%s-%d", c.IP, port)
	}
	return "tcp://" + net.JoinHostPort(c.IP, strconv.Itoa(port))
}

// listenAddr is the network ("tcp" or "unix") and address to listen on
// for one of the kernel's ports, as zmq4 reads endpoint: a tcp host of
// "*" or "" means every interface.
func (c ConnectionInfo) listenAddr(port int) (network, addr string) {
	if c.Transport == "ipc" {
		return "unix", fmt.Sprintf("%s-%d", c.IP, port)
	}
	host := c.IP
	if host == "*" || host == "" {
		host = "0.0.0.0"
	}
	return "tcp", net.JoinHostPort(host, strconv.Itoa(port))
}
