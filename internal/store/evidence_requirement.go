package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// evidenceRequirements is the table of what shows each control.
var evidenceRequirements = register{table: "evidence_requirements", noun: "evidence requirement", entity: aims.EntityEvidenceRequirement}

// CreateEvidenceRequirement adds what the organization expects to show a
// control; the same expectation twice is a conflict.
func CreateEvidenceRequirement(ctx context.Context, tx *Tx, scope aims.Scope, r *aims.EvidenceRequirement) error {
	r.ID = newID()
	r.CreatedAt, r.UpdatedAt = tx.now, tx.now
	_, err := tx.exec(ctx, `
		INSERT INTO evidence_requirements (id, org_id, requirement, system_id, kind, live, max_age_days, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		r.ID, scope.OrgID(), r.Requirement, r.SystemID, r.Kind, string(r.Live), r.MaxAgeDays, r.CreatedAt, r.UpdatedAt)
	if isUniqueViolation(err) {
		return &aims.Error{Kind: aims.KindConflict, Message: "this control already expects this evidence",
			Fields: []aims.FieldError{{Field: "kind", Detail: "is already expected for " + r.Requirement}}}
	}
	if err != nil {
		return fmt.Errorf("add evidence requirement: %w", mapError(err))
	}
	return tx.recordCreate(ctx, scope, aims.EntityEvidenceRequirement, r.ID, r)
}

// DeleteEvidenceRequirement removes an expectation.
func DeleteEvidenceRequirement(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.EvidenceRequirement) error {
	return evidenceRequirements.remove(ctx, tx, scope, before, before.ID, "")
}

const evidenceRequirementSelect = `
	SELECT id, requirement, system_id, kind, live, max_age_days, created_at, updated_at FROM evidence_requirements`

func scanEvidenceRequirement(sc scanner) (*aims.EvidenceRequirement, error) {
	var r aims.EvidenceRequirement
	var live string
	if err := sc.Scan(&r.ID, &r.Requirement, &r.SystemID, &r.Kind, &live, &r.MaxAgeDays, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.Live = aims.LiveSet(live)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

// FindEvidenceRequirementByID returns one expectation.
func FindEvidenceRequirementByID(ctx context.Context, q Querier, scope aims.Scope, id string) (*aims.EvidenceRequirement, error) {
	r, err := scanEvidenceRequirement(q.queryer().QueryRowContext(ctx, evidenceRequirementSelect+` WHERE org_id = $1 AND id = $2`, scope.OrgID(), id))
	return r, evidenceRequirements.one(err)
}

// FindEvidenceRequirements lists the expectations, of one control when
// requirement is not empty.
func FindEvidenceRequirements(ctx context.Context, q Querier, scope aims.Scope, requirement string) ([]*aims.EvidenceRequirement, error) {
	rows, err := q.queryer().QueryContext(ctx, evidenceRequirementSelect+`
		WHERE org_id = $1 AND (CAST($2 AS TEXT) IS NULL OR requirement = $2) ORDER BY requirement, system_id, kind, live`,
		scope.OrgID(), opt(requirement))
	if err != nil {
		return nil, fmt.Errorf("find evidence requirements: %w", mapError(err))
	}
	defer rows.Close()
	out := []*aims.EvidenceRequirement{}
	for rows.Next() {
		r, err := scanEvidenceRequirement(rows)
		if err != nil {
			return nil, fmt.Errorf("find evidence requirements: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LinkedEvidence is a piece of evidence linked to a record, with its
// latest revision's dates: what freshness is computed from.
type LinkedEvidence struct {
	TargetID    string
	EvidenceID  string
	Title       string
	Kind        string
	CollectedAt time.Time
	ExpiresAt   *time.Time
	// SystemIDs are the AI systems the evidence is also linked to.
	SystemIDs []string
}

// linkedWhere picks the links to records of type $2 ($3: one record).
const linkedWhere = `l.org_id = $1 AND l.target_type = $2 AND (CAST($3 AS TEXT) IS NULL OR l.target_id = $3)`

// FindLinkedEvidence lists the evidence linked to records of one type
// (every control: requirement), with its latest revision, in one query.
// targetID, when not empty, narrows it to one record.
func FindLinkedEvidence(ctx context.Context, q Querier, scope aims.Scope, target aims.EvidenceTarget, targetID string) ([]*LinkedEvidence, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT l.target_id, e.id, e.title, e.kind, e.latest_collected_us, e.latest_expires_us
		FROM evidence_links l
		JOIN evidence e ON e.org_id = l.org_id AND e.id = l.evidence_id
		WHERE `+linkedWhere+` AND e.latest_revision_id <> ''
		ORDER BY l.target_id, e.latest_collected_us DESC, e.id`, scope.OrgID(), string(target), opt(targetID))
	if err != nil {
		return nil, fmt.Errorf("find linked evidence: %w", mapError(err))
	}
	defer rows.Close()
	var out []*LinkedEvidence
	for rows.Next() {
		var le LinkedEvidence
		var collected int64
		var exp sql.NullInt64
		if err := rows.Scan(&le.TargetID, &le.EvidenceID, &le.Title, &le.Kind, &collected, &exp); err != nil {
			return nil, fmt.Errorf("find linked evidence: %w", err)
		}
		le.CollectedAt = time.UnixMicro(collected).UTC()
		le.ExpiresAt = fromMicros(exp)
		out = append(out, &le)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	systems, err := q.queryer().QueryContext(ctx, `SELECT DISTINCT s.evidence_id, s.target_id FROM evidence_links l
		JOIN evidence_links s ON s.evidence_id = l.evidence_id AND s.target_type = 'ai_system'
		WHERE `+linkedWhere+` ORDER BY s.evidence_id, s.target_id`, scope.OrgID(), string(target), opt(targetID))
	if err != nil {
		return nil, fmt.Errorf("find linked evidence: %w", mapError(err))
	}
	defer systems.Close()
	byEvidence := map[string][]string{}
	for systems.Next() {
		var e, sys string
		if err := systems.Scan(&e, &sys); err != nil {
			return nil, fmt.Errorf("find linked evidence: %w", err)
		}
		byEvidence[e] = append(byEvidence[e], sys)
	}
	for _, le := range out {
		le.SystemIDs = byEvidence[le.EvidenceID]
	}
	return out, systems.Err()
}

// LinkedCount is how many pieces of evidence are linked to one record (or
// match one expectation) and the best freshness among them; Newest is
// when the newest of them was collected.
type LinkedCount struct {
	Count  int
	Best   aims.Freshness
	Newest time.Time
}

// freshnessRank is, in SQL, the freshness of the evidence e at $2 (now,
// microseconds) with $3 the end of the expiring window, and maxAge its
// allowed age in days (0: none): 2 expired, 1 expiring, 0 current, as
// rules.EvidenceFreshness says.
func freshnessRank(maxAge string) string {
	due := func(at string) string {
		return `(e.latest_expires_us IS NOT NULL AND e.latest_expires_us <= ` + at + `) OR (` + maxAge + ` > 0 AND e.latest_collected_us + ` +
			maxAge + ` * 86400000000 <= ` + at + `)`
	}
	return `CASE WHEN ` + due("$2") + ` THEN 2 WHEN ` + due("$3") + ` THEN 1 ELSE 0 END`
}

var freshnessByRank = []aims.Freshness{aims.FreshCurrent, aims.FreshExpiring, aims.FreshExpired}

func scanLinkedCounts(rows *sql.Rows, err error) (map[string]LinkedCount, error) {
	if err != nil {
		return nil, fmt.Errorf("count linked evidence: %w", mapError(err))
	}
	defer rows.Close()
	out := map[string]LinkedCount{}
	for rows.Next() {
		var id string
		var c, rank int
		var newest int64
		if err := rows.Scan(&id, &c, &rank, &newest); err != nil {
			return nil, fmt.Errorf("count linked evidence: %w", err)
		}
		out[id] = LinkedCount{Count: c, Best: freshnessByRank[rank], Newest: time.UnixMicro(newest).UTC()}
	}
	return out, rows.Err()
}

// CountLinkedEvidence counts, in one aggregate query, the evidence linked
// to each control and its best freshness at now by its own due dates (no
// allowed age), expiring within window: the SoA page's badge for the
// controls without expectations, without reading each piece of evidence.
func CountLinkedEvidence(ctx context.Context, q Querier, scope aims.Scope, now time.Time, window time.Duration) (map[string]LinkedCount, error) {
	return scanLinkedCounts(q.queryer().QueryContext(ctx, `
		SELECT l.target_id, COUNT(*), MIN(`+freshnessRank("0")+`), MAX(e.latest_collected_us)
		FROM evidence_links l
		JOIN evidence e ON e.org_id = l.org_id AND e.id = l.evidence_id
		WHERE l.org_id = $1 AND l.target_type = 'requirement' AND e.latest_collected_us > 0
		GROUP BY l.target_id`, scope.OrgID(), now.UnixMicro(), now.Add(window).UnixMicro()))
}

// ExpectedEvidence answers, in one aggregate query, each expectation of a
// kind of upload: how many pieces of evidence of that kind are linked to
// its control (and to its AI system, when it names one), their best
// freshness at now with the expectation's allowed age, and the newest.
// An expectation nothing matches is absent (missing). The CROSS JOIN makes
// SQLite start from the few expectations rather than every link
// (PostgreSQL plans it as the inner join it is).
func ExpectedEvidence(ctx context.Context, q Querier, scope aims.Scope, now time.Time, window time.Duration) (map[string]LinkedCount, error) {
	return scanLinkedCounts(q.queryer().QueryContext(ctx, `
		SELECT x.id, COUNT(*), MIN(`+freshnessRank("x.max_age_days")+`), MAX(e.latest_collected_us)
		FROM evidence_requirements x
		CROSS JOIN evidence_links l
		JOIN evidence e ON e.org_id = l.org_id AND e.id = l.evidence_id AND e.kind = x.kind
		WHERE x.org_id = $1 AND x.kind <> '' AND e.latest_collected_us > 0
			AND l.org_id = x.org_id AND l.target_type = 'requirement' AND l.target_id = x.requirement
			AND (x.system_id = '' OR EXISTS (SELECT 1 FROM evidence_links ls WHERE ls.evidence_id = e.id
				AND ls.target_type = 'ai_system' AND ls.target_id = x.system_id))
		GROUP BY x.id`, scope.OrgID(), now.UnixMicro(), now.Add(window).UnixMicro()))
}

// LiveNewest returns when the newest record of a set of aims' own records
// was made (zero: none): the freshness of live evidence.
func LiveNewest(ctx context.Context, q Querier, scope aims.Scope, set aims.LiveSet) (time.Time, error) {
	var query string
	switch set {
	case aims.LiveDecisions:
		var day sql.NullString
		err := q.queryer().QueryRowContext(ctx, `SELECT MAX(day) FROM decision_days WHERE org_id = $1`, scope.OrgID()).Scan(&day)
		if err != nil || !day.Valid {
			return time.Time{}, err
		}
		t, err := time.Parse(time.DateOnly, day.String)
		return t, err
	case aims.LiveLineage:
		query = `SELECT created_at FROM calibrations WHERE org_id = $1 ORDER BY created_at DESC LIMIT 1`
	case aims.LiveImpact:
		query = `SELECT updated_at FROM impact_assessments WHERE org_id = $1 ORDER BY updated_at DESC LIMIT 1`
	case aims.LiveInventory:
		query = `SELECT updated_at FROM ai_systems WHERE org_id = $1 ORDER BY updated_at DESC LIMIT 1`
	case aims.LiveClassifications:
		query = `SELECT classified_at FROM classifications WHERE org_id = $1 ORDER BY classified_at DESC LIMIT 1`
	case aims.LiveRiskTreatment:
		query = `SELECT updated_at FROM risk_actions WHERE org_id = $1 ORDER BY updated_at DESC LIMIT 1`
	case aims.LiveSoAApprovals:
		query = `SELECT approved_at FROM soa_versions WHERE org_id = $1 AND approved_at IS NOT NULL ORDER BY approved_at DESC LIMIT 1`
	default:
		return time.Time{}, fmt.Errorf("unknown record set %q", set)
	}
	var t sql.NullTime
	err := q.queryer().QueryRowContext(ctx, query, scope.OrgID()).Scan(&t)
	if err == sql.ErrNoRows || (err == nil && !t.Valid) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("newest of %s: %w", set, mapError(err))
	}
	return t.Time.UTC(), nil
}

// EvidenceExpiringDays returns the organization's expiring window in days
// (30 unless set).
func EvidenceExpiringDays(ctx context.Context, q Querier, scope aims.Scope) (int, error) {
	var days int
	err := q.queryer().QueryRowContext(ctx, `SELECT expiring_days FROM evidence_settings WHERE org_id = $1`, scope.OrgID()).Scan(&days)
	if err == sql.ErrNoRows {
		return 30, nil
	}
	if err != nil {
		return 0, fmt.Errorf("evidence settings: %w", mapError(err))
	}
	return days, nil
}

// evidenceSettings is the audit image of the expiring window.
type evidenceSettings struct {
	ExpiringDays int `json:"expiring_days"`
}

func (evidenceSettings) AuditLabel() string { return "Evidence settings" }

// SetEvidenceExpiringDays sets the organization's expiring window.
func SetEvidenceExpiringDays(ctx context.Context, tx *Tx, scope aims.Scope, days int) error {
	before, err := EvidenceExpiringDays(ctx, tx, scope)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO evidence_settings (org_id, expiring_days) VALUES ($1, $2)
		ON CONFLICT (org_id) DO UPDATE SET expiring_days = excluded.expiring_days`, scope.OrgID(), days); err != nil {
		return fmt.Errorf("evidence settings: %w", mapError(err))
	}
	return tx.recordUpdate(ctx, scope, "evidence_settings", scope.OrgID(), evidenceSettings{before}, evidenceSettings{days})
}

// OwnedEvidence is a piece of evidence linked to a record someone owns,
// with its latest revision's due date: the evidence part of "my work".
type OwnedEvidence struct {
	EvidenceID string
	Title      string
	Kind       string
	ExpiresAt  time.Time
}

// ownedTargets are the kinds of record with an owner that evidence links
// to, and the table that says who owns each.
var ownedTargets = []struct {
	target aims.EvidenceTarget
	table  string
}{
	{aims.TargetAISystem, "ai_systems"}, {aims.TargetRisk, "risks"}, {aims.TargetRiskAction, "risk_actions"}, {aims.TargetDocument, "documents"},
}

// EvidenceDueForOwner lists, once each, the evidence linked to an AI
// system, risk, treatment action or document ownerID owns whose latest
// revision is due by until (expired or expiring), soonest first. It starts
// from the owner's records (their owner indexes), so that it reads only
// their links and evidence, however much evidence the organization holds.
func EvidenceDueForOwner(ctx context.Context, q Querier, scope aims.Scope, ownerID string, until time.Time) ([]*OwnedEvidence, error) {
	var parts []string
	for _, o := range ownedTargets {
		parts = append(parts, `SELECT e.id, e.title, e.kind, e.latest_expires_us
			FROM `+o.table+` o
			CROSS JOIN evidence_links l
			JOIN evidence e ON e.org_id = l.org_id AND e.id = l.evidence_id
			WHERE o.org_id = $1 AND o.owner_id = $2 AND l.org_id = o.org_id AND l.target_type = '`+string(o.target)+`' AND l.target_id = o.id
				AND e.latest_collected_us > 0 AND e.latest_expires_us <= $3`)
	}
	rows, err := q.queryer().QueryContext(ctx, strings.Join(parts, " UNION ")+` ORDER BY 4, 2, 1`, scope.OrgID(), ownerID, until.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("evidence due: %w", mapError(err))
	}
	defer rows.Close()
	var out []*OwnedEvidence
	seen := map[string]bool{}
	for rows.Next() {
		var o OwnedEvidence
		var exp int64
		if err := rows.Scan(&o.EvidenceID, &o.Title, &o.Kind, &exp); err != nil {
			return nil, fmt.Errorf("evidence due: %w", err)
		}
		if seen[o.EvidenceID] {
			continue
		}
		seen[o.EvidenceID] = true
		o.ExpiresAt = time.UnixMicro(exp).UTC()
		out = append(out, &o)
	}
	return out, rows.Err()
}

// OwnedExpectation is an expectation of a kind of upload on an AI system
// someone owns, with the system's name.
type OwnedExpectation struct {
	*aims.EvidenceRequirement
	SystemName string
}

// ExpectationsOfOwner lists the expectations of a kind of upload on the AI
// systems ownerID owns.
func ExpectationsOfOwner(ctx context.Context, q Querier, scope aims.Scope, ownerID string) ([]OwnedExpectation, error) {
	rows, err := q.queryer().QueryContext(ctx, `
		SELECT x.id, x.requirement, x.system_id, x.kind, x.live, x.max_age_days, x.created_at, x.updated_at, s.name
		FROM ai_systems s CROSS JOIN evidence_requirements x
		WHERE s.org_id = $1 AND s.owner_id = $2 AND x.org_id = s.org_id AND x.system_id = s.id AND x.kind <> ''
		ORDER BY x.requirement, x.kind, x.id`, scope.OrgID(), ownerID)
	if err != nil {
		return nil, fmt.Errorf("expectations of owner: %w", mapError(err))
	}
	defer rows.Close()
	var out []OwnedExpectation
	for rows.Next() {
		var r aims.EvidenceRequirement
		var live, name string
		if err := rows.Scan(&r.ID, &r.Requirement, &r.SystemID, &r.Kind, &live, &r.MaxAgeDays, &r.CreatedAt, &r.UpdatedAt, &name); err != nil {
			return nil, fmt.Errorf("expectations of owner: %w", err)
		}
		r.Live = aims.LiveSet(live)
		out = append(out, OwnedExpectation{EvidenceRequirement: &r, SystemName: name})
	}
	return out, rows.Err()
}
