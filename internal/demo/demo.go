// Package demo loads the demo organization (slug "demo"): a small, realistic
// portfolio of AI systems with owners, model versions, datasets and
// suppliers, and one account per role.
//
// Everything is created through the services, so that the demo data passes
// the same validation as a person's and appears in the audit trail, made by
// aims itself (actor kind "system").
package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/service"
	"github.com/aimsproject/aims/internal/store"
)

// Slug is the demo organization's slug.
const Slug = "demo"

// Account is a demo account and its password, printed in demo mode.
type Account struct {
	Email    string
	Role     string
	Password string
}

// loaderLabel names the demo loader in the audit trail.
const loaderLabel = "aims demo loader"

// Ensure loads the demo organization when the database has no organization
// yet, and returns the demo accounts when the demo organization exists.
// When other organizations exist and the demo one does not, it loads
// nothing, says so in the log, and returns no accounts: demo data never
// mixes with real records.
//
// A load that stopped half-way (the process was killed) is completed on the
// next start: records that exist are kept, and the accounts get new
// passwords, which are recorded last.
func Ensure(ctx context.Context, svc *service.Service) ([]Account, error) {
	orgs, err := svc.ListOrganizations(ctx)
	if err != nil {
		return nil, err
	}
	var demoOrg *aims.Organization
	for _, o := range orgs {
		if o.Slug == Slug {
			demoOrg = o
		}
	}
	if demoOrg == nil && len(orgs) > 0 {
		slog.InfoContext(ctx, "demo data not loaded: the database already holds other organizations (--demo loads it only into an empty database)",
			"organizations", len(orgs))
		return nil, nil
	}
	if demoOrg != nil {
		accounts, err := recordedAccounts(ctx, svc)
		if err != nil || len(accounts) == loginCount() {
			return accounts, err
		}
		slog.WarnContext(ctx, "the demo organization is incomplete (an earlier load stopped): completing it")
	}
	start := time.Now()
	accounts, err := load(ctx, svc)
	if aims.IsKind(err, aims.KindConflict) && demoOrg == nil {
		// Another aims process, started in demo mode at the same moment,
		// created the organization first and is loading it.
		slog.WarnContext(ctx, "another aims process is loading the demo organization", "err", err)
		return recordedAccounts(ctx, svc)
	}
	if err != nil {
		return nil, err
	}
	slog.InfoContext(ctx, "demo organization loaded", "slug", Slug, "systems", len(systems), "duration", time.Since(start).Round(time.Millisecond))
	return accounts, nil
}

func loginCount() int {
	n := 0
	for _, p := range people {
		if p.login {
			n++
		}
	}
	return n
}

func recordedAccounts(ctx context.Context, svc *service.Service) ([]Account, error) {
	creds, err := store.FindDemoCredentials(ctx, svc.DB())
	if err != nil {
		return nil, err
	}
	byEmail := map[string]store.DemoCredential{}
	for _, c := range creds {
		byEmail[c.Email] = c
	}
	var out []Account
	for _, p := range people { // in the order of the roles
		if c, ok := byEmail[p.email]; ok && p.login {
			out = append(out, Account{Email: c.Email, Role: c.Role, Password: c.Password})
		}
	}
	return out, nil
}

// load creates (or completes) the demo organization and returns its
// accounts.
func load(ctx context.Context, svc *service.Service) ([]Account, error) {
	var org *aims.Organization
	var accounts []Account
	userIDs := map[string]string{}
	// The story's calendar, in days before the load: the team is set up,
	// registers suppliers, datasets and systems with their model versions,
	// drafts the Statement of Applicability, classifies the systems,
	// assesses risks and impacts, runs the optimizer for four weeks
	// (SeedDecisions keeps its own times), and documents the plant's
	// lineage after the optimizer's incident.
	now := svc.DB().Now()
	base := ctx
	day := 24 * time.Hour
	ctx = from(base, daysAgo(now, 300), 2*time.Hour)
	for _, p := range people {
		password := service.RandomPassword(20)
		o, m, err := svc.BootstrapUser(ctx, service.Bootstrap{OrgSlug: Slug, OrgName: OrgName, Email: p.email, Name: p.name,
			Role: p.role, Password: password, Actor: aims.Actor{Kind: aims.ActorSystem, Label: loaderLabel}})
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", p.email, err)
		}
		org, userIDs[p.email] = o, m.ID
		if p.login {
			accounts = append(accounts, Account{Email: p.email, Role: string(p.role), Password: password})
		}
	}
	loader := authz.Operator(org, loaderLabel)
	loader.Kind = aims.ActorSystem
	base = authz.WithPrincipal(base, loader)
	ctx = from(base, daysAgo(now, 290), day)

	supplierIDs, err := loadSuppliers(ctx, svc)
	if err != nil {
		return nil, err
	}
	datasetIDs, err := loadDatasets(from(base, daysAgo(now, 280), 2*day), svc, supplierIDs)
	if err != nil {
		return nil, err
	}
	ctx = from(base, daysAgo(now, 255), 3*day)
	for _, spec := range systems {
		if err := loadSystem(ctx, svc, spec, userIDs, supplierIDs, datasetIDs); err != nil {
			return nil, err
		}
	}
	// An approved Statement of Applicability with exclusions and a newer
	// draft, so that a new user sees versions and a diff (issue 3).
	if err := SeedSoA(from(base, daysAgo(now, 110), 3*time.Hour), svc); err != nil {
		return nil, fmt.Errorf("demo Statement of Applicability: %w", err)
	}
	// An EU AI Act classification for every demo system (issue 4).
	if err := SeedClassification(from(base, daysAgo(now, 95), day), svc); err != nil {
		return nil, fmt.Errorf("demo classifications: %w", err)
	}
	// Risk criteria, a register with treatments, and an impact assessment
	// per system, one of them out of date (issue 4).
	if err := SeedRisk(from(base, daysAgo(now, 80), 10*time.Hour), svc); err != nil {
		return nil, fmt.Errorf("demo risks and impact assessments: %w", err)
	}
	// The optimizer passes its system deployment gate: its impact
	// assessment, classification and risks are recorded now (issue 17).
	if err := deploySystemThroughGate(from(base, daysAgo(now, 79), time.Hour), svc, userIDs); err != nil {
		return nil, fmt.Errorf("demo system deployment gate: %w", err)
	}
	// The vendor delivers the optimizer's release candidate 2.4.0-rc1: its
	// registration re-opens the deployment gate; it is blocked at its
	// validation gate (issue 17).
	if err := loadLaterVersions(from(base, daysAgo(now, 75), time.Hour), svc, userIDs, datasetIDs); err != nil {
		return nil, err
	}
	// Four weeks of the optimizer's decisions with overrides, and a
	// suspension and resume in its history (issue 6).
	if err := SeedDecisions(base, svc); err != nil {
		return nil, fmt.Errorf("demo decisions: %w", err)
	}
	// Instruments, calibrations, tags and features behind the optimizer,
	// with the moisture probe out of calibration in a training window and
	// during a stretch of those decisions (issue 6).
	if err := SeedLineage(from(base, daysAgo(now, ResumeDays-1), 20*time.Minute), svc); err != nil {
		return nil, fmt.Errorf("demo lineage: %w", err)
	}
	// The AI policy, the scope statement and procedures, with approvals
	// and acknowledgements (issue 15).
	if err := SeedDocuments(from(base, daysAgo(now, 60), 2*time.Hour), svc, userIDs); err != nil {
		return nil, fmt.Errorf("demo documents: %w", err)
	}
	// Context, interested parties, planned changes, resources and the
	// communication plan (issue 16).
	if err := SeedContext(from(base, daysAgo(now, 20), time.Hour), svc); err != nil {
		return nil, fmt.Errorf("demo context: %w", err)
	}
	// The sign-in settings, ready for the company's identity provider.
	if err := SeedSignIn(from(base, daysAgo(now, 299), time.Hour), svc); err != nil {
		return nil, fmt.Errorf("demo sign-in settings: %w", err)
	}
	// A due-diligence questionnaire answered by every supplier, and the
	// chatbot platform's review overdue (issue 17 item 5).
	if err := SeedSupplierDiligence(from(base, daysAgo(now, 35), time.Hour), svc, supplierIDs); err != nil {
		return nil, err
	}
	// People without accounts, AIMS roles with a RACI, competence and AI
	// literacy, with a literacy gap for two operators (issue 16).
	if err := SeedCompetence(from(base, daysAgo(now, 70), time.Hour), svc); err != nil {
		return nil, fmt.Errorf("demo people and competence: %w", err)
	}
	// Five AI objectives, three computed from the records above, with
	// their measurement history, one of them off track (issue 16).
	if err := SeedObjectives(base, svc); err != nil {
		return nil, fmt.Errorf("demo objectives: %w", err)
	}
	// Evidence on several controls: current, expiring, expired, and one
	// expected kind missing; live evidence from aims' own records (issue 15).
	if err := SeedEvidence(from(base, daysAgo(now, 2), time.Minute), svc, now); err != nil {
		return nil, fmt.Errorf("demo evidence: %w", err)
	}
	creds := make([]store.DemoCredential, len(accounts))
	for i, a := range accounts {
		creds[i] = store.DemoCredential{Email: a.Email, Role: a.Role, Password: a.Password}
	}
	err = svc.DB().Transact(base, func(tx *store.Tx) error { return store.SaveDemoCredentials(base, tx, creds) })
	return accounts, err
}

// createOrFind runs create; when an earlier, interrupted load made the
// record already (its name is taken), find returns that record's id.
func createOrFind(create func() (string, error), find func() (string, error)) (string, error) {
	id, err := create()
	if aims.IsKind(err, aims.KindConflict) {
		return find()
	}
	return id, err
}

func loadSuppliers(ctx context.Context, svc *service.Service) (map[string]string, error) {
	ids := map[string]string{}
	for _, spec := range suppliers {
		sp := spec
		id, err := createOrFind(func() (string, error) { err := svc.CreateSupplier(ctx, &sp); return sp.ID, err },
			func() (string, error) {
				list, _, err := svc.FindSuppliers(ctx, aims.SupplierFilter{Search: sp.Name})
				return idByName(list, sp.Name, func(s *aims.Supplier) (string, string) { return s.Name, s.ID }, err)
			})
		if err != nil {
			return nil, fmt.Errorf("demo supplier %s: %w", sp.Name, err)
		}
		ids[sp.Name] = id
	}
	return ids, nil
}

func loadDatasets(ctx context.Context, svc *service.Service, supplierIDs map[string]string) (map[string]string, error) {
	ids := map[string]string{}
	for _, spec := range datasets {
		d := spec.Dataset
		d.SupplierID = supplierIDs[spec.supplier]
		id, err := createOrFind(func() (string, error) { err := svc.CreateDataset(ctx, &d); return d.ID, err },
			func() (string, error) {
				list, _, err := svc.FindDatasets(ctx, aims.DatasetFilter{Search: d.Name})
				return idByName(list, d.Name, func(x *aims.Dataset) (string, string) { return x.Name, x.ID }, err)
			})
		if err != nil {
			return nil, fmt.Errorf("demo dataset %s: %w", d.Name, err)
		}
		ids[d.Name] = id
	}
	return ids, nil
}

func loadSystem(ctx context.Context, svc *service.Service, spec systemSpec, userIDs, supplierIDs, datasetIDs map[string]string) error {
	sys := spec.AISystem
	sys.OwnerID, sys.SupplierID = userIDs[spec.owner], supplierIDs[spec.supplier]
	systemID, err := createOrFind(func() (string, error) { err := svc.CreateSystem(ctx, &sys); return sys.ID, err },
		func() (string, error) {
			list, _, err := svc.FindSystems(ctx, aims.SystemFilter{Search: sys.Name})
			return idByName(list, sys.Name, func(x *aims.AISystem) (string, string) { return x.Name, x.ID }, err)
		})
	if err != nil {
		return fmt.Errorf("demo system %s: %w", sys.Name, err)
	}
	if sys.Name == GateSystem {
		if err := setGateCriteria(ctx, svc, systemID, datasetIDs); err != nil {
			return fmt.Errorf("demo acceptance criteria: %w", err)
		}
	}
	return loadVersions(ctx, svc, spec, systemID, false, userIDs, datasetIDs)
}

// loadLaterVersions registers the versions delivered after their system
// was deployed.
func loadLaterVersions(ctx context.Context, svc *service.Service, userIDs, datasetIDs map[string]string) error {
	for _, spec := range systems {
		if !slices.ContainsFunc(spec.versions, func(v versionSpec) bool { return v.later }) {
			continue
		}
		list, _, err := svc.FindSystems(ctx, aims.SystemFilter{Search: spec.Name})
		systemID, err := idByName(list, spec.Name, func(x *aims.AISystem) (string, string) { return x.Name, x.ID }, err)
		if err != nil {
			return fmt.Errorf("demo system %s: %w", spec.Name, err)
		}
		if err := loadVersions(ctx, svc, spec, systemID, true, userIDs, datasetIDs); err != nil {
			return err
		}
	}
	return nil
}

// loadVersions registers the versions of spec delivered later, or the
// others.
func loadVersions(ctx context.Context, svc *service.Service, spec systemSpec, systemID string, later bool, userIDs, datasetIDs map[string]string) error {
	sys := spec.AISystem
	for _, v := range spec.versions {
		if v.later != later {
			continue
		}
		mv := &aims.ModelVersion{SystemID: systemID, Version: v.version, Digest: digest(sys.Name, v.version), SourceURI: v.source,
			TrainingDataSummary: v.summary, Status: v.status, Notes: v.notes, Datasets: []aims.DatasetUse{}}
		for _, u := range v.uses {
			mv.Datasets = append(mv.Datasets, aims.DatasetUse{DatasetID: datasetIDs[u.dataset], Purpose: u.purpose})
		}
		create := func() error { return createDemoVersion(ctx, svc, sys.Name, mv, userIDs) }
		if _, gated := gateMetrics[v.version]; gated && sys.Name == GateSystem {
			create = func() error { return createGatedVersion(ctx, svc, mv, userIDs, datasetIDs) }
		}
		_, err := createOrFind(func() (string, error) { err := create(); return mv.ID, err },
			func() (string, error) { return "", nil }) // the version exists: nothing to link to it
		if err != nil {
			return fmt.Errorf("demo model version %s %s: %w", sys.Name, v.version, err)
		}
	}
	return nil
}

// idByName returns the id of the record in list named name (any case).
func idByName[T any](list []T, name string, nameID func(T) (string, string), err error) (string, error) {
	if err != nil {
		return "", err
	}
	for _, x := range list {
		if n, id := nameID(x); store.NameKey(n) == store.NameKey(name) {
			return id, nil
		}
	}
	return "", fmt.Errorf("%q is taken but cannot be found", name)
}

// digest stands in for the SHA-256 of a model artifact: derived from the
// system and version, so that every load gives the same digest.
func digest(system, version string) string {
	sum := sha256.Sum256([]byte("aims demo artifact: " + system + " " + version))
	return hex.EncodeToString(sum[:])
}
