package service_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// enrol sets up pat's second factor at *now and returns its secret and
// the recovery codes.
func enrol(t *testing.T, svc *service.Service, now *time.Time) (string, []string) {
	t.Helper()
	ctx := patContext(t, svc)
	key, err := svc.StartTOTP(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(key.URL)
	if u.Scheme != "otpauth" || u.Query().Get("secret") != key.Secret {
		t.Fatalf("otpauth URL %q", key.URL)
	}
	if _, err := svc.ConfirmTOTP(ctx, "000000"); !aims.IsKind(err, aims.KindInvalid) {
		code, _ := authn.TOTPCode(key.Secret, *now)
		if code != "000000" {
			t.Fatalf("a wrong first code: %v", err)
		}
	}
	code, _ := authn.TOTPCode(key.Secret, *now)
	codes, err := svc.ConfirmTOTP(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != authn.RecoveryCodeCount {
		t.Fatalf("%d recovery codes", len(codes))
	}
	return key.Secret, codes
}

func patContext(t *testing.T, svc *service.Service) context.Context {
	t.Helper()
	res, err := svc.Login(context.Background(), "pat@acme.test", "correct horse battery", "10.0.0.9")
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.PrincipalForSession(context.Background(), res.User.ID, res.Memberships[0].Org.ID, res.User.SessionEpoch)
	if err != nil {
		t.Fatal(err)
	}
	return authz.WithPrincipal(context.Background(), p)
}

func TestTOTPEnrolSignInRecoveryAndReuse(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		svc, now := signinService(t, db)
		secret, codes := enrol(t, svc, now)

		*now = now.Add(time.Minute)
		res, err := svc.Login(context.Background(), "pat@acme.test", "correct horse battery", "10.0.0.1")
		if err != nil || !res.SecondFactor {
			t.Fatalf("a password alone must ask for the second factor: %v %+v", err, res)
		}
		code, _ := authn.TOTPCode(secret, *now)
		if err := svc.VerifySecondFactor(context.Background(), res.User.ID, code, "10.0.0.1"); err != nil {
			t.Fatalf("the current code: %v", err)
		}
		// The same code again, within its window: refused.
		if err := svc.VerifySecondFactor(context.Background(), res.User.ID, code, "10.0.0.1"); !aims.IsKind(err, aims.KindUnauthenticated) {
			t.Fatalf("a reused code: %v", err)
		}
		// A recovery code works once.
		if err := svc.VerifySecondFactor(context.Background(), res.User.ID, codes[3], "10.0.0.1"); err != nil {
			t.Fatalf("a recovery code: %v", err)
		}
		if err := svc.VerifySecondFactor(context.Background(), res.User.ID, codes[3], "10.0.0.1"); !aims.IsKind(err, aims.KindUnauthenticated) {
			t.Fatalf("a spent recovery code: %v", err)
		}
		st, err := svc.TOTPStatus(patContext(t, svc))
		if err != nil || !st.Enabled || st.RecoveryCodes != authn.RecoveryCodeCount-1 {
			t.Fatalf("status %+v %v", st, err)
		}
		// Removal asks the password and a code again.
		*now = now.Add(time.Minute)
		code, _ = authn.TOTPCode(secret, *now)
		if err := svc.RemoveTOTP(patContext(t, svc), "wrong password!", code, "10.0.0.1"); !aims.IsKind(err, aims.KindInvalid) {
			t.Fatalf("removal with a wrong password: %v", err)
		}
		if err := svc.RemoveTOTP(patContext(t, svc), "correct horse battery", code, "10.0.0.1"); err != nil {
			t.Fatalf("removal: %v", err)
		}
		if res, err = svc.Login(context.Background(), "pat@acme.test", "correct horse battery", "10.0.0.1"); err != nil || res.SecondFactor {
			t.Fatalf("after removal: %v %+v", err, res)
		}
	})
}

// TestTOTPWrongCodesSlowedDown: ten wrong codes are throttled like wrong
// passwords.
func TestTOTPWrongCodesSlowedDown(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		svc, now := signinService(t, db)
		secret, _ := enrol(t, svc, now)
		res, err := svc.Login(context.Background(), "pat@acme.test", "correct horse battery", "10.0.0.2")
		if err != nil {
			t.Fatal(err)
		}
		var refused int
		for range 10 {
			err := svc.VerifySecondFactor(context.Background(), res.User.ID, "1234567"[:6], "10.0.0.2")
			if aims.IsKind(err, aims.KindRateLimited) {
				refused++
			}
		}
		if refused == 0 {
			t.Fatal("ten wrong codes in a row were all checked")
		}
		code, _ := authn.TOTPCode(secret, *now)
		if err := svc.VerifySecondFactor(context.Background(), res.User.ID, code, "10.0.0.2"); !aims.IsKind(err, aims.KindRateLimited) {
			t.Fatalf("even the right code waits out the delay: %v", err)
		}
		*now = now.Add(20 * time.Minute)
		code, _ = authn.TOTPCode(secret, *now)
		if err := svc.VerifySecondFactor(context.Background(), res.User.ID, code, "10.0.0.2"); err != nil {
			t.Fatalf("after the delay: %v", err)
		}
	})
}

// TestTOTPRequiredByOrganization: an organization requiring a second
// factor for admins makes an admin without one enrol; with one, not.
func TestTOTPRequiredByOrganization(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		svc, now := signinService(t, db)
		ctx := patContext(t, svc)
		p := authz.PrincipalFrom(ctx)
		must := func() bool {
			t.Helper()
			m, err := svc.MustEnrolTOTP(context.Background(), p.UserID, p.OrgID, p.Role)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		if must() {
			t.Fatal("required before the organization asked")
		}
		admins := aims.TOTPAdmins
		if _, err := svc.UpdateSignInSettings(ctx, aims.SignInSettingsUpdate{TOTPRequired: &admins}); err != nil {
			t.Fatal(err)
		}
		if !must() {
			t.Fatal("an admin without a second factor is not made to enrol")
		}
		if m, _ := svc.MustEnrolTOTP(context.Background(), p.UserID, p.OrgID, aims.RoleViewer); m {
			t.Fatal("a viewer must enrol when only admins must")
		}
		enrol(t, svc, now)
		if must() {
			t.Fatal("an admin with a second factor is still made to enrol")
		}
	})
}
