package service

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/mlflow"
	"github.com/aimsproject/aims/internal/store"
)

// The MLflow registry sync (issue 17 item 6): registered models mapped to
// AI systems, their versions registered as candidates with their source,
// run, tags and run metrics. Everything is read from MLflow before anything
// is written, so that a server that fails or times out changes nothing and
// the next run tries again; each run is recorded, sealed in the log.

// MLflowRegistry is what the sync reads: mlflow.Client, or a fake.
type MLflowRegistry interface {
	RegisteredModels(ctx context.Context) ([]mlflow.RegisteredModel, error)
	ModelVersions(ctx context.Context, name string) ([]mlflow.ModelVersion, error)
	RunMetrics(ctx context.Context, runID string) ([]mlflow.Metric, error)
}

// SyncMLflow reads the registry at url and registers the missing model
// versions of the registered models that mapping names (registered model
// name -> AI system name or id). A version whose name aims has with other
// content is reported as a collision and left alone. The run is recorded
// and returned; a failed read records its error, changes nothing, and is
// returned as an unavailable-kind error too.
func (s *Service) SyncMLflow(ctx context.Context, reg MLflowRegistry, url string, mapping map[string]string) (*aims.MLflowSync, error) {
	scope, _, err := authz.Authorize(ctx, authz.Edit, "sync model versions from MLflow")
	if err != nil {
		return nil, err
	}
	run := &aims.MLflowSync{URL: url, StartedAt: s.db.Now(), Problems: []string{}}
	plan, err := readMLflow(ctx, reg, mapping, run)
	if err != nil {
		run.Error = err.Error()
		if rerr := s.transact(ctx, func(tx *store.Tx) error { return store.CreateMLflowSync(ctx, tx, scope, run) }); rerr != nil {
			return nil, rerr
		}
		return run, &aims.Error{Kind: aims.KindUnavailable, Message: "the MLflow sync changed nothing: " + err.Error() + "; it will be tried again"}
	}
	for _, p := range plan {
		sys, err := findSystemRef(ctx, s, p.system)
		if err != nil {
			return nil, err
		}
		if sys == nil {
			run.Skipped += len(p.candidates)
			run.Problems = append(run.Problems, fmt.Sprintf("registered model %s is mapped to %q, which names no AI system", p.model, p.system))
			continue
		}
		datasetID, err := s.mlflowDataset(ctx, p, run)
		if err != nil {
			return nil, err
		}
		for _, c := range p.candidates {
			existing, err := s.modelVersionByName(ctx, sys.ID, c.Version)
			if err != nil {
				return nil, err
			}
			switch {
			case existing == nil:
				mv := &aims.ModelVersion{SystemID: sys.ID, Version: c.Version, Digest: c.Digest, SourceURI: c.Source,
					Notes: c.Notes, Status: aims.ModelCandidate}
				if err := s.createModelVersion(ctx, mv, "from MLflow ("+p.model+")", mlflowMetrics(c, datasetID[c.Dataset], run)); err != nil {
					return nil, fmt.Errorf("register %s: %w", c.Version, err)
				}
				run.Created++
			case existing.Digest == c.Digest && existing.SourceURI == c.Source:
				run.Unchanged++
			default:
				run.Collisions++
				run.Problems = append(run.Problems, fmt.Sprintf("%s of %s exists in aims with another digest or source: left as it is", c.Version, sys.Name))
			}
		}
	}
	err = s.transact(ctx, func(tx *store.Tx) error { return store.CreateMLflowSync(ctx, tx, scope, run) })
	return run, err
}

// mlflowDataset finds the datasets the candidates' aims.dataset tags name,
// by name; a name aims does not know is reported, and the metrics are
// recorded without a dataset.
func (s *Service) mlflowDataset(ctx context.Context, p mlflowPlan, run *aims.MLflowSync) (map[string]string, error) {
	ids := map[string]string{}
	for _, c := range p.candidates {
		if _, seen := ids[c.Dataset]; seen || c.Dataset == "" {
			continue
		}
		id, err := s.datasetIDByName(ctx, c.Dataset)
		if err != nil {
			return nil, err
		}
		if id == "" {
			run.Problems = append(run.Problems, fmt.Sprintf("registered model %s names dataset %q in its %s tag, which aims does not know: its metrics are recorded without a dataset", p.model, c.Dataset, mlflow.DatasetTag))
		}
		ids[c.Dataset] = id
	}
	return ids, nil
}

// mlflowMetrics are the candidate's run metrics as validation metrics with
// their source; one that could not be recorded (not a finite number, a
// name too long) is reported and left out.
func mlflowMetrics(c mlflow.Candidate, datasetID string, run *aims.MLflowSync) []aims.ValidationMetric {
	var out []aims.ValidationMetric
	for _, x := range c.Metrics {
		m := aims.ValidationMetric{Name: x.Name, Value: x.Value, Unit: x.Unit, DatasetID: datasetID, Source: "MLflow run " + c.RunID}
		m.Normalize()
		if err := m.Validate(); err != nil {
			run.Problems = append(run.Problems, fmt.Sprintf("metric %q of %s left out: %v", x.Name, c.Version, err))
			continue
		}
		out = append(out, m)
	}
	return out
}

// mlflowPlan is what one mapped registered model brings.
type mlflowPlan struct {
	model, system string
	candidates    []mlflow.Candidate
}

// readMLflow reads everything the sync needs; versions that cannot be
// candidates are counted as skipped with the reason.
func readMLflow(ctx context.Context, reg MLflowRegistry, mapping map[string]string, run *aims.MLflowSync) ([]mlflowPlan, error) {
	models, err := reg.RegisteredModels(ctx)
	if err != nil {
		return nil, err
	}
	var plan []mlflowPlan
	for _, m := range models {
		system, ok := mapping[m.Name]
		if !ok {
			continue
		}
		versions, err := reg.ModelVersions(ctx, m.Name)
		if err != nil {
			return nil, err
		}
		p := mlflowPlan{model: m.Name, system: system}
		for _, v := range versions {
			var metrics []mlflow.Metric
			if v.RunID != "" {
				if metrics, err = reg.RunMetrics(ctx, v.RunID); err != nil {
					return nil, err
				}
			}
			c, problem := mlflow.CandidateOf(v, metrics)
			if problem != "" {
				run.Skipped++
				run.Problems = append(run.Problems, problem)
				continue
			}
			p.candidates = append(p.candidates, c)
		}
		sort.Slice(p.candidates, func(i, j int) bool { return p.candidates[i].Version < p.candidates[j].Version })
		plan = append(plan, p)
	}
	return plan, nil
}

// findSystemRef finds an AI system by id or exact name (any case); nil
// when none matches.
func findSystemRef(ctx context.Context, s *Service, ref string) (*aims.AISystem, error) {
	if sys, err := s.FindSystemByID(ctx, ref); err == nil {
		return sys, nil
	}
	list, _, err := s.FindSystems(ctx, aims.SystemFilter{Search: ref, Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return nil, err
	}
	for _, sys := range list {
		if strings.EqualFold(sys.Name, ref) {
			return sys, nil
		}
	}
	return nil, nil
}

// LastMLflowSync returns the organization's latest MLflow sync run.
func (s *Service) LastMLflowSync(ctx context.Context) (*aims.MLflowSync, error) {
	scope, _, err := authz.Authorize(ctx, authz.Read, "read the MLflow sync")
	if err != nil {
		return nil, err
	}
	return store.LastMLflowSync(ctx, s.db, scope)
}

// RunMLflowSync syncs from the registry now and then every interval until
// ctx ends; a failed run is logged, and the next one tries again.
func (s *Service) RunMLflowSync(ctx context.Context, reg MLflowRegistry, url string, mapping map[string]string, interval time.Duration) {
	if interval <= 0 {
		interval = 15 * time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		run, err := s.SyncMLflow(ctx, reg, url, mapping)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.WarnContext(ctx, "MLflow sync failed; it will be tried again", "url", url, "err", err)
		case run != nil:
			s.log.InfoContext(ctx, "MLflow sync", "url", url, "created", run.Created, "unchanged", run.Unchanged,
				"collisions", run.Collisions, "skipped", run.Skipped)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
