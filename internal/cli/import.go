package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
)

func (p *Program) importCommand() *cobra.Command {
	c := &cobra.Command{Use: "import", Short: "Import records from files"}
	var dryRun bool
	systems := &cobra.Command{
		Use:   "systems FILE.csv",
		Short: "Import AI systems from a CSV file (- reads standard input)",
		Long: "Create and update AI systems from a spreadsheet saved as CSV (UTF-8). The header row names the\n" +
			"columns, in any order: " + csvColumnList() + ".\n" +
			"Only name is required: it matches a row to an AI system (any case), which is updated, or else a new\n" +
			"one is created. A column left out leaves that field of existing systems as it is. Lists are separated\n" +
			"by ';'; in_scope is yes or no (empty means yes); owner_email names a member, supplier a supplier.\n\n" +
			"The import is atomic: if any row is bad, nothing is imported, every bad line and column is listed\n" +
			"and the command exits with status 2. 'aims export systems' writes a file in the same columns.",
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			in, done, err := p.input(args[0])
			if err != nil {
				return err
			}
			defer done()
			return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
				res, err := e.svc.ImportSystemsCSV(ctx, in, dryRun)
				if err != nil {
					return err
				}
				what := "imported into"
				if dryRun {
					what = "checked (dry run: nothing written) for"
				}
				fmt.Fprintf(p.Stdout, "%s %s %s: %d created, %d updated, %d unchanged\n",
					args[0], what, org.Slug, res.Created, res.Updated, res.Unchanged)
				return nil
			})
		},
	}
	systems.Flags().BoolVar(&dryRun, "dry-run", false, "check every row and count what would change, writing nothing")
	dataFlags(systems)
	c.AddCommand(systems)
	return c
}

// exactArgs is cobra.ExactArgs reported as a usage error (exit status 2).
func exactArgs(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(c, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
