//go:build !linux

package interp

import (
	"errors"
	"os"
)

// CaptureProcessOutput is supported on Linux only: elsewhere output that
// compiled code writes to the process's stdout stays in the kernel's log.
func (s *Session) CaptureProcessOutput() (origStderr *os.File, restore func(), err error) {
	return nil, nil, errors.New("interp: capturing process output is supported on Linux only")
}
