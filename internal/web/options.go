package web

import (
	"net/http"

	"github.com/aimsproject/aims/internal/aims"
)

// The choices of forms and filters that come from the organization's
// records (members, suppliers, systems, tags, features), read through the
// service; fixed choices (enums) are built where they are shown.

// memberOptions lists the organization's members for an owner select. An
// active member is offered; a disabled one only when already selected (the
// form shows what is stored; the service refuses it as a new owner).
func (ui *UI) memberOptions(r *http.Request, selected string, includeDisabled bool) ([]option, error) {
	members, _, err := ui.Svc.FindMembers(r.Context(), aims.MemberFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return nil, err
	}
	var out []option
	for _, m := range members {
		if m.Disabled && !includeDisabled && m.ID != selected {
			continue
		}
		label := m.Name + " (" + m.Email + ")"
		if m.Disabled {
			label += ", disabled"
		}
		out = append(out, option{Value: m.ID, Label: label, Selected: m.ID == selected})
	}
	return withChosen(out, []string{selected}, func(id string) (string, error) {
		m, err := ui.Svc.FindMemberByID(r.Context(), id)
		if err != nil {
			return "", err
		}
		if m.Disabled {
			return m.Name + " (" + m.Email + "), disabled", nil
		}
		return m.Name + " (" + m.Email + ")", nil
	})
}

// supplierOptions lists the organization's suppliers for a select.
func (ui *UI) supplierOptions(r *http.Request, selected string) ([]option, error) {
	suppliers, _, err := ui.Svc.FindSuppliers(r.Context(), aims.SupplierFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return nil, err
	}
	out := make([]option, 0, len(suppliers))
	for _, s := range suppliers {
		out = append(out, option{Value: s.ID, Label: s.Name, Selected: s.ID == selected})
	}
	return withChosen(out, []string{selected}, func(id string) (string, error) {
		s, err := ui.Svc.FindSupplierByID(r.Context(), id)
		if err != nil {
			return "", err
		}
		return s.Name, nil
	})
}

// systemOptions lists the AI systems for a select.
func (ui *UI) systemOptions(r *http.Request, selected string) ([]option, error) {
	list, _, err := ui.Svc.FindSystems(r.Context(), aims.SystemFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return nil, err
	}
	out := make([]option, len(list))
	for i, s := range list {
		out[i] = option{Value: s.ID, Label: s.Name, Selected: s.ID == selected}
	}
	return withChosen(out, []string{selected}, func(id string) (string, error) {
		s, err := ui.Svc.FindSystemByID(r.Context(), id)
		if err != nil {
			return "", err
		}
		return s.Name, nil
	})
}

// tagOptions lists the first tags of the organization matching q for a
// picker, each with its unit, and how many match in all.
func (ui *UI) tagOptions(r *http.Request, q string, limit int) ([]option, int, error) {
	list, total, err := ui.Svc.FindTags(r.Context(), aims.TagFilter{Query: q, Page: aims.Page{Limit: limit}})
	if err != nil {
		return nil, 0, err
	}
	opts := make([]option, len(list))
	for i, t := range list {
		opts[i] = option{Value: t.ID, Label: withUnit(t.Name, t.Unit)}
	}
	return opts, total, nil
}

// featureOptions lists the first features of the organization matching q
// for a picker, and how many match in all.
func (ui *UI) featureOptions(r *http.Request, q string, limit int) ([]option, int, error) {
	list, total, err := ui.Svc.FindFeatures(r.Context(), aims.FeatureFilter{Query: q, Page: aims.Page{Limit: limit}})
	if err != nil {
		return nil, 0, err
	}
	opts := make([]option, len(list))
	for i, f := range list {
		opts[i] = option{Value: f.ID, Label: withUnit(f.Name, f.Unit)}
	}
	return opts, total, nil
}

// personOptions lists the organization's active people for a select.
func (ui *UI) personOptions(r *http.Request, selected string) ([]option, error) {
	active := true
	list, _, err := ui.Svc.FindPeople(r.Context(), aims.PersonFilter{Active: &active, Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return nil, err
	}
	out := make([]option, len(list))
	for i, p := range list {
		out[i] = option{Value: p.ID, Label: p.Name, Selected: p.ID == selected}
	}
	return withChosen(out, []string{selected}, func(id string) (string, error) {
		p, err := ui.Svc.FindPersonByID(r.Context(), id)
		if err != nil {
			return "", err
		}
		return p.Name, nil
	})
}

// aimsRoleOptions lists the organization's AIMS roles for a select.
func (ui *UI) aimsRoleOptions(r *http.Request, selected string) ([]option, error) {
	list, _, err := ui.Svc.FindAIMSRoles(r.Context(), aims.AIMSRoleFilter{Page: aims.Page{Limit: aims.MaxLimit}})
	if err != nil {
		return nil, err
	}
	out := make([]option, len(list))
	for i, x := range list {
		out[i] = option{Value: x.ID, Label: x.Name, Selected: x.ID == selected}
	}
	return out, nil
}
