package store

import (
	"database/sql"
	"errors"

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
		return classOther
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
		}
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
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &aims.Error{Kind: aims.KindNotFound, Message: "record not found"}
	}
	return err
}

// notFound turns sql.ErrNoRows into a not-found error for what, and wraps
// anything else.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return aims.ErrNotFound(what)
	}
	return mapError(err)
}
