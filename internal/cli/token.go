package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

func (p *Program) tokenCommand() *cobra.Command {
	c := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	var email, name string
	var scopes, systems []string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API token for a user and print it once",
		Long: "Create an API token that acts as the user, with the user's role in the organization.\n" +
			"The token is printed once, alone on its line on stdout; aims keeps only its hash:\n\n" +
			"  TOKEN=$(aims token create --email ci@example.com --name 'CI pipeline')\n" +
			"  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8080/api/v1/me\n\n" +
			"--scope limits the token, e.g. --scope log:read for a log reader that may fetch the\n" +
			"tamper-evident log's checkpoint, tiles and proofs and nothing else. An edge gateway's token:\n\n" +
			"  aims token create --email gw7@example.com --name gw-7 \\\n" +
			"    --scope decisions:write --scope authorization:read --system SYSTEM_ID\n\n" +
			"posts decisions and asks whether the system may act, for the systems named, and nothing else.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
				m, err := e.memberByEmail(ctx, email)
				if err != nil {
					return err
				}
				secret, t, err := e.svc.CreateToken(ctx, aims.NewToken{UserID: m.ID, Name: name, Scopes: scopes, Systems: systems})
				if err != nil {
					return err
				}
				e.log.Info("API token created", "token_id", t.ID, "user", email, "org", org.Slug, "scopes", scopes, "systems", systems)
				fmt.Fprintln(p.Stdout, secret)
				return nil
			})
		},
	}
	create.Flags().StringVar(&email, "email", "", "the user the token acts as (required)")
	create.Flags().StringVar(&name, "name", "", "what the token is for, e.g. 'CI pipeline' (required)")
	create.Flags().StringSliceVar(&scopes, "scope", nil, "limit the token to a scope (repeatable): "+strings.Join(authz.Scopes(), ", "))
	create.Flags().StringSliceVar(&systems, "system", nil, "limit the token to an AI system, by id (repeatable; with the scopes decisions:write and authorization:read)")
	_ = create.MarkFlagRequired("email")
	_ = create.MarkFlagRequired("name")
	dataFlags(create)
	c.AddCommand(create)
	return c
}
