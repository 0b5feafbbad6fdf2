package cli

import "github.com/spf13/cobra"

// Placeholders until the import and export commands land.

func (p *Program) importCommand() *cobra.Command { return &cobra.Command{Use: "import", Hidden: true} }
func (p *Program) exportCommand() *cobra.Command { return &cobra.Command{Use: "export", Hidden: true} }
