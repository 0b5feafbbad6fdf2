package authn_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/authn/authntest"
)

func TestCheckTOTP(t *testing.T) {
	t.Parallel()
	key, err := authn.NewTOTPKey("aims", "ada@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key.URL, "otpauth://totp/") || !strings.Contains(key.URL, key.Secret) {
		t.Fatalf("url %q", key.URL)
	}
	now := time.Unix(1_800_000_015, 0)
	step := now.Unix() / 30
	code := func(d int64) string {
		c, err := authn.TOTPCode(key.Secret, time.Unix((step+d)*30, 0))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		name     string
		code     string
		lastStep int64
		wantOK   bool
		wantStep int64
	}{
		{"current step", code(0), 0, true, step},
		{"with spaces", code(0)[:3] + " " + code(0)[3:], 0, true, step},
		{"previous step (drift)", code(-1), 0, true, step - 1},
		{"next step (drift)", code(1), 0, true, step + 1},
		{"two steps old", code(-2), 0, false, 0},
		{"reused in its window", code(0), step, false, step},
		{"older than the last used", code(-1), step, false, step - 1},
		{"wrong", "000000", 0, code(0) == "000000", 0},
		{"too short", "12345", 0, false, 0},
	} {
		s, ok := authn.CheckTOTP(key.Secret, tc.code, now, tc.lastStep)
		if ok != tc.wantOK || (tc.wantStep != 0 && s != tc.wantStep) {
			t.Errorf("%s: got step %d ok %v, want %d %v", tc.name, s, ok, tc.wantStep, tc.wantOK)
		}
	}
}

func TestRecoveryCodes(t *testing.T) {
	t.Parallel()
	codes := authn.NewRecoveryCodes(authn.RecoveryCodeCount)
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] || authn.LooksLikeTOTP(c) {
			t.Fatalf("bad code %q", c)
		}
		seen[c] = true
	}
	c := codes[0]
	for _, typed := range []string{c, strings.ToUpper(c), strings.ReplaceAll(c, "-", ""), " " + c + " "} {
		if authn.HashRecoveryCode(typed) != authn.HashRecoveryCode(c) {
			t.Errorf("%q hashes differently from %q", typed, c)
		}
	}
	if authn.HashRecoveryCode(codes[1]) == authn.HashRecoveryCode(c) {
		t.Error("two codes hash the same")
	}
}

func TestSealOpen(t *testing.T) {
	t.Setenv("AIMS_TEST_IDP_SECRET", "from-env")
	key := make([]byte, authn.SecretKeyLen)
	key[0] = 1
	other := make([]byte, authn.SecretKeyLen)
	sealed, err := authn.Seal(key, "org-1", "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "s3cret") {
		t.Fatal("sealed text holds the secret")
	}
	for _, tc := range []struct {
		name, label, stored string
		key                 []byte
		want                string
		wantErr             bool
	}{
		{"sealed", "org-1", sealed, key, "s3cret", false},
		{"another organization's label", "org-2", sealed, key, "", true},
		{"another key", "org-1", sealed, other, "", true},
		{"altered", "org-1", sealed[:len(sealed)-2] + "AA", key, "", true},
		{"env reference", "org-1", "env:AIMS_TEST_IDP_SECRET", nil, "from-env", false},
		{"unset env reference", "org-1", "env:AIMS_TEST_NOT_SET_X", nil, "", true},
		{"plain text", "org-1", "s3cret", key, "", true},
		{"nothing", "org-1", "", key, "", false},
	} {
		got, err := authn.Open(tc.key, tc.label, tc.stored)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("%s: got %q, %v", tc.name, got, err)
		}
	}
}

func TestRoleForGroups(t *testing.T) {
	t.Parallel()
	table := []aims.GroupRole{{Group: "aims-admins", Role: aims.RoleAdmin}, {Group: "auditors", Role: aims.RoleAuditor}, {Group: "staff", Role: aims.RoleContributor}}
	for _, tc := range []struct {
		groups []string
		want   aims.Role
	}{
		{[]string{"staff", "auditors"}, aims.RoleAuditor}, // the table's order decides
		{[]string{"aims-admins"}, aims.RoleAdmin},
		{[]string{"marketing"}, aims.RoleViewer}, // no mapped group: the default role
		{nil, aims.RoleViewer},
	} {
		if got := authn.RoleForGroups(tc.groups, table, aims.RoleViewer); got != tc.want {
			t.Errorf("%v: got %s, want %s", tc.groups, got, tc.want)
		}
	}
}

func TestValidIssuer(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{"https://login.example.com": true, "https://login.example.com/realms/acme": true,
		"http://127.0.0.1:9000": true, "http://localhost:3000": true, "http://login.example.com": false, "login.example.com": false,
		"https://login.example.com/?x=1": false, "https://user@login.example.com": false} {
		if got := authn.ValidIssuer(in) == ""; got != ok {
			t.Errorf("%s: got %v", in, got)
		}
	}
}

// TestExchange signs in through a provider made in the test, and checks
// that every fault in its answer is refused.
func TestExchange(t *testing.T) {
	idp := authntest.New(t)
	ps := &authn.Providers{}
	ctx := context.Background()
	client := authn.Client{Issuer: idp.URL, ClientID: idp.ClientID, ClientSecret: idp.Secret, RedirectURL: "http://127.0.0.1:1/sso/callback",
		Scopes: []string{"email", "profile"}, GroupClaim: "groups"}
	start := func(t *testing.T) (authn.Pending, url.Values) {
		t.Helper()
		p := authn.NewPending("org-1", "/", time.Now())
		u, err := ps.AuthURL(ctx, client, p)
		if err != nil {
			t.Fatal(err)
		}
		return p, authntest.Follow(t, u).Query()
	}
	idp.Set(func(p *authntest.Provider) { p.Groups = []string{"auditors"} })
	p, back := start(t)
	if err := p.CheckState(back.Get("state"), time.Now()); err != nil {
		t.Fatal(err)
	}
	id, err := ps.Exchange(ctx, client, p, back.Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != "sub-1" || id.Email != "ada@idp.test" || !id.EmailVerified || len(id.Groups) != 1 || id.Groups[0] != "auditors" || id.Issuer != idp.URL {
		t.Fatalf("identity %+v", id)
	}
	if _, err := ps.Exchange(ctx, client, p, back.Get("code")); err == nil || !strings.Contains(err.Error(), "refused the sign-in code") {
		t.Fatalf("a replayed code: %v", err)
	}
	if end := ps.EndSessionURL(ctx, client, id.IDToken, "http://127.0.0.1:1/login"); !strings.HasPrefix(end, idp.URL+"/logout?") || !strings.Contains(end, "id_token_hint=") {
		t.Fatalf("end session %q", end)
	}

	if err := p.CheckState("other", time.Now()); !errors.Is(err, authn.ErrState) {
		t.Errorf("a wrong state: %v", err)
	}
	if err := p.CheckState(p.State, time.Now().Add(authn.PendingFor+time.Second)); !errors.Is(err, authn.ErrExpired) {
		t.Errorf("a late return: %v", err)
	}
	for _, tc := range []struct {
		name  string
		fault func(p *authntest.Provider)
		want  string
	}{
		{"another issuer", func(p *authntest.Provider) { p.Issuer = "https://evil.example" }, "different provider"},
		{"another audience", func(p *authntest.Provider) { p.Audience = "someone-else" }, "audience"},
		{"an unknown key", func(p *authntest.Provider) { p.UnknownKey = true }, "signature"},
		{"another nonce", func(p *authntest.Provider) { p.Nonce = "replayed-nonce" }, "nonce"},
		{"an expired code", func(p *authntest.Provider) { p.CodeTTL = -time.Second }, "refused the sign-in code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idp.Set(tc.fault)
			defer idp.Set(func(p *authntest.Provider) {
				p.Issuer, p.Audience, p.Nonce, p.UnknownKey, p.CodeTTL = "", "", "", false, time.Minute
			})
			p, back := start(t)
			_, err := ps.Exchange(ctx, client, p, back.Get("code"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error about %s", err, tc.want)
			}
		})
	}
	t.Run("provider down", func(t *testing.T) {
		down := authn.Client{Issuer: "http://127.0.0.1:1", ClientID: "x"}
		if _, err := ps.AuthURL(ctx, down, authn.NewPending("o", "/", time.Now())); !errors.Is(err, authn.ErrUnreachable) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestTOTPKeyFor(t *testing.T) {
	t.Parallel()
	k, err := authn.NewTOTPKey("aims", "ada@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	again, err := authn.TOTPKeyFor("aims", "ada@acme.test", k.Secret)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(again.QR, "data:image/png;base64,") || !strings.Contains(again.URL, "secret="+k.Secret) {
		t.Fatalf("%+v", again)
	}
}

func TestSecretKeyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	k1, created, err := authn.LoadOrCreateSecretKey(dir)
	if err != nil || !created || len(k1) != authn.SecretKeyLen {
		t.Fatalf("%v %v %d", err, created, len(k1))
	}
	k2, created, err := authn.LoadOrCreateSecretKey(dir)
	if err != nil || created || string(k1) != string(k2) {
		t.Fatalf("the second start read another key: %v %v", err, created)
	}
	if _, err := authn.ParseSecretKey("c2hvcnQ="); err == nil {
		t.Fatal("a short key was accepted")
	}
	if _, err := authn.ParseSecretKey(strings.Repeat("ab", 32)); err != nil {
		t.Fatal(err)
	}
}
