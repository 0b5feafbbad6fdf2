package aims

import "context"

type requestIDKey struct{}

// WithRequestID returns ctx carrying the id of the request being served, so
// that the audit trail and the logs can name it.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the request id carried by ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
