//go:build !unix

package storetest

import "time"

// ProcessCPU is not measured on this system.
func ProcessCPU() time.Duration { return 0 }
