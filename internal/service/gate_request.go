package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/approval"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/gate"
	"github.com/aimsproject/aims/internal/rules"
	"github.com/aimsproject/aims/internal/store"
)

// Gate requests (issue 17; ISO/IEC 42001 A.6.2.4, A.6.2.5, 8.1): passing a
// model version's gate is an approval request of the one approval engine
// (subject kind model_version_gate). It is created even when checks fail,
// and its read shows every check, the approvals so far and whether it can
// complete. Its approve decisions feed the gate's approvals check; once
// the quorum approved and every check holds, the model version moves in
// the same transaction, by the act that names the request and every
// approver. The request, each decision and the completion with the
// checks' results are sealed in the log.
//
// What approvers approve (the subject's SHA-256): the model version's
// content (version label, artifact digest, source, training data summary,
// notes, datasets and features) and its recorded validation metrics, with
// the status asked for. A change to any of them voids the request; evidence
// arriving later does not (it is what a held request may wait for).

// GateRequest is a gate request as read: the approval request, the gates'
// checks now (fed with its approvals), and whether it can complete.
type GateRequest struct {
	ID             string                  `json:"id" doc:"The request's id: the approval request's"`
	Approval       *aims.ApprovalRequest   `json:"approval"`
	SystemID       string                  `json:"system_id"`
	ModelVersionID string                  `json:"model_version_id"`
	Version        string                  `json:"version"`
	To             aims.ModelVersionStatus `json:"to" doc:"The status the model version moves to when the request completes"`
	Gate           gate.Result             `json:"gate" doc:"The gates' checks now, the approvals check fed with the request's approvals"`
	Completed      bool                    `json:"completed" doc:"The model version moved: its act names this request"`
	CanComplete    bool                    `json:"can_complete" doc:"Approved, content unchanged and every check holds: completing moves the status"`
	StatusText     string                  `json:"status_text" doc:"Where it stands, in words"`
}

// GateRequestInput asks for passage of a model version through the gates
// to status To. Approver roles and quorum default from the gate's
// approvals check.
type GateRequestInput struct {
	To            aims.ModelVersionStatus `json:"to" enum:"approved,deployed" doc:"approved (through the validation and approval gates) or deployed (through the deployment gate)"`
	Approvers     []string                `json:"approvers,omitempty" doc:"Ids of members named as approvers"`
	ApproverRoles []aims.Role             `json:"approver_roles,omitempty" enum:"admin,aims_manager,system_owner,contributor" doc:"Default: the roles of the gate's approvals check"`
	Quorum        int                     `json:"quorum,omitempty" doc:"Default: the quorum of the gate's approvals check"`
	DueOn         *aims.Date              `json:"due_on,omitempty"`
}

// modelVersionGateSubject lets approval requests name a model version's
// passage through its gates.
var modelVersionGateSubject = approvalSubject{
	current: func(ctx context.Context, q store.Querier, scope aims.Scope, id string) (string, error) {
		vid, to := splitGateSubject(id)
		systemID, err := store.FindModelVersionSystem(ctx, q, scope, vid)
		if err != nil {
			return "", err
		}
		mv, err := store.FindModelVersionByID(ctx, q, scope, systemID, vid)
		if err != nil {
			return "", err
		}
		return gateSubjectDigest(ctx, q, scope, mv, to)
	},
	decided: func(ctx context.Context, tx *store.Tx, scope aims.Scope, r *aims.ApprovalRequest) error {
		if r.Status != aims.ApprovalApproved {
			return nil
		}
		_, held, err := completeGateRequest(ctx, tx, scope, r)
		if err != nil || held == "" {
			return err
		}
		_, err = store.SetApprovalStatus(ctx, tx, scope, r, aims.ApprovalApproved, "approved, cannot complete: "+held)
		return err
	},
	link: func(ctx context.Context, q store.Querier, scope aims.Scope, id string) string {
		vid, _ := splitGateSubject(id)
		systemID, err := store.FindModelVersionSystem(ctx, q, scope, vid)
		if err != nil {
			return ""
		}
		return "/systems/" + systemID + "/versions/" + vid
	},
}

func init() { approvalSubjects[aims.SubjectModelVersionGate] = modelVersionGateSubject }

// gateSubjectID is the subject id of a request to move version id to to.
func gateSubjectID(id string, to aims.ModelVersionStatus) string { return id + ":" + string(to) }

func splitGateSubject(subject string) (string, aims.ModelVersionStatus) {
	id, to, _ := strings.Cut(subject, ":")
	return id, aims.ModelVersionStatus(to)
}

// gateContent is what the approvers of a gate request approve.
type gateContent struct {
	To                  aims.ModelVersionStatus `json:"to"`
	ID                  string                  `json:"id"`
	Version             string                  `json:"version"`
	Digest              string                  `json:"digest"`
	SourceURI           string                  `json:"source_uri"`
	TrainingDataSummary string                  `json:"training_data_summary"`
	Notes               string                  `json:"notes"`
	Datasets            []string                `json:"datasets"`
	Features            []string                `json:"features"`
	Metrics             []gateMetric            `json:"metrics"`
}

type gateMetric struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"`
	DatasetID string  `json:"dataset_id"`
}

// gateSubjectDigest is the SHA-256 of mv's content and metrics with the
// status asked for (see the package comment above).
func gateSubjectDigest(ctx context.Context, q store.Querier, scope aims.Scope, mv *aims.ModelVersion, to aims.ModelVersionStatus) (string, error) {
	metrics, err := store.FindValidationMetrics(ctx, q, scope, mv.SystemID, mv.ID)
	if err != nil {
		return "", err
	}
	return gateDigestOf(mv, metrics, to)
}

// gateDigestOf is gateSubjectDigest on records already read.
func gateDigestOf(mv *aims.ModelVersion, metrics []aims.ValidationMetric, to aims.ModelVersionStatus) (string, error) {
	c := gateContent{To: to, ID: mv.ID, Version: mv.Version, Digest: mv.Digest, SourceURI: mv.SourceURI,
		TrainingDataSummary: mv.TrainingDataSummary, Notes: mv.Notes, Datasets: []string{}, Features: []string{}, Metrics: []gateMetric{}}
	for _, d := range mv.Datasets {
		c.Datasets = append(c.Datasets, d.DatasetID+" "+string(d.Purpose))
	}
	for _, f := range mv.Features {
		c.Features = append(c.Features, f.ID)
	}
	slices.Sort(c.Datasets)
	slices.Sort(c.Features)
	for _, m := range metrics {
		c.Metrics = append(c.Metrics, gateMetric{ID: m.ID, Name: m.Name, Value: m.Value, Unit: m.Unit, DatasetID: m.DatasetID})
	}
	slices.SortFunc(c.Metrics, func(a, b gateMetric) int { return strings.Compare(a.ID, b.ID) })
	return approval.Digest(c)
}

// gateLabel names a gate request for people: "Deployment gate of
// Setpoint optimizer 2.3.0".
func gateLabel(systemName, version string, to aims.ModelVersionStatus) string {
	t := gate.ForStatus(to).Title()
	return strings.ToUpper(t[:1]) + t[1:] + " of " + systemName + " " + version
}

// RequestGatePassage asks for passage of a model version through its
// gates to status in.To: an approval request whose approver roles and
// quorum default from the gate's approvals check. It is created even when
// checks fail; its read says what fails. Anyone who may edit the system
// may ask; 409 when the version cannot move to in.To from where it is, or
// a request for the same passage is pending.
func (s *Service) RequestGatePassage(ctx context.Context, systemID, versionID string, in GateRequestInput) (*GateRequest, error) {
	var id string
	err := s.transact(ctx, func(tx *store.Tx) error {
		sys, scope, err := systemForWrite(ctx, tx, systemID, "ask for passage through a lifecycle gate")
		if err != nil {
			return err
		}
		mv, err := store.FindModelVersionByID(ctx, tx, scope, systemID, versionID)
		if err != nil {
			return err
		}
		if in.To != aims.ModelApproved && in.To != aims.ModelDeployed {
			return invalid("to", "must be approved or deployed")
		}
		if from := aims.ApprovalFrom(in.To); !statusIn(mv.Status, from) {
			return &aims.Error{Kind: aims.KindConflict,
				Message: fmt.Sprintf("model version %q is %s: only a %s version can be moved to %s", mv.Version,
					strings.ToLower(mv.Status.Title()), statusWords(from), in.To),
				Fields: []aims.FieldError{{Field: "to", Detail: fmt.Sprintf("cannot move from %s to %s", mv.Status, in.To)}}}
		}
		open, _, err := store.FindApprovalRequests(ctx, tx, scope, aims.ApprovalFilter{SubjectKind: aims.SubjectModelVersionGate,
			SubjectID: gateSubjectID(mv.ID, in.To), Status: aims.ApprovalPending, Page: aims.Page{Limit: 1}})
		if err != nil {
			return err
		}
		if len(open) > 0 {
			return &aims.Error{Kind: aims.KindConflict, Message: "passage of model version " + mv.Version + " to " + string(in.To) +
				" is already asked for: decide or let that request lapse first",
				Fields: []aims.FieldError{{Field: "to", Detail: "a pending gate request exists: " + open[0].ID}}}
		}
		w, err := loadGates(ctx, tx, scope, systemID, tx.Now(), expiringWindowIn(ctx, tx, scope))
		if err != nil {
			return err
		}
		roles, quorum := gateApprovalsDefault(w.definition(w.systems[systemID], gate.ForStatus(in.To)))
		ask := aims.ApprovalAsk{Approvers: in.Approvers, ApproverRoles: in.ApproverRoles, Quorum: in.Quorum, DueOn: in.DueOn}
		if len(ask.Approvers) == 0 && len(ask.ApproverRoles) == 0 {
			ask.ApproverRoles = roles
		}
		if ask.Quorum == 0 {
			ask.Quorum = quorum
		}
		digest, err := gateSubjectDigest(ctx, tx, scope, mv, in.To)
		if err != nil {
			return err
		}
		r, err := openApproval(ctx, tx, scope, approval.Subject{Kind: aims.SubjectModelVersionGate, ID: gateSubjectID(mv.ID, in.To), Digest: digest},
			gateLabel(sys.Name, mv.Version, in.To), ask)
		if err != nil {
			return err
		}
		id = r.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindGateRequest(ctx, systemID, versionID, id)
}

// gateApprovalsDefault is the roles and quorum of a gate's approvals
// check; without one, the roles that approve model versions, and one.
func gateApprovalsDefault(d gate.Definition) ([]aims.Role, int) {
	for _, c := range d.Checks {
		if c.Kind == gate.CheckApprovals && len(c.Roles) > 0 {
			return slices.Clone(c.Roles), max(c.Quorum, 1)
		}
	}
	return []aims.Role{aims.RoleAIMSManager, aims.RoleAdmin}, 1
}

// FindGateRequests lists the gate requests of a model version, newest first.
func (s *Service) FindGateRequests(ctx context.Context, systemID, versionID string) ([]*GateRequest, error) {
	scope, p, err := authz.Authorize(ctx, authz.Read, "read model versions")
	if err != nil {
		return nil, err
	}
	mv, err := store.FindModelVersionByID(ctx, s.db, scope, systemID, versionID)
	if err != nil {
		return nil, err
	}
	out := []*GateRequest{}
	for _, to := range []aims.ModelVersionStatus{aims.ModelApproved, aims.ModelDeployed} {
		list, _, err := store.FindApprovalRequests(ctx, s.db, scope, aims.ApprovalFilter{SubjectKind: aims.SubjectModelVersionGate,
			SubjectID: gateSubjectID(mv.ID, to), Page: aims.Page{Limit: 100}})
		if err != nil {
			return nil, err
		}
		for _, r := range list {
			s.markForCaller(r, p)
			g, err := readGateRequest(ctx, s.db, scope, s.db.Now(), s.expiringWindow(ctx, scope), mv, r)
			if err != nil {
				return nil, err
			}
			out = append(out, g)
		}
	}
	slices.SortStableFunc(out, func(a, b *GateRequest) int { return b.Approval.CreatedAt.Compare(a.Approval.CreatedAt) })
	return out, nil
}

// FindGateRequest reads one gate request of a model version: 404 when the
// request is not one of this version's.
func (s *Service) FindGateRequest(ctx context.Context, systemID, versionID, id string) (*GateRequest, error) {
	scope, p, err := authz.Authorize(ctx, authz.Read, "read model versions")
	if err != nil {
		return nil, err
	}
	mv, r, err := findGateRequest(ctx, s.db, scope, systemID, versionID, id)
	if err != nil {
		return nil, err
	}
	s.markForCaller(r, p)
	return readGateRequest(ctx, s.db, scope, s.db.Now(), s.expiringWindow(ctx, scope), mv, r)
}

func findGateRequest(ctx context.Context, q store.Querier, scope aims.Scope, systemID, versionID, id string) (*aims.ModelVersion, *aims.ApprovalRequest, error) {
	mv, err := store.FindModelVersionByID(ctx, q, scope, systemID, versionID)
	if err != nil {
		return nil, nil, err
	}
	r, err := store.FindApprovalRequestByID(ctx, q, scope, id)
	if err != nil {
		return nil, nil, err
	}
	if vid, _ := splitGateSubject(r.SubjectID); r.SubjectKind != aims.SubjectModelVersionGate || vid != mv.ID {
		return nil, nil, aims.ErrNotFound("gate request")
	}
	return mv, r, nil
}

// CompleteGateRequest retries the completion of an approved gate request
// whose checks did not all hold when the quorum approved (e.g. after the
// evidence arrived): 409 naming what still fails, or when the request is
// not approved, void (content changed) or completed already.
func (s *Service) CompleteGateRequest(ctx context.Context, systemID, versionID, id string) (*GateRequest, error) {
	scope, p, err := authz.Authorize(ctx, authz.Read, "complete gate requests")
	if err != nil {
		return nil, err
	}
	if !mayDecide(p) {
		return nil, aims.ErrForbidden("complete gate requests (auditors and viewers write nothing)")
	}
	err = s.transact(ctx, func(tx *store.Tx) error {
		_, r, err := findGateRequest(ctx, tx, scope, systemID, versionID, id)
		if err != nil {
			return err
		}
		done, held, err := completeGateRequest(ctx, tx, scope, r)
		switch {
		case err != nil:
			return err
		case held != "":
			return &aims.Error{Kind: aims.KindConflict, Message: "approved, cannot complete: " + held}
		case !done:
			return aims.Errorf(aims.KindConflict, "this gate request is already completed")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindGateRequest(ctx, systemID, versionID, id)
}

// completeGateRequest moves the model version of the approved request r
// when every check holds, recording the act with r's approvers, in tx.
// done is false when r was completed before; held says what fails when
// the checks do not all hold. A request not approved, or whose subject
// changed, is a 409.
func completeGateRequest(ctx context.Context, tx *store.Tx, scope aims.Scope, r *aims.ApprovalRequest) (done bool, held string, err error) {
	vid, to := splitGateSubject(r.SubjectID)
	systemID, err := store.FindModelVersionSystem(ctx, tx, scope, vid)
	if err != nil {
		return false, "", err
	}
	mv, err := store.FindModelVersionByID(ctx, tx, scope, systemID, vid)
	if err != nil {
		return false, "", err
	}
	if completedBy(mv, r.ID) {
		return false, "", nil
	}
	current, err := gateSubjectDigest(ctx, tx, scope, mv, to)
	if err != nil {
		return false, "", err
	}
	req, ds := engineRequest(r)
	o := approval.Evaluate(req, ds, current)
	switch o.Status {
	case approval.Void:
		return false, "", &aims.Error{Kind: aims.KindConflict, Message: "this gate request is void: " + o.Reason + "; ask for passage again"}
	case approval.Rejected:
		return false, "", &aims.Error{Kind: aims.KindConflict, Message: "this gate request was rejected"}
	case approval.Pending:
		return false, "", &aims.Error{Kind: aims.KindConflict, Message: "this gate request still waits for approvals: " + o.Reason}
	}
	approvers, err := requestApprovals(ctx, tx, scope, r)
	if err != nil {
		return false, "", err
	}
	a := &aims.ModelVersionApproval{Status: to, GateRequestID: r.ID,
		Evidence:           "the evidence the gate's checks name (" + r.AuditLabel() + ")",
		AcceptanceCriteria: "the acceptance criteria the gate's checks name",
		Result:             "every check of the gate held when the gate request completed"}
	for _, ap := range approvers {
		a.Approvers = append(a.Approvers, aims.GateApprover{ID: ap.PersonID, Name: ap.Name, Role: ap.Role})
	}
	a.Normalize()
	res, err := passGates(ctx, tx, scope, mv, a, gatePass{actorID: scope.Actor().UserID, approvals: approvers, request: true})
	if errors.Is(err, errGateHeld) {
		return false, res.Reasons(), nil
	}
	if err != nil {
		return false, "", err
	}
	_, err = store.SetApprovalStatus(ctx, tx, scope, r, aims.ApprovalApproved,
		fmt.Sprintf("completed: model version %s moved to %s, every check of its %s held", mv.Version, to, res.Gate.Title()))
	return err == nil, "", err
}

// completedBy reports whether an act of mv names gate request id.
func completedBy(mv *aims.ModelVersion, id string) bool {
	for _, a := range mv.Approvals {
		if a.GateRequestID == id {
			return true
		}
	}
	return false
}

// requestApprovals are the approve decisions of r on the content asked
// for, one per person, with each approver's role now (the approvals check
// counts the roles it names).
func requestApprovals(ctx context.Context, q store.Querier, scope aims.Scope, r *aims.ApprovalRequest) ([]gate.Approval, error) {
	var out []gate.Approval
	seen := map[string]bool{}
	for _, d := range r.Decisions {
		if d.Verdict != aims.VerdictApprove || d.SubjectDigest != r.SubjectDigest || d.DecidedBy == "" || seen[d.DecidedBy] {
			continue
		}
		seen[d.DecidedBy] = true
		m, err := store.FindMemberByID(ctx, q, scope, d.DecidedBy)
		if aims.IsKind(err, aims.KindNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		if m.Disabled {
			continue
		}
		out = append(out, gate.Approval{PersonID: d.DecidedBy, Name: d.DecidedByLabel, Role: m.Role})
	}
	return out, nil
}

// readGateRequest evaluates r's gates now for the model version mv.
func readGateRequest(ctx context.Context, q store.Querier, scope aims.Scope, now time.Time, window time.Duration, mv *aims.ModelVersion, r *aims.ApprovalRequest) (*GateRequest, error) {
	_, to := splitGateSubject(r.SubjectID)
	g := &GateRequest{ID: r.ID, Approval: r, SystemID: mv.SystemID, ModelVersionID: mv.ID, Version: mv.Version, To: to,
		Completed: completedBy(mv, r.ID)}
	current, err := gateSubjectDigest(ctx, q, scope, mv, to)
	if err != nil {
		return nil, err
	}
	req, ds := engineRequest(r)
	o := approval.Evaluate(req, ds, current)
	if g.Completed {
		for _, a := range mv.Approvals {
			if a.GateRequestID == r.ID {
				g.Gate = gate.Result{Gate: gate.ID(a.Gate), Passed: true}
				for _, c := range a.Checks {
					g.Gate.Checks = append(g.Gate.Checks, gate.CheckResult{Kind: gate.CheckKind(c.Kind), Title: c.Title, Passed: c.Passed, Why: c.Why})
				}
			}
		}
		g.StatusText = "Completed: model version " + mv.Version + " moved to " + string(to)
		return g, nil
	}
	w, err := loadGates(ctx, q, scope, mv.SystemID, now, window)
	if err != nil {
		return nil, err
	}
	st := w.systems[mv.SystemID]
	facts := *st.facts[mv.ID]
	if facts.Approvals, err = requestApprovals(ctx, q, scope, r); err != nil {
		return nil, err
	}
	g.Gate = gate.EvaluateAll(gatesFor(w, st, mv.Status, to, false), facts)
	movable := statusIn(mv.Status, aims.ApprovalFrom(to))
	switch {
	case o.Status == approval.Void:
		g.StatusText = "Void: " + o.Reason
	case o.Status == approval.Rejected:
		g.StatusText = "Rejected"
	case !movable:
		g.StatusText = "Model version " + mv.Version + " is " + strings.ToLower(mv.Status.Title()) + ": it can no longer move to " + string(to) + " by this request"
	case o.Status == approval.Pending:
		g.StatusText = "Waiting for approvals: " + o.Reason
		if !g.Gate.Passed {
			g.StatusText += "; failing now: " + g.Gate.Reasons()
		}
	case !g.Gate.Passed:
		g.StatusText = "Approved, cannot complete: " + g.Gate.Reasons()
	default:
		g.CanComplete = true
		g.StatusText = "Approved, every check holds: ready to complete"
	}
	return g, nil
}

// voidGateRequests voids the pending gate requests of model version mv
// whose content changed (its metrics or its record), in tx.
func voidGateRequests(ctx context.Context, tx *store.Tx, scope aims.Scope, systemID, versionID string) error {
	mv, err := store.FindModelVersionByID(ctx, tx, scope, systemID, versionID)
	if err != nil {
		return err
	}
	for _, to := range []aims.ModelVersionStatus{aims.ModelApproved, aims.ModelDeployed} {
		list, _, err := store.FindApprovalRequests(ctx, tx, scope, aims.ApprovalFilter{SubjectKind: aims.SubjectModelVersionGate,
			SubjectID: gateSubjectID(mv.ID, to), Status: aims.ApprovalPending, Page: aims.Page{Limit: 100}})
		if err != nil || len(list) == 0 {
			if err != nil {
				return err
			}
			continue
		}
		current, err := gateSubjectDigest(ctx, tx, scope, mv, to)
		if err != nil {
			return err
		}
		for _, r := range list {
			if r.SubjectDigest != current {
				if err := voidApproval(ctx, tx, scope, r.ID, current); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// expiringWindowIn is Service.expiringWindow read in q (a transaction).
func expiringWindowIn(ctx context.Context, q store.Querier, scope aims.Scope) time.Duration {
	days, err := store.EvidenceExpiringDays(ctx, q, scope)
	if err != nil {
		return rules.DefaultExpiringWindow
	}
	return time.Duration(days) * 24 * time.Hour
}
