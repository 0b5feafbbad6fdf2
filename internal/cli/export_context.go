package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// contextExports are the context and support registers 'aims export'
// writes as CSV, each whole (ISO/IEC 42001 4.1, 4.2, 6.3, 7.1, 7.4).
var contextExports = []struct {
	use, what string
	columns   []string
	write     func(ctx context.Context, svc *service.Service, w io.Writer) error
}{
	{"context-issues", "context issues", service.ContextIssueCSVColumns, func(ctx context.Context, svc *service.Service, w io.Writer) error {
		return svc.ExportContextIssuesCSV(ctx, w, aims.ContextIssueFilter{})
	}},
	{"interested-parties", "interested parties, a row per requirement", service.InterestedPartyCSVColumns, func(ctx context.Context, svc *service.Service, w io.Writer) error {
		return svc.ExportInterestedPartiesCSV(ctx, w, aims.InterestedPartyFilter{})
	}},
	{"changes", "planned changes", service.PlannedChangeCSVColumns, func(ctx context.Context, svc *service.Service, w io.Writer) error {
		return svc.ExportPlannedChangesCSV(ctx, w, aims.PlannedChangeFilter{})
	}},
	{"resources", "resources", service.ResourceCSVColumns, func(ctx context.Context, svc *service.Service, w io.Writer) error {
		return svc.ExportResourcesCSV(ctx, w, aims.ResourceFilter{})
	}},
	{"communications", "the communication plan", service.CommunicationCSVColumns, func(ctx context.Context, svc *service.Service, w io.Writer) error {
		return svc.ExportCommunicationsCSV(ctx, w, aims.CommunicationFilter{})
	}},
}

// contextExportCommands are 'aims export context-issues' and its siblings.
func (p *Program) contextExportCommands() []*cobra.Command {
	var out []*cobra.Command
	for _, x := range contextExports {
		var file string
		c := &cobra.Command{
			Use:   x.use,
			Short: "Export " + x.what + " as CSV, to standard output or a file",
			Long:  "Write " + x.what + " of the organization as CSV (UTF-8 with a byte-order mark), in the columns\n" + strings.Join(x.columns, ", ") + ".",
			Args:  cobra.NoArgs,
			RunE: func(c *cobra.Command, _ []string) error {
				return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
					if file == "" || file == "-" {
						return x.write(ctx, e.svc, p.Stdout)
					}
					if err := writeFileAtomic(file, func(w *os.File) error { return x.write(ctx, e.svc, w) }); err != nil {
						return err
					}
					fmt.Fprintf(p.Stderr, "wrote %s of %s to %s\n", x.what, org.Slug, file)
					return nil
				})
			},
		}
		c.Flags().StringVarP(&file, "output", "o", "", "write to this file instead of standard output")
		dataFlags(c)
		out = append(out, c)
	}
	return out
}
