package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aimsproject/aims/internal/aims"
)

// FindSignInSettings returns the sign-in settings of the organization in
// scope and its stored client secret (sealed or env:NAME), or the defaults
// when an admin never changed them.
func FindSignInSettings(ctx context.Context, q Querier, scope aims.Scope) (*aims.SignInSettings, string, error) {
	return findSignInSettings(ctx, q, scope.OrgID())
}

// FindSignInSettingsOfOrg is FindSignInSettings before anyone signed in:
// the sign-in page and the provider's return know only the organization.
func FindSignInSettingsOfOrg(ctx context.Context, q Querier, orgID string) (*aims.SignInSettings, string, error) {
	return findSignInSettings(ctx, q, orgID)
}

func findSignInSettings(ctx context.Context, q Querier, orgID string) (*aims.SignInSettings, string, error) {
	s := &aims.SignInSettings{}
	var roles, secret, totp, role string
	err := q.queryer().QueryRowContext(ctx, `
		SELECT id, sso_enabled, display_name, issuer, client_id, client_secret, scopes, group_claim, group_roles,
			default_role, invited_only, local_passwords, break_glass_email, totp_required, updated_at
		FROM sign_in_settings WHERE org_id = $1`, orgID).
		Scan(&s.ID, &s.SSOEnabled, &s.DisplayName, &s.Issuer, &s.ClientID, &secret, &s.Scopes, &s.GroupClaim, &roles,
			&role, &s.InvitedOnly, &s.LocalPasswords, &s.BreakGlassEmail, &totp, &s.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return aims.DefaultSignInSettings(orgID), "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("find sign-in settings: %w", mapError(err))
	}
	s.DefaultRole, s.TOTPRequired, s.UpdatedAt, s.HasClientSecret = aims.Role(role), aims.TOTPRequirement(totp), s.UpdatedAt.UTC(), secret != ""
	if err := json.Unmarshal([]byte(roles), &s.GroupRoles); err != nil {
		return nil, "", fmt.Errorf("sign-in settings: group roles: %w", err)
	}
	if s.GroupRoles == nil {
		s.GroupRoles = []aims.GroupRole{}
	}
	return s, secret, nil
}

// SaveSignInSettings writes the settings of the organization in scope, with
// the stored form of the client secret, and records the change (the secret
// is never in the audit trail: the image says only whether there is one).
func SaveSignInSettings(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.SignInSettings, secret string) error {
	roles, err := json.Marshal(after.GroupRoles)
	if err != nil {
		return err
	}
	after.ID, after.UpdatedAt, after.HasClientSecret = scope.OrgID(), tx.now, secret != ""
	_, err = tx.tx.ExecContext(ctx, `
		INSERT INTO sign_in_settings (id, org_id, sso_enabled, display_name, issuer, client_id, client_secret, scopes, group_claim,
			group_roles, default_role, invited_only, local_passwords, break_glass_email, totp_required, updated_at)
		VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (id) DO UPDATE SET sso_enabled = excluded.sso_enabled, display_name = excluded.display_name,
			issuer = excluded.issuer, client_id = excluded.client_id, client_secret = excluded.client_secret, scopes = excluded.scopes,
			group_claim = excluded.group_claim, group_roles = excluded.group_roles, default_role = excluded.default_role,
			invited_only = excluded.invited_only, local_passwords = excluded.local_passwords,
			break_glass_email = excluded.break_glass_email, totp_required = excluded.totp_required, updated_at = excluded.updated_at`,
		scope.OrgID(), after.SSOEnabled, after.DisplayName, after.Issuer, after.ClientID, secret, after.Scopes, after.GroupClaim,
		string(roles), string(after.DefaultRole), after.InvitedOnly, after.LocalPasswords, after.BreakGlassEmail, string(after.TOTPRequired), tx.now)
	if err != nil {
		return fmt.Errorf("save sign-in settings: %w", mapError(err))
	}
	if before.UpdatedAt.IsZero() {
		return tx.recordCreate(ctx, scope, aims.EntitySignInSettings, after.ID, after)
	}
	return tx.recordUpdate(ctx, scope, aims.EntitySignInSettings, after.ID, before, after)
}

// FindSSOIdentity returns the account linked to a provider's person in orgID.
func FindSSOIdentity(ctx context.Context, q Querier, orgID, issuer, subject string) (string, error) {
	var userID string
	err := q.queryer().QueryRowContext(ctx, `SELECT user_id FROM sso_identities WHERE org_id = $1 AND issuer = $2 AND subject = $3`,
		orgID, issuer, subject).Scan(&userID)
	if err != nil {
		return "", notFound(err, "identity")
	}
	return userID, nil
}

// LinkSSOIdentity links a provider's person to an account in the
// organization in scope, or stamps the sign-in of one linked already.
// Bookkeeping: the membership it comes with is what the audit trail holds.
func LinkSSOIdentity(ctx context.Context, tx *Tx, scope aims.Scope, issuer, subject, userID string) error {
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO sso_identities (org_id, issuer, subject, user_id, created_at, last_login_at) VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (org_id, issuer, subject) DO UPDATE SET last_login_at = excluded.last_login_at`,
		scope.OrgID(), issuer, subject, userID, tx.now)
	if err != nil {
		return fmt.Errorf("link identity: %w", mapError(err))
	}
	return nil
}

// UsesSSO tells whether an account has signed in to orgID through its
// provider.
func UsesSSO(ctx context.Context, q Querier, orgID, userID string) (bool, error) {
	var n int
	err := q.queryer().QueryRowContext(ctx, `SELECT COUNT(*) FROM sso_identities WHERE org_id = $1 AND user_id = $2`, orgID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("uses sso: %w", mapError(err))
	}
	return n > 0, nil
}
