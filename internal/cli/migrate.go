package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func (p *Program) migrateCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "migrate",
		Short: "Apply database migrations, or show their status",
		Long:  "aims serve migrates at start; run 'aims migrate' to do it ahead of a rollout, and 'aims migrate status' to see what is applied.",
	}
	apply := &cobra.Command{
		Use:   "apply",
		Short: "Apply every pending migration",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			e, err := p.open(c, false)
			if err != nil {
				return err
			}
			defer e.Close()
			n, err := e.db.Migrate(c.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(p.Stdout, "applied %d migration(s) to %s\n", n, e.db)
			return nil
		},
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "List migrations and whether each is applied",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			e, err := p.open(c, false)
			if err != nil {
				return err
			}
			defer e.Close()
			st, err := e.db.MigrationStatuses(c.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(p.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "VERSION\tFILE\tAPPLIED")
			for _, s := range st {
				applied := "pending"
				if s.Applied {
					applied = s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\n", s.Version, s.Name, applied)
			}
			return tw.Flush()
		},
	}
	dataFlags(apply)
	dataFlags(status)
	c.AddCommand(apply, status)
	// "aims migrate" alone applies, as the issue and docs/cli.md say.
	c.RunE = apply.RunE
	c.Args = cobra.NoArgs
	dataFlags(c)
	return c
}
