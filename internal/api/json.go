package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

// Request bodies are checked in two steps. jsonGate (before huma) answers
// 400 for a body that is not JSON and 413 for one over the limit; huma then
// decodes with strictJSON, which refuses unknown fields and names the field
// of a wrong type. Everything else (required fields, enums, lengths) is the
// service's validation, the same for the API, the web forms and the CLI, so
// that one answer names every offending field.

// strictJSON is the API's JSON format.
var strictJSON = huma.Format{
	Marshal: huma.DefaultJSONFormat.Marshal,
	Unmarshal: func(data []byte, v any) error {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			return decodeError(err)
		}
		if dec.More() {
			return errors.New("field : only one JSON value is allowed in the body")
		}
		return nil
	},
}

// decodeError rewrites decoder errors as "field PATH: detail", which
// fieldOf turns into a JSON pointer.
func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		path := strings.ReplaceAll(te.Field, ".", "/")
		return fmt.Errorf("field %s: must be %s", path, jsonTypeName(te.Type.String()))
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return fmt.Errorf("field %s: is not a known field", strings.Trim(name, `"`))
	}
	return fmt.Errorf("field : %s", strings.TrimPrefix(msg, "json: "))
}

func jsonTypeName(goType string) string {
	switch {
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "float"):
		return "a number"
	case strings.HasSuffix(goType, "aims.Date"):
		return "a date written YYYY-MM-DD"
	case strings.HasSuffix(goType, "time.Time"):
		return "a time in RFC 3339, e.g. 2026-01-31T12:00:00Z"
	case strings.HasPrefix(goType, "map"), strings.HasPrefix(goType, "struct"):
		return "an object"
	}
	return "a string"
}

// bodyLimits holds each operation's body limit ("METHOD /pattern" ->
// bytes), read from the registered operations, so that the gate applies an
// import's larger limit and not the 1 MiB of ordinary JSON bodies.
type bodyLimits map[string]int64

func (l bodyLimits) learn(api huma.API) {
	for _, item := range api.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Post, item.Put, item.Patch, item.Delete} {
			if op != nil && op.MaxBodyBytes > 0 {
				l[op.Method+" "+op.Path] = op.MaxBodyBytes
			}
		}
	}
}

func (l bodyLimits) of(r *http.Request) int64 {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if n, ok := l[r.Method+" "+rc.RoutePattern()]; ok {
			return n
		}
	}
	return MaxJSONBody
}

// jsonGate checks JSON request bodies before huma reads them. It runs after
// routing (chi group middleware), so it knows the operation's limit.
func (l bodyLimits) jsonGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead || !strings.HasPrefix(r.URL.Path, Prefix+"/") {
			next.ServeHTTP(w, r)
			return
		}
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct != "" && ct != "application/json" && !strings.HasSuffix(ct, "+json") {
			next.ServeHTTP(w, r) // CSV, NDJSON: their handlers check them
			return
		}
		limit := l.of(r)
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			WriteProblem(w, r, aims.Errorf(aims.KindTooLarge, "the request body is over %d bytes (%s): send less, or split it", limit, humanBytes(limit)))
			return
		case err != nil:
			WriteProblem(w, r, aims.Errorf(aims.KindBadRequest, "the request body could not be read"))
			return
		case len(bytes.TrimSpace(body)) > 0 && !json.Valid(body):
			var se *json.SyntaxError
			detail := "the request body is not valid JSON"
			if e := json.Unmarshal(body, new(any)); errors.As(e, &se) {
				detail = fmt.Sprintf("the request body is not valid JSON: %v (at byte %d)", se, se.Offset)
			}
			WriteProblem(w, r, aims.Errorf(aims.KindBadRequest, "%s", detail))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

type pathKey struct{}

func withPath(ctx context.Context, path string) context.Context {
	return context.WithValue(ctx, pathKey{}, path)
}

func pathFrom(ctx context.Context) string {
	p, _ := ctx.Value(pathKey{}).(string)
	return p
}

// instancePath records the request path for problems written by handlers.
func instancePath(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(withPath(r.Context(), r.URL.Path)))
	})
}

func humanBytes(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
