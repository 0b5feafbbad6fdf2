package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// writeOut writes b to path, or to stdout when path is "" or "-".
func (p *Program) writeOut(path string, b []byte) error {
	if path == "" || path == "-" {
		_, err := p.Stdout.Write(b)
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(p.Stderr, "wrote %s (%d bytes)\n", path, len(b))
	return nil
}

func (p *Program) catalogCommand() *cobra.Command {
	c := &cobra.Command{Use: "catalog", Short: "Browse, import and export frameworks (ISO/IEC 42001, NIST AI RMF, EU AI Act, OSCAL catalogs)"}
	list := &cobra.Command{
		Use: "list", Short: "List frameworks and crosswalks", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return p.asOperator(cmd, func(ctx context.Context, e *env, _ *aims.Organization) error {
				fws, err := e.svc.FindFrameworks(ctx)
				if err != nil {
					return err
				}
				cat, err := e.svc.Catalog(ctx)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(p.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "FRAMEWORK\tTITLE\tREQUIREMENTS\tORIGIN")
				for _, f := range fws {
					origin := "built in"
					if f.Imported {
						origin = "imported"
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", f.ID, f.ShortTitle, len(f.Requirements), origin)
				}
				fmt.Fprintln(tw, "\nCROSSWALK\tTITLE\tPAIRS\tOFFICIAL")
				for _, cw := range cat.Crosswalks() {
					fmt.Fprintf(tw, "%s\t%s\t%d\t%v\n", cw.ID, cw.Title, len(cw.Pairs), cw.Official)
				}
				return tw.Flush()
			})
		},
	}
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show a framework's tree, or one requirement with its guidance and mappings",
		Long: "ID is a framework (iso42001, nist-ai-rmf, eu-ai-act, or an imported one), a requirement as\n" +
			"FRAMEWORK:ID (iso42001:A.6.2.8, 'nist-ai-rmf:GOVERN 1.1'), or a requirement id that only one framework has.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return p.asOperator(cmd, func(ctx context.Context, e *env, _ *aims.Organization) error { return p.showCatalog(ctx, e, args[0]) })
		},
	}
	var importID string
	imp := &cobra.Command{
		Use: "import FILE", Short: "Import an OSCAL catalog (JSON) as an additional framework", Args: cobra.ExactArgs(1),
		Long: "Import any OSCAL catalog (an ISO 27001 control set, NIST SP 800-53) as a framework that SoA rows\n" +
			"and mappings can use. On any problem nothing is imported and each problem is named by its JSON path.",
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return usageError{err}
			}
			return p.asOperator(cmd, func(ctx context.Context, e *env, _ *aims.Organization) error {
				fw, err := e.svc.ImportOSCALCatalog(ctx, data, importID)
				if err != nil {
					return err
				}
				fmt.Fprintf(p.Stdout, "imported %s (%s): %d requirements\n", fw.ID, fw.Title, len(fw.Requirements))
				return nil
			})
		},
	}
	imp.Flags().StringVar(&importID, "id", "", "id to give the framework (default: from the file)")
	importText := &cobra.Command{
		Use: "import-text FRAMEWORK FILE", Short: "Import your own requirement texts (CSV or XLSX with columns id, text)", Args: cobra.ExactArgs(2),
		Long: "For an organization that owns the standard (e.g. ISO/IEC 42001): the text is shown beside aims' guidance\n" +
			"and exported only when asked. Rows with unknown ids are refused and listed; then nothing is imported.",
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[1])
			if err != nil {
				return usageError{err}
			}
			return p.asOperator(cmd, func(ctx context.Context, e *env, _ *aims.Organization) error {
				res, err := e.svc.ImportRequirementTexts(ctx, args[0], data)
				if err != nil {
					return err
				}
				fmt.Fprintf(p.Stdout, "imported %d texts of %s\n", res.Imported, res.Framework)
				return nil
			})
		},
	}
	var format, out string
	var ownerText bool
	export := &cobra.Command{
		Use: "export CATALOG", Short: "Export a framework or crosswalk (oscal, json or csv)", Args: cobra.ExactArgs(1),
		Long: "CATALOG is a framework (iso42001, nist-ai-rmf, eu-ai-act, ...) exported as an OSCAL catalog, or a crosswalk\n" +
			"(nist-ai-rmf_iso42001, iso42001_eu-ai-act) exported as an OSCAL mapping-collection.",
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(service.CatalogExportFormats, format) {
				return usageError{fmt.Errorf("--format must be one of %s", strings.Join(service.CatalogExportFormats, ", "))}
			}
			return p.asOperator(cmd, func(ctx context.Context, e *env, _ *aims.Organization) error {
				cat, err := e.svc.Catalog(ctx)
				if err != nil {
					return err
				}
				var buf bytes.Buffer
				if _, isCW := cat.Crosswalk(args[0]); isCW {
					err = e.svc.ExportCrosswalk(ctx, &buf, args[0], format)
				} else {
					err = e.svc.ExportCatalog(ctx, &buf, args[0], format, ownerText)
				}
				if err != nil {
					return err
				}
				return p.writeOut(out, buf.Bytes())
			})
		},
	}
	export.Flags().StringVar(&format, "format", "oscal", "oscal, json or csv")
	export.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of stdout")
	export.Flags().BoolVar(&ownerText, "with-owner-text", false, "include your organization's own requirement texts")
	for _, sub := range []*cobra.Command{list, show, imp, importText, export} {
		dataFlags(sub)
		c.AddCommand(sub)
	}
	return c
}

func (p *Program) showCatalog(ctx context.Context, e *env, arg string) error {
	cat, err := e.svc.Catalog(ctx)
	if err != nil {
		return err
	}
	w := p.Stdout
	if fw, ok := cat.Framework(arg); ok {
		fmt.Fprintf(w, "%s (%s)\n%s\n\n", fw.Title, fw.ID, fw.Source)
		var walk func(parent string, depth int)
		walk = func(parent string, depth int) {
			for _, r := range cat.Children(fw.ID, parent) {
				fmt.Fprintf(w, "%s%s  %s\n", strings.Repeat("  ", depth), r.ID, r.Title)
				walk(r.ID, depth+1)
			}
		}
		walk("", 0)
		return nil
	}
	ref, ok := cat.Resolve(arg)
	if !ok {
		return usageError{fmt.Errorf("%q is not a framework, nor a requirement of exactly one framework (write it as FRAMEWORK:ID)", arg)}
	}
	d, err := e.svc.FindRequirement(ctx, ref)
	if err != nil {
		return err
	}
	r := d.Requirement
	fmt.Fprintf(w, "%s %s — %s\n%s, %s\n", d.Framework.ShortTitle, r.ID, r.Title, r.Kind, r.Citation)
	printBlock(w, "Text", r.Text)
	if d.OwnerText != "" {
		printBlock(w, "Your organization's text", d.OwnerText)
	}
	if g := r.Guidance; g != nil {
		printBlock(w, "What it asks (aims guidance)", g.Asks)
		printBlock(w, "Evidence that usually shows it", g.Evidence)
		printBlock(w, "Records in aims", g.Records)
	}
	if len(r.Roles) > 0 {
		roles := make([]string, len(r.Roles))
		for i, x := range r.Roles {
			roles[i] = string(x)
		}
		printBlock(w, "Binds", strings.Join(roles, ", "))
	}
	if len(d.MapsTo) > 0 {
		fmt.Fprintln(w, "\nMaps to:")
		for _, m := range d.MapsTo {
			t, _ := cat.Requirement(m.Target)
			title := ""
			if t != nil {
				title = t.Title
			}
			fmt.Fprintf(w, "  %-32s %-10s %s\n", m.Target.String(), m.Relationship, title)
			if !m.Direct {
				path := []string{ref.String()}
				for _, s := range m.Paths[0] {
					path = append(path, s.To.String())
				}
				fmt.Fprintf(w, "  %32s via %s\n", "", strings.Join(path, " -> "))
			}
		}
	}
	return nil
}

func printBlock(w io.Writer, label, text string) {
	if strings.TrimSpace(text) != "" {
		fmt.Fprintf(w, "\n%s:\n  %s\n", label, strings.ReplaceAll(text, "\n", "\n  "))
	}
}

func (p *Program) soaCommand() *cobra.Command {
	c := &cobra.Command{Use: "soa", Short: "The Statement of Applicability (ISO/IEC 42001 6.1.3)"}
	var format, out string
	var version int
	export := &cobra.Command{
		Use: "export", Short: "Export a version of the Statement of Applicability", Args: cobra.NoArgs,
		Long: "Export as xlsx (what auditors open first), csv, json, pdf, or oscal (an OSCAL profile).\n" +
			"--version picks a version; the default is the newest.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(service.SoAExportFormats, format) {
				return usageError{fmt.Errorf("--format must be one of %s", strings.Join(service.SoAExportFormats, ", "))}
			}
			if version < 0 {
				return usageError{fmt.Errorf("--version must be a version number")}
			}
			return p.asOperator(cmd, func(ctx context.Context, e *env, _ *aims.Organization) error {
				var buf bytes.Buffer
				v, err := e.svc.ExportSoA(ctx, &buf, version, format)
				if err != nil {
					return err
				}
				if out == "" && (format == "xlsx" || format == "pdf") && isTerminal(p.Stdout) {
					_, ext := service.ExportContentType(format)
					out = fmt.Sprintf("statement-of-applicability-v%d.%s", v.Number, ext)
				}
				return p.writeOut(out, buf.Bytes())
			})
		},
	}
	export.Flags().StringVar(&format, "format", "xlsx", strings.Join(service.SoAExportFormats, ", "))
	export.Flags().IntVar(&version, "version", 0, "version number (default: the newest)")
	export.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of stdout")
	dataFlags(export)
	c.AddCommand(export)
	return c
}

// isTerminal reports whether w is a terminal, where binary output would
// only garble the screen.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
