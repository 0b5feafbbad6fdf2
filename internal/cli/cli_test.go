package cli_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/cli"
	"github.com/aimsproject/aims/internal/config"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// aimsRun is one run of the aims command.
type aimsRun struct {
	code           int
	stdout, stderr string
}

// runAIMS runs the aims command in-process on the data directory dir, with
// stdin as standard input.
func runAIMS(t *testing.T, dir, stdin string, args ...string) aimsRun {
	t.Helper()
	var out, errOut bytes.Buffer
	p := &cli.Program{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Version: "test"}
	if dir != "" {
		args = append(args, "--data-dir", dir)
	}
	code := p.Exit(context.Background(), args)
	return aimsRun{code: code, stdout: out.String(), stderr: errOut.String()}
}

// isolate keeps the host's AIMS_* settings out of a test.
func isolate(t *testing.T) string {
	t.Helper()
	for _, o := range config.Options {
		t.Setenv(o.Env, "") // registers the variable's restoration
		os.Unsetenv(o.Env)
	}
	t.Setenv("AIMS_LOG_LEVEL", "warn")
	return t.TempDir()
}

// openData opens the SQLite database of a data directory, as aims serve
// would.
func openData(t *testing.T, dir string) *service.Service {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return service.New(db, slog.New(slog.DiscardHandler))
}

func wantCode(t *testing.T, r aimsRun, code int, what string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", what, r.code, code, r.stdout, r.stderr)
	}
}

func TestMigrate(t *testing.T) {
	dir := isolate(t)
	r := runAIMS(t, dir, "", "migrate", "status")
	wantCode(t, r, 0, "status of a new database")
	if !regexp.MustCompile(`(?m)^1\s+00001_foundation\.sql\s+pending$`).MatchString(r.stdout) {
		t.Errorf("status before migrating:\n%s", r.stdout)
	}
	r = runAIMS(t, dir, "", "migrate")
	wantCode(t, r, 0, "migrate")
	// Every migration this binary carries is applied, whatever their number.
	if m := regexp.MustCompile(`^applied (\d+) migration\(s\) to sqlite `).FindStringSubmatch(r.stdout); m == nil || m[1] == "0" {
		t.Errorf("migrate printed %q", r.stdout)
	}
	r = runAIMS(t, dir, "", "migrate", "apply")
	wantCode(t, r, 0, "migrate apply again")
	if !strings.HasPrefix(r.stdout, "applied 0 migration(s)") {
		t.Errorf("second migrate printed %q", r.stdout)
	}
	r = runAIMS(t, dir, "", "migrate", "status")
	if !regexp.MustCompile(`(?m)^1\s+00001_foundation\.sql\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$`).MatchString(r.stdout) {
		t.Errorf("status after migrating:\n%s", r.stdout)
	}
	r = runAIMS(t, dir, "", "migrate", "sideways")
	wantCode(t, r, 2, "unknown argument")
}

func TestUserCreate(t *testing.T) {
	dir := isolate(t)
	create := func(stdin string, args ...string) aimsRun {
		return runAIMS(t, dir, stdin, append([]string{"user", "create"}, args...)...)
	}
	r := create("", "--email", "ada@acme.test", "--name", "Ada", "--role", "admin")
	wantCode(t, r, 2, "no organization yet and no --org")
	if !strings.Contains(r.stderr, "--org") {
		t.Errorf("stderr does not say to name the organization: %s", r.stderr)
	}

	r = create("correct horse battery\n", "--org", "acme", "--email", "Ada@Acme.test", "--name", "Ada L.", "--role", "admin")
	wantCode(t, r, 0, "first user")
	if !strings.HasPrefix(r.stdout, "user ada@acme.test (") || !strings.HasSuffix(r.stdout, ") is admin in organization acme\n") {
		t.Errorf("stdout = %q", r.stdout)
	}
	svc := openData(t, dir)
	login, err := svc.Login(context.Background(), "ada@acme.test", "correct horse battery", "test")
	if err != nil {
		t.Fatalf("the new user cannot sign in: %v", err)
	}
	if len(login.Memberships) != 1 || login.Memberships[0].Org.Slug != "acme" || login.Memberships[0].Role != aims.RoleAdmin {
		t.Errorf("memberships = %+v", login.Memberships)
	}

	// --org defaults to the only organization; a new account needs a
	// password of at least 10 characters; the role must be known.
	r = create("short\n", "--email", "bob@acme.test", "--name", "Bob", "--role", "auditor")
	wantCode(t, r, 2, "short password")
	if !strings.Contains(r.stderr, "password: must be at least 10 characters") {
		t.Errorf("stderr = %s", r.stderr)
	}
	r = create("", "--email", "bob@acme.test", "--name", "Bob", "--role", "auditor")
	wantCode(t, r, 2, "no password for a new account")
	r = create("long enough pw\n", "--email", "bob@acme.test", "--name", "Bob", "--role", "boss")
	wantCode(t, r, 2, "unknown role")
	r = create("long enough pw\r\n", "--email", "bob@acme.test", "--name", "Bob", "--role", "auditor")
	wantCode(t, r, 0, "second user, in the only organization")
	if _, err := svc.Login(context.Background(), "bob@acme.test", "long enough pw", "test"); err != nil {
		t.Errorf("bob cannot sign in (CRLF after the password): %v", err)
	}

	// An existing account joins a second organization and keeps its
	// password when none is given; then --org must be named.
	r = create("", "--org", "beta", "--email", "ada@acme.test", "--name", "Ada L.", "--role", "viewer")
	wantCode(t, r, 0, "existing account in a new organization")
	if _, err := svc.Login(context.Background(), "ada@acme.test", "correct horse battery", "test"); err != nil {
		t.Errorf("ada's password changed: %v", err)
	}
	r = create("", "--email", "carol@acme.test", "--name", "Carol", "--role", "viewer")
	wantCode(t, r, 2, "several organizations and no --org")
	if !strings.Contains(r.stderr, "acme, beta") {
		t.Errorf("stderr does not list the organizations: %s", r.stderr)
	}
}

func TestTokenCreate(t *testing.T) {
	dir := isolate(t)
	wantCode(t, runAIMS(t, dir, "a long password\n", "user", "create", "--org", "acme", "--email", "ci@acme.test", "--name", "CI", "--role", "contributor"), 0, "user")

	r := runAIMS(t, dir, "", "token", "create", "--email", "CI@acme.test", "--name", "pipeline")
	wantCode(t, r, 0, "token create")
	if !regexp.MustCompile(`^aims_[A-Za-z0-9_-]{43}\n$`).MatchString(r.stdout) {
		t.Fatalf("stdout is not one token on one line: %q", r.stdout)
	}
	svc := openData(t, dir)
	p, err := svc.AuthenticateToken(context.Background(), strings.TrimSpace(r.stdout))
	if err != nil {
		t.Fatalf("the printed token does not authenticate: %v", err)
	}
	if p.Email != "ci@acme.test" || p.OrgSlug != "acme" || p.Role != aims.RoleContributor || p.TokenName != "pipeline" {
		t.Errorf("token principal = %+v", p)
	}

	r = runAIMS(t, dir, "", "token", "create", "--email", "nobody@acme.test", "--name", "x")
	wantCode(t, r, 2, "token for a non-member")
	if r.stdout != "" || !strings.Contains(r.stderr, "nobody@acme.test is not a member of organization acme") {
		t.Errorf("non-member: stdout %q, stderr %s", r.stdout, r.stderr)
	}
	wantCode(t, runAIMS(t, dir, "", "token", "create", "--email", "ci@acme.test"), 2, "no --name")

	// With two organizations, --org must be named, and an unknown one is
	// refused clearly.
	wantCode(t, runAIMS(t, dir, "a long password\n", "user", "create", "--org", "beta", "--email", "ops@beta.test", "--name", "Ops", "--role", "admin"), 0, "user in beta")
	r = runAIMS(t, dir, "", "token", "create", "--email", "ci@acme.test", "--name", "x")
	wantCode(t, r, 2, "several organizations")
	if !strings.Contains(r.stderr, "there are 2 organizations (acme, beta): name one with --org") {
		t.Errorf("stderr = %s", r.stderr)
	}
	r = runAIMS(t, dir, "", "token", "create", "--email", "ci@acme.test", "--name", "x", "--org", "gamma")
	wantCode(t, r, 2, "unknown organization")
	if !strings.Contains(r.stderr, `organization "gamma" not found`) {
		t.Errorf("stderr = %s", r.stderr)
	}
	r = runAIMS(t, dir, "", "token", "create", "--email", "ci@acme.test", "--name", "y", "--org", "acme")
	wantCode(t, r, 0, "token with --org")
}

func TestVersion(t *testing.T) {
	r := runAIMS(t, "", "", "version")
	wantCode(t, r, 0, "version")
	if want := "aims test (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"; r.stdout != want {
		t.Errorf("version = %q, want %q", r.stdout, want)
	}
}

func TestConfigDump(t *testing.T) {
	isolate(t)
	t.Setenv("AIMS_DATABASE_URL", "postgres://aims:s3cret@db.example.com:5432/aims")
	t.Setenv("AIMS_TLS_CERT", "/etc/aims/cert.pem")
	t.Setenv("AIMS_TLS_KEY", "/etc/aims/key.pem")
	r := runAIMS(t, "", "", "config", "dump", "--listen", ":9090")
	wantCode(t, r, 0, "config dump")
	for _, want := range []string{
		"AIMS_DATABASE_URL=postgres://aims:REDACTED@db.example.com:5432/aims\n",
		"AIMS_LISTEN=:9090\n", "AIMS_DATA_DIR=./aims-data\n", "AIMS_TLS_CERT=/etc/aims/cert.pem\n", "AIMS_TLS_KEY=REDACTED\n", "AIMS_SESSION_LIFETIME=12h\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dump lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "s3cret") || strings.Contains(r.stdout, "key.pem") {
		t.Errorf("dump shows a secret:\n%s", r.stdout)
	}
	r = runAIMS(t, "", "", "config", "dump", "--listen", "nowhere")
	wantCode(t, r, 2, "bad setting")
	if !strings.Contains(r.stderr, "--listen / AIMS_LISTEN") {
		t.Errorf("stderr = %s", r.stderr)
	}
}

func TestImportExportSystems(t *testing.T) {
	dir := isolate(t)
	wantCode(t, runAIMS(t, dir, "a long password\n", "user", "create", "--org", "acme", "--email", "owner@acme.test", "--name", "Olga", "--role", "system_owner"), 0, "user")
	file := filepath.Join(t.TempDir(), "systems.csv")
	good := "name,purpose,owner_email,operator_roles,lifecycle_stage,autonomy,tags\n" +
		"Setpoint optimizer,Doses polymer on the dewatering line,owner@acme.test,deployer,deployed,autonomous,plant\n" +
		"Chatbot,Answers customers,owner@acme.test,deployer,design,human_override,\n"
	if err := os.WriteFile(file, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}

	r := runAIMS(t, dir, "", "import", "systems", file, "--dry-run")
	wantCode(t, r, 0, "dry run")
	if !strings.Contains(r.stdout, "dry run: nothing written) for acme: 2 created, 0 updated, 0 unchanged") {
		t.Errorf("dry run printed %q", r.stdout)
	}
	r = runAIMS(t, dir, "", "import", "systems", file)
	wantCode(t, r, 0, "import")
	if r.stdout != file+" imported into acme: 2 created, 0 updated, 0 unchanged\n" {
		t.Errorf("import printed %q", r.stdout)
	}

	// A bad file: exit 2, every bad line and column on stderr, nothing
	// imported.
	bad := "name,owner_email,lifecycle_stage\nChatbot,nobody@acme.test,design\nNew,owner@acme.test,someday\n"
	r = runAIMS(t, dir, bad, "import", "systems", "-")
	wantCode(t, r, 2, "bad rows from stdin")
	for _, want := range []string{"line 2, owner_email: nobody@acme.test is not a member", "line 3, lifecycle_stage: must be one of", "line 3, purpose: is required"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}

	// Export, then import the export: nothing changes.
	out := filepath.Join(t.TempDir(), "export.csv")
	r = runAIMS(t, dir, "", "export", "systems", "-o", out, "--tag", "plant")
	wantCode(t, r, 0, "export to a file")
	if !strings.Contains(r.stderr, "wrote 1 AI system(s) of acme to "+out) {
		t.Errorf("export printed %q", r.stderr)
	}
	r = runAIMS(t, dir, "", "import", "systems", out)
	wantCode(t, r, 0, "re-import")
	if !strings.HasSuffix(r.stdout, "0 created, 0 updated, 1 unchanged\n") {
		t.Errorf("re-import printed %q", r.stdout)
	}
	r = runAIMS(t, dir, "", "export", "systems", "--owner", "owner@acme.test", "--stage", "design")
	wantCode(t, r, 0, "export to stdout")
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], "Chatbot,") {
		t.Errorf("export of design systems:\n%s", r.stdout)
	}
	wantCode(t, runAIMS(t, dir, "", "export", "systems", "--stage", "someday"), 2, "unknown stage")
	wantCode(t, runAIMS(t, dir, "", "export", "systems", "--owner", "nobody@acme.test"), 2, "unknown owner")
	wantCode(t, runAIMS(t, dir, "", "import", "systems", filepath.Join(dir, "missing.csv")), 2, "missing file")
	wantCode(t, runAIMS(t, dir, "", "import", "systems"), 2, "no file")
}

// The host's operator invites a person (the link printed is the
// invitation's) and renames an account.
func TestUserInviteAndRename(t *testing.T) {
	dir := isolate(t)
	wantCode(t, runAIMS(t, dir, "correct horse battery\n", "user", "create", "--org", "acme", "--email", "ada@acme.test", "--name", "Ada", "--role", "admin"), 0, "first user")
	r := runAIMS(t, dir, "", "user", "invite", "--org", "acme", "--email", "Bob@Acme.test", "--role", "auditor")
	wantCode(t, r, 0, "invite")
	if !strings.HasPrefix(r.stdout, "invited bob@acme.test as auditor to organization acme until ") || !strings.Contains(r.stdout, "\n/invitation?token=") {
		t.Errorf("invite printed %q", r.stdout)
	}
	wantCode(t, runAIMS(t, dir, "", "user", "invite", "--org", "acme", "--email", "ada@acme.test", "--role", "viewer"), 1, "inviting a member")
	r = runAIMS(t, dir, "", "user", "rename", "--email", "ada@acme.test", "--name", "Ada Lovelace")
	wantCode(t, r, 0, "rename")
	if r.stdout != "user ada@acme.test is now named \"Ada Lovelace\"\n" {
		t.Errorf("rename printed %q", r.stdout)
	}
	wantCode(t, runAIMS(t, dir, "", "user", "rename", "--email", "ada@acme.test", "--name", " "), 2, "an empty name")
}
