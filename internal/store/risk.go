package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/aimsproject/aims/internal/aims"
)

// riskControlFramework is the catalog of the controls that treat risks.
const riskControlFramework = "iso42001"

// CreateRisk adds a risk to the organization's register with the next
// number, and its control links.
func CreateRisk(ctx context.Context, tx *Tx, scope aims.Scope, r *aims.Risk) error {
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM risks WHERE org_id = $1`, scope.OrgID()).Scan(&r.Number); err != nil {
		return fmt.Errorf("next risk number: %w", mapError(err))
	}
	r.ID = newID()
	r.CreatedAt, r.UpdatedAt = tx.now, tx.now
	acc := r.Acceptance
	if acc == nil {
		acc = &aims.RiskAcceptance{}
	}
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO risks (id, org_id, number, system_id, title, title_key, description, source_kind, source_id, source_text,
			characteristics, lifecycle_stage, owner_id, criteria_version, likelihood, consequence, level, level_rank,
			treatment, treatment_plan, residual_likelihood, residual_consequence, residual_level, residual_rank, status,
			accepted_by_id, accepted_by, accepted_at, accepted_rationale, accepted_level, next_review, assessment_id, impact_area,
			created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25,
			$26, $27, $28, $29, $30, $31, $32, $33, $34, $35)`,
		r.ID, scope.OrgID(), r.Number, nullString(r.SystemID), r.Title, nameKey(r.Title), r.Description, string(r.Source.Kind),
		r.Source.ID, r.Source.Text, encodeList(r.Characteristics), string(r.LifecycleStage), r.OwnerID, r.CriteriaVersion,
		r.Likelihood, r.Consequence, r.Level, r.LevelRank, string(r.Treatment), r.TreatmentPlan, r.ResidualLikelihood,
		r.ResidualConsequence, r.ResidualLevel, r.ResidualRank, string(r.Status), acc.ByID, acc.By, acceptedAt(r),
		acc.Rationale, acc.Level, nullDate(r.NextReview), nullString(r.AssessmentID), string(r.ImpactArea), r.CreatedAt, r.UpdatedAt)
	if isUniqueViolation(err) {
		return aims.Errorf(aims.KindConflict, "someone added risk R-%d at the same moment: try again", r.Number)
	}
	if err != nil {
		return riskWriteError(err, r)
	}
	if err := writeRiskControls(ctx, tx, scope, r); err != nil {
		return err
	}
	return tx.recordCreate(ctx, scope, aims.EntityRisk, r.ID, riskForAudit(r))
}

func acceptedAt(r *aims.Risk) any {
	if r.Acceptance == nil {
		return nil
	}
	return r.Acceptance.At
}

func riskWriteError(err error, r *aims.Risk) error {
	if classify(err) == classForeignKey {
		return &aims.Error{Kind: aims.KindInvalid, Message: "the owner, the AI system or the impact assessment is not one of this organization's",
			Fields: []aims.FieldError{{Field: "owner_id", Detail: "must be a member of this organization"}}}
	}
	return fmt.Errorf("write risk %q: %w", r.Title, mapError(err))
}

func writeRiskControls(ctx context.Context, tx *Tx, scope aims.Scope, r *aims.Risk) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM risk_controls WHERE org_id = $1 AND risk_id = $2`, scope.OrgID(), r.ID); err != nil {
		return fmt.Errorf("write controls of risk: %w", mapError(err))
	}
	for i, id := range r.Controls {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO risk_controls (org_id, risk_id, framework, requirement_id, position) VALUES ($1, $2, $3, $4, $5)`,
			scope.OrgID(), r.ID, riskControlFramework, id, i)
		if err != nil {
			return fmt.Errorf("write controls of risk: %w", mapError(err))
		}
	}
	return nil
}

// riskForAudit is the risk as the audit trail keeps it: what is stored,
// without what is computed on reading.
func riskForAudit(r *aims.Risk) *aims.Risk {
	c := *r
	c.Actions, c.Issues, c.Overdue, c.OverdueActions, c.OverdueReview, c.CurrentLevel = nil, nil, false, 0, false, ""
	c.Source.Title = ""
	return &c
}

// riskSelect reads a risk with its owner's and system's names; $2 is
// today, against which reviews and actions are overdue.
const riskSelect = `
	SELECT r.id, r.number, COALESCE(r.system_id, ''), COALESCE(s.name, ''), r.title, r.description, r.source_kind, r.source_id,
		r.source_text, r.characteristics, r.lifecycle_stage, r.owner_id, u.name, u.email, r.criteria_version, r.likelihood,
		r.consequence, r.level, r.level_rank, r.treatment, r.treatment_plan, r.residual_likelihood, r.residual_consequence,
		r.residual_level, r.residual_rank, r.status, r.accepted_by_id, r.accepted_by, r.accepted_at, r.accepted_rationale,
		r.accepted_level, r.next_review, COALESCE(r.assessment_id, ''), r.impact_area, r.created_at, r.updated_at,
		(r.status <> 'closed' AND r.next_review IS NOT NULL AND r.next_review < $2),
		(SELECT COUNT(*) FROM risk_actions a WHERE a.risk_id = r.id AND r.status <> 'closed'
			AND a.status IN ('planned', 'in_progress') AND a.due_date IS NOT NULL AND a.due_date < $2)
	FROM risks r
	JOIN users u ON u.id = r.owner_id
	LEFT JOIN ai_systems s ON s.id = r.system_id`

func scanRisk(sc scanner, extra ...any) (*aims.Risk, error) {
	var r aims.Risk
	var kind, chars, stage, treatment, status, area string
	var acc aims.RiskAcceptance
	var accAt, review sql.NullTime
	dest := []any{&r.ID, &r.Number, &r.SystemID, &r.SystemName, &r.Title, &r.Description, &kind, &r.Source.ID, &r.Source.Text,
		&chars, &stage, &r.OwnerID, &r.OwnerName, &r.OwnerEmail, &r.CriteriaVersion, &r.Likelihood, &r.Consequence, &r.Level,
		&r.LevelRank, &treatment, &r.TreatmentPlan, &r.ResidualLikelihood, &r.ResidualConsequence, &r.ResidualLevel, &r.ResidualRank, &status,
		&acc.ByID, &acc.By, &accAt, &acc.Rationale, &acc.Level, &review, &r.AssessmentID, &area, &r.CreatedAt, &r.UpdatedAt,
		&r.OverdueReview, &r.OverdueActions}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	r.Source.Kind, r.LifecycleStage, r.Treatment = aims.RiskSourceKind(kind), aims.LifecycleStage(stage), aims.TreatmentOption(treatment)
	r.Status, r.ImpactArea = aims.RiskStatus(status), aims.ImpactArea(area)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.NextReview = scanDate(review)
	if accAt.Valid {
		acc.At = accAt.Time.UTC()
		r.Acceptance = &acc
	}
	r.Overdue = r.OverdueReview || r.OverdueActions > 0
	r.CurrentLevel = r.Current()
	r.Controls = []string{}
	if err := decodeList(chars, &r.Characteristics); err != nil {
		return nil, err
	}
	return &r, nil
}

// FindRiskByID returns one risk of the organization with its controls and
// treatment actions. today is what overdue is measured against.
func FindRiskByID(ctx context.Context, q Querier, scope aims.Scope, id string, today aims.Date) (*aims.Risk, error) {
	r, err := scanRisk(q.queryer().QueryRowContext(ctx, riskSelect+` WHERE r.org_id = $1 AND r.id = $3`, scope.OrgID(), today.Time, id))
	if err != nil {
		return nil, notFound(err, "risk")
	}
	if err := loadRiskControls(ctx, q, scope, []*aims.Risk{r}); err != nil {
		return nil, err
	}
	if r.Actions, err = FindRiskActions(ctx, q, scope, r.ID, today); err != nil {
		return nil, err
	}
	return r, nil
}

// riskWhere builds the filter of FindRisks and EachRisk; $1 is the
// organization and $2 today.
func riskWhere(scope aims.Scope, f aims.RiskFilter) (string, []any) {
	where := ` WHERE r.org_id = $1`
	args := []any{scope.OrgID(), f.Today.Time}
	add := func(cond string, v any) {
		if v == nil {
			return
		}
		args = append(args, v)
		where += " AND " + strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args)))
	}
	if f.SystemID == "none" {
		where += ` AND r.system_id IS NULL`
	} else {
		add(`r.system_id = $?`, opt(f.SystemID))
	}
	add(`(CASE WHEN r.residual_level <> '' THEN r.residual_level ELSE r.level END) = $?`, opt(f.Level))
	add(`r.owner_id = $?`, opt(f.OwnerID))
	add(`r.status = $?`, opt(f.Status))
	add(`r.title_key LIKE $? ESCAPE '\'`, likePattern(f.Search))
	add(`EXISTS (SELECT 1 FROM risk_controls c WHERE c.org_id = r.org_id AND c.risk_id = r.id
		AND c.framework = '`+riskControlFramework+`' AND c.requirement_id = $?)`, opt(f.Control))
	if f.Overdue {
		where += ` AND r.status <> 'closed' AND ((r.next_review IS NOT NULL AND r.next_review < $2) OR EXISTS (
			SELECT 1 FROM risk_actions a WHERE a.risk_id = r.id AND a.status IN ('planned', 'in_progress')
			AND a.due_date IS NOT NULL AND a.due_date < $2))`
	}
	return where, args
}

// riskOrders are the ORDER BY clauses of aims.RiskSorts; the default puts
// the highest current level first, then the register's order.
var riskOrders = map[string]string{
	"-level":       ` ORDER BY (CASE WHEN r.residual_level <> '' THEN r.residual_rank ELSE r.level_rank END) DESC, r.number`,
	"level":        ` ORDER BY (CASE WHEN r.residual_level <> '' THEN r.residual_rank ELSE r.level_rank END), r.number`,
	"next_review":  ` ORDER BY r.next_review IS NULL, r.next_review, r.number`,
	"-next_review": ` ORDER BY r.next_review IS NULL, r.next_review DESC, r.number`,
	"title":        ` ORDER BY r.title_key, r.number`,
	"-title":       ` ORDER BY r.title_key DESC, r.number DESC`,
	"number":       ` ORDER BY r.number`,
	"-number":      ` ORDER BY r.number DESC`,
}

// riskOrder is f's order; the service has refused an unknown key.
func riskOrder(f aims.RiskFilter) string {
	if o, ok := riskOrders[f.Sort]; ok {
		return o
	}
	return riskOrders["-level"]
}

// FindRisks lists the risks that match f, one page at a time, with the
// total that match and their controls (not their actions).
func FindRisks(ctx context.Context, q Querier, scope aims.Scope, f aims.RiskFilter) ([]*aims.Risk, int, error) {
	where, args := riskWhere(scope, f)
	n := len(args)
	query := strings.Replace(riskSelect, "\n\tFROM risks r", ",\n\t\tCOUNT(*) OVER ()\n\tFROM risks r", 1) + where + riskOrder(f) +
		fmt.Sprintf(` LIMIT $%d OFFSET $%d`, n+1, n+2)
	out, total, err := findPage(ctx, q, "risks", query, args, f.Page, func(sc scanner, total *int) (*aims.Risk, error) {
		return scanRisk(sc, total)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, loadRiskControls(ctx, q, scope, out)
}

// EachRisk calls fn with every risk that matches f, ignoring its page,
// with controls: exports and the heat map need the whole register.
func EachRisk(ctx context.Context, q Querier, scope aims.Scope, f aims.RiskFilter, fn func(*aims.Risk) error) error {
	where, args := riskWhere(scope, f)
	rows, err := q.queryer().QueryContext(ctx, riskSelect+where+riskOrder(f), args...)
	if err != nil {
		return fmt.Errorf("read risks: %w", mapError(err))
	}
	var all []*aims.Risk
	for rows.Next() {
		r, err := scanRisk(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("read risks: %w", err)
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read risks: %w", err)
	}
	if err := loadRiskControls(ctx, q, scope, all); err != nil {
		return err
	}
	for _, r := range all {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// loadRiskControls fills the controls of risks in one query.
func loadRiskControls(ctx context.Context, q Querier, scope aims.Scope, risks []*aims.Risk) error {
	if len(risks) == 0 {
		return nil
	}
	byID := map[string]*aims.Risk{}
	args := []any{scope.OrgID()}
	marks := make([]string, len(risks))
	for i, r := range risks {
		byID[r.ID] = r
		args = append(args, r.ID)
		marks[i] = "$" + strconv.Itoa(i+2)
	}
	rows, err := q.queryer().QueryContext(ctx, `SELECT risk_id, requirement_id FROM risk_controls
		WHERE org_id = $1 AND risk_id IN (`+strings.Join(marks, ", ")+`) ORDER BY risk_id, position`, args...)
	if err != nil {
		return fmt.Errorf("find controls of risks: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var riskID, ctl string
		if err := rows.Scan(&riskID, &ctl); err != nil {
			return fmt.Errorf("find controls of risks: %w", err)
		}
		byID[riskID].Controls = append(byID[riskID].Controls, ctl)
	}
	return rows.Err()
}

// UpdateRisk writes after over before, which the caller read in the same
// transaction, with its control links and acceptance.
func UpdateRisk(ctx context.Context, tx *Tx, scope aims.Scope, before, after *aims.Risk) error {
	after.UpdatedAt = tx.now
	acc := after.Acceptance
	if acc == nil {
		acc = &aims.RiskAcceptance{}
	}
	res, err := tx.tx.ExecContext(ctx, `
		UPDATE risks SET system_id = $1, title = $2, title_key = $3, description = $4, source_kind = $5, source_id = $6,
			source_text = $7, characteristics = $8, lifecycle_stage = $9, owner_id = $10, criteria_version = $11,
			likelihood = $12, consequence = $13, level = $14, level_rank = $15, treatment = $16, treatment_plan = $17,
			residual_likelihood = $18, residual_consequence = $19, residual_level = $20, residual_rank = $21, status = $22,
			accepted_by_id = $23, accepted_by = $24, accepted_at = $25, accepted_rationale = $26, accepted_level = $27,
			next_review = $28, updated_at = $29
		WHERE org_id = $30 AND id = $31`,
		nullString(after.SystemID), after.Title, nameKey(after.Title), after.Description, string(after.Source.Kind), after.Source.ID,
		after.Source.Text, encodeList(after.Characteristics), string(after.LifecycleStage), after.OwnerID, after.CriteriaVersion,
		after.Likelihood, after.Consequence, after.Level, after.LevelRank, string(after.Treatment), after.TreatmentPlan,
		after.ResidualLikelihood, after.ResidualConsequence, after.ResidualLevel, after.ResidualRank, string(after.Status),
		acc.ByID, acc.By, acceptedAt(after), acc.Rationale, acc.Level, nullDate(after.NextReview), after.UpdatedAt,
		scope.OrgID(), before.ID)
	if err != nil {
		return riskWriteError(err, after)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aims.ErrNotFound("risk")
	}
	if err := writeRiskControls(ctx, tx, scope, after); err != nil {
		return err
	}
	return tx.recordUpdate(ctx, scope, aims.EntityRisk, before.ID, riskForAudit(before), riskForAudit(after))
}

// DeleteRisk removes a risk with its control links and treatment actions;
// the audit event keeps them.
func DeleteRisk(ctx context.Context, tx *Tx, scope aims.Scope, before *aims.Risk) error {
	for _, q := range []string{
		`DELETE FROM risk_controls WHERE org_id = $1 AND risk_id = $2`,
		`DELETE FROM risk_actions WHERE org_id = $1 AND risk_id = $2`,
		`DELETE FROM risks WHERE org_id = $1 AND id = $2`,
	} {
		if _, err := tx.tx.ExecContext(ctx, q, scope.OrgID(), before.ID); err != nil {
			return fmt.Errorf("delete risk %s: %w", before.Ref(), mapError(err))
		}
	}
	audit := riskForAudit(before)
	audit.Actions = before.Actions
	return tx.recordDelete(ctx, scope, aims.EntityRisk, before.ID, audit)
}

// FindRiskLinks returns the risks raised from the areas of the impact
// assessments of one system, by area.
func FindRiskLinks(ctx context.Context, q Querier, scope aims.Scope, assessmentIDs []string) (map[string]map[aims.ImpactArea][]aims.RiskLink, error) {
	out := map[string]map[aims.ImpactArea][]aims.RiskLink{}
	if len(assessmentIDs) == 0 {
		return out, nil
	}
	args := []any{scope.OrgID()}
	marks := make([]string, len(assessmentIDs))
	for i, id := range assessmentIDs {
		args = append(args, id)
		marks[i] = "$" + strconv.Itoa(i+2)
	}
	rows, err := q.queryer().QueryContext(ctx, `SELECT assessment_id, impact_area, id, number, title FROM risks
		WHERE org_id = $1 AND assessment_id IN (`+strings.Join(marks, ", ")+`) ORDER BY number`, args...)
	if err != nil {
		return nil, fmt.Errorf("find risks of impact assessments: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var aid, area string
		var l aims.RiskLink
		if err := rows.Scan(&aid, &area, &l.ID, &l.Number, &l.Title); err != nil {
			return nil, fmt.Errorf("find risks of impact assessments: %w", err)
		}
		if out[aid] == nil {
			out[aid] = map[aims.ImpactArea][]aims.RiskLink{}
		}
		out[aid][aims.ImpactArea(area)] = append(out[aid][aims.ImpactArea(area)], l)
	}
	return out, rows.Err()
}
