package authn

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP (RFC 6238): 30-second steps, six digits, SHA-1, as every
// authenticator app reads them. A code is accepted in its own step and the
// one before or after (clock drift); the step a code matched is returned so
// that the caller refuses it, or any earlier one, a second time.
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	totpSkew   = 1
)

// TOTPKey is a new second-factor secret: Secret (base32) is what the
// person types by hand, URL the otpauth:// link an app scans, QR that link
// as a PNG data URL.
type TOTPKey struct {
	Secret string
	URL    string
	QR     string
}

// TOTPKeyFor rebuilds the key of a stored secret (an enrolment shown again).
func TOTPKeyFor(issuer, account, secret string) (*TOTPKey, error) {
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account}
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "period": {"30"}, "digits": {"6"}, "algorithm": {"SHA1"}}
	u.RawQuery = q.Encode()
	return withQR(&TOTPKey{Secret: secret, URL: u.String()})
}

func withQR(k *TOTPKey) (*TOTPKey, error) {
	key, err := otp.NewKeyFromURL(k.URL)
	if err != nil {
		return nil, err
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	k.QR = "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
	return k, nil
}

// NewTOTPKey makes a secret for account at issuer (shown in the app as
// "issuer (account)").
func NewTOTPKey(issuer, account string) (*TOTPKey, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, err
	}
	return withQR(&TOTPKey{Secret: k.Secret(), URL: k.URL()})
}

// TOTPCode returns the code of secret at t (for tests and enrolment checks).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
}

// CheckTOTP returns the time step that code matches for secret at now,
// within one step either side, and false when it matches none or only a
// step not after lastStep (a code used already: RFC 6238 section 5.2).
func CheckTOTP(secret, code string, now time.Time, lastStep int64) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != int(totpDigits) {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		s := step + d
		want, err := TOTPCode(secret, time.Unix(s*totpPeriod, 0))
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			if s <= lastStep {
				return s, false
			}
			return s, true
		}
	}
	return 0, false
}

// RecoveryCodeCount is how many recovery codes an enrolment gives.
const RecoveryCodeCount = 10

// NewRecoveryCodes returns n one-time codes, shown to the person once, as
// "xxxxx-xxxxx" (50 random bits each); only their hashes are stored.
func NewRecoveryCodes(n int) []string {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	out := make([]string, n)
	for i := range out {
		var b [7]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic(err)
		}
		s := strings.ToLower(enc.EncodeToString(b[:]))[:10]
		out[i] = s[:5] + "-" + s[5:]
	}
	return out
}

// HashRecoveryCode is the stored form of a recovery code: SHA-256 of the
// code as typed without spaces, dashes or case. Fifty random bits and a
// throttled check make a slow hash unnecessary.
func HashRecoveryCode(code string) string {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte("aims recovery code\x00" + c))
	return hex.EncodeToString(sum[:])
}

// LooksLikeTOTP tells a six-digit code from a recovery code.
func LooksLikeTOTP(code string) bool {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != int(totpDigits) {
		return false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
