package cli

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

func (p *Program) benchLineageCommand() *cobra.Command {
	spec := store.LineageBenchSpec{}
	var runs int
	c := &cobra.Command{
		Use:   "lineage",
		Short: "Measure the data lineage queries and the operator view's reads on 1,000,000 decisions and 10,000 tags",
		Long: "Build (once; cached under the temp directory) a SQLite database of --decisions decisions of --systems\n" +
			"AI systems over a year, --tags tags of instruments with calibration histories (some with gaps), features,\n" +
			"datasets and model versions, then run each lineage query, and each read of a system's decisions the\n" +
			"operator view makes, --runs times and report the median and p99 latency, and the size of its answer.\n" +
			"The target is each query under 50 ms.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			ctx := c.Context()
			out := p.Stdout
			logf := func(format string, args ...any) { fmt.Fprintf(p.Stderr, format+"\n", args...) }
			if _, err := os.Stat(store.LineageBenchPath(spec)); err != nil {
				logf("building %s (a minute or so for a million decisions)", store.LineageBenchPath(spec))
			}
			svc, err := service.OpenLineageBench(ctx, spec, logf)
			if err != nil {
				return err
			}
			defer svc.DB().Close()
			queries, err := service.LineageBenchQueries(ctx, svc)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "aims bench lineage: %d decisions, %d tags, %d systems, SQLite; %d runs of each query; %s/%s, %d CPUs\n",
				spec.Decisions, spec.Tags, spec.Systems, runs, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
			fmt.Fprintf(out, "%-56s %10s %10s %10s\n", "query", "median ms", "p99 ms", "answer")
			for _, q := range queries {
				if _, err := q.Run(); err != nil { // warm up
					return fmt.Errorf("%s: %w", q.Name, err)
				}
				ds := make([]float64, 0, runs)
				n := 0
				for range runs {
					start := time.Now()
					if n, err = q.Run(); err != nil {
						return fmt.Errorf("%s: %w", q.Name, err)
					}
					ds = append(ds, float64(time.Since(start).Microseconds())/1000)
				}
				fmt.Fprintf(out, "%-56s %10.1f %10.1f %10d\n", q.Name, median(ds), percentile(ds, 99), n)
			}
			return nil
		},
	}
	c.Flags().IntVar(&spec.Decisions, "decisions", 1_000_000, "decisions in the database")
	c.Flags().IntVar(&spec.Tags, "tags", 10_000, "tags in the database (four per instrument)")
	c.Flags().IntVar(&spec.Systems, "systems", 20, "AI systems (three model versions each)")
	c.Flags().IntVar(&runs, "runs", 30, "runs of each query")
	return c
}
