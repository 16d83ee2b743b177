//go:build unix

package interp

import (
	"os/exec"
	"syscall"
	"time"
)

// ownProcessGroup makes cmd, a go build, lead a process group of its own,
// which cancelling its context kills whole: the compilers it started
// included, so that none outlives the session that wanted the build.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
}
