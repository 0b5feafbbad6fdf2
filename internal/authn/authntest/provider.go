// Package authntest is an OpenID provider made with Go's crypto, for tests
// that need exact control over what it answers: a token from another
// issuer or for another audience, signed with an unknown key, a code
// replayed or expired. The real, certified provider (npm oidc-provider) is
// what the browser test signs in through.
package authntest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Provider is a small OpenID provider on loopback. Its authorization
// endpoint signs the person in at once and sends the browser back with a
// code; its token endpoint checks the client, the code and the PKCE
// verifier, and answers an RS256 ID token.
type Provider struct {
	URL      string
	ClientID string
	Secret   string

	mu sync.Mutex
	// What the next ID tokens say; tests change them between sign-ins.
	Subject, Email, Name string
	Groups               []string
	// Faults: when set, the ID token is issued with this issuer, audience
	// or nonce, or signed by a key the provider does not publish.
	Issuer, Audience, Nonce string
	UnknownKey              bool
	NoEndSession            bool
	CodeTTL                 time.Duration

	key, other *rsa.PrivateKey
	codes      map[string]*grant
	srv        *httptest.Server
	Now        func() time.Time
}

type grant struct {
	nonce, challenge, redirect string
	issued                     time.Time
	used                       bool
}

// New starts a provider; it stops when t ends.
func New(t testing.TB) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{ClientID: "aims", Secret: "client-secret-for-aims", Subject: "sub-1", Email: "ada@idp.test", Name: "Ada Lovelace",
		key: key, other: other, codes: map[string]*grant{}, CodeTTL: time.Minute, Now: time.Now}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /logout", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("post_logout_redirect_uri"), http.StatusFound)
	})
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	t.Cleanup(p.srv.Close)
	return p
}

// Close stops the provider (to test a provider that is down).
func (p *Provider) Close() { p.srv.Close() }

// Set changes what the provider answers, under its lock.
func (p *Provider) Set(fn func(p *Provider)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fn(p)
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	m := map[string]any{
		"issuer": p.URL, "authorization_endpoint": p.URL + "/authorize", "token_endpoint": p.URL + "/token",
		"jwks_uri": p.URL + "/jwks", "response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
	}
	p.mu.Lock()
	if !p.NoEndSession {
		m["end_session_endpoint"] = p.URL + "/logout"
	}
	p.mu.Unlock()
	writeJSON(w, m)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	pub := p.key.PublicKey
	writeJSON(w, map[string]any{"keys": []map[string]any{{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "k1",
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes())}}})
}

// Authorize runs the authorization request at u as a browser would and
// returns where the provider sends it back (the redirect URI with code and
// state). Tests call it with the URL aims redirected to.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != p.ClientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	code := b64(randBytes(24))
	p.mu.Lock()
	p.codes[code] = &grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri"), issued: p.Now()}
	p.mu.Unlock()
	u, _ := url.Parse(q.Get("redirect_uri"))
	rq := u.Query()
	rq.Set("code", code)
	rq.Set("state", q.Get("state"))
	u.RawQuery = rq.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	if id != p.ClientID || secret != p.Secret {
		w.WriteHeader(http.StatusUnauthorized)
		writeJSON(w, map[string]string{"error": "invalid_client"})
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	g := p.codes[r.PostFormValue("code")]
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	if g == nil || g.used || p.Now().Sub(g.issued) > p.CodeTTL || b64(sum[:]) != g.challenge || r.PostFormValue("redirect_uri") != g.redirect {
		if g != nil {
			g.used = true
		}
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, map[string]string{"error": "invalid_grant"})
		return
	}
	g.used = true
	iss, aud, nonce := p.URL, p.ClientID, g.nonce
	if p.Issuer != "" {
		iss = p.Issuer
	}
	if p.Audience != "" {
		aud = p.Audience
	}
	if p.Nonce != "" {
		nonce = p.Nonce
	}
	now := p.Now()
	claims := map[string]any{"iss": iss, "sub": p.Subject, "aud": aud, "exp": now.Add(5 * time.Minute).Unix(), "iat": now.Unix(),
		"nonce": nonce, "email": p.Email, "email_verified": true, "name": p.Name, "groups": p.Groups}
	key := p.key
	if p.UnknownKey {
		key = p.other
	}
	writeJSON(w, map[string]any{"access_token": b64(randBytes(16)), "token_type": "Bearer", "expires_in": 300, "id_token": sign(key, claims)})
}

func sign(key *rsa.PrivateKey, claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "k1"})
	c, _ := json.Marshal(claims)
	in := b64(h) + "." + b64(c)
	sum := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return in + "." + b64(sig)
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// Follow performs the browser's visit to the authorization URL u and
// returns the callback URL the provider redirected to.
func Follow(t testing.TB, u string) *url.URL {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	loc, err := res.Location()
	if err != nil {
		t.Fatalf("the provider did not redirect back (status %d)", res.StatusCode)
	}
	return loc
}
