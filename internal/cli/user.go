package cli

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

func (p *Program) userCommand() *cobra.Command {
	c := &cobra.Command{Use: "user", Short: "Manage user accounts"}
	var email, name, role string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create a user (and the organization, if it does not exist)",
		Long: "Create a user with a role in an organization, creating the organization when --org names a new one.\n" +
			"The password is read from standard input (the first line), so it stays out of shell history:\n\n" +
			"  printf '%s\\n' \"$PASSWORD\" | aims user create --org acme --email ada@example.com --name 'Ada L.' --role admin\n\n" +
			"An existing account is given the role in the organization; a password on stdin then replaces its password.\n" +
			"Roles: " + roleList() + ".",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			e, err := p.open(c, true)
			if err != nil {
				return err
			}
			defer e.Close()
			slug := e.cfg.Get("org")
			if slug == "" {
				org, err := e.svc.ResolveOrganization(c.Context(), "")
				if err != nil {
					return usageError{fmt.Errorf("name the organization with --org SLUG (%v)", err)}
				}
				slug = org.Slug
			}
			password, err := readPassword(p.Stdin)
			if err != nil {
				return err
			}
			org, m, err := e.svc.BootstrapUser(c.Context(), service.Bootstrap{OrgSlug: slug, Email: email, Name: name,
				Role: aims.Role(role), Password: password, Actor: aims.Actor{Kind: aims.ActorCLI, Label: operatorLabel()}})
			if err != nil {
				return err
			}
			fmt.Fprintf(p.Stdout, "user %s (%s) is %s in organization %s\n", m.Email, m.ID, m.Role, org.Slug)
			return nil
		},
	}
	create.Flags().StringVar(&email, "email", "", "the user's email (required)")
	create.Flags().StringVar(&name, "name", "", "the user's name (required)")
	create.Flags().StringVar(&role, "role", "", "the role: "+roleList()+" (required)")
	for _, f := range []string{"email", "name", "role"} {
		_ = create.MarkFlagRequired(f)
	}
	dataFlags(create)
	c.AddCommand(create)
	return c
}

func roleList() string {
	var rs []string
	for _, r := range aims.RoleValues() {
		rs = append(rs, string(r))
	}
	return strings.Join(rs, ", ")
}

// readPassword reads the first line of r. Empty input means no password,
// which is fine for an existing account.
func readPassword(r io.Reader) (string, error) {
	if r == nil {
		return "", nil
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
