// Package cli is the aims command: serve, migrate, user, token, import,
// config and version. Commands stay thin: they resolve configuration, open
// the database and call the services.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/blob"
	"github.com/aimsproject/aims/internal/config"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// Program is the aims command with its inputs and outputs, so that tests can
// run it in-process.
type Program struct {
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Version string
	// Ready, when set, is called with the server's base URL once it
	// listens (tests start it on port 0).
	Ready func(baseURL string)
}

// Run runs the command line args and returns the error to report.
func (p *Program) Run(ctx context.Context, args []string) error {
	root := p.rootCommand()
	root.SetArgs(args)
	root.SetIn(p.Stdin)
	root.SetOut(p.Stdout)
	root.SetErr(p.Stderr)
	// cobra checks the command, its arguments and its flags before it runs
	// the command: an error before that is a mistake in the command line.
	started := false
	markStart(root, &started)
	err := root.ExecuteContext(ctx)
	if err != nil && !started {
		return usageError{err}
	}
	return err
}

// markStart makes every command of the tree set *started when it runs.
func markStart(c *cobra.Command, started *bool) {
	if run := c.RunE; run != nil {
		c.RunE = func(c *cobra.Command, args []string) error { *started = true; return run(c, args) }
	}
	if run := c.Run; run != nil {
		c.Run = func(c *cobra.Command, args []string) { *started = true; run(c, args) }
	}
	for _, sub := range c.Commands() {
		markStart(sub, started)
	}
}

// Main runs the program on the process's standard streams and returns the
// exit status: 0 on success, 2 for bad usage or input, 1 otherwise.
func Main(ctx context.Context, version string, args []string) int {
	p := &Program{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Version: version}
	return p.Exit(ctx, args)
}

// Exit runs the command line args like Run, reports an error on p.Stderr,
// and returns the exit status.
func (p *Program) Exit(ctx context.Context, args []string) int {
	err := p.Run(ctx, args)
	if err == nil {
		return 0
	}
	fmt.Fprintln(p.Stderr, "aims:", describe(err))
	return exitCode(err)
}

// exitCode is the exit status for an error: 2 for bad usage or bad input
// (a file with bad rows, one too large), 1 for anything else.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue), aims.IsKind(err, aims.KindInvalid), aims.IsKind(err, aims.KindBadRequest), aims.IsKind(err, aims.KindTooLarge):
		return 2
	}
	return 1
}

// usageError marks a mistake in how the command was called.
type usageError struct{ error }

// describe prints a domain error with its field problems, one per line.
func describe(err error) string {
	var ae *aims.Error
	if !errors.As(err, &ae) || len(ae.Fields) == 0 {
		return err.Error()
	}
	s := ae.Message
	for _, f := range ae.Fields {
		s += fmt.Sprintf("\n  %s: %s", fieldLabel(f.Field), f.Detail)
	}
	return s
}

// fieldLabel names a field for people: an import's "rows/14/owner_email"
// is "line 14, owner_email".
func fieldLabel(field string) string {
	rest, ok := strings.CutPrefix(field, "rows/")
	if !ok {
		return field
	}
	line, col, _ := strings.Cut(rest, "/")
	if col == "" {
		return "line " + line
	}
	return "line " + line + ", " + col
}

func (p *Program) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "aims",
		Short: "aims, an AI management system for ISO/IEC 42001:2023",
		Long: "aims keeps the inventory of AI systems and the records an organization needs to meet\n" +
			"ISO/IEC 42001:2023, with EU AI Act and NIST AI RMF views on the same records.\n\n" +
			"Start it with demo data:  aims serve --demo\n" +
			"Settings come from flags or AIMS_* environment variables (see 'aims config dump').",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(p.serveCommand(), p.migrateCommand(), p.userCommand(), p.tokenCommand(),
		p.importCommand(), p.exportCommand(), p.configCommand(), p.versionCommand(), p.logCommand(), p.benchCommand())
	root.AddCommand(p.catalogCommand(), p.soaCommand())
	root.AddCommand(p.decisionsCommand(), p.lineageCommand())
	root.AddCommand(p.witnessCommand())
	root.AddCommand(p.cyclonedxCommand(), p.mlflowCommand())
	root.AddCommand(p.evidenceCommand())
	return root
}

// env is what a data command works with.
type env struct {
	cfg config.Values
	log *slog.Logger
	db  *store.DB
	svc *service.Service
}

// dataFlags adds the flags every data command takes.
func dataFlags(c *cobra.Command) {
	config.Bind(c.Flags(), false)
}

// open resolves configuration, sets up logging, opens the database and
// brings its schema up to date.
func (p *Program) open(c *cobra.Command, migrate bool) (*env, error) {
	cfg, err := config.Resolve(c.Flags())
	if err != nil {
		return nil, usageError{err}
	}
	log := newLogger(p.Stderr, cfg)
	slog.SetDefault(log)
	db, err := store.Open(c.Context(), store.Options{DatabaseURL: cfg.Get("database-url"), DataDir: cfg.Get("data-dir")})
	if err != nil {
		return nil, err
	}
	if migrate {
		if _, err := db.Migrate(c.Context()); err != nil {
			db.Close()
			return nil, err
		}
	}
	svc := service.New(db, log)
	svc.SetDecisionMaxSkew(cfg.Duration("decision-max-skew"))
	if migrate {
		// Members that joined before people existed get their person.
		if n, err := svc.BackfillPeople(c.Context()); err != nil {
			db.Close()
			return nil, err
		} else if n > 0 {
			log.Info("gave members their person", "count", n)
		}
	}
	blobURL := cfg.Get("blob-url")
	if blobURL == "" {
		blobURL = "file://" + filepath.Join(absDir(cfg.Get("data-dir")), "blobs")
	}
	blobs, err := blob.Open(c.Context(), blobURL, blob.Options{MaxBytes: cfg.Int64("evidence-max-bytes")})
	if err != nil {
		db.Close()
		return nil, err
	}
	svc.SetBlobStore(blobs)
	return &env{cfg: cfg, log: log, db: db, svc: svc}, nil
}

func (e *env) Close() { e.db.Close() }

func absDir(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

func newLogger(w io.Writer, cfg config.Values) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel()}
	if cfg.Get("log-format") == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// operatorLabel names who runs the command, for the audit trail.
func operatorLabel() string {
	name := "operator"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	host, _ := os.Hostname()
	return "cli:" + name + "@" + host
}

// operator resolves --org and returns a context acting as the host's
// operator in that organization.
func (e *env) operator(ctx context.Context) (context.Context, *aims.Organization, error) {
	org, err := e.svc.ResolveOrganization(ctx, e.cfg.Get("org"))
	if k := aims.KindOf(err); k == aims.KindNotFound || k == aims.KindInvalid {
		return nil, nil, usageError{err}
	}
	if err != nil {
		return nil, nil, err
	}
	return service.OperatorContext(ctx, org, operatorLabel()), org, nil
}

// asOperator opens the data (migrating it) and runs fn as the host's
// operator in the organization --org names.
func (p *Program) asOperator(c *cobra.Command, fn func(ctx context.Context, e *env, org *aims.Organization) error) error {
	e, err := p.open(c, true)
	if err != nil {
		return err
	}
	defer e.Close()
	ctx, org, err := e.operator(c.Context())
	if err != nil {
		return err
	}
	return fn(ctx, e, org)
}

// memberByEmail finds a member of the operator's organization by email.
func (e *env) memberByEmail(ctx context.Context, email string) (*aims.Member, error) {
	email = aims.NormalizeEmail(email)
	members, _, err := e.svc.FindMembers(ctx, aims.MemberFilter{Search: email, Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		if m.Email == email {
			return m, nil
		}
	}
	p := authz.PrincipalFrom(ctx)
	return nil, usageError{fmt.Errorf("%s is not a member of organization %s (add it with 'aims user create')", email, p.OrgSlug)}
}
