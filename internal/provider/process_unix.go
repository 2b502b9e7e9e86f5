//go:build unix

package provider

import (
	"errors"
	"syscall"
)

// processAlive reports whether the process pid exists (signal 0: permission errors mean it does).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
