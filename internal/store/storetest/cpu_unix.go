//go:build unix

package storetest

import (
	"syscall"
	"time"
)

// ProcessCPU is the CPU time (user and system) this process has used, for
// benchmarks that report CPU per operation: on a shared machine it varies
// far less than the elapsed time.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
