package store

import (
	"database/sql"
	"errors"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/aimsproject/aims/internal/aims"
)

// dbErrorClass is what a driver error means to aims, whichever database
// raised it.
type dbErrorClass int

const (
	classOther dbErrorClass = iota
	classUnique
	classForeignKey
	classCheck
	classRetry
	classStorageFull // the disk or the database's size limit is full
	classReadOnly    // the database accepts no writes
	classIOError     // the storage failed to read or write
)

// SQLite extended result codes (https://sqlite.org/rescode.html) and
// PostgreSQL SQLSTATEs that aims tells apart.
const (
	sqliteBusy          = 5
	sqliteLocked        = 6
	sqliteBusySnapshot  = 517
	sqliteCheck         = 275
	sqliteForeignKey    = 787
	sqlitePrimaryKey    = 1555
	sqliteUnique        = 2067
	pgUnique            = "23505"
	pgForeignKey        = "23503"
	pgCheck             = "23514"
	pgSerialization     = "40001"
	pgDeadlock          = "40P01"
	pgLockNotAvailable  = "55P03"
	pgUndefinedTable    = "42P01"
	pgInsufficientPriv  = "42501"
	pgAdminShutdown     = "57P01"
	pgCannotConnectNow  = "57P03"
	pgConnectionFailure = "08006"
	pgDiskFull          = "53100"
	pgReadOnlyTx        = "25006"
	// Primary SQLite result codes: an extended code's low byte.
	sqliteReadOnly = 8
	sqliteIOErr    = 10
	sqliteFull     = 13
)

func classify(err error) dbErrorClass {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteUnique, sqlitePrimaryKey:
			return classUnique
		case sqliteForeignKey:
			return classForeignKey
		case sqliteCheck:
			return classCheck
		case sqliteBusy, sqliteLocked, sqliteBusySnapshot:
			return classRetry
		}
		switch se.Code() & 0xff {
		case sqliteFull:
			return classStorageFull
		case sqliteReadOnly:
			return classReadOnly
		case sqliteIOErr:
			if errors.Is(err, syscall.ENOSPC) {
				return classStorageFull
			}
			return classIOError
		}
		return classOther
	}
	var full *sqliteFullError
	if errors.As(err, &full) {
		return classStorageFull
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case pgUnique:
			return classUnique
		case pgForeignKey:
			return classForeignKey
		case pgCheck:
			return classCheck
		case pgSerialization, pgDeadlock, pgLockNotAvailable:
			return classRetry
		case pgDiskFull:
			return classStorageFull
		case pgReadOnlyTx:
			return classReadOnly
		}
	}
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return classStorageFull
	case errors.Is(err, syscall.EROFS):
		return classReadOnly
	}
	return classOther
}

func isRetryable(err error) bool { return classify(err) == classRetry }

// IsUniqueViolation reports whether err is a unique-constraint violation on
// either database.
func isUniqueViolation(err error) bool { return classify(err) == classUnique }

// mapError turns what the drivers say into the domain's error kinds. It is
// the one place that knows driver error codes; a store function that knows
// which constraint failed says so in its own words before falling back here.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var ae *aims.Error
	if errors.As(err, &ae) {
		return err
	}
	switch classify(err) {
	case classUnique:
		return &aims.Error{Kind: aims.KindConflict, Message: "a record with the same unique value already exists"}
	case classForeignKey:
		return &aims.Error{Kind: aims.KindConflict, Message: "the record is linked to other records: remove those links first"}
	case classCheck:
		return &aims.Error{Kind: aims.KindInvalid, Message: "a value is outside what the database accepts"}
	case classStorageFull, classReadOnly, classIOError:
		return storageError(err)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &aims.Error{Kind: aims.KindNotFound, Message: "record not found"}
	}
	return err
}

// Storage faults are the operator's to fix, not the caller's: they answer
// 507 (full) or 503 (read-only, failing), say so, and are logged in full
// (the cause stays wrapped for the log). Readiness turns 503 with them
// (DB.WriteReady).
var (
	errStorageFull = &aims.Error{Kind: aims.KindInsufficientStorage,
		Message: "the database's storage is full, so nothing can be saved: reading still works; try again once an operator has freed space"}
	errReadOnly = &aims.Error{Kind: aims.KindUnavailable,
		Message: "the database is read-only at the moment, so nothing can be saved: reading still works; try again later"}
	errStorageIO = &aims.Error{Kind: aims.KindUnavailable,
		Message: "the database could not write to its storage: try again later; if it persists, an operator should check the disk"}
)

// storageFault wraps an aims error for a surface with the driver's error,
// so that the surface shows the safe message and logs the cause.
type storageFault struct {
	safe  *aims.Error
	cause error
}

func (e *storageFault) Unwrap() []error { return []error{e.safe, e.cause} }
func (e *storageFault) Error() string   { return e.safe.Message + ": " + e.cause.Error() }

// storageError returns err as a storage fault, or nil when it is not one.
func storageError(err error) error {
	var sf *storageFault
	if errors.As(err, &sf) {
		return err
	}
	switch classify(err) {
	case classStorageFull:
		return &storageFault{errStorageFull, err}
	case classReadOnly:
		return &storageFault{errReadOnly, err}
	case classIOError:
		return &storageFault{errStorageIO, err}
	}
	return nil
}

// notFound turns sql.ErrNoRows into a not-found error for what, and wraps
// anything else.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return aims.ErrNotFound(what)
	}
	return mapError(err)
}
