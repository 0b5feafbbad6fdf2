package authn_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aimsproject/aims/internal/authn"
)

// FuzzDecodePending: what comes back from a browser's session is either a
// pending sign-in whose state it must match, or refused; never a panic.
func FuzzDecodePending(f *testing.F) {
	f.Add(authn.NewPending("org-1", "/systems", time.Unix(1_800_000_000, 0)).Encode())
	f.Add(`{"state":"x"}`)
	f.Add(`{"state":""}`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := authn.DecodePending(s)
		if err != nil {
			return
		}
		if p.State == "" {
			t.Fatal("a pending sign-in without a state was accepted")
		}
		if p.CheckState(p.State+"x", time.Now()) == nil {
			t.Fatal("another state was accepted")
		}
	})
}

// FuzzCheckTOTP: any text typed as a code is refused unless it is the
// six digits of a step around now; a recovery code's normal form does not
// depend on case, spaces or dashes.
func FuzzCheckTOTP(f *testing.F) {
	f.Add("123456")
	f.Add(" 12 34 56 ")
	f.Add("abcde-fghij")
	f.Add("")
	const secret = "JBSWY3DPEHPK3PXP"
	now := time.Unix(1_800_000_015, 0)
	f.Fuzz(func(t *testing.T, code string) {
		step, ok := authn.CheckTOTP(secret, code, now, 0)
		if ok {
			want, _ := authn.TOTPCode(secret, time.Unix(step*30, 0))
			if strings.ReplaceAll(strings.TrimSpace(code), " ", "") != want || step < now.Unix()/30-1 || step > now.Unix()/30+1 {
				t.Fatalf("%q accepted for step %d", code, step)
			}
		}
		if utf8.ValidString(code) && authn.HashRecoveryCode(code) != authn.HashRecoveryCode(strings.ToUpper(code)) && strings.ToLower(strings.ToUpper(code)) == strings.ToLower(code) {
			t.Fatalf("%q hashes differently in upper case", code)
		}
	})
}
