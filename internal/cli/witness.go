package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/note"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/ledger"
	"github.com/aimsproject/aims/internal/witness"
)

// witnessKeyFile is the witness's signer key in its data directory.
const witnessKeyFile = "witness.key"

func (p *Program) witnessCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "witness",
		Short: "Witnesses of the tamper-evident log: run one, or configure an organization's",
		Long: "A witness cosigns each checkpoint of a log that is consistent with the last one it cosigned\n" +
			"(c2sp.org/tlog-witness, c2sp.org/tlog-cosignature), so that a log rebuilt or forked after a\n" +
			"checkpoint was witnessed is caught. 'aims witness serve' runs one (a plant's second site, the\n" +
			"group's IT, the auditor); 'add', 'list', 'remove' and 'submit' configure and drive the\n" +
			"witnesses of an organization's log.",
	}
	c.AddCommand(p.witnessServeCommand(), p.witnessKeyCommand(), p.witnessForgetCommand(), p.witnessAddCommand(),
		p.witnessListCommand(), p.witnessRemoveCommand(), p.witnessSubmitCommand())
	return c
}

// loadWitnessKey reads the witness key from dir, creating it (named name,
// readable by the owner only) on first use.
func loadWitnessKey(dir, name, keyFile string) (skey string, created bool, err error) {
	if keyFile != "" {
		b, err := os.ReadFile(keyFile)
		if err != nil {
			return "", false, usageError{fmt.Errorf("--key-file: %w", err)}
		}
		return strings.TrimSpace(string(b)), false, nil
	}
	path := filepath.Join(dir, witnessKeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", false, err
	}
	if name == "" {
		if name, err = os.Hostname(); err != nil || name == "" {
			name = "aims-witness"
		}
		name = ledger.KeyName(name) + "-witness"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", false, err
	}
	skey, _, err = witness.GenerateKey(ledger.KeyName(name))
	if err != nil {
		return "", false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", false, err
	}
	_, err = f.WriteString(skey + "\n")
	if err = errors.Join(err, f.Sync(), f.Close()); err != nil {
		return "", false, err
	}
	return skey, true, nil
}

// readLogKeys reads the verifier keys of the logs a witness witnesses:
// each flag value, and each non-empty, non-comment line of the file.
func readLogKeys(keys []string, file string) (map[string]note.Verifier, error) {
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				keys = append(keys, l)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	logs := map[string]note.Verifier{}
	for _, k := range keys {
		v, err := ledger.ParseVerifierKey(k)
		if err != nil {
			return nil, fmt.Errorf("log key %q: %w", k, err)
		}
		logs[v.Name()] = v // an aims log's key is named by its origin
	}
	return logs, nil
}

func (p *Program) witnessServeCommand() *cobra.Command {
	var dir, listen, name, logsFile, level, keyFile string
	var logKeys []string
	c := &cobra.Command{
		Use:   "serve --data-dir DIR --log LOG-VERIFIER-KEY ...",
		Short: "Run a witness (c2sp.org/tlog-witness) of one or more aims logs",
		Long: "Answer POST /add-checkpoint for the logs named by --log (a log's verifier key, from 'aims log\n" +
			"key'; its name is the log's origin) or listed in --logs-file (one key a line). The witness\n" +
			"checks the log's signature and the consistency proof from the last checkpoint it cosigned,\n" +
			"records the new one in DIR/" + witness.StateFile + " before answering, and refuses a checkpoint\n" +
			"inconsistent with one it cosigned. Its key is DIR/" + witnessKeyFile + ", created on first start\n" +
			"(named --name); 'aims witness key' prints the verifier key to configure in aims.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			log := slog.New(slog.NewTextHandler(p.Stderr, &slog.HandlerOptions{Level: parseLevel(level)}))
			logs, err := readLogKeys(logKeys, logsFile)
			if err != nil {
				return usageError{err}
			}
			if len(logs) == 0 {
				return usageError{errors.New("name the logs to witness with --log KEY or --logs-file FILE")}
			}
			skey, created, err := loadWitnessKey(dir, name, keyFile)
			if err != nil {
				return err
			}
			signer, err := witness.NewSigner(skey)
			if err != nil {
				return err
			}
			vkey, err := witness.VerifierKey(skey)
			if err != nil {
				return err
			}
			if created {
				log.Info("created the witness key", "file", filepath.Join(dir, witnessKeyFile), "name", signer.Name())
			}
			srv := &witness.Server{Signer: signer, Logs: logs, Store: &witness.FileStore{Path: filepath.Join(dir, witness.StateFile)}}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			hs := &http.Server{Handler: logRequests(log, srv), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
			ctx, stop := signal.NotifyContext(c.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			base := "http://" + ln.Addr().String()
			fmt.Fprintf(p.Stdout, "witness %s listening on %s for %d logs\nverifier key: %s\n", signer.Name(), base, len(logs), vkey)
			if p.Ready != nil {
				p.Ready(base)
			}
			errc := make(chan error, 1)
			go func() { errc <- hs.Serve(ln) }()
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return hs.Shutdown(sctx)
		},
	}
	c.Flags().StringVar(&dir, "data-dir", "./aims-witness", "the witness's directory: its key and the latest checkpoint of each log")
	c.Flags().StringVar(&listen, "listen", "127.0.0.1:7380", "address to listen on (put TLS in front of it when it is reached over a network)")
	c.Flags().StringVar(&name, "name", "", "the name of a new witness key, e.g. witness.plant2.example.com (default: HOST-witness)")
	c.Flags().StringArrayVar(&logKeys, "log", nil, "the verifier key of a log to witness (repeatable)")
	c.Flags().StringVar(&logsFile, "logs-file", "", "a file of log verifier keys, one a line")
	c.Flags().StringVar(&level, "log-level", "info", "debug, info, warn or error")
	c.Flags().StringVar(&keyFile, "key-file", "", "a file holding the witness's signer key (PRIVATE+KEY+name+hash+base64), instead of DIR/"+witnessKeyFile)
	return c
}

func parseLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// statusWriter remembers the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

func logRequests(log *slog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		lvl := slog.LevelInfo
		if sw.status >= 400 && sw.status != http.StatusConflict {
			lvl = slog.LevelWarn
		}
		log.Log(r.Context(), lvl, "request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "remote", r.RemoteAddr)
	})
}

func (p *Program) witnessKeyCommand() *cobra.Command {
	var dir, name, keyFile string
	c := &cobra.Command{
		Use:   "key --data-dir DIR",
		Short: "Print the witness's verifier key (creating its key on first use)",
		Long: "Print the verifier key of the witness in DIR (cosignature/v1, name+hash+base64): configure it\n" +
			"in aims with 'aims witness add --url URL --key KEY', and give it to whoever verifies exports\n" +
			"('aims log verify --witness KEY').",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			skey, _, err := loadWitnessKey(dir, name, keyFile)
			if err != nil {
				return err
			}
			vkey, err := witness.VerifierKey(skey)
			if err != nil {
				return err
			}
			fmt.Fprintln(p.Stdout, vkey)
			return nil
		},
	}
	c.Flags().StringVar(&dir, "data-dir", "./aims-witness", "the witness's directory")
	c.Flags().StringVar(&name, "name", "", "the name of a new witness key (default: HOST-witness)")
	c.Flags().StringVar(&keyFile, "key-file", "", "a file holding the witness's signer key, instead of DIR/"+witnessKeyFile)
	c.Flags().String("log-level", "info", "debug, info, warn or error")
	_ = c.Flags().MarkHidden("log-level")
	return c
}

func (p *Program) witnessForgetCommand() *cobra.Command {
	var dir string
	c := &cobra.Command{
		Use:   "forget ORIGIN --data-dir DIR",
		Short: "Forget the checkpoint a witness holds of a log, after the log was rebuilt on purpose",
		Long: "A witness refuses every checkpoint of a log inconsistent with the one it cosigned: a log\n" +
			"rebuilt with 'aims log rebuild' is refused too, until the witness's operator, told why,\n" +
			"forgets the old checkpoint. Stop 'aims witness serve' first. The checkpoint forgotten is\n" +
			"printed: keep it as the record of the break.",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			st, err := (&witness.FileStore{Path: filepath.Join(dir, witness.StateFile)}).Forget(args[0])
			if err != nil {
				return err
			}
			if st == nil {
				return usageError{fmt.Errorf("the witness in %s holds no checkpoint of %q", dir, args[0])}
			}
			fmt.Fprintf(p.Stdout, "forgot the checkpoint of size %d cosigned at %s:\n%s", st.Size, st.CosignedAt.Format(time.RFC3339), st.Checkpoint)
			return nil
		},
	}
	c.Flags().StringVar(&dir, "data-dir", "./aims-witness", "the witness's directory")
	c.Flags().String("log-level", "info", "debug, info, warn or error")
	_ = c.Flags().MarkHidden("log-level")
	return c
}

func (p *Program) witnessAddCommand() *cobra.Command {
	var u, key string
	c := &cobra.Command{
		Use:   "add --org SLUG --url URL --key WITNESS-KEY",
		Short: "Have a witness cosign the organization's checkpoints",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
				w, err := e.svc.AddLogWitness(ctx, &aims.LogWitness{URL: u, VerifierKey: key})
				if err != nil {
					return err
				}
				fmt.Fprintf(p.Stdout, "witness %s (%s) added to the log of %s: 'aims serve' submits each new checkpoint to it\n", w.Name, w.ID, org.Slug)
				return nil
			})
		},
	}
	c.Flags().StringVar(&u, "url", "", "the witness's URL prefix (it answers URL/add-checkpoint)")
	c.Flags().StringVar(&key, "key", "", "the witness's verifier key (from 'aims witness key')")
	_ = c.MarkFlagRequired("url")
	_ = c.MarkFlagRequired("key")
	dataFlags(c)
	return c
}

func (p *Program) printWitnesses(ws []*aims.LogWitness) {
	if len(ws) == 0 {
		fmt.Fprintln(p.Stdout, "no witnesses")
		return
	}
	for _, w := range ws {
		state := "not submitted yet"
		if st := w.Status; st != nil {
			state = fmt.Sprintf("cosigned up to size %d", st.CosignedSize)
			if st.Refused {
				state += ", REFUSED: " + st.Error
			} else if st.Error != "" {
				state += ", last error: " + st.Error
			}
		}
		fmt.Fprintf(p.Stdout, "%s\t%s\t%s\t%s\n", w.ID, w.Name, w.URL, state)
	}
}

func (p *Program) witnessListCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "list --org SLUG",
		Short: "List the witnesses of the organization's log and what each last answered",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return p.asOperator(c, func(ctx context.Context, e *env, _ *aims.Organization) error {
				ws, err := e.svc.ListLogWitnesses(ctx)
				if err != nil {
					return err
				}
				p.printWitnesses(ws)
				return nil
			})
		},
	}
	dataFlags(c)
	return c
}

func (p *Program) witnessRemoveCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "remove ID-OR-NAME --org SLUG",
		Short: "Stop submitting checkpoints to a witness (its cosignatures stay)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return p.asOperator(c, func(ctx context.Context, e *env, _ *aims.Organization) error {
				ws, err := e.svc.ListLogWitnesses(ctx)
				if err != nil {
					return err
				}
				for _, w := range ws {
					if w.ID == args[0] || w.Name == args[0] {
						if err := e.svc.RemoveLogWitness(ctx, w.ID); err != nil {
							return err
						}
						fmt.Fprintf(p.Stdout, "witness %s removed\n", w.Name)
						return nil
					}
				}
				return usageError{fmt.Errorf("no witness %q: 'aims witness list' shows them", args[0])}
			})
		},
	}
	dataFlags(c)
	return c
}

func (p *Program) witnessSubmitCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "submit --org SLUG",
		Short: "Submit the latest checkpoint to the organization's witnesses now",
		Long: "Sign a checkpoint when the log grew, submit the latest to every witness that has not\n" +
			"cosigned it, keep the cosignatures, and list what each witness answered. 'aims serve' does\n" +
			"this in the background after every checkpoint; exit status 1 when a witness failed.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return p.asOperator(c, func(ctx context.Context, e *env, _ *aims.Organization) error {
				// The log's key and origin as serve sets them (a key file's
				// origin carries the key's id), or the checkpoint signed here
				// would name another log than the one the witnesses know.
				if err := e.setupLog(true); err != nil {
					return err
				}
				ws, err := e.svc.SubmitCheckpointNow(ctx)
				p.printWitnesses(ws)
				return err
			})
		},
	}
	dataFlags(c)
	return c
}

func (p *Program) logPublishCommand() *cobra.Command {
	var off bool
	c := &cobra.Command{
		Use:   "publish --org SLUG [--off]",
		Short: "Serve the log's checkpoint and hash tiles without a token, for monitors",
		Long: "Publish the organization's checkpoints (with their cosignatures) and hash tiles at\n" +
			"/log/SLUG/checkpoint and /log/SLUG/tile/L/N without a token, so that standard tlog monitors\n" +
			"can follow the log. Entries, proofs and records stay private. --off stops publishing.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
				s, err := e.svc.SetLogSettings(ctx, &aims.LogSettings{PublicCheckpoints: !off})
				if err != nil {
					return err
				}
				if s.PublicCheckpoints {
					fmt.Fprintf(p.Stdout, "the checkpoints of %s are public: /log/%s/checkpoint\n", org.Slug, org.Slug)
				} else {
					fmt.Fprintf(p.Stdout, "the checkpoints of %s need a token again\n", org.Slug)
				}
				return nil
			})
		},
	}
	c.Flags().BoolVar(&off, "off", false, "stop publishing")
	dataFlags(c)
	return c
}

// requireCosignatures checks the exported checkpoint's cosignatures: at
// least min of the witnesses (verifier keys) must have cosigned it.
func requireCosignatures(dir string, logV note.Verifier, keys []string, min int) ([]string, error) {
	var ws []note.Verifier
	for _, k := range keys {
		v, err := witness.NewVerifier(k)
		if err != nil {
			return nil, usageError{fmt.Errorf("--witness %q: %w", k, err)}
		}
		ws = append(ws, v)
	}
	if min > len(ws) {
		return nil, usageError{fmt.Errorf("--min-cosignatures %d needs at least as many --witness keys", min)}
	}
	raw, err := os.ReadFile(filepath.Join(dir, ledger.BundleCheckpoint))
	if err != nil {
		return nil, err
	}
	return witness.RequireCosignatures(raw, logV, ws, min)
}

// printCosigners says which of the organization's witnesses cosigned the
// exported checkpoint, and how to require their cosignatures.
func (p *Program) printCosigners(ctx context.Context, e *env, dir, vkey string) error {
	ws, err := e.svc.ListLogWitnesses(ctx)
	if err != nil || len(ws) == 0 {
		return err
	}
	logV, err := ledger.ParseVerifierKey(vkey)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(dir, ledger.BundleCheckpoint))
	if err != nil {
		return err
	}
	var flags []string
	for _, w := range ws {
		wv, err := witness.NewVerifier(w.VerifierKey)
		if err != nil {
			continue
		}
		if names, _ := witness.Cosigners(raw, logV, []note.Verifier{wv}); len(names) == 1 {
			flags = append(flags, fmt.Sprintf("--witness '%s'", w.VerifierKey))
		}
	}
	if len(flags) == 0 {
		fmt.Fprintf(p.Stdout, "none of the %d witnesses has cosigned a checkpoint yet: 'aims witness submit' submits the latest\n", len(ws))
		return nil
	}
	fmt.Fprintf(p.Stdout, "cosigned by %d of the %d witnesses; require their cosignatures with:\n  aims log verify %s --key '%s' %s --min-cosignatures %d\n",
		len(flags), len(ws), dir, vkey, strings.Join(flags, " "), len(flags))
	return nil
}
