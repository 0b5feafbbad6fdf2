package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/store/storetest"
)

func TestWithChosen(t *testing.T) {
	first := []option{{Value: "a", Label: "Alpha"}, {Value: "b", Label: "Beta", Selected: true}}
	names := map[string]string{"z": "Zulu", "y": "Yankee"}
	label := func(id string) (string, error) {
		switch {
		case id == "boom":
			return "", errors.New("database down")
		case names[id] == "":
			return "", aims.Errorf(aims.KindNotFound, "not found")
		}
		return names[id], nil
	}
	for _, c := range []struct {
		name   string
		chosen []string
		want   []string // value:label of the options after the first two
	}{
		{"nothing chosen", nil, nil},
		{"a blank choice", []string{""}, nil},
		{"a listed one", []string{"b"}, nil},
		{"one past the first page", []string{"z"}, []string{"z:Zulu"}},
		{"several, one twice", []string{"z", "a", "y", "z"}, []string{"z:Zulu", "y:Yankee"}},
		{"a value that names no record", []string{"none"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := withChosen(slices.Clone(first), c.chosen, label)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got[:2], first) {
				t.Errorf("the listed options changed: %v", got[:2])
			}
			var added []string
			for _, o := range got[2:] {
				if !o.Selected {
					t.Errorf("%s added unselected", o.Value)
				}
				added = append(added, o.Value+":"+o.Label)
			}
			if !slices.Equal(added, c.want) {
				t.Errorf("added %v, want %v", added, c.want)
			}
		})
	}
	if _, err := withChosen(first, []string{"boom"}, label); err == nil {
		t.Error("a failed lookup was ignored")
	}
}

// TestTagFormKeepsAnInstrumentPastTheFirstPage edits a tag produced by an
// instrument that sorts after the first aims.MaxLimit instruments: the form
// still shows it chosen, so that saving the form keeps the link.
func TestTagFormKeepsAnInstrumentPastTheFirstPage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		ctx := e.ctx(aims.RoleAdmin)
		for i := range aims.MaxLimit {
			if err := e.svc.CreateInstrument(ctx, &aims.Instrument{Name: fmt.Sprintf("AT-%04d", i), Kind: aims.InstrumentSensor}); err != nil {
				t.Fatal(err)
			}
		}
		last := &aims.Instrument{Name: "ZT-9001", Kind: aims.InstrumentSensor}
		if err := e.svc.CreateInstrument(ctx, last); err != nil {
			t.Fatal(err)
		}
		tag := &aims.Tag{Name: "ZT-9001 level", InstrumentID: last.ID}
		if err := e.svc.CreateTag(ctx, tag); err != nil {
			t.Fatal(err)
		}
		edit := e.get(aims.RoleContributor, "/lineage/tags/"+tag.ID+"/edit").want(t, http.StatusOK)
		query(t, edit.doc, `select#instrument_id option[value="`+last.ID+`"][selected]`)
		// The select lists some; a search beside it finds the others.
		search := query(t, edit.doc, `input#instrument-search[hx-get="/lineage/instruments/options"]`)
		if got := text(query(t, edit.doc, `label[for=instrument-search]`)); !strings.Contains(got, "300 more") {
			t.Errorf("search label %q, want it to say 300 more", got)
		}
		found := e.get(aims.RoleContributor, attr(search, "hx-get")+"?q=AT-04&instrument_id="+last.ID).want(t, http.StatusOK)
		var names []string
		for _, o := range queryAll(found.doc, "option") {
			names = append(names, text(o))
		}
		if len(names) != 1+50+1+1 || names[0] != "No instrument" || names[1] != "AT-0400" || names[51] != "ZT-9001" {
			t.Errorf("search for AT-04 answered %d options: %v", len(names), names)
		}
		query(t, found.doc, `option[value="`+last.ID+`"][selected]`)
		query(t, found.doc, `option[disabled]`) // 100 match, 50 shown
		// Another organization finds none of them.
		if got := len(queryAll(e.do(e.other.Admin, http.MethodGet, "/lineage/instruments/options?q=AT", nil, nil).doc, "option[value]")); got != 1 {
			t.Errorf("another organization's search answered %d options, want only the blank one", got)
		}
		e.post(aims.RoleContributor, "/lineage/tags/"+tag.ID+"/edit", formOf(edit.doc, "main form")).want(t, http.StatusSeeOther)
		if got, err := e.svc.FindTagByID(ctx, tag.ID); err != nil || got.InstrumentID != last.ID {
			t.Fatalf("after saving the form unchanged, the tag's instrument is %q (%v), want %s", got.InstrumentID, err, last.ID)
		}
	})
}

// TestFiltersDoNotInventOptions: a filter value that names no record (the
// register's "the organization's own", an id typed into the URL) adds no
// option to the select.
func TestFiltersDoNotInventOptions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		e := newTestEnv(t, db)
		own := e.get(aims.RoleViewer, "/risks?system_id=none").want(t, http.StatusOK)
		if got := len(queryAll(own.doc, `select#system_id option[value=none]`)); got != 1 {
			t.Errorf("%d options say none, want 1", got)
		}
		query(t, own.doc, `select#system_id option[value=none][selected]`)
		typed := e.get(aims.RoleViewer, "/systems?owner_id=no-such-member").want(t, http.StatusOK)
		if got := len(queryAll(typed.doc, `select#owner_id option[value=no-such-member]`)); got != 0 {
			t.Errorf("an unknown owner in the URL became %d option(s)", got)
		}
	})
}
