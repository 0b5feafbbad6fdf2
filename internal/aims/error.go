// Package aims holds the domain types of the AI management system: the
// records an organization keeps to meet ISO/IEC 42001:2023, their enums,
// filters and updates, and the error kinds every layer speaks.
//
// It imports nothing else from this module, so every other package can
// depend on it.
package aims

import (
	"errors"
	"fmt"
	"sort"
)

// ErrorKind is the closed set of error classes. Each surface maps a kind to
// its own answer: an HTTP status, a form message, a CLI exit status.
type ErrorKind string

// The error kinds.
const (
	KindInvalid         ErrorKind = "invalid"
	KindBadRequest      ErrorKind = "bad_request"
	KindUnauthenticated ErrorKind = "unauthenticated"
	KindForbidden       ErrorKind = "forbidden"
	KindNotFound        ErrorKind = "not_found"
	KindConflict        ErrorKind = "conflict"
	KindTooLarge        ErrorKind = "too_large"
	KindRateLimited     ErrorKind = "rate_limited"
	KindUnavailable     ErrorKind = "unavailable"
	// KindInsufficientStorage: the storage is full; an operator must free
	// space (HTTP 507).
	KindInsufficientStorage ErrorKind = "insufficient_storage"
	KindInternal            ErrorKind = "internal"
)

// FieldError names one offending input field. Field is a JSON-pointer-like
// path without the leading slash ("name", "impact_domains/2",
// "rows/14/owner_email").
type FieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// Error is the one error type whose message is safe to show to a caller.
// Anything else that reaches a surface is reported as an internal error with
// a generic message, and logged in full.
type Error struct {
	Kind    ErrorKind
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	return fmt.Sprintf("%s (%d field errors, first %s: %s)", e.Message, len(e.Fields), e.Fields[0].Field, e.Fields[0].Detail)
}

// Errorf returns an *Error of the given kind.
func Errorf(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// ErrNotFound is the answer for an unknown id and for an id of another
// organization alike: the caller must not learn that the record exists.
func ErrNotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Message: what + " not found"}
}

// ErrForbidden says the caller's role does not allow the action.
func ErrForbidden(action string) *Error {
	return &Error{Kind: KindForbidden, Message: "your role does not allow you to " + action}
}

// KindOf returns the kind of err: "" for nil, KindInternal when err is not
// an *Error.
func KindOf(err error) ErrorKind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k ErrorKind) bool {
	return err != nil && KindOf(err) == k
}

// Validation collects field errors so that one answer names every bad field,
// not only the first.
type Validation struct {
	fields []FieldError
	texted map[string]bool // fields whose characters were checked
}

// Add records a problem with field.
func (v *Validation) Add(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Detail: fmt.Sprintf(format, args...)})
}

// AddAll records several field errors, prefixing each field with prefix.
func (v *Validation) AddAll(prefix string, fields []FieldError) {
	for _, f := range fields {
		name := f.Field
		if prefix != "" {
			name = prefix + "/" + f.Field
		}
		v.fields = append(v.fields, FieldError{Field: name, Detail: f.Detail})
	}
}

// Text records a problem when s holds characters the field does not accept
// (text.go: NUL and control characters anywhere; bidirectional controls
// and invisible characters in names and identifiers). Required and MaxLen
// call it, so every validated field is checked once.
func (v *Validation) Text(field, s string) {
	if v.texted[field] {
		return
	}
	if v.texted == nil {
		v.texted = map[string]bool{}
	}
	v.texted[field] = true
	if p := TextProblem(s, TextClassOf(field)); p != "" {
		v.Add(field, "%s", p)
	}
}

// Required records a problem when s is empty.
func (v *Validation) Required(field, s string) {
	v.Text(field, s)
	if s == "" {
		v.Add(field, "is required")
	}
}

// MaxLen records a problem when s is longer than n characters.
func (v *Validation) MaxLen(field, s string, n int) {
	v.Text(field, s)
	if len([]rune(s)) > n {
		v.Add(field, "must be at most %d characters", n)
	}
}

// OK reports whether no problem was recorded.
func (v *Validation) OK() bool { return len(v.fields) == 0 }

// Fields returns the recorded problems in field order.
func (v *Validation) Fields() []FieldError {
	out := append([]FieldError(nil), v.fields...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// Err returns nil when no problem was recorded, else an invalid *Error
// naming every field.
func (v *Validation) Err() error {
	if v.OK() {
		return nil
	}
	return &Error{Kind: KindInvalid, Message: "some fields are missing or invalid; correct them and try again", Fields: v.Fields()}
}
