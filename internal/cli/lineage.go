package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// lineageCommand imports and exports the lists plants keep of their
// instruments, tags and features (data lineage, ISO/IEC 42001 A.7.5).
func (p *Program) lineageCommand() *cobra.Command {
	c := &cobra.Command{Use: "lineage", Short: "Import and export data lineage records (instruments, tags, features) as CSV"}
	kinds := joinStrings(aims.LineageKindValues())
	var kind, out string
	checkKind := func() error {
		if !slices.Contains(aims.LineageKindValues(), aims.LineageKind(kind)) {
			return usageError{fmt.Errorf("--kind must be one of %s", kinds)}
		}
		return nil
	}
	imp := &cobra.Command{
		Use:   "import --kind KIND [FILE.csv]",
		Short: "Import instruments, tags or features from a CSV file (standard input without FILE)",
		Long: "Create and update lineage records from a CSV file (UTF-8), as historian exports and spreadsheets\n" +
			"keep them. The header row names the columns, in any order:\n" +
			"  instruments: " + strings.Join(service.LineageCSVColumns("instruments"), ", ") + "\n" +
			"  tags:        " + strings.Join(service.LineageCSVColumns("tags"), ", ") + "\n" +
			"  features:    " + strings.Join(service.LineageCSVColumns("features"), ", ") + "\n" +
			"Only name is required: it matches a row to a record (any case), which is updated, or else a new one\n" +
			"is created. A tag names its instrument, a feature its tags (separated by ';'), by name: import\n" +
			"instruments first, then tags, then features.\n\n" +
			"The import is atomic: if any row is bad, nothing is imported, every bad line and column is listed\n" +
			"and the command exits with status 2. 'aims lineage export' writes a file in the same columns.",
		Args: func(c *cobra.Command, args []string) error {
			if err := cobra.MaximumNArgs(1)(c, args); err != nil {
				return usageError{err}
			}
			return checkKind()
		},
		RunE: func(c *cobra.Command, args []string) error {
			path, name := "-", "standard input"
			if len(args) == 1 && args[0] != "-" {
				path, name = args[0], args[0]
			}
			in, done, err := p.input(path)
			if err != nil {
				return err
			}
			defer done()
			return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
				n, err := e.svc.ImportLineageCSV(ctx, kind, in)
				if err != nil {
					return err
				}
				fmt.Fprintf(p.Stdout, "%s imported into %s: %d %s row(s)\n", name, org.Slug, n, kind)
				return nil
			})
		},
	}
	imp.Flags().StringVar(&kind, "kind", "", "what the file lists: "+kinds)
	dataFlags(imp)
	exp := &cobra.Command{
		Use:   "export --kind KIND",
		Short: "Export instruments, tags or features as CSV, to standard output or a file",
		Long: "Write every instrument, tag or feature of the organization as CSV (UTF-8 with a byte-order mark), in the\n" +
			"columns 'aims lineage import' reads, so that the file can be edited and imported back.",
		Args: func(c *cobra.Command, args []string) error {
			if err := cobra.NoArgs(c, args); err != nil {
				return usageError{err}
			}
			return checkKind()
		},
		RunE: func(c *cobra.Command, _ []string) error {
			return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
				if out == "" || out == "-" {
					return e.svc.ExportLineageCSV(ctx, kind, p.Stdout)
				}
				if err := writeFileAtomic(out, func(w *os.File) error { return e.svc.ExportLineageCSV(ctx, kind, w) }); err != nil {
					return err
				}
				fmt.Fprintf(p.Stderr, "wrote the %s of %s to %s\n", kind, org.Slug, out)
				return nil
			})
		},
	}
	exp.Flags().StringVar(&kind, "kind", "", "what to export: "+kinds)
	exp.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of standard output")
	dataFlags(exp)
	c.AddCommand(imp, exp)
	return c
}
