package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/aimsproject/aims/internal/aims"
)

func (ui *UI) registerInterestedParties(r chi.Router) {
	crud[aims.InterestedParty]{
		path: "/interested-parties", noun: "interested party", plural: "interested parties",
		list: func(ctx context.Context, q url.Values, page aims.Page) ([]*aims.InterestedParty, int, bool, error) {
			f := aims.InterestedPartyFilter{Search: q.Get("q"), Kind: aims.PartyKind(q.Get("kind")), Sort: q.Get("sort"), Page: page}
			list, total, err := ui.Svc.FindInterestedParties(ctx, f)
			return list, total, f.Search != "" || f.Kind != "", err
		},
		listPage: InterestedPartyListPage,
		detail: func(ui *UI, w http.ResponseWriter, r *http.Request, p *aims.InterestedParty) error {
			return render(w, r, http.StatusOK, InterestedPartyPage(ui.page(r, p.Name, "interested parties"), p))
		},
		find:   ui.Svc.FindInterestedPartyByID,
		key:    func(p *aims.InterestedParty) (string, string) { return p.ID, p.Name },
		blank:  func() *aims.InterestedParty { return &aims.InterestedParty{Origin: aims.OriginExternal} },
		read:   partyFromForm,
		create: ui.Svc.CreateInterestedParty,
		update: func(ctx context.Context, p *aims.InterestedParty) error {
			review := aims.Date{}
			if p.ReviewDate != nil {
				review = *p.ReviewDate
			}
			_, err := ui.Svc.UpdateInterestedParty(ctx, p.ID, aims.InterestedPartyUpdate{Name: &p.Name, Kind: &p.Kind, Origin: &p.Origin,
				Description: &p.Description, Requirements: &p.Requirements, ReviewDate: &review})
			return err
		},
		delete: ui.Svc.DeleteInterestedParty,
		form: func(_ *UI, _ *http.Request, p Page, f formState[aims.InterestedParty]) (templ.Component, error) {
			return InterestedPartyFormPage(p, partyForm(f)), nil
		},
	}.routes(ui, r)
}

// partyBlankRows is how many empty requirement rows the form offers.
const partyBlankRows = 3

// partyFromForm reads the form: requirement rows named requirements/N/...;
// an empty row is dropped by the record's Normalize.
func partyFromForm(id string, f url.Values) (*aims.InterestedParty, error) {
	p := &aims.InterestedParty{ID: id, Name: f.Get("name"), Kind: aims.PartyKind(f.Get("kind")), Origin: aims.IssueOrigin(f.Get("origin")),
		Description: f.Get("description"), Requirements: []aims.PartyRequirement{}}
	rows, _ := strconv.Atoi(f.Get("rows"))
	for i := 0; i < rows && i < 250; i++ {
		k := "requirements/" + strconv.Itoa(i) + "/"
		p.Requirements = append(p.Requirements, aims.PartyRequirement{Text: f.Get(k + "text"), Addressed: aims.Addressing(f.Get(k + "addressed")),
			Through: splitRefs(f.Get(k + "through")), Note: f.Get(k + "note")})
	}
	var v aims.Validation
	p.ReviewDate = formDate(&v, f, "review_date")
	p.Normalize() // drops the empty rows, so that errors name the rows shown again
	return p, v.Err()
}

// splitRefs reads "iso42001:A.8.2; eu-ai-act:Art. 26".
func splitRefs(s string) []string {
	out := []string{}
	for _, x := range strings.Split(s, ";") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// partyForm is the create and edit form of an interested party.
type partyForm formState[aims.InterestedParty]

// Action is where the form posts.
func (f partyForm) Action() string {
	if f.New {
		return "/interested-parties/new"
	}
	return "/interested-parties/" + f.Record.ID + "/edit"
}

// Rows are the requirement rows the form shows: the party's and a few
// empty ones.
func (f partyForm) Rows() []aims.PartyRequirement {
	rows := append([]aims.PartyRequirement{}, f.Record.Requirements...)
	for range partyBlankRows {
		rows = append(rows, aims.PartyRequirement{Addressed: aims.AddressedNot})
	}
	return rows
}

// refLink is where a requirement's record leads: a control or obligation's
// catalog page; a document is shown by its reference.
func refLink(s string) (href, label string) {
	kind, id := aims.SplitRef(s)
	switch kind {
	case aims.DocumentRef:
		return "", "Document " + id
	case "iso42001":
		return reqURL(kind, id), "ISO/IEC 42001 " + id
	case "eu-ai-act":
		return reqURL(kind, id), "EU AI Act " + id
	case "nist-ai-rmf":
		return reqURL(kind, id), "NIST AI RMF " + id
	}
	return reqURL(kind, id), id
}

// joinRefs writes a requirement's records for its form field.
func joinRefs(refs []string) string { return strings.Join(refs, "; ") }

// addressedBadge is the badge class of how far a requirement is addressed.
func addressedBadge(a aims.Addressing) string {
	switch a {
	case aims.AddressedFully:
		return "badge ok"
	case aims.AddressedPartly:
		return "badge"
	}
	return "badge warn"
}
