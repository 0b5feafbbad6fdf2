//go:build unix

// Package cputime reads the CPU time this process has used, for benchmarks
// that report CPU per operation: on a shared machine it varies far less
// than the elapsed time.
package cputime

import (
	"syscall"
	"time"
)

// Process is the CPU time (user and system) this process has used.
func Process() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
