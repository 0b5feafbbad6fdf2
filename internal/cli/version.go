package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/config"
)

func (p *Program) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(c *cobra.Command, _ []string) {
			v := p.Version
			if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
				v = bi.Main.Version
			}
			fmt.Fprintf(p.Stdout, "aims %s (%s, %s/%s)\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		},
	}
}

func (p *Program) configCommand() *cobra.Command {
	c := &cobra.Command{Use: "config", Short: "Show configuration"}
	dump := &cobra.Command{
		Use:   "dump",
		Short: "Print the effective settings (flags, AIMS_* environment, defaults) with secrets redacted",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			cfg, err := config.Resolve(c.Flags())
			if err != nil {
				return usageError{err}
			}
			for _, line := range cfg.Dump() {
				fmt.Fprintln(p.Stdout, line)
			}
			return nil
		},
	}
	config.Bind(dump.Flags(), true)
	c.AddCommand(dump)
	return c
}
