package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// systemFilterFlags are the inventory filters of 'aims export systems', as
// the API's list takes them, with people's names for owner and supplier.
type systemFilterFlags struct {
	search, stage, owner, autonomy, domain, inScope, supplier, tag, sort string
}

func (p *Program) exportCommand() *cobra.Command {
	c := &cobra.Command{Use: "export", Short: "Export records to files"}
	var out string
	var ff systemFilterFlags
	systems := &cobra.Command{
		Use:   "systems",
		Short: "Export AI systems as CSV, to standard output or a file",
		Long: "Write the AI systems of the organization as CSV (UTF-8 with a byte-order mark, for spreadsheets), in the\n" +
			"columns 'aims import systems' reads, so that the file can be edited and imported back:\n" +
			csvColumnList() + ".\nThe filters narrow which systems are written.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
				f, err := ff.filter(ctx, e)
				if err != nil {
					return err
				}
				if out == "" || out == "-" {
					return e.svc.ExportSystemsCSV(ctx, p.Stdout, f)
				}
				if err := writeFileAtomic(out, func(w *os.File) error { return e.svc.ExportSystemsCSV(ctx, w, f) }); err != nil {
					return err
				}
				f.Page = aims.Page{Limit: 1}
				_, total, err := e.svc.FindSystems(ctx, f)
				if err != nil {
					return err
				}
				fmt.Fprintf(p.Stderr, "wrote %d AI system(s) of %s to %s\n", total, org.Slug, out)
				return nil
			})
		},
	}
	fl := systems.Flags()
	fl.StringVarP(&out, "output", "o", "", "write to this file instead of standard output")
	fl.StringVar(&ff.search, "search", "", "only systems whose name contains this, any case")
	fl.StringVar(&ff.stage, "stage", "", "only this lifecycle stage: "+joinStrings(aims.LifecycleStageValues()))
	fl.StringVar(&ff.owner, "owner", "", "only systems owned by this member (email)")
	fl.StringVar(&ff.autonomy, "autonomy", "", "only this autonomy level: "+joinStrings(aims.AutonomyValues()))
	fl.StringVar(&ff.domain, "impact-domain", "", "only systems with this impact domain: "+joinStrings(aims.ImpactDomainValues()))
	fl.StringVar(&ff.inScope, "in-scope", "", "yes: only systems in the AIMS scope; no: only those outside it")
	fl.StringVar(&ff.supplier, "supplier", "", "only systems from this supplier (name)")
	fl.StringVar(&ff.tag, "tag", "", "only systems with this tag")
	fl.StringVar(&ff.sort, "sort", "name", "order: "+strings.Join(aims.SystemSorts(), ", "))
	dataFlags(systems)
	c.AddCommand(systems)
	c.AddCommand(p.contextExportCommands()...)
	return c
}

// filter turns the flags into the domain's filter; the service checks the
// enum values, the command resolves the owner and supplier names.
func (ff systemFilterFlags) filter(ctx context.Context, e *env) (aims.SystemFilter, error) {
	f := aims.SystemFilter{Search: ff.search, LifecycleStage: aims.LifecycleStage(ff.stage), Autonomy: aims.Autonomy(ff.autonomy),
		ImpactDomain: aims.ImpactDomain(ff.domain), Tag: ff.tag, Sort: ff.sort}
	if !slices.Contains(aims.SystemSorts(), ff.sort) {
		return f, usageError{fmt.Errorf("--sort must be one of %s", strings.Join(aims.SystemSorts(), ", "))}
	}
	switch strings.ToLower(ff.inScope) {
	case "":
	case "yes", "true":
		f.InScope = ptrTo(true)
	case "no", "false":
		f.InScope = ptrTo(false)
	default:
		return f, usageError{fmt.Errorf("--in-scope must be yes or no")}
	}
	if ff.owner != "" {
		m, err := e.memberByEmail(ctx, ff.owner)
		if err != nil {
			return f, err
		}
		f.OwnerID = m.ID
	}
	if ff.supplier != "" {
		list, _, err := e.svc.FindSuppliers(ctx, aims.SupplierFilter{Search: ff.supplier, Page: aims.Page{Limit: aims.MaxLimit}})
		if err != nil {
			return f, err
		}
		i := slices.IndexFunc(list, func(s *aims.Supplier) bool { return store.NameKey(s.Name) == store.NameKey(ff.supplier) })
		if i < 0 {
			return f, usageError{fmt.Errorf("no supplier is named %q", ff.supplier)}
		}
		f.SupplierID = list[i].ID
	}
	return f, nil
}

// writeFileAtomic writes path through a temporary file in the same
// directory, renamed into place once complete: a failed export leaves no
// half-written file, and an existing one untouched.
func writeFileAtomic(path string, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".aims-export-*")
	if err != nil {
		return usageError{err}
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func csvColumnList() string { return strings.Join(service.SystemCSVColumns(), ", ") }

func joinStrings[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

func ptrTo[T any](v T) *T { return &v }
