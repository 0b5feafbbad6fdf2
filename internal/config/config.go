// Package config is the one table of aims' settings: each option has a
// flag, an AIMS_* environment variable, a default, a check and a secret
// mark. A flag beats the environment, which beats the default. `aims config
// dump` prints the result with secrets redacted.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/ledger"
)

// Option is one setting.
type Option struct {
	Name    string // the flag, e.g. "data-dir"
	Env     string // the environment variable, e.g. "AIMS_DATA_DIR"
	Default string
	Usage   string
	Secret  bool // redacted by `aims config dump`
	Serve   bool // only `aims serve` takes it; the rest are on every data command
	Check   func(string) error
}

// Options is the table. docs/install.md's configuration section lists the same
// rows; a test keeps them in step.
var Options = []Option{
	{Name: "data-dir", Env: "AIMS_DATA_DIR", Default: "./aims-data", Usage: "directory holding the embedded SQLite database (aims.db) and files"},
	{Name: "database-url", Env: "AIMS_DATABASE_URL", Secret: true, Check: checkDatabaseURL,
		Usage: "a postgres:// URL switches storage to PostgreSQL; empty means the embedded SQLite database in --data-dir"},
	{Name: "org", Env: "AIMS_ORG", Usage: "organization slug a command acts on (default: the only one)"},
	{Name: "log-key", Env: "AIMS_LOG_KEY", Secret: true, Check: checkLogKey,
		Usage: "signing key of the tamper-evident log, a signed-note signer key made by 'aims log keygen'; empty means the key file in --data-dir (created on first start). Give every replica on PostgreSQL the same one"},
	{Name: "log-origin", Env: "AIMS_LOG_ORIGIN", Check: checkLogOrigin,
		Usage: "origin prefix of the organizations' tamper-evident logs, their URL without the scheme (e.g. aims.example.com): a log's origin is PREFIX/log/SLUG. Default: --base-url's host and path, else the log key's name (with the key's id when the key file was made without a base URL). A log never changes its origin: one pinned to another is refused"},
	{Name: "log-verifier-keys", Env: "AIMS_LOG_VERIFIER_KEYS", Check: checkVerifierKeys,
		Usage: "verifier keys of the organizations' logs, comma-separated, as 'aims log key' prints them: a log whose key in the database differs is refused (writes answer 503) and reported by 'aims log check'"},
	{Name: "log-verifier-keys-file", Env: "AIMS_LOG_VERIFIER_KEYS_FILE",
		Usage: "a file of verifier keys of the organizations' logs, one a line (# comments), added to --log-verifier-keys"},
	{Name: "decision-max-skew", Env: "AIMS_DECISION_MAX_SKEW", Default: "1m", Check: checkDuration,
		Usage: "clock skew between a decision event's source time and its receipt beyond which the event is flagged (it is stored all the same)"},
	{Name: "blob-url", Env: "AIMS_BLOB_URL", Check: checkBlobURL,
		Usage: "where evidence files are stored: empty means the folder blobs in --data-dir; s3://BUCKET?endpoint=URL&region=R&use_path_style=true names S3-compatible storage (credentials from the AWS environment, or anonymous=true)"},
	{Name: "evidence-max-bytes", Env: "AIMS_EVIDENCE_MAX_BYTES", Default: "2147483648", Check: checkPositive,
		Usage: "the largest evidence file accepted, in bytes (larger uploads get 413 before they fill the disk)"},
	{Name: "log-level", Env: "AIMS_LOG_LEVEL", Default: "info", Check: checkLogLevel, Usage: "debug, info, warn or error"},
	{Name: "log-format", Env: "AIMS_LOG_FORMAT", Default: "json", Check: oneOf("json", "text"), Usage: "json (structured) or text"},
	{Name: "listen", Env: "AIMS_LISTEN", Default: "127.0.0.1:8080", Serve: true, Check: checkListen, Usage: "address the HTTP server listens on"},
	{Name: "base-url", Env: "AIMS_BASE_URL", Check: checkBaseURL,
		Usage: "the URL people use to reach aims (e.g. https://aims.example.com); https makes session cookies Secure; its host and path name the tamper-evident logs (see --log-origin). Default for serve: http://LISTEN"},
	{Name: "tls-cert", Env: "AIMS_TLS_CERT", Serve: true, Usage: "PEM certificate file: serve HTTPS directly (with --tls-key)"},
	{Name: "tls-key", Env: "AIMS_TLS_KEY", Serve: true, Secret: true, Usage: "PEM private key file for --tls-cert"},
	{Name: "secret-key", Env: "AIMS_SECRET_KEY", Serve: true, Secret: true, Check: checkSecretKey,
		Usage: "32 random bytes as base64 or hex that encrypt the identity providers' client secrets and the TOTP secrets (default: the data directory's secret.key, made at the first start; give every replica the same)"},
	{Name: "session-lifetime", Env: "AIMS_SESSION_LIFETIME", Default: "12h", Serve: true, Check: checkDuration, Usage: "how long a web sign-in lasts"},
	{Name: "mqtt-url", Env: "AIMS_MQTT_URL", Serve: true, Secret: true, Check: checkMQTTURL,
		Usage: "MQTT broker to ingest decision events from (mqtt://[user:password@]host:1883, or mqtts://; ?client_id=NAME): subscribes to aims/{org}/{system}/decisions and publishes suspensions, retained, on aims/{org}/{system}/authorization"},
	{Name: "mlflow-url", Env: "AIMS_MLFLOW_URL", Serve: true, Check: checkBaseURL,
		Usage: "MLflow tracking server to sync model versions from, on a schedule (with --mlflow-mapping)"},
	{Name: "mlflow-token", Env: "AIMS_MLFLOW_TOKEN", Serve: true, Secret: true, Usage: "bearer token for the MLflow server"},
	{Name: "mlflow-mapping", Env: "AIMS_MLFLOW_MAPPING", Serve: true,
		Usage: "file of MODEL = SYSTEM lines: which registered model feeds which AI system"},
	{Name: "mlflow-interval", Env: "AIMS_MLFLOW_INTERVAL", Default: "15m", Serve: true, Check: checkDuration,
		Usage: "how often the MLflow sync runs"},
	{Name: "demo", Env: "AIMS_DEMO", Default: "false", Serve: true, Check: checkBool, Usage: "load the demo organization when the database is empty, and print its accounts"},
}

// Values holds the resolved settings.
type Values map[string]string

// Bind adds the options to a flag set: the data options always, the serve
// options when serve is true. Defaults shown in --help come from the
// environment when set there.
func Bind(fs *pflag.FlagSet, serve bool) {
	for _, o := range Options {
		if o.Serve && !serve {
			continue
		}
		def := o.Default
		if v, ok := os.LookupEnv(o.Env); ok {
			def = v
		}
		usage := fmt.Sprintf("%s (env %s)", o.Usage, o.Env)
		if o.Name == "demo" {
			b, _ := strconv.ParseBool(def)
			fs.Bool(o.Name, b, usage)
			continue
		}
		if o.Secret && def != "" {
			// Keep secrets out of --help: the flag's default is shown there.
			fs.String(o.Name, "", usage+" [set]")
			continue
		}
		fs.String(o.Name, def, usage)
	}
}

// Resolve reads the bound flags (and, for secrets hidden from --help, the
// environment) and checks every value.
func Resolve(fs *pflag.FlagSet) (Values, error) {
	v := Values{}
	var problems []string
	for _, o := range Options {
		f := fs.Lookup(o.Name)
		if f == nil {
			continue
		}
		val := f.Value.String()
		if !f.Changed {
			if env, ok := os.LookupEnv(o.Env); ok {
				val = env
			} else {
				val = o.Default
			}
		}
		if o.Check != nil && val != "" {
			if err := o.Check(val); err != nil {
				problems = append(problems, fmt.Sprintf("--%s / %s: %v", o.Name, o.Env, err))
			}
		}
		v[o.Name] = val
	}
	if (v["tls-cert"] == "") != (v["tls-key"] == "") {
		problems = append(problems, "--tls-cert and --tls-key go together: give both or neither")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("invalid configuration:\n  %s", strings.Join(problems, "\n  "))
	}
	return v, nil
}

// Get returns a value.
func (v Values) Get(name string) string { return v[name] }

// Bool returns a boolean value.
func (v Values) Bool(name string) bool { b, _ := strconv.ParseBool(v[name]); return b }

// Duration returns a duration value.
func (v Values) Duration(name string) time.Duration { d, _ := time.ParseDuration(v[name]); return d }

// LogLevel returns the configured slog level.
func (v Values) LogLevel() slog.Level {
	var l slog.Level
	_ = l.UnmarshalText([]byte(v["log-level"]))
	return l
}

// Dump lists the settings as NAME=value lines, secrets redacted.
func (v Values) Dump() []string {
	var out []string
	for _, o := range Options {
		val, ok := v[o.Name]
		if !ok {
			continue
		}
		if o.Secret && val != "" {
			val = Redact(o.Name, val)
		}
		out = append(out, fmt.Sprintf("%s=%s", o.Env, val))
	}
	sort.Strings(out)
	return out
}

// Redact hides a secret; a database URL keeps its host and database so that
// an operator can still see where data goes.
func Redact(name, val string) string {
	if name == "database-url" || name == "mqtt-url" {
		if u, err := url.Parse(val); err == nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "REDACTED")
			}
			return u.String()
		}
	}
	return "REDACTED"
}

func checkDatabaseURL(s string) error {
	if !strings.HasPrefix(s, "postgres://") && !strings.HasPrefix(s, "postgresql://") {
		return fmt.Errorf("must start with postgres:// or postgresql:// (leave it empty for the embedded database)")
	}
	_, err := url.Parse(s)
	return err
}

func checkMQTTURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "mqtt" && u.Scheme != "mqtts" && u.Scheme != "tcp") || u.Host == "" {
		return fmt.Errorf("%q is not an mqtt:// or mqtts:// URL (e.g. mqtt://127.0.0.1:1883)", s)
	}
	return nil
}

func checkSecretKey(s string) error {
	_, err := authn.ParseSecretKey(s)
	return err
}

func checkLogKey(s string) error {
	_, err := ledger.ParseMasterKey(s)
	return err
}

func checkLogOrigin(s string) error {
	if strings.Contains(s, "://") || strings.ContainsAny(s, " \t\n+") || strings.Trim(s, "/") == "" {
		return fmt.Errorf("%q is not an origin prefix: give the host and path people reach aims at, without the scheme (e.g. aims.example.com)", s)
	}
	return nil
}

func checkVerifierKeys(s string) error {
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		if _, err := ledger.ParseVerifierKey(k); err != nil {
			return err
		}
	}
	return nil
}

func checkLogLevel(s string) error {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return fmt.Errorf("%q is not one of debug, info, warn, error", s)
	}
	return nil
}

func checkListen(s string) error {
	if _, _, err := net.SplitHostPort(s); err != nil {
		return fmt.Errorf("%q is not host:port (e.g. 127.0.0.1:8080, or :8080 for every interface)", s)
	}
	return nil
}

func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http:// or https:// URL", s)
	}
	return nil
}

func checkDuration(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return fmt.Errorf("%q is not a positive duration like 12h or 30m", s)
	}
	return nil
}

func checkBlobURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "s3" && u.Scheme != "file") || (u.Scheme == "s3" && u.Host == "") {
		return fmt.Errorf("want s3://BUCKET?endpoint=... or file:///PATH")
	}
	return nil
}

func checkPositive(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("want a positive number of bytes")
	}
	return nil
}

// Int64 returns an integer option (0 when unset or bad).
func (v Values) Int64(name string) int64 { n, _ := strconv.ParseInt(v[name], 10, 64); return n }

func checkBool(s string) error {
	if _, err := strconv.ParseBool(s); err != nil {
		return fmt.Errorf("%q is not true or false", s)
	}
	return nil
}

func oneOf(vals ...string) func(string) error {
	return func(s string) error {
		for _, v := range vals {
			if s == v {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", s, strings.Join(vals, ", "))
	}
}
