package demo

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// PrintAccounts writes the demo accounts and their passwords to w (the
// terminal's standard error) as a plain text block for a person to read:
// once per start, and never in the JSON log, where passwords would be
// shipped and kept with the rest of the log lines.
func PrintAccounts(w io.Writer, accounts []Account) error {
	if len(accounts) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Demo accounts (demo mode only; never expose a demo instance):")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "  Role\tEmail\tPassword")
	for _, a := range accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.Role, a.Email, a.Password)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w)
	return err
}
