package cli

import (
	"fmt"
	"net"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/config"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/mlflow"
	"github.com/aimsproject/aims/internal/mqtt"
	"github.com/aimsproject/aims/internal/server"
)

func (p *Program) serveCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the web UI and the JSON API",
		Long: "Run the HTTP server: the web UI, the JSON API under /api/v1, health checks and metrics.\n" +
			"Migrations run at start (locked on PostgreSQL, so replicas starting together are safe).\n" +
			"SIGINT or SIGTERM shuts it down gracefully.",
		Args: cobra.NoArgs,
		RunE: p.serve,
	}
	config.Bind(c.Flags(), true)
	return c
}

func (p *Program) serve(c *cobra.Command, _ []string) error {
	ctx, stop := signal.NotifyContext(c.Context(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	e, err := p.open(c, true)
	if err != nil {
		return err
	}
	defer e.Close()
	log := e.log
	if err := e.db.WarmReaders(ctx); err != nil {
		return err
	}
	log.Info("database ready", "database", e.db.String())

	// The tamper-evident log: the signing key and identity; a log found
	// missing, changed or not the one configured is refused (its writes
	// answer 503, others go on); then the logs of organizations whose
	// events predate it.
	if err := e.setupLog(false); err != nil {
		return err
	}
	if _, err := e.svc.GuardLogs(ctx); err != nil {
		return fmt.Errorf("check the tamper-evident logs: %w", err)
	}
	if err := e.svc.SealEarlierEvents(ctx); err != nil {
		return fmt.Errorf("seal earlier audit events: %w", err)
	}

	// The key that seals the organizations' client secrets and the
	// accounts' TOTP secrets.
	if err := e.setupSecretKey(); err != nil {
		return err
	}

	demoMode := e.cfg.Bool("demo")
	if demoMode {
		accounts, err := demo.Ensure(ctx, e.svc)
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		// The passwords go to the terminal as a block to read, never
		// into the JSON log.
		if len(accounts) > 0 {
			log.Warn("demo mode: the demo accounts and passwords are printed on standard error; never expose a demo instance",
				"accounts", len(accounts))
			if err := demo.PrintAccounts(c.ErrOrStderr(), accounts); err != nil {
				return err
			}
		}
	}

	// Decision events from an MQTT broker, and suspensions out to it.
	if u := e.cfg.Get("mqtt-url"); u != "" {
		bridge, err := mqtt.Start(ctx, u, e.svc, log, mqtt.Options{})
		if err != nil {
			return err
		}
		defer bridge.Wait()
	}

	// The MLflow registry sync, on a schedule, into the organization --org names.
	if u := e.cfg.Get("mlflow-url"); u != "" {
		mapping, err := readMapping(nil, e.cfg.Get("mlflow-mapping"))
		if err != nil {
			return usageError{fmt.Errorf("--mlflow-url needs --mlflow-mapping: %w", err)}
		}
		opCtx, _, err := e.operator(ctx)
		if err != nil {
			return err
		}
		client := &mlflow.Client{BaseURL: u, Token: e.cfg.Get("mlflow-token")}
		go e.svc.RunMLflowSync(opCtx, client, u, mapping, e.cfg.Duration("mlflow-interval"))
	}

	ln, err := net.Listen("tcp", e.cfg.Get("listen"))
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set another address with --listen or AIMS_LISTEN)", e.cfg.Get("listen"), err)
	}
	tls := e.cfg.Get("tls-cert") != ""
	base := server.BaseURLFor(e.cfg.Get("base-url"), ln.Addr(), tls)
	srv := server.New(server.Config{
		BaseURL: base, SessionLifetime: e.cfg.Duration("session-lifetime"), Version: p.Version, Demo: demoMode,
		TLSCert: e.cfg.Get("tls-cert"), TLSKey: e.cfg.Get("tls-key"),
	}, e.svc, log)

	hasUsers, err := e.svc.HasUsers(ctx)
	if err != nil {
		return err
	}
	if !hasUsers {
		token := srv.Setup().Activate()
		log.Warn("no users yet: open the one-time setup link to create the first admin, or run 'aims user create --org SLUG --email E --name N --role admin' (password on stdin)",
			"setup_url", base+"/setup?token="+token)
	}
	log.Info("aims is ready", "url", base, "version", p.Version)
	if p.Ready != nil {
		p.Ready(base)
	}
	err = srv.Serve(ctx, ln)
	log.Info("aims stopped")
	return err
}

// setupSecretKey gives the service the instance's secret key: the
// configured one, or the data directory's (made at the first start).
func (e *env) setupSecretKey() error {
	if k := e.cfg.Get("secret-key"); k != "" {
		key, err := authn.ParseSecretKey(k)
		if err != nil {
			return err
		}
		return e.svc.SetSecretKey(key)
	}
	key, created, err := authn.LoadOrCreateSecretKey(e.cfg.Get("data-dir"))
	if err != nil {
		return fmt.Errorf("the secret key (set AIMS_SECRET_KEY, or let aims keep %s in the data directory): %w", authn.SecretKeyFile, err)
	}
	if created {
		e.log.Info("created the secret key that encrypts client and TOTP secrets: back it up with the database", "file", filepath.Join(e.cfg.Get("data-dir"), authn.SecretKeyFile))
	}
	return e.svc.SetSecretKey(key)
}
