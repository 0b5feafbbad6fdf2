// Package authn holds the protocol side of signing in: OpenID Connect
// (authorization code flow with PKCE, state and nonce), TOTP second
// factors with recovery codes, the sealing of client secrets, and the
// mapping of a provider's groups to roles. It knows nothing of the
// database: the service decides who is who and records what changed.
package authn

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Client is one organization's relying party at its provider.
type Client struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string
	Scopes       []string // "openid" is always asked for
	GroupClaim   string   // the ID token claim that lists the person's groups ("" for none)
}

// Identity is what a verified ID token says of the person.
type Identity struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	Groups        []string
	IDToken       string // the raw token, as the hint of a later sign-out
}

// Pending is a sign-in sent to the provider and not yet come back: kept in
// the browser's aims session (server side), never in a cookie of its own.
type Pending struct {
	State    string    `json:"state"`
	Nonce    string    `json:"nonce"`
	Verifier string    `json:"verifier"` // PKCE code verifier (RFC 7636)
	OrgID    string    `json:"org_id"`
	Next     string    `json:"next"`
	Started  time.Time `json:"started"`
}

// PendingFor is how long a sign-in may stay at the provider.
const PendingFor = 10 * time.Minute

// NewPending starts a sign-in to orgID that returns to next.
func NewPending(orgID, next string, now time.Time) Pending {
	return Pending{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), OrgID: orgID, Next: next, Started: now.UTC()}
}

// Encode and DecodePending keep a Pending as a string.
func (p Pending) Encode() string {
	b, _ := json.Marshal(p)
	return string(b)
}

// DecodePending reads what Encode wrote.
func DecodePending(s string) (Pending, error) {
	var p Pending
	if s == "" {
		return p, ErrNoPending
	}
	if err := json.Unmarshal([]byte(s), &p); err != nil || p.State == "" {
		return p, ErrNoPending
	}
	return p, nil
}

// Errors of a returning sign-in; each means nothing is created.
var (
	ErrNoPending   = errors.New("no sign-in was started from this browser, or it was already used: start again")
	ErrState       = errors.New("the answer from the identity provider does not belong to the sign-in this browser started (state differs): start again")
	ErrExpired     = errors.New("the sign-in took longer than 10 minutes: start again")
	ErrNonce       = errors.New("the identity provider's ID token was not made for this sign-in (nonce differs)")
	ErrNoIDToken   = errors.New("the identity provider answered without an ID token")
	ErrUnreachable = errors.New("the identity provider cannot be reached")
)

// CheckState compares the state that came back with the pending one.
func (p Pending) CheckState(state string, now time.Time) error {
	if subtle.ConstantTimeCompare([]byte(p.State), []byte(state)) != 1 {
		return ErrState
	}
	if now.Sub(p.Started) > PendingFor {
		return ErrExpired
	}
	return nil
}

func random() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Providers discovers and caches providers' metadata and keys (go-oidc
// refreshes the keys itself when a token names a new one).
type Providers struct {
	HTTP *http.Client // nil: a client with a 10-second timeout
	TTL  time.Duration

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	p       *oidc.Provider
	end     string
	fetched time.Time
}

func (ps *Providers) client() *http.Client {
	if ps.HTTP != nil {
		return ps.HTTP
	}
	return &http.Client{Timeout: 10 * time.Second}
}

func (ps *Providers) get(ctx context.Context, issuer string) (cached, error) {
	ps.mu.Lock()
	c, ok := ps.cache[issuer]
	ttl := ps.TTL
	if ttl == 0 {
		ttl = 10 * time.Minute
	}
	ps.mu.Unlock()
	if ok && time.Since(c.fetched) < ttl {
		return c, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, ps.client()), issuer)
	if err != nil {
		return cached{}, fmt.Errorf("%w (%s): %v", ErrUnreachable, issuer, err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	_ = p.Claims(&meta)
	c = cached{p: p, end: meta.EndSession, fetched: time.Now()}
	ps.mu.Lock()
	if ps.cache == nil {
		ps.cache = map[string]cached{}
	}
	ps.cache[issuer] = c
	ps.mu.Unlock()
	return c, nil
}

// Forget drops a provider's cached metadata (its settings changed).
func (ps *Providers) Forget(issuer string) {
	ps.mu.Lock()
	delete(ps.cache, issuer)
	ps.mu.Unlock()
}

func (c Client) oauth(p *oidc.Provider) *oauth2.Config {
	scopes := []string{oidc.ScopeOpenID}
	for _, s := range c.Scopes {
		if s != oidc.ScopeOpenID && s != "" {
			scopes = append(scopes, s)
		}
	}
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: p.Endpoint(), RedirectURL: c.RedirectURL, Scopes: scopes}
}

// AuthURL is where the browser goes to sign in at the provider. It reads
// the provider's metadata afresh, so that a provider that is down is
// found here, on a page of aims, rather than by the browser.
func (ps *Providers) AuthURL(ctx context.Context, c Client, p Pending) (string, error) {
	ps.Forget(c.Issuer)
	pr, err := ps.get(ctx, c.Issuer)
	if err != nil {
		return "", err
	}
	return c.oauth(pr.p).AuthCodeURL(p.State, oauth2.S256ChallengeOption(p.Verifier), oidc.Nonce(p.Nonce)), nil
}

// Exchange redeems code (with the PKCE verifier) and verifies the ID token:
// its signature by a key the provider publishes, its issuer, its audience
// (the client id), its expiry and its nonce.
func (ps *Providers) Exchange(ctx context.Context, c Client, p Pending, code string) (*Identity, error) {
	pr, err := ps.get(ctx, c.Issuer)
	if err != nil {
		return nil, err
	}
	hctx := oidc.ClientContext(ctx, ps.client())
	tok, err := c.oauth(pr.p).Exchange(hctx, code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return nil, fmt.Errorf("the identity provider refused the sign-in code (expired, used already, or not issued to aims): %s", re.ErrorCode)
		}
		return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, ErrNoIDToken
	}
	idt, err := pr.p.VerifierContext(hctx, &oidc.Config{ClientID: c.ClientID}).Verify(hctx, raw)
	if err != nil {
		return nil, fmt.Errorf("the identity provider's ID token is not valid for aims: %v", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(p.Nonce)) != 1 {
		return nil, ErrNonce
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("the ID token's claims cannot be read: %v", err)
	}
	id := &Identity{Issuer: idt.Issuer, Subject: idt.Subject, IDToken: raw}
	id.Email, _ = claims["email"].(string)
	id.EmailVerified, _ = claims["email_verified"].(bool)
	id.Name, _ = claims["name"].(string)
	if c.GroupClaim != "" {
		id.Groups = groups(claims[c.GroupClaim])
	}
	return id, nil
}

// groups reads a group claim: a list of strings, or one string.
func groups(v any) []string {
	switch g := v.(type) {
	case string:
		return []string{g}
	case []any:
		var out []string
		for _, x := range g {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// EndSessionURL is the provider's sign-out address for the person signed in
// with idToken, returning to after; "" when the provider has none.
func (ps *Providers) EndSessionURL(ctx context.Context, c Client, idToken, after string) string {
	pr, err := ps.get(ctx, c.Issuer)
	if err != nil || pr.end == "" {
		return ""
	}
	u, err := url.Parse(pr.end)
	if err != nil {
		return ""
	}
	q := u.Query()
	if idToken != "" {
		q.Set("id_token_hint", idToken)
	}
	q.Set("client_id", c.ClientID)
	if after != "" {
		q.Set("post_logout_redirect_uri", after)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// ValidIssuer checks an issuer URL: https, or http on loopback (a provider
// on the same machine, as in tests).
func ValidIssuer(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "must be an absolute URL, like https://login.example.com"
	}
	if u.Scheme == "https" {
		return ""
	}
	h := u.Hostname()
	if u.Scheme == "http" && (h == "localhost" || h == "127.0.0.1" || h == "::1" || strings.HasPrefix(h, "127.")) {
		return ""
	}
	return "must use https (plain http is allowed only on this machine: localhost or 127.0.0.1)"
}
