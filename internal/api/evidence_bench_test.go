package api_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
	"github.com/aimsproject/aims/internal/blob"
	"github.com/aimsproject/aims/internal/catalog"
	"github.com/aimsproject/aims/internal/cputime"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// benchEvidenceBytes is the size of the upload benchmark's file: 1 GiB
// unless AIMS_BENCH_EVIDENCE_BYTES says otherwise.
func benchEvidenceBytes() int64 {
	if n, err := strconv.ParseInt(os.Getenv("AIMS_BENCH_EVIDENCE_BYTES"), 10, 64); err == nil && n > 0 {
		return n
	}
	return 1 << 30
}

// BenchmarkEvidenceUpload streams a 1 GiB file to POST /api/v1/evidence
// over loopback into the folder blob store, and, in the same run, copies
// the same file with cp to the same disk. It reports both rates, their
// ratio (the target: upload at least 50% of cp) and the heap in use above
// idle at its peak during the upload (the target: under 64 MiB).
func BenchmarkEvidenceUpload(b *testing.B) {
	size := benchEvidenceBytes()
	dir := b.TempDir()
	src := filepath.Join(dir, "evidence.bin")
	f, err := os.Create(src)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, size); err != nil {
		b.Fatal(err)
	}
	f.Close()
	e := newAPIEnv(b, storetest.OpenSQLite(b))
	o := e.orgs["a"]
	st, err := blob.OpenDir(filepath.Join(dir, "blobs"), blob.Options{MaxBytes: 4 << 30})
	if err != nil {
		b.Fatal(err)
	}
	e.svc.SetBlobStore(st)
	srv := httptest.NewServer(e.srv.Handler())
	defer srv.Close()
	var upTotal, cpTotal time.Duration
	var peak uint64
	b.ResetTimer()
	for i := range b.N {
		// cp of the same file to the same disk.
		start := time.Now()
		if out, err := exec.Command("cp", src, filepath.Join(dir, fmt.Sprintf("copy-%d", i))).CombinedOutput(); err != nil {
			b.Fatalf("cp: %v %s", err, out)
		}
		exec.Command("sync").Run()
		cpTotal += time.Since(start)
		os.Remove(filepath.Join(dir, fmt.Sprintf("copy-%d", i)))

		// The upload, with the heap sampled while it runs.
		runtime.GC()
		idle := heapInUse()
		var max atomic.Uint64
		done := make(chan struct{})
		go func() {
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					if h := heapInUse(); h > idle && h-idle > max.Load() {
						max.Store(h - idle)
					}
				}
			}
		}()
		file, _ := os.Open(src)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/evidence", file)
		req.ContentLength = size
		req.Header.Set("Authorization", "Bearer "+o.tokens[aims.RoleContributor])
		req.Header.Set("Content-Type", "application/octet-stream")
		req.Header.Set("Aims-Kind", "bench")
		req.Header.Set("Aims-Link", "requirement=iso42001:A.6.2.4")
		req.Header.Set("Aims-Note", strconv.Itoa(i))
		start = time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		upTotal += time.Since(start)
		close(done)
		file.Close()
		if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusOK {
			b.Fatalf("upload: %d %s", res.StatusCode, body)
		}
		peak = max.Load()
	}
	b.StopTimer()
	mb := float64(size) / (1 << 20)
	up := mb * float64(b.N) / upTotal.Seconds()
	cp := mb * float64(b.N) / cpTotal.Seconds()
	b.ReportMetric(up, "upload-MiB/s")
	b.ReportMetric(cp, "cp-MiB/s")
	b.ReportMetric(up/cp, "upload/cp")
	b.ReportMetric(float64(peak)/(1<<20), "heap-above-idle-MiB")
}

func heapInUse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() + s[1].Value.Uint64()
}

// BenchmarkControlsEvidence answers the evidence beside every applicable
// control of the SoA (its freshness, expectations and linked evidence)
// with 100,000 evidence revisions over 5,000 pieces of evidence, each
// linked to a control and an AI system: the server-side work the SoA page
// adds (the target: under 50 ms), on SQLite and PostgreSQL.
func BenchmarkControlsEvidence(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			e, octx, controls := seedEvidenceBench(b, benchDB(b, dialect))
			cpu := cputime.Process()
			for b.Loop() {
				m, sum, err := e.svc.ControlsFreshness(octx, controls)
				if err != nil {
					b.Fatal(err)
				}
				if len(m) != len(controls) || sum.Controls != len(controls) || sum.ByUploads == 0 {
					b.Fatalf("%d controls answered, summary %+v", len(m), sum)
				}
			}
			reportTimes(b, cpu)
		})
	}
}

// reportTimes reports the elapsed and the CPU time (this process: the
// server side on SQLite, aims' side on PostgreSQL) per operation since cpu:
// on a shared machine the CPU time varies far less.
func reportTimes(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/op")
	b.ReportMetric(float64((cputime.Process()-cpu).Microseconds())/float64(b.N)/1000, "cpu-ms/op")
}

func benchDB(b *testing.B, dialect string) *store.DB {
	if dialect == "sqlite" {
		return storetest.OpenSQLite(b)
	}
	return storetest.OpenPostgres(b)
}

// seedEvidenceBench fills organization "a" with 5,000 pieces of evidence
// of 20 revisions each over the SoA's controls and 50 AI systems (5 owned
// by the admin), and ten expectations through the service; it returns the
// admin's context and the controls.
func seedEvidenceBench(b *testing.B, db *store.DB) (*apiEnv, context.Context, []string) {
	e := newAPIEnv(b, db)
	o := e.orgs["a"]
	c := catalog.Builtin()
	fw, _ := c.Framework(catalog.ISO42001)
	var controls []string
	for _, r := range c.SoAControls(fw) {
		controls = append(controls, "iso42001:"+r.ID)
	}
	sort.Strings(controls)
	systems, err := store.SeedEvidenceBench(b.Context(), db, o.Scope, o.Admin.ID, store.EvidenceBenchSpec{
		Pieces: 5000, Revisions: 20, Systems: 50, OwnedSystems: 5, OtherOwnerID: o.members[aims.RoleSystemOwner].ID, Controls: controls})
	if err != nil {
		b.Fatal(err)
	}
	octx := authz.WithPrincipal(context.Background(), &authz.Principal{UserID: o.Admin.ID, OrgID: o.Org.ID, Role: aims.RoleAdmin, Operator: true})
	for i, ref := range controls[:10] {
		x := &aims.EvidenceRequirement{Requirement: ref, Kind: "validation-report", MaxAgeDays: 365}
		if i%2 == 1 {
			x.SystemID = systems[i%len(systems)]
		}
		if err := e.svc.CreateEvidenceRequirement(octx, x); err != nil {
			b.Fatal(err)
		}
	}
	return e, octx, controls
}

// BenchmarkMyWork answers GET /api/v1/me/work through the server's handler
// (server side: token, every source of work, JSON) for the admin of an
// organization with 100,000 evidence revisions over 5,000 pieces of
// evidence (500 of them on the 5 AI systems the admin owns, about 300 of
// those due within the expiring window), 5 expectations on their systems,
// 20 approval requests waiting for them, 20 approved documents to
// acknowledge and 20 risks they own with a treatment action each (the
// target: under 50 ms), on SQLite and PostgreSQL.
func BenchmarkMyWork(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			e, _, _ := seedEvidenceBench(b, benchDB(b, dialect))
			o := e.orgs["a"]
			sys := o.mustSystem(b, e.db, o.Admin.ID)
			for range 20 {
				o.mustSubmitted(b, e, o.Admin.ID)
				o.mustApproved(b, e)
				o.mustAction(b, e, o.mustRisk(b, e, sys.ID, o.Admin.ID, 3, 3).ID)
			}
			req := request{method: http.MethodGet, url: "/api/v1/me/work", token: o.tokens[aims.RoleAdmin]}
			var work struct {
				Items []aims.WorkItem `json:"items"`
			}
			decode(b, e.do(b, req), &work)
			kinds := map[aims.WorkKind]int{}
			for _, w := range work.Items {
				kinds[w.Kind]++
			}
			if kinds[aims.WorkApproval] != 20 || kinds[aims.WorkAcknowledgement] < 20 || kinds[aims.WorkEvidenceDue] < 100 {
				b.Fatalf("my work: %v", kinds)
			}
			cpu := cputime.Process()
			for b.Loop() {
				if res := e.do(b, req); res.Code != http.StatusOK {
					b.Fatalf("my work: %d %s", res.Code, res.Body)
				}
			}
			reportTimes(b, cpu)
			b.ReportMetric(float64(len(work.Items)), "items")
		})
	}
}
