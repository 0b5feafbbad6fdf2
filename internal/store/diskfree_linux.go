package store

import (
	"path/filepath"
	"syscall"
)

// diskFree returns the bytes available to this process on the filesystem
// that holds path.
func diskFree(path string) (int64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), true
}
