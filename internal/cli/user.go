package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

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
	c.AddCommand(create, p.userInviteCommand(), p.userRenameCommand())
	return c
}

// userInviteCommand invites a person to an organization, as its admins do
// on the users page: the person accepts through the link printed.
func (p *Program) userInviteCommand() *cobra.Command {
	var email, role string
	c := &cobra.Command{
		Use:   "invite",
		Short: "Invite a person to an organization; prints the link to send them",
		Long: "Invite a person to the organization --org names, with a role. The link printed works once, for 7 days:\n" +
			"the person accepts by signing in to their account or, without one, by choosing their name and password.\n" +
			"The link starts with AIMS_BASE_URL when it is set.\n\n" +
			"  aims user invite --org acme --email ada@example.com --role contributor\n\n" +
			"Roles: " + roleList() + ".",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
				inv, err := e.svc.InviteMember(ctx, aims.NewInvitation{Email: email, Role: aims.Role(role)})
				if err != nil {
					return err
				}
				fmt.Fprintf(p.Stdout, "invited %s as %s to organization %s until %s\n%s%s\n", inv.Email, inv.Role, org.Slug,
					inv.ExpiresAt.Format(time.RFC3339), strings.TrimSuffix(e.cfg.Get("base-url"), "/"), inv.URL)
				return nil
			})
		},
	}
	c.Flags().StringVar(&email, "email", "", "the person's email (required)")
	c.Flags().StringVar(&role, "role", "", "the role: "+roleList()+" (required)")
	for _, f := range []string{"email", "role"} {
		_ = c.MarkFlagRequired(f)
	}
	dataFlags(c)
	return c
}

// userRenameCommand is the host's operator renaming an account: a name is
// the person's, which an organization's admin does not change.
func (p *Program) userRenameCommand() *cobra.Command {
	var email, name string
	c := &cobra.Command{
		Use:   "rename",
		Short: "Change a person's name (every organization they belong to records it)",
		Long: "Change the name of the account of --email. An account is the person's in every organization they belong to,\n" +
			"so its name is changed by the person (on their account page) or by the host's operator with this command;\n" +
			"each of those organizations records the change in its audit trail.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			e, err := p.open(c, true)
			if err != nil {
				return err
			}
			defer e.Close()
			u, err := e.svc.RenameAccount(c.Context(), email, name, operatorLabel())
			if err != nil {
				return err
			}
			fmt.Fprintf(p.Stdout, "user %s is now named %q\n", u.Email, u.Name)
			return nil
		},
	}
	c.Flags().StringVar(&email, "email", "", "the account's email (required)")
	c.Flags().StringVar(&name, "name", "", "the new name (required)")
	for _, f := range []string{"email", "name"} {
		_ = c.MarkFlagRequired(f)
	}
	dataFlags(c)
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
