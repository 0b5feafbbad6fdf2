package service_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/fuzzseed"
	"github.com/aimsproject/aims/internal/store/storetest"
)

// The importers' fuzz targets run each input through the whole service on a
// SQLite database: a file is either imported or refused as bad input (never
// a panic, never an internal error, which would answer 500), and what one
// import accepts, its export imports back. CI runs each for a few seconds
// (.ci/run).

// wantBadInput fails unless err is nil or a kind a caller can fix.
func wantBadInput(t *testing.T, err error) {
	t.Helper()
	switch k := aims.KindOf(err); k {
	case "", aims.KindInvalid, aims.KindBadRequest, aims.KindTooLarge, aims.KindNotFound, aims.KindConflict:
	default:
		t.Fatalf("refused with kind %s (a 5xx): %v", k, err)
	}
}

func FuzzImportSystemsCSV(f *testing.F) {
	o := newInventoryOrg(f, storetest.OpenSQLite(f), "acme")
	admin := o.as(aims.RoleAdmin)
	seed := "name,purpose,owner_email,operator_roles,lifecycle_stage,autonomy,impact_domains,techniques,supplier,in_scope,scope_justification,tags\n" +
		"Setpoint optimizer,Dewatering setpoints,owner@acme.test,deployer;developer,deployed,human_override,safety,gradient boosting,Dewatering Controls GmbH,yes,,plant;line 2\n" +
		"\"Quoted, name\",\"A purpose with \"\"quotes\"\"\",owner@acme.test,deployer,idea,advisory,,,,no,Research only,\n"
	if _, err := o.svc.ImportSystemsCSV(admin, strings.NewReader(seed), false); err != nil {
		f.Fatal(err)
	}
	var exported bytes.Buffer
	if err := o.svc.ExportSystemsCSV(admin, &exported, aims.SystemFilter{}); err != nil {
		f.Fatal(err)
	}
	fuzzseed.Add(f, "import", []byte(seed))
	fuzzseed.Add(f, "export", exported.Bytes())
	fuzzseed.Add(f, "formula", []byte("name,purpose\n=HYPERLINK(\"x\"),'=1+1\n"))
	fuzzseed.Add(f, "bom-semicolon", []byte("\xef\xbb\xbfname;purpose\nA;B\n"))
	fuzzseed.Add(f, "header-only", []byte("name\n"))
	fuzzseed.Add(f, "no-name-column", []byte("purpose\nx\n"))
	fuzzseed.Add(f, "nul", []byte("name,purpose\nA\x00,B\n"))
	fuzzseed.Add(f, "bare-quote", []byte("name,purpose\na\"b,c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := o.svc.ImportSystemsCSV(admin, bytes.NewReader(data), false)
		wantBadInput(t, err)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := o.svc.ExportSystemsCSV(admin, &out, aims.SystemFilter{}); err != nil {
			t.Fatalf("export after an import: %v", err)
		}
		res, err := o.svc.ImportSystemsCSV(admin, bytes.NewReader(out.Bytes()), true)
		if err != nil {
			t.Fatalf("the export does not import back: %v\n%s", err, out.Bytes())
		}
		if res.Created != 0 || res.Updated != 0 {
			t.Fatalf("the export imported back changes things: %+v\n%s", res, out.Bytes())
		}
	})
}

func FuzzImportLineageCSV(f *testing.F) {
	o := newInventoryOrg(f, storetest.OpenSQLite(f), "acme")
	edit := o.as(aims.RoleContributor)
	kinds := []string{"instruments", "tags", "features"}
	seeds := []string{
		"name,kind,location,calibration_required,calibration_interval_days\nTT-101,sensor,Line 2,yes,365\nFT-201,meter,,no,\n",
		"name,unit,instrument,quality_caveats\nTT-101 torque,kNm,TT-101,spiky\nShift,,,\n",
		"name,transformation,tags\ntorque mean,mean,TT-101 torque; Shift\n",
	}
	for i, kind := range kinds {
		if _, err := o.svc.ImportLineageCSV(edit, kind, strings.NewReader(seeds[i])); err != nil {
			f.Fatalf("%s: %v", kind, err)
		}
	}
	for i, kind := range kinds {
		var out bytes.Buffer
		if err := o.svc.ExportLineageCSV(edit, kind, &out); err != nil {
			f.Fatal(err)
		}
		fuzzseed.Add(f, kind+"-import", uint8(i), []byte(seeds[i]))
		fuzzseed.Add(f, kind+"-export", uint8(i), out.Bytes())
	}
	fuzzseed.Add(f, "unknown-instrument", uint8(1), []byte("name,instrument\nX,Nope\n"))
	fuzzseed.Add(f, "formula", uint8(0), []byte("name,kind\n@SUM(1),sensor\n"))
	fuzzseed.Add(f, "zero-width-name", uint8(0), []byte("name,kind\nTT\u200b101,sensor\n"))
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		kind := kinds[int(k)%len(kinds)]
		_, err := o.svc.ImportLineageCSV(edit, kind, bytes.NewReader(data))
		wantBadInput(t, err)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := o.svc.ExportLineageCSV(edit, kind, &out); err != nil {
			t.Fatalf("export after an import: %v", err)
		}
		if _, err := o.svc.ImportLineageCSV(edit, kind, bytes.NewReader(out.Bytes())); err != nil {
			t.Fatalf("the %s export does not import back: %v\n%s", kind, err, out.Bytes())
		}
	})
}

func FuzzImportRequirementTexts(f *testing.F) {
	o := newInventoryOrg(f, storetest.OpenSQLite(f), "acme")
	mgr := o.as(aims.RoleAIMSManager)
	x := excelize.NewFile()
	_ = x.SetSheetRow("Sheet1", "A1", &[]any{"id", "text"})
	_ = x.SetSheetRow("Sheet1", "A2", &[]any{"A.6.2.8", "Logging text"})
	var xb bytes.Buffer
	if err := x.Write(&xb); err != nil {
		f.Fatal(err)
	}
	fuzzseed.Add(f, "csv", []byte("id,text\nA.2.2,Our licensed text of A.2.2\nA.6.2.8,\"Multi\nline\"\n"))
	fuzzseed.Add(f, "xlsx", xb.Bytes())
	fuzzseed.Add(f, "unknown-id", []byte("id,text\nZ.9,x\n"))
	fuzzseed.Add(f, "nul", []byte("id,text\nA.2.2,a\x00b\n"))
	fuzzseed.Add(f, "zip-not-xlsx", []byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := o.svc.ImportRequirementTexts(mgr, "iso42001", data)
		wantBadInput(t, err)
	})
}

func FuzzRecordDecisionBatch(f *testing.F) {
	db := storetest.OpenSQLite(f)
	o := newInventoryOrg(f, db, "acme")
	sys := o.MustCreateSystem(f, db, storetest.System("Setpoint optimizer", o.owner.ID))
	admin := o.as(aims.RoleAdmin)
	fuzzseed.Add(f, "batch", []byte(`{"model_version":"2.0","source":"gw","seq":1,"source_time":"2026-03-02T10:15:00Z","inputs":{"TT-101 torque":41.2},"output":{"value":1,"unit":"%"}}
{"model_version":"2.0","source":"gw","seq":2,"source_time":"2026-03-02T10:16:00Z","output":{"value":"open"},"human":{"action":"approved","by":"lead","at":"2026-03-02T10:17:00Z"}}
`))
	fuzzseed.Add(f, "one-bad-line", []byte("{\"model_version\":\"2.0\",\"source\":\"gw\",\"seq\":3,\"source_time\":\"2026-03-02T10:15:00Z\",\"output\":{\"value\":1}}\n{\"seq\":\"x\"}\n"))
	fuzzseed.Add(f, "blank-lines", []byte("\n\n"))
	fuzzseed.Add(f, "nul-in-tag", []byte(`{"model_version":"2.0","source":"gw","seq":4,"source_time":"2026-03-02T10:15:00Z","inputs":{"a\u0000b":1},"output":{"value":1}}`))
	fuzzseed.Add(f, "crlf", []byte("{\"model_version\":\"2.0\",\"source\":\"gw\",\"seq\":5,\"source_time\":\"2026-03-02T10:15:00Z\",\"output\":{\"value\":1}}\r\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := o.svc.RecordDecisionBatch(admin, sys.ID, body, "fuzz")
		wantBadInput(t, err)
		if err != nil {
			return
		}
		if res.Stored+res.Duplicates+res.Rejected != len(res.Acks)+len(res.Errors) {
			t.Fatalf("counts do not add up: %+v", res)
		}
	})
}

// TestRequirementTextsRefuseAZipBomb: a small workbook that declares it
// unpacks to more than the limit is refused as too large before anything
// is unpacked (excelize's default allows 16 GB).
func TestRequirementTextsRefuseAZipBomb(t *testing.T) {
	o := newInventoryOrg(t, storetest.OpenSQLite(t), "acme")
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range 70 {
		if _, err := w.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 1<<20 {
		t.Fatalf("the bomb is %d bytes", b.Len())
	}
	_, err = o.svc.ImportRequirementTexts(o.as(aims.RoleAIMSManager), "iso42001", b.Bytes())
	if !aims.IsKind(err, aims.KindTooLarge) {
		t.Errorf("a workbook that unpacks to 70 MiB: err = %v, want too large", err)
	}
}

func FuzzImportPeopleCSV(f *testing.F) {
	o := newInventoryOrg(f, storetest.OpenSQLite(f), "acme")
	admin := o.as(aims.RoleAdmin)
	seed := "name,email,job_title,department,site,active\n" +
		"Ana Silva,,Shift operator,Production,Riverside,yes\n" +
		"\"Okafor, Sam\",sam@acme.test,IT administrator,IT,Head office,\n"
	if _, err := o.svc.ImportPeopleCSV(admin, strings.NewReader(seed)); err != nil {
		f.Fatal(err)
	}
	training := "person_email,competence,completed_on,expires_on,evidence\nsam@acme.test,AI literacy basics,2026-01-10,2028-01-10,LMS\n"
	if _, err := o.svc.ImportTrainingRecordsCSV(admin, strings.NewReader(training)); err != nil {
		f.Fatal(err)
	}
	var people, records bytes.Buffer
	if err := o.svc.ExportPeopleCSV(admin, &people, aims.PersonFilter{}); err != nil {
		f.Fatal(err)
	}
	if err := o.svc.ExportTrainingRecordsCSV(admin, &records, aims.TrainingRecordFilter{}); err != nil {
		f.Fatal(err)
	}
	fuzzseed.Add(f, "people-import", uint8(0), []byte(seed))
	fuzzseed.Add(f, "people-export", uint8(0), people.Bytes())
	fuzzseed.Add(f, "training-import", uint8(1), []byte(training))
	fuzzseed.Add(f, "training-export", uint8(1), records.Bytes())
	fuzzseed.Add(f, "expiry-before-date", uint8(1), []byte("person_email,competence,completed_on,expires_on\nsam@acme.test,X,2026-02-01,2026-01-01\n"))
	fuzzseed.Add(f, "unknown-id", uint8(0), []byte("name,id\nX,nope\n"))
	fuzzseed.Add(f, "repeated-email", uint8(0), []byte("name,email\nA,a@x.test\nB,A@X.TEST\n"))
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		if kind%2 == 1 {
			_, err := o.svc.ImportTrainingRecordsCSV(admin, bytes.NewReader(data))
			wantBadInput(t, err)
			return
		}
		_, err := o.svc.ImportPeopleCSV(admin, bytes.NewReader(data))
		wantBadInput(t, err)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := o.svc.ExportPeopleCSV(admin, &out, aims.PersonFilter{}); err != nil {
			t.Fatalf("export after an import: %v", err)
		}
		res, err := o.svc.ImportPeopleCSV(admin, bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("the export does not import back: %v\n%s", err, out.Bytes())
		}
		if res.Created != 0 || res.Updated != 0 {
			t.Fatalf("the export imported back changes things: %+v\n%s", res, out.Bytes())
		}
	})
}
