package cli

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/service"
)

// setupLog gives the service the deployment's log key (see logKey) and the
// log identity: the origin prefix (--log-origin, else --base-url's host
// and path, else the key's name) and the verifier keys configured outside
// the database. With keyOptional a missing key is no error (the process
// then signs nothing).
func (e *env) setupLog(keyOptional bool) error {
	k, err := e.logKey(e.cfg.Get("base-url"))
	if err != nil && !keyOptional {
		return fmt.Errorf("log key: %w", err)
	}
	if k != nil {
		e.svc.SetLogKey(k)
	}
	id := service.LogIdentity{}
	switch {
	case e.cfg.Get("log-origin") != "":
		id.Prefix, id.Configured = strings.Trim(e.cfg.Get("log-origin"), "/"), true
	case originOfBaseURL(e.cfg.Get("base-url")) != "":
		id.Prefix, id.Configured = originOfBaseURL(e.cfg.Get("base-url")), true
	case k != nil && e.cfg.Get("log-key") == "":
		// The key file's name is a host name, which other deployments may
		// share: the key's id makes the origin this deployment's own.
		id.Prefix = k.Name() + "/" + k.ID()
	}
	if id.VerifierKeys, err = e.verifierKeys(); err != nil {
		return err
	}
	return e.svc.SetLogIdentity(id)
}

// originOfBaseURL is the origin prefix a base URL gives the logs: its host
// and path (tlog-tiles: the log's URL prefix without the scheme); "" for
// none or a loopback address, which names no deployment.
func originOfBaseURL(base string) string {
	u, err := url.Parse(base)
	if err != nil || base == "" || u.Hostname() == "" || u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost" || u.Hostname() == "::1" {
		return ""
	}
	return u.Host + strings.TrimSuffix(u.Path, "/")
}

// verifierKeys reads --log-verifier-keys (comma-separated) and the lines
// of --log-verifier-keys-file ("#" starts a comment).
func (e *env) verifierKeys() ([]string, error) {
	var keys []string
	for _, k := range strings.Split(e.cfg.Get("log-verifier-keys"), ",") {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	if f := e.cfg.Get("log-verifier-keys-file"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--log-verifier-keys-file / AIMS_LOG_VERIFIER_KEYS_FILE: %w", err)
		}
		for n, line := range strings.Split(string(b), "\n") {
			line, _, _ = strings.Cut(line, "#")
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			if _, err := ledger.ParseVerifierKey(line); err != nil {
				return nil, fmt.Errorf("%s line %d: %w", f, n+1, err)
			}
			keys = append(keys, line)
		}
	}
	return keys, nil
}

// listLogKeys prints every organization's verifier key, one a line with
// the organization as a comment: the form --log-verifier-keys-file reads.
func (p *Program) listLogKeys(c *cobra.Command, e *env) error {
	keys, err := e.svc.LogVerifierKeys(c.Context())
	if err != nil {
		return err
	}
	for _, k := range keys {
		note := ""
		if !k.Pinned {
			note = ", no checkpoint yet: the key its first one will pin"
		}
		fmt.Fprintf(p.Stdout, "%s # %s%s\n", k.VerifierKey, k.Slug, note)
	}
	return nil
}

func (p *Program) logRebuildCommand() *cobra.Command {
	var reason string
	c := &cobra.Command{
		Use:   "rebuild --org SLUG --reason TEXT",
		Short: "Start a new log for an organization whose log is broken",
		Long: "Start a new tamper-evident log for the organization, whose log was found missing, changed or\n" +
			"not the one configured ('aims serve' refuses such a log, and 'aims log check' reports it). The\n" +
			"new log has its own origin (PREFIX/log/SLUG/rebuilt-N) and key; its first entry\n" +
			"(aims.log_rebuilt) records the reason, who, when and what was left of the old log, its last\n" +
			"signed checkpoint included; then the audit trail and the decisions are sealed in it again. The\n" +
			"rebuild is an audit event. Records changed before the rebuild are sealed as they are now: find\n" +
			"the cause first. Give auditors the new key and add it to AIMS_LOG_VERIFIER_KEYS; a running\n" +
			"'aims serve' takes writes again within a minute.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			e, err := p.open(c, true)
			if err != nil {
				return err
			}
			defer e.Close()
			if e.cfg.Get("org") == "" {
				return usageError{fmt.Errorf("give --org, the organization whose log to rebuild")}
			}
			if err := e.setupLog(false); err != nil {
				return err
			}
			ctx, org, err := e.operator(c.Context())
			if err != nil {
				return err
			}
			r, vkey, err := e.svc.RebuildLog(ctx, reason)
			if err != nil {
				return err
			}
			prev := "nothing was left of the old log"
			if r.PreviousOrigin != "" || r.PreviousSize > 0 {
				prev = fmt.Sprintf("the old log %s had %d entries", r.PreviousOrigin, r.PreviousSize)
			}
			fmt.Fprintf(p.Stdout, "rebuilt the log of %s: %s (generation %d); %s\nits verifier key (give it to auditors and add it to AIMS_LOG_VERIFIER_KEYS):\n%s\n",
				org.Slug, r.Origin, r.Generation, prev, vkey)
			return nil
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why the log is rebuilt (required; sealed in the new log's first entry)")
	_ = c.MarkFlagRequired("reason")
	dataFlags(c)
	return c
}
