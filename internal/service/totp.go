package service

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authn"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/store"
)

// A second factor for local accounts (ASVS 5.0 V6.5): TOTP (RFC 6238) with
// one-time recovery codes. Accounts that sign in through their
// organization's provider rely on the provider's own factor.

// ErrBadCode is the answer to a wrong, reused or spent code.
var ErrBadCode = &aims.Error{Kind: aims.KindUnauthenticated, Message: "the code is not right (or was used already): enter the current code from your app, or a recovery code"}

// hasTOTP tells whether the account has a confirmed second factor.
func (s *Service) hasTOTP(ctx context.Context, q store.Querier, userID string) (bool, error) {
	t, err := store.FindTOTP(ctx, q, userID)
	if aims.IsKind(err, aims.KindNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return t.ConfirmedAt != nil, nil
}

// VerifySecondFactor checks the code of the account userID at sign-in, a
// six-digit TOTP code or a recovery code. Wrong codes are throttled like
// wrong passwords; a TOTP code is accepted once.
func (s *Service) VerifySecondFactor(ctx context.Context, userID, code, client string) error {
	claim := newLoginClaim("second-factor:"+userID, client)
	wait, err := s.claimAttempt(ctx, claim)
	if err != nil {
		return err
	}
	if wait > 0 {
		return tooManyAttempts(wait)
	}
	ok, err := s.checkCode(ctx, userID, code, false)
	if err != nil {
		return err
	}
	if !ok {
		s.log.InfoContext(ctx, "second factor refused", "user", userID, "client", client)
		return ErrBadCode
	}
	return s.attemptSucceeded(ctx, claim)
}

// checkCode spends code for userID: a TOTP code whose step is later than
// the last one accepted, or an unused recovery code (unless totpOnly).
func (s *Service) checkCode(ctx context.Context, userID, code string, totpOnly bool) (bool, error) {
	var ok bool
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		ok = false
		t, err := store.ClaimTOTP(ctx, tx, userID)
		if aims.IsKind(err, aims.KindNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if authn.LooksLikeTOTP(code) {
			secret, err := authn.Open(s.secretKey, userID, t.Secret)
			if err != nil {
				return err
			}
			step, good := authn.CheckTOTP(secret, code, tx.Now(), t.LastStep)
			if !good {
				return nil
			}
			ok = true
			return store.UseTOTPStep(ctx, tx, nil, &aims.User{ID: userID}, step, false)
		}
		if totpOnly || t.ConfirmedAt == nil {
			return nil
		}
		ok, err = store.UseRecoveryCode(ctx, tx, userID, authn.HashRecoveryCode(code))
		return err
	})
	return ok, err
}

// signedInPerson is the caller, signed in to the web UI with their account.
func signedInPerson(ctx context.Context, what string) (*authz.Principal, error) {
	_, p, err := authz.Authorize(ctx, authz.Read, what)
	if err != nil {
		return nil, err
	}
	if p.Operator || p.TokenID != "" || p.UserID == "" {
		return nil, aims.Errorf(aims.KindForbidden, "sign in to the web UI to %s", what)
	}
	return p, nil
}

// TOTPStatus says whether the caller has a second factor.
func (s *Service) TOTPStatus(ctx context.Context) (*aims.TOTPStatus, error) {
	p, err := signedInPerson(ctx, "see your second factor")
	if err != nil {
		return nil, err
	}
	t, err := store.FindTOTP(ctx, s.db, p.UserID)
	if aims.IsKind(err, aims.KindNotFound) {
		return &aims.TOTPStatus{}, nil
	}
	if err != nil {
		return nil, err
	}
	n, err := store.CountRecoveryCodes(ctx, s.db, p.UserID)
	return &aims.TOTPStatus{Enabled: t.ConfirmedAt != nil, ConfirmedAt: t.ConfirmedAt, RecoveryCodes: n}, err
}

// TOTPEnrolment returns the caller's enrolment under way, or starts one.
func (s *Service) TOTPEnrolment(ctx context.Context) (*authn.TOTPKey, error) {
	p, err := signedInPerson(ctx, "set up a second factor")
	if err != nil {
		return nil, err
	}
	t, err := store.FindTOTP(ctx, s.db, p.UserID)
	switch {
	case aims.IsKind(err, aims.KindNotFound):
		return s.StartTOTP(ctx)
	case err != nil:
		return nil, err
	case t.ConfirmedAt != nil:
		return nil, aims.Errorf(aims.KindConflict, "the second factor is set up already")
	}
	secret, err := authn.Open(s.secretKey, p.UserID, t.Secret)
	if err != nil {
		return nil, err
	}
	return authn.TOTPKeyFor("aims", p.Email, secret)
}

// StartTOTP makes a new secret for the caller's account, to be confirmed
// with a first code (ConfirmTOTP); until then it does not count.
func (s *Service) StartTOTP(ctx context.Context) (*authn.TOTPKey, error) {
	p, err := signedInPerson(ctx, "set up a second factor")
	if err != nil {
		return nil, err
	}
	key, err := authn.NewTOTPKey("aims", p.Email)
	if err != nil {
		return nil, err
	}
	sealed, err := authn.Seal(s.secretKey, p.UserID, key.Secret)
	if err != nil {
		return nil, err
	}
	err = s.db.Transact(ctx, func(tx *store.Tx) error { return store.StartTOTP(ctx, tx, p.UserID, sealed, nil) })
	return key, err
}

// ConfirmTOTP completes the caller's enrolment with a first code and
// returns the recovery codes, which are shown this once.
func (s *Service) ConfirmTOTP(ctx context.Context, code string) ([]string, error) {
	p, err := signedInPerson(ctx, "set up a second factor")
	if err != nil {
		return nil, err
	}
	codes := authn.NewRecoveryCodes(authn.RecoveryCodeCount)
	hashes := make([]string, len(codes))
	for i, c := range codes {
		hashes[i] = authn.HashRecoveryCode(c)
	}
	var ok bool
	err = s.transact(ctx, func(tx *store.Tx) error {
		t, err := store.ClaimTOTP(ctx, tx, p.UserID)
		if aims.IsKind(err, aims.KindNotFound) {
			return aims.Errorf(aims.KindConflict, "start setting up the second factor first")
		}
		if err != nil {
			return err
		}
		if t.ConfirmedAt != nil {
			return aims.Errorf(aims.KindConflict, "the second factor is set up already")
		}
		secret, err := authn.Open(s.secretKey, p.UserID, t.Secret)
		if err != nil {
			return err
		}
		step, good := authn.CheckTOTP(secret, code, tx.Now(), t.LastStep)
		if !good {
			return nil
		}
		ok = true
		u, _, err := store.FindUserByID(ctx, tx, p.UserID)
		if err != nil {
			return err
		}
		scopes, err := accountScopes(ctx, tx, p.Actor(), p.UserID)
		if err != nil {
			return err
		}
		if err := store.UseTOTPStep(ctx, tx, scopes, u, step, true); err != nil {
			return err
		}
		return store.ReplaceRecoveryCodes(ctx, tx, p.UserID, hashes)
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &aims.Error{Kind: aims.KindInvalid, Message: "the code is not right", Fields: []aims.FieldError{{Field: "code", Detail: "is not the current code of your app: check the device's clock"}}}
	}
	return codes, nil
}

// RemoveTOTP removes the caller's second factor; the person proves their
// password and a current code (or a recovery code) again.
func (s *Service) RemoveTOTP(ctx context.Context, password, code, client string) error {
	p, err := signedInPerson(ctx, "remove your second factor")
	if err != nil {
		return err
	}
	u, hash, err := store.FindUserByID(ctx, s.db, p.UserID)
	if err != nil {
		return err
	}
	claim := newLoginClaim("second-factor:"+p.UserID, client)
	wait, err := s.claimAttempt(ctx, claim)
	if err != nil {
		return err
	}
	if wait > 0 {
		return tooManyAttempts(wait)
	}
	var v aims.Validation
	if ok, err := s.checkPassword(ctx, hash, password); err != nil {
		return err
	} else if !ok {
		v.Add("password", "is not right")
	}
	if v.OK() {
		if ok, err := s.checkCode(ctx, p.UserID, code, false); err != nil {
			return err
		} else if !ok {
			v.Add("code", "is not right (or was used already)")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.attemptSucceeded(ctx, claim); err != nil {
		return err
	}
	return s.transact(ctx, func(tx *store.Tx) error {
		scopes, err := accountScopes(ctx, tx, p.Actor(), p.UserID)
		if err != nil {
			return err
		}
		return store.RemoveTOTP(ctx, tx, scopes, u)
	})
}

// MustEnrolTOTP tells whether the person signed in with a password to
// orgID must set up a second factor before anything else: the
// organization requires one for their role and they have none.
func (s *Service) MustEnrolTOTP(ctx context.Context, userID, orgID string, role aims.Role) (bool, error) {
	st, _, err := store.FindSignInSettingsOfOrg(ctx, s.db, orgID)
	if err != nil {
		return false, err
	}
	if !st.TOTPRequired.Requires(role) {
		return false, nil
	}
	has, err := s.hasTOTP(ctx, s.db, userID)
	return !has, err
}
