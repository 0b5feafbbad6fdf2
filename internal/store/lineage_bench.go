package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/aimsproject/aims/internal/aims"
)

// LineageBenchSpec sizes the database the lineage benchmarks query
// (`aims bench lineage`, BenchmarkLineage): an organization with Tags tags
// (four per instrument), Decisions decisions of Systems AI systems over
// 2025, features, datasets and model versions that use the tags, and
// calibration histories with a few gaps in 2025.
type LineageBenchSpec struct {
	Decisions, Tags, Systems int
}

// LineageBenchSlug is the organization of the lineage benchmark database.
const LineageBenchSlug = "lineage-bench"

// lineageBenchVersion changes whenever the fixture does, so that a cached
// database of an older shape is not used.
const lineageBenchVersion = 5

// LineageBenchPath is where the benchmark database of spec is cached.
func LineageBenchPath(spec LineageBenchSpec) string {
	return fmt.Sprintf("%s/aims-lineage-bench-v%d-%d-%d-%d.db", os.TempDir(), lineageBenchVersion, spec.Decisions, spec.Tags, spec.Systems)
}

// LineageBenchSeed makes the benchmark's organization (LineageBenchSlug) in
// a new database and returns a scope acting in it and the id of a member to
// own its AI systems.
type LineageBenchSeed func(db *DB) (aims.Scope, string, error)

// OpenLineageBench opens the cached benchmark database of spec, building it
// first when it is missing (which takes a while; logf reports progress):
// seed makes the organization, the rest is written in bulk, without audit
// events or log leaves. The database is for measuring queries only.
func OpenLineageBench(ctx context.Context, spec LineageBenchSpec, seed LineageBenchSeed, logf func(string, ...any)) (*DB, error) {
	path := LineageBenchPath(spec)
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".building"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		start := time.Now()
		if err := buildLineageBench(ctx, tmp, spec, seed, logf); err != nil {
			return nil, err
		}
		if err := os.Rename(tmp, path); err != nil {
			return nil, err
		}
		logf("built %s in %s", path, time.Since(start).Round(time.Second))
	}
	db, err := Open(ctx, Options{SQLitePath: path})
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func buildLineageBench(ctx context.Context, path string, spec LineageBenchSpec, seed LineageBenchSeed, logf func(string, ...any)) error {
	db, err := Open(ctx, Options{SQLitePath: path})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	scope, ownerID, err := seed(db)
	if err != nil {
		return err
	}
	org := &aims.Organization{ID: scope.OrgID()}
	var systems, versions []string
	err = db.Transact(ctx, func(tx *Tx) error {
		systems, versions = nil, nil
		for i := range spec.Systems {
			s := &aims.AISystem{Name: fmt.Sprintf("Line %02d optimizer", i), Purpose: "Benchmark", OwnerID: ownerID,
				OperatorRoles: []aims.OperatorRole{aims.OperatorDeployer}, LifecycleStage: aims.StageDeployed,
				Autonomy: aims.AutonomyAutonomous, ImpactDomains: []aims.ImpactDomain{aims.DomainQuality}, InScope: true}
			s.Normalize()
			if err := CreateSystem(ctx, tx, scope, s); err != nil {
				return err
			}
			systems = append(systems, s.ID)
			for v := range 3 {
				mv := &aims.ModelVersion{SystemID: s.ID, Version: fmt.Sprintf("1.%d", v), Digest: fmt.Sprintf("%064x", i*3+v),
					Status: aims.ModelValidated}
				if v == 2 {
					mv.Status = aims.ModelDeployed
				}
				mv.Normalize()
				if err := CreateModelVersion(ctx, tx, scope, mv); err != nil {
					return err
				}
				versions = append(versions, mv.ID)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(6, 2))
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	created := t0
	instruments := spec.Tags / 4
	instIDs := make([]string, instruments)
	tagIDs := make([]string, spec.Tags)
	tagNames := make([]string, spec.Tags)
	// Instrument i: software every tenth (no calibration), never calibrated
	// every 50th (none of them feeding decisions), one 10-day gap in 2025
	// every 25th; the rest calibrated yearly from 2023 to 2028.
	gap := func(i int) bool { return i%25 == 3 }
	err = db.Transact(ctx, func(tx *Tx) error {
		var inst, cals, tags []any
		for i := range instruments {
			instIDs[i] = newID()
			kind, required := "sensor", true
			if i%10 == 9 {
				kind, required = "software", false
			}
			name := fmt.Sprintf("IN-%05d", i)
			inst = append(inst, instIDs[i], org.ID, name, nameKey(name), kind, required, 365, created, created)
			if !required || (i%50 == 7 && i >= 12*len(systems)) {
				continue
			}
			for y := 2023; y < 2028; y++ {
				from, to := time.Date(y, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, 3, 1, 0, 0, 0, 0, time.UTC)
				if y == 2024 && gap(i) {
					// Expires in 2025 with 10 days before the next one.
					to = t0.AddDate(0, 0, 30+(i*7)%300)
					cals = append(cals, newID(), org.ID, instIDs[i], from, to, "passed", created)
					from, to = to.AddDate(0, 0, 10), time.Date(y+2, 3, 1, 0, 0, 0, 0, time.UTC)
					y++
				}
				cals = append(cals, newID(), org.ID, instIDs[i], from, to, "passed", created)
			}
		}
		for i := range spec.Tags {
			tagIDs[i], tagNames[i] = newID(), fmt.Sprintf("TAG-%05d value", i)
			tags = append(tags, tagIDs[i], org.ID, tagNames[i], nameKey(tagNames[i]), "u", instIDs[i/4], created, created)
		}
		if _, err := tx.insertRows(ctx, "instruments", `id, org_id, name, name_key, kind, calibration_required,
			calibration_interval_days, created_at, updated_at`, 9, inst, ""); err != nil {
			return err
		}
		if _, err := tx.insertRows(ctx, "calibrations", `id, org_id, instrument_id, valid_from, valid_to, result, created_at`, 7, cals, ""); err != nil {
			return err
		}
		_, err := tx.insertRows(ctx, "tags", `id, org_id, name, name_key, unit, instrument_id, created_at, updated_at`, 8, tags, "")
		return err
	})
	if err != nil {
		return err
	}
	logf("lineage bench: %d instruments, %d tags", instruments, spec.Tags)
	// Features of one to three tags (a tenth of the tags in none), 20 per
	// model version; datasets of 50 tags, two per model version for
	// training, windows in 2025.
	err = db.Transact(ctx, func(tx *Tx) error {
		var feats, ftags, mvf, dsets, dtags, uses []any
		features := spec.Tags * 3 / 10
		featIDs := make([]string, features)
		for i := range features {
			featIDs[i] = newID()
			name := fmt.Sprintf("feature %05d", i)
			feats = append(feats, featIDs[i], org.ID, name, nameKey(name), "mean", created, created)
			for k := range 1 + i%3 {
				ftags = append(ftags, org.ID, featIDs[i], tagIDs[(i*3+k)%(spec.Tags*9/10)], k)
			}
		}
		for v, mv := range versions {
			for k := range 20 {
				mvf = append(mvf, org.ID, mv, featIDs[(v*20+k)%features], k)
			}
		}
		datasets := len(versions)
		for d := range datasets {
			id := newID()
			name := fmt.Sprintf("Dataset %03d", d)
			start := t0.AddDate(0, 0, (d*11)%300)
			dsets = append(dsets, id, org.ID, name, nameKey(name), "no", start, start.AddDate(0, 0, 60), created, created)
			for k := range 50 {
				dtags = append(dtags, org.ID, id, tagIDs[(d*50+k)%spec.Tags], k)
			}
			uses = append(uses, org.ID, id, versions[d], "training")
			if d > 0 {
				uses = append(uses, org.ID, id, versions[d-1], "training")
			}
		}
		for _, ins := range []struct {
			table, cols string
			n           int
			args        []any
		}{
			{"features", "id, org_id, name, name_key, transformation, created_at, updated_at", 7, feats},
			{"feature_tags", "org_id, feature_id, tag_id, position", 4, ftags},
			{"model_version_features", "org_id, model_version_id, feature_id, position", 4, mvf},
			{"datasets", "id, org_id, name, name_key, personal_data, window_start, window_end, created_at, updated_at", 9, dsets},
			{"dataset_tags", "org_id, dataset_id, tag_id, position", 4, dtags},
			{"dataset_uses", "org_id, dataset_id, model_version_id, purpose", 4, uses},
		} {
			if _, err := tx.insertRows(ctx, ins.table, ins.cols, ins.n, ins.args, ""); err != nil {
				return fmt.Errorf("%s: %w", ins.table, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Each system's gateway sends 12 tags; every third system's set has a
	// tag of an instrument with a gap.
	sets := make([]string, len(systems))
	setNames := make([][]string, len(systems))
	err = db.Transact(ctx, func(tx *Tx) error {
		var setRows, setTags []any
		for s := range systems {
			var names []string
			for k := range 12 {
				i := (s*12 + k) * 4 // the first tag of instrument s*12+k
				if k == 0 && s%3 == 0 {
					i = (s/3*25 + 3) * 4 // an instrument with a gap
				}
				names = append(names, tagNames[i%spec.Tags])
			}
			slices.Sort(names)
			names = slices.Compact(names)
			sets[s], setNames[s] = newID(), names
			setRows = append(setRows, sets[s], org.ID, encodeList(names))
			for _, n := range names {
				setTags = append(setTags, org.ID, n, sets[s])
			}
		}
		if _, err := tx.insertRows(ctx, "decision_tag_sets", "id, org_id, tags", 3, setRows, ""); err != nil {
			return err
		}
		_, err := tx.insertRows(ctx, "decision_tag_set_tags", "org_id, tag, tag_set_id", 3, setTags, "")
		return err
	})
	if err != nil {
		return err
	}
	// The decisions, spread evenly over 2025, in transactions of 50,000.
	// Each system has benchGateways gateways taking turns, and its model
	// versions follow a rollout: 1.0 for the first third of the year, 1.1
	// for the second and 1.2 (deployed) for the last, each new version at
	// first beside the old one (one decision in ten still by the old), and
	// one in 200 by a version aims does not know. Each decision carries a
	// payload of the size a gateway sends (about 600 bytes: the values of
	// its 12 tags, the output and attributes) and a salt.
	step := time.Duration(int64(365*24*time.Hour) / int64(spec.Decisions))
	const chunk = 50_000
	for start := 0; start < spec.Decisions; start += chunk {
		err := db.Transact(ctx, func(tx *Tx) error {
			args := make([]any, 0, chunk*18)
			days := make([]*NewDecision, 0, chunk) // for decision_days
			for i := start; i < min(start+chunk, spec.Decisions); i++ {
				s := i % len(systems)
				at := t0.Add(time.Duration(i) * step)
				human := aims.HumanNone
				if rng.IntN(20) == 0 {
					human = aims.HumanOverridden
				}
				v := 3 * i / spec.Decisions
				if v > 0 && rng.IntN(10) == 0 {
					v--
				}
				label, versionID, unknown := fmt.Sprintf("1.%d", v), any(versions[s*3+v]), false
				if rng.IntN(200) == 0 {
					label, versionID, unknown = "1.3-rc1", nil, true
				}
				gw := (i / len(systems)) % benchGateways
				source, seq := fmt.Sprintf("gw-line-%02d-%c", s, 'a'+gw), int64(i/(len(systems)*benchGateways))
				payload := benchPayload(rng, label, source, seq, at, setNames[s])
				salt := make([]byte, 16)
				for k := range salt {
					salt[k] = byte(rng.IntN(256))
				}
				digest := sha256.Sum256(append(salt, payload...))
				args = append(args, newID(), org.ID, systems[s], label, versionID, unknown, source, seq,
					at, at, int64(0), false, string(human), sets[s], int64(i), "sha256:"+hex.EncodeToString(digest[:]), salt, payload)
				mvID, _ := versionID.(string)
				days = append(days, &NewDecision{D: &aims.Decision{SystemID: systems[s], SourceTime: at, Human: human,
					ModelVersion: label, ModelVersionID: mvID}})
			}
			if _, err := tx.insertRows(ctx, "decisions", decisionInsertColumns, 18, args, ""); err != nil {
				return err
			}
			return tx.countDecisionDays(ctx, scope, days)
		})
		if err != nil {
			return fmt.Errorf("decisions: %w", err)
		}
		if (start/chunk)%4 == 3 {
			logf("lineage bench: %d of %d decisions", start+chunk, spec.Decisions)
		}
	}
	_, err = db.writer.ExecContext(ctx, `ANALYZE`)
	return err
}

// benchGateways is how many gateways send each system's decisions in the
// lineage benchmark.
const benchGateways = 4

// benchPayload is a decision event as a gateway sends it: the values of
// its tags, the output and a few attributes.
func benchPayload(rng *rand.Rand, version, source string, seq int64, at time.Time, tags []string) []byte {
	b := make([]byte, 0, 768)
	b = fmt.Appendf(b, `{"model_version":%q,"source":%q,"seq":%d,"source_time":%q,"inputs":{`, version, source, seq, at.Format(time.RFC3339Nano))
	for k, t := range tags {
		if k > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, t)
		b = append(b, ':')
		b = strconv.AppendFloat(b, 20+rng.Float64()*80, 'f', 3, 64)
	}
	b = fmt.Appendf(b, `},"output":{"value":%.2f,"unit":"%%"},"attributes":{"batch":"B-%06d","recipe":"R-%d","line":%q}}`,
		30+rng.Float64()*40, seq/500, seq%7, source)
	return b
}
