package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

func (p *Program) cyclonedxCommand() *cobra.Command {
	c := &cobra.Command{Use: "cyclonedx", Short: "Read and write model versions as CycloneDX ML-BOMs"}
	var system string
	imp := &cobra.Command{
		Use:   "import FILE.cdx.json",
		Short: "Register or update a model version of a system from a CycloneDX 1.6 ML-BOM (- reads standard input)",
		Long: "Validate the document against the official CycloneDX 1.6 JSON schema and read its first\n" +
			"machine-learning-model component: its version names the model version, its SHA-256 hash is the\n" +
			"digest, and the model card's datasets must name datasets of the organization. A new version is\n" +
			"registered as a candidate; a version of the same name is updated and keeps its status. A document\n" +
			"that does not validate is refused with every problem's JSON pointer (exit status 2).",
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			in, done, err := p.input(args[0])
			if err != nil {
				return err
			}
			defer done()
			doc, err := io.ReadAll(io.LimitReader(in, 8<<20))
			if err != nil {
				return err
			}
			return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
				sys, err := findSystem(ctx, e.svc, system)
				if err != nil {
					return err
				}
				mv, created, err := e.svc.ImportModelVersionCycloneDX(ctx, sys.ID, doc)
				if err != nil {
					return err
				}
				what := "updated"
				if created {
					what = "registered as a candidate"
				}
				fmt.Fprintf(p.Stdout, "model version %s of %s %s\n", mv.Version, sys.Name, what)
				return nil
			})
		},
	}
	var version string
	exp := &cobra.Command{
		Use:   "export",
		Short: "Write a model version of a system as a CycloneDX 1.6 ML-BOM to standard output",
		Args:  exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
				sys, err := findSystem(ctx, e.svc, system)
				if err != nil {
					return err
				}
				list, _, err := e.svc.FindModelVersions(ctx, sys.ID, aims.ModelVersionFilter{Page: aims.Page{Limit: aims.MaxLimit}})
				if err != nil {
					return err
				}
				for _, mv := range list {
					if mv.Version == version {
						_, err := e.svc.ExportModelVersionCycloneDX(ctx, p.Stdout, sys.ID, mv.ID)
						return err
					}
				}
				return usageError{fmt.Errorf("%s has no model version %q", sys.Name, version)}
			})
		},
	}
	for _, sub := range []*cobra.Command{imp, exp} {
		sub.Flags().StringVar(&system, "system", "", "the AI system, by name (any case) or id")
		_ = sub.MarkFlagRequired("system")
		dataFlags(sub)
	}
	exp.Flags().StringVar(&version, "version", "", "the model version's name")
	_ = exp.MarkFlagRequired("version")
	c.AddCommand(imp, exp)
	return c
}

// findSystem finds an AI system of the organization by id or by name.
func findSystem(ctx context.Context, svc *service.Service, ref string) (*aims.AISystem, error) {
	if sys, err := svc.FindSystemByID(ctx, ref); err == nil {
		return sys, nil
	}
	list, _, err := svc.FindSystems(ctx, aims.SystemFilter{Search: ref, Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return nil, err
	}
	for _, s := range list {
		if strings.EqualFold(s.Name, ref) {
			return s, nil
		}
	}
	return nil, usageError{fmt.Errorf("no AI system is named %q", ref)}
}
