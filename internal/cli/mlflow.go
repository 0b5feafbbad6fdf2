package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/mlflow"
)

func (p *Program) mlflowCommand() *cobra.Command {
	c := &cobra.Command{Use: "mlflow", Short: "Read model versions from an MLflow model registry"}
	var url, token, mappingFile string
	var maps []string
	sync := &cobra.Command{
		Use:   "sync",
		Short: "Register the missing model versions of mapped MLflow models as candidates",
		Long: "Read the registered models and their versions from MLflow's REST API 2.0 at --url, and register\n" +
			"each version of a model that the mapping names as a candidate model version of its AI system,\n" +
			"named MODEL/VERSION, with its source, run id, tags and the run's metrics. The model version's\n" +
			"SHA-256 comes from its tag aims.digest (or sha256, digest); a version without one is skipped and\n" +
			"reported. A version whose name aims already has with another digest or source is reported and left\n" +
			"alone. If MLflow fails or times out, nothing changes and the command exits with status 1; run it\n" +
			"again later. Each run is recorded.\n\n" +
			"The mapping: --map MODEL=SYSTEM (repeatable) or --mapping FILE with one MODEL = SYSTEM a line\n" +
			"(# starts a comment); SYSTEM is the AI system's name or id.",
		Args: exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			if url == "" {
				return usageError{fmt.Errorf("name the MLflow server: --url URL or $AIMS_MLFLOW_URL")}
			}
			mapping, err := readMapping(maps, mappingFile)
			if err != nil {
				return usageError{err}
			}
			return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
				run, err := e.svc.SyncMLflow(ctx, &mlflow.Client{BaseURL: url, Token: token}, url, mapping)
				if run != nil {
					fmt.Fprintf(p.Stdout, "MLflow sync from %s into %s: %d created, %d unchanged, %d collisions, %d skipped\n",
						url, org.Slug, run.Created, run.Unchanged, run.Collisions, run.Skipped)
					for _, pr := range run.Problems {
						fmt.Fprintf(p.Stdout, "  %s\n", pr)
					}
				}
				return err
			})
		},
	}
	sync.Flags().StringVar(&url, "url", os.Getenv("AIMS_MLFLOW_URL"), "the MLflow tracking server (default $AIMS_MLFLOW_URL)")
	sync.Flags().StringVar(&token, "token", os.Getenv("AIMS_MLFLOW_TOKEN"), "a bearer token for MLflow (default $AIMS_MLFLOW_TOKEN)")
	sync.Flags().StringArrayVar(&maps, "map", nil, "MODEL=SYSTEM: map a registered model to an AI system (repeatable)")
	sync.Flags().StringVar(&mappingFile, "mapping", os.Getenv("AIMS_MLFLOW_MAPPING"), "a file of MODEL = SYSTEM lines (default $AIMS_MLFLOW_MAPPING)")
	dataFlags(sync)
	c.AddCommand(sync)
	return c
}

// readMapping reads the registered model -> AI system mapping from flags
// and a file.
func readMapping(maps []string, file string) (map[string]string, error) {
	out := map[string]string{}
	add := func(line, where string) error {
		model, system, ok := strings.Cut(line, "=")
		model, system = strings.TrimSpace(model), strings.TrimSpace(system)
		if !ok || model == "" || system == "" {
			return fmt.Errorf("%s: %q is not MODEL = SYSTEM", where, line)
		}
		out[model] = system
		return nil
	}
	for _, m := range maps {
		if err := add(m, "--map"); err != nil {
			return nil, err
		}
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if err := add(line, fmt.Sprintf("%s line %d", file, n)); err != nil {
				return nil, err
			}
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("map at least one registered model to an AI system: --map MODEL=SYSTEM or --mapping FILE")
	}
	return out, nil
}
