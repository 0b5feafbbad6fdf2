package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aimsproject/aims/internal/aims"
)

// Problem is an RFC 9457 problem detail, the body of every API error.
// Detail is always safe to show; anything unexpected is a 500 whose cause is
// logged with the request id and never sent.
type Problem struct {
	Type      string         `json:"type" doc:"A URI naming the kind of problem"`
	Title     string         `json:"title" doc:"The HTTP status text"`
	Status    int            `json:"status" doc:"The HTTP status code"`
	Detail    string         `json:"detail,omitempty" doc:"What went wrong, and what to do about it"`
	Instance  string         `json:"instance,omitempty" doc:"The request path"`
	RequestID string         `json:"request_id,omitempty" doc:"Quote this id when reporting a problem"`
	Errors    []ProblemField `json:"errors,omitempty" doc:"Each offending field or parameter"`
	headers   http.Header
}

// ProblemField names one offending input. Pointer is a JSON pointer into
// the request body (RFC 6901); Parameter names a query or path parameter.
type ProblemField struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Detail    string `json:"detail"`
}

func (p *Problem) Error() string  { return p.Detail }
func (p *Problem) GetStatus() int { return p.Status }

// ContentType makes huma send problems as application/problem+json.
func (p *Problem) ContentType(string) string { return "application/problem+json" }

// GetHeaders lets huma send extra headers (Retry-After).
func (p *Problem) GetHeaders() http.Header { return p.headers }

// kindStatus is the one table from error kinds to HTTP statuses.
var kindStatus = map[aims.ErrorKind]int{
	aims.KindInvalid:             http.StatusUnprocessableEntity,
	aims.KindBadRequest:          http.StatusBadRequest,
	aims.KindUnauthenticated:     http.StatusUnauthorized,
	aims.KindForbidden:           http.StatusForbidden,
	aims.KindNotFound:            http.StatusNotFound,
	aims.KindConflict:            http.StatusConflict,
	aims.KindTooLarge:            http.StatusRequestEntityTooLarge,
	aims.KindRateLimited:         http.StatusTooManyRequests,
	aims.KindUnavailable:         http.StatusServiceUnavailable,
	aims.KindInsufficientStorage: http.StatusInsufficientStorage,
	aims.KindInternal:            http.StatusInternalServerError,
}

// StatusOf returns the HTTP status for err.
func StatusOf(err error) int {
	if s, ok := kindStatus[aims.KindOf(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// problemType names each status with a stable URI under the API docs.
func problemType(status int) string {
	if status == http.StatusInternalServerError {
		return "about:blank"
	}
	return "/api/docs#problem-" + strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "-"))
}

// FromError turns any error into a problem. A non-domain error becomes a
// generic 500 and is logged in full.
func FromError(ctx context.Context, r *http.Request, err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	status := StatusOf(err)
	prob := &Problem{Type: problemType(status), Title: http.StatusText(status), Status: status}
	if r != nil {
		prob.Instance = r.URL.Path
	} else {
		prob.Instance = pathFrom(ctx)
	}
	prob.RequestID = aims.RequestIDFrom(ctx)
	var ae *aims.Error
	switch {
	case errors.As(err, &ae) && status != http.StatusInternalServerError:
		prob.Detail = ae.Message
		for _, f := range ae.Fields {
			prob.Errors = append(prob.Errors, ProblemField{Pointer: "/" + f.Field, Detail: f.Detail})
		}
		if status >= 500 {
			// A storage fault: safe to name, but the operator needs the cause.
			slog.ErrorContext(ctx, "request failed", "status", status, "err", err, "request_id", prob.RequestID)
		} else {
			slog.InfoContext(ctx, "request refused", "status", status, "detail", ae.Message, "request_id", prob.RequestID)
		}
		if ae.Kind == aims.KindRateLimited {
			prob.headers = http.Header{"Retry-After": []string{"60"}}
		}
	case errors.Is(err, context.Canceled):
		prob.Detail = "the request was cancelled"
	default:
		prob.Detail = "something went wrong on our side; it has been logged with the request id"
		slog.ErrorContext(ctx, "request failed", "err", err, "request_id", prob.RequestID)
	}
	return prob
}

// WriteProblem writes err as problem+json; for handlers outside huma.
func WriteProblem(w http.ResponseWriter, r *http.Request, err error) {
	p := FromError(r.Context(), r, err)
	for k, v := range p.headers {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

var requiredProperty = regexp.MustCompile(`^expected required property (\S+) to be present$`)

// hookHumaErrors makes huma's own errors (bad JSON, schema validation, body
// too large) problems of the same shape, with each field as a JSON pointer.
// The hooks are huma's package variables: they are set once, so that a
// second server in the process (tests, in-process replicas) does not write
// them while the first reads them.
func hookHumaErrors() { hookOnce.Do(setHumaErrors) }

var hookOnce sync.Once

func setHumaErrors() {
	huma.NewErrorWithContext = func(hctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		ctx := context.Background()
		path := ""
		if hctx != nil {
			ctx = hctx.Context()
			path = hctx.URL().Path
		}
		p := &Problem{Type: problemType(status), Title: http.StatusText(status), Status: status, Detail: msg,
			Instance: path, RequestID: aims.RequestIDFrom(ctx)}
		for _, e := range errs {
			if e == nil {
				continue
			}
			var d huma.ErrorDetailer
			if !errors.As(e, &d) {
				if status >= 500 {
					slog.ErrorContext(ctx, "request failed", "err", e, "request_id", p.RequestID)
					p.Detail = "something went wrong on our side; it has been logged with the request id"
					continue
				}
				p.Errors = append(p.Errors, ProblemField{Detail: e.Error()})
				continue
			}
			p.Errors = append(p.Errors, fieldOf(d.ErrorDetail()))
		}
		switch status {
		case http.StatusUnprocessableEntity:
			p.Detail = "some fields or parameters are invalid; correct them and try again"
		case http.StatusRequestEntityTooLarge:
			p.Detail = "the request body is too large: " + msg
		}
		return p
	}
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return huma.NewErrorWithContext(nil, status, msg, errs...)
	}
}

// fieldOf turns huma's "body.items[3].name" or "query.limit" into a JSON
// pointer or a parameter name.
func fieldOf(d *huma.ErrorDetail) ProblemField {
	loc, msg := d.Location, d.Message
	if rest, ok := strings.CutPrefix(msg, "field "); ok && loc == "body" {
		// A decoding error from strictJSON: "field PATH: detail".
		path, detail, _ := strings.Cut(rest, ": ")
		if path == "" {
			return ProblemField{Detail: detail}
		}
		return ProblemField{Pointer: "/" + path, Detail: detail}
	}
	if m := requiredProperty.FindStringSubmatch(msg); m != nil {
		loc += "." + m[1]
		msg = "is required"
	}
	switch {
	case loc == "body":
		return ProblemField{Pointer: "", Detail: msg}
	case strings.HasPrefix(loc, "body."):
		ptr := strings.TrimPrefix(loc, "body")
		ptr = strings.NewReplacer(".", "/", "[", "/", "]", "").Replace(ptr)
		return ProblemField{Pointer: ptr, Detail: msg}
	default:
		_, name, _ := strings.Cut(loc, ".")
		return ProblemField{Parameter: name, Detail: msg}
	}
}

// fail converts a service error for huma.
func fail(ctx context.Context, err error) error {
	return FromError(ctx, nil, err)
}
