package store

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aimsproject/aims/internal/aims"
)

// TestStorageFaultKinds: the faults that cannot be caused in a test
// (PostgreSQL's disk_full, a filesystem's ENOSPC or EROFS) map like the
// ones that can.
func TestStorageFaultKinds(t *testing.T) {
	for _, c := range []struct {
		err  error
		want aims.ErrorKind
	}{
		{&pgconn.PgError{Code: "53100", Message: "could not extend file: No space left on device"}, aims.KindInsufficientStorage},
		{&pgconn.PgError{Code: "25006", Message: "cannot execute INSERT in a read-only transaction"}, aims.KindUnavailable},
		{fmt.Errorf("write: %w", &fs.PathError{Op: "write", Path: "aims.db-wal", Err: syscall.ENOSPC}), aims.KindInsufficientStorage},
		{&fs.PathError{Op: "open", Path: "aims.db", Err: syscall.EROFS}, aims.KindUnavailable},
	} {
		got := mapError(c.err)
		if aims.KindOf(got) != c.want {
			t.Errorf("mapError(%v) kind = %s, want %s", c.err, aims.KindOf(got), c.want)
		}
		if !errors.Is(got, c.err) {
			t.Errorf("mapError(%v) lost the cause", c.err)
		}
	}
}
