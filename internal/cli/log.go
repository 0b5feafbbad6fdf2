package cli

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

func (p *Program) logCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "log",
		Short: "The tamper-evident log: keys, export, offline verification, checks",
		Long: "Every audit event of an organization is sealed in its own RFC 6962 Merkle log, with\n" +
			"checkpoints signed every second (c2sp.org/tlog-checkpoint). These commands print the\n" +
			"verifier key, export the log as a c2sp.org/tlog-tiles bundle, verify a bundle or one\n" +
			"record's proof offline (no network, no database), and check stored records against the log.",
	}
	c.AddCommand(p.logKeyCommand(), p.logKeygenCommand(), p.logExportCommand(), p.logVerifyCommand(),
		p.logVerifyProofCommand(), p.logCheckCommand(), p.logRebuildCommand(), p.logPublishCommand())
	return c
}

// logKey returns the deployment's log key: --log-key / AIMS_LOG_KEY, or
// the key file in the data directory, created on first use.
func (e *env) logKey(baseURL string) (*ledger.MasterKey, error) {
	if s := e.cfg.Get("log-key"); s != "" {
		return ledger.ParseMasterKey(s)
	}
	if e.db.Dialect() == store.Postgres {
		e.log.Warn("AIMS_LOG_KEY is not set: using the log key of this replica's data directory; on PostgreSQL give every replica the same AIMS_LOG_KEY (make one with 'aims log keygen'), or only the replica holding the key an organization's log is pinned to will sign it")
	}
	name, _ := os.Hostname()
	if u, err := url.Parse(baseURL); err == nil && baseURL != "" && u.Hostname() != "" && u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" {
		name = u.Host + strings.TrimSuffix(u.Path, "/")
	}
	k, created, err := ledger.LoadOrCreateKeyFile(e.cfg.Get("data-dir"), name)
	if err != nil {
		return nil, err
	}
	if created {
		e.log.Info("created the signing key of the tamper-evident log", "file", e.cfg.Get("data-dir")+"/"+ledger.KeyFile, "name", k.Name())
	}
	return k, nil
}

func (p *Program) logKeyCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "key",
		Short: "Print the verifier key of an organization's log, or of every log",
		Long: "Print the key that verifies the organization's checkpoints and proofs, in the signed-note\n" +
			"form name+hash+base64. Give it to auditors through a channel they trust; they pass it to\n" +
			"'aims log verify --key' and 'aims log verify-proof --key'. Without --org, every\n" +
			"organization's key is listed, one a line with the organization as a comment: keep that\n" +
			"outside the database as AIMS_LOG_VERIFIER_KEYS_FILE, so that a key changed in the\n" +
			"database is caught.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			e, err := p.open(c, true)
			if err != nil {
				return err
			}
			defer e.Close()
			if err := e.setupLog(false); err != nil {
				return err
			}
			if e.cfg.Get("org") == "" {
				return p.listLogKeys(c, e)
			}
			ctx, _, err := e.operator(c.Context())
			if err != nil {
				return err
			}
			vkey, err := e.svc.LogVerifierKey(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintln(p.Stdout, vkey)
			return nil
		},
	}
	dataFlags(c)
	return c
}

func (p *Program) logKeygenCommand() *cobra.Command {
	var name string
	c := &cobra.Command{
		Use:   "keygen",
		Short: "Make a new log signing key for AIMS_LOG_KEY",
		Long: "Print a new signer key for the tamper-evident log, to set as AIMS_LOG_KEY on every replica\n" +
			"(required for several replicas on PostgreSQL to sign one log). --name is the host people\n" +
			"reach aims at: each organization's log is named <name>/log/<slug>. Keep the key secret;\n" +
			"a log cannot change its key without auditors noticing.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if name == "" {
				return usageError{errors.New("give --name, the host people reach aims at (e.g. aims.example.com)")}
			}
			skey, err := ledger.GenerateMasterKey(name)
			if err != nil {
				return err
			}
			fmt.Fprintln(p.Stdout, skey)
			return nil
		},
	}
	c.Flags().StringVar(&name, "name", "", "the host people reach aims at, e.g. aims.example.com (required)")
	return c
}

func (p *Program) logExportCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "export DIR",
		Short: "Export an organization's log as an offline-verifiable bundle",
		Long: "Write the log, up to its latest signed checkpoint, into DIR (new or empty) as\n" +
			"c2sp.org/tlog-tiles lays it out: checkpoint, checkpoints/SIZE, tile/L/N, tile/entries/N\n" +
			"and the verifier key. Check it anywhere with 'aims log verify DIR --key KEY --full'.",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			e, err := p.open(c, true)
			if err != nil {
				return err
			}
			defer e.Close()
			if err := e.setupLog(false); err != nil {
				return err
			}
			ctx, org, err := e.operator(c.Context())
			if err != nil {
				return err
			}
			bar := p.progress("exporting")
			cp, err := e.svc.ExportLog(ctx, args[0], bar.update)
			bar.finish()
			if err != nil {
				return err
			}
			vkey, err := e.svc.LogVerifierKey(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(p.Stdout, "exported the log of %s: %d entries, checkpoint %s\nverify it with:\n  aims log verify %s --key '%s' --full\n",
				org.Slug, cp.Size, cp.Origin, args[0], vkey)
			return p.printCosigners(ctx, e, args[0], vkey)
		},
	}
	dataFlags(c)
	return c
}

func (p *Program) logVerifyCommand() *cobra.Command {
	var key string
	var full bool
	var witnesses []string
	var minCosigs int
	c := &cobra.Command{
		Use:   "verify DIR --key KEY",
		Short: "Verify an exported log offline",
		Long: "Check an exported log without network or database: every checkpoint's signature\n" +
			"against KEY, the consistency of each checkpoint with the next, every hash tile and every\n" +
			"entry's inclusion; with --full also recompute every checkpoint's root from the entries\n" +
			"alone. Exit status 0 only when everything verifies; otherwise the first file or entry\n" +
			"that fails is named. With --witness KEY (repeatable) the latest checkpoint must also carry\n" +
			"--min-cosignatures valid cosignatures (default: all) from those witnesses.",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			v, err := ledger.ParseVerifierKey(key)
			if err != nil {
				return usageError{err}
			}
			if minCosigs == 0 {
				minCosigs = len(witnesses)
			}
			bar := p.progress("verifying")
			rep, err := ledger.VerifyBundle(c.Context(), args[0], v, ledger.VerifyOptions{Full: full, Progress: bar.update})
			bar.finish()
			if err != nil {
				return fmt.Errorf("verification failed: %w", err)
			}
			how := "entries checked against the hash tiles"
			if full {
				how = "roots recomputed from the entries"
			}
			if len(witnesses) > 0 || minCosigs > 0 {
				names, err := requireCosignatures(args[0], v, witnesses, minCosigs)
				if err != nil {
					return fmt.Errorf("verification failed: the checkpoint of size %d: %w", rep.Size, err)
				}
				how += ", cosigned by " + strings.Join(names, ", ")
			}
			fmt.Fprintf(p.Stdout, "OK: %s, %d entries, %d checkpoints consistent, %s\n", rep.Origin, rep.Size, rep.Checkpoints, how)
			return nil
		},
	}
	c.Flags().StringVar(&key, "key", "", "the log's verifier key, name+hash+base64 (required; from 'aims log key')")
	c.Flags().BoolVar(&full, "full", false, "also recompute every checkpoint's root from the entries alone")
	c.Flags().StringArrayVar(&witnesses, "witness", nil, "a witness's verifier key whose cosignature counts (repeatable; from 'aims witness key')")
	c.Flags().IntVar(&minCosigs, "min-cosignatures", 0, "how many of the --witness keys must have cosigned the latest checkpoint (default: all of them)")
	_ = c.MarkFlagRequired("key")
	return c
}

func (p *Program) logVerifyProofCommand() *cobra.Command {
	var key, entryFile string
	c := &cobra.Command{
		Use:   "verify-proof FILE.tlog-proof --key KEY",
		Short: "Verify one record's proof offline",
		Long: "Check a c2sp.org/tlog-proof file (downloaded from an audit event's 'proof' link): the\n" +
			"checkpoint's signature against KEY and the entry's inclusion in its tree. --entry gives\n" +
			"the entry to prove; without it, the entry carried in the proof is checked and printed.",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			v, err := ledger.ParseVerifierKey(key)
			if err != nil {
				return usageError{err}
			}
			file, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			var entry []byte
			if entryFile != "" {
				if entry, err = os.ReadFile(entryFile); err != nil {
					return err
				}
			}
			cp, proven, err := ledger.VerifyRecordProof(file, v, entry)
			if err != nil {
				return fmt.Errorf("%s does not verify: %w", args[0], err)
			}
			fmt.Fprintf(p.Stdout, "OK: the entry is in %s at tree size %d:\n%s\n", cp.Origin, cp.Size, proven)
			return nil
		},
	}
	c.Flags().StringVar(&key, "key", "", "the log's verifier key, name+hash+base64 (required)")
	c.Flags().StringVar(&entryFile, "entry", "", "a file holding the entry to prove")
	_ = c.MarkFlagRequired("key")
	return c
}

func (p *Program) logCheckCommand() *cobra.Command {
	var recent uint64
	c := &cobra.Command{
		Use:   "check",
		Short: "Check stored records against the log",
		Long: "Recompute the leaf of every stored audit event and decision event and compare it with the log\n" +
			"and its latest signed checkpoint, each decision's payload with the salted digest its leaf\n" +
			"seals, and the current row of every record the audit trail seals (AI systems, risks, SoA\n" +
			"rows, datasets, ...) with the state its latest sealed audit event recorded: a record changed,\n" +
			"deleted or inserted in the database outside aims is reported, naming the record, the field\n" +
			"and both values. A payload erased on request is counted as erased, not as a mismatch. Each\n" +
			"log is read at one snapshot, so writes going on meanwhile are not reported, and nothing is\n" +
			"written (the checker in 'aims serve' raises its findings as alerts in the UI). Exit status 1\n" +
			"when anything does not match. Without --org every organization's log is checked.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			// Read only: no migration, no key file created.
			e, err := p.open(c, false)
			if err != nil {
				return err
			}
			defer e.Close()
			// A check writes nothing: without a key it makes no key file,
			// and checks what needs no key (the identity findings included).
			if e.cfg.Get("log-key") != "" || fileExists(filepath.Join(e.cfg.Get("data-dir"), ledger.KeyFile)) {
				if err := e.setupLog(true); err != nil {
					return err
				}
			} else if err := e.setLogIdentity(nil); err != nil {
				return err
			}
			opts := service.LogCheckOptions{Recent: recent}
			if e.cfg.Get("org") != "" {
				_, org, err := e.operator(c.Context())
				if err != nil {
					return err
				}
				opts.OrgID = org.ID
			}
			rep, err := e.svc.CheckLogs(c.Context(), opts)
			if err != nil {
				return err
			}
			for _, f := range rep.Findings {
				fmt.Fprintf(p.Stdout, "MISMATCH org %s: %s\n", f.OrgID, f.Detail)
			}
			if len(rep.Findings) > 0 {
				// Findings are records that differ from what the log seals,
				// and also refused logs and witnesses' refusals: count them
				// as findings, not as records.
				return fmt.Errorf("%d findings, listed above (%d logs, %d leaves, %d current records checked)",
					len(rep.Findings), rep.Logs, rep.Leaves, rep.Records)
			}
			fmt.Fprintf(p.Stdout, "OK: %d logs, %d leaves match the stored records (%d decisions, %d of them with the payload erased on request); %d current records match their sealed state\n",
				rep.Logs, rep.Leaves, rep.Decisions, rep.ErasedPayloads, rep.Records)
			return nil
		},
	}
	c.Flags().Uint64Var(&recent, "recent", 0, "check only the last N leaves of each log (0: all)")
	dataFlags(c)
	return c
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// progressBar shows progress on stderr when it is a terminal, and nothing
// otherwise (scripts and logs stay clean).
type progressBar struct {
	bar *progressbar.ProgressBar
	out io.Writer
}

func (p *Program) progress(what string) *progressBar {
	f, ok := p.Stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &progressBar{}
	}
	return &progressBar{bar: progressbar.NewOptions64(-1, progressbar.OptionSetDescription(what),
		progressbar.OptionSetWriter(f), progressbar.OptionShowCount(), progressbar.OptionThrottle(100_000_000)), out: f}
}

func (b *progressBar) update(done, total uint64) {
	if b.bar == nil {
		return
	}
	b.bar.ChangeMax64(int64(total))
	_ = b.bar.Set64(int64(done))
}

func (b *progressBar) finish() {
	if b.bar != nil {
		_ = b.bar.Finish()
		fmt.Fprintln(b.out)
	}
}
