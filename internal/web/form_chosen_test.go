package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
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
		{"deleted meanwhile", []string{"gone"}, []string{"gone:gone"}},
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
		e.post(aims.RoleContributor, "/lineage/tags/"+tag.ID+"/edit", formOf(edit.doc, "main form")).want(t, http.StatusSeeOther)
		if got, err := e.svc.FindTagByID(ctx, tag.ID); err != nil || got.InstrumentID != last.ID {
			t.Fatalf("after saving the form unchanged, the tag's instrument is %q (%v), want %s", got.InstrumentID, err, last.ID)
		}
	})
}
