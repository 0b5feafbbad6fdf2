package service

// The reference checks: a record that names others (an owner, a supplier,
// datasets, an instrument, tags, features) must name the organization's,
// or the naming field is invalid. They run in the writing transaction, and
// fill in the names so that the audit trail's before and after read alike.

import (
	"context"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/store"
)

// checkMember checks that userID is an active member, for an owner_id.
func checkMember(ctx context.Context, q store.Querier, scope aims.Scope, userID string) error {
	m, err := store.FindMemberByID(ctx, q, scope, userID)
	if aims.IsKind(err, aims.KindNotFound) || err == nil && m.Disabled {
		return &aims.Error{Kind: aims.KindInvalid, Message: "the owner must be an active member of this organization",
			Fields: []aims.FieldError{{Field: "owner_id", Detail: "is not an active member of this organization"}}}
	}
	return err
}

// checkAccount checks that id, when given, is an active member of the
// organization, naming field when not, and returns the member's name (""
// when no id is given), so that the audit trail's before and after name
// the person alike.
func checkAccount(ctx context.Context, q store.Querier, scope aims.Scope, field, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	m, err := store.FindMemberByID(ctx, q, scope, id)
	if aims.IsKind(err, aims.KindNotFound) || err == nil && m.Disabled {
		return "", &aims.Error{Kind: aims.KindInvalid, Message: "choose an active member of this organization",
			Fields: []aims.FieldError{{Field: field, Detail: "is not an active member of this organization"}}}
	}
	if err != nil {
		return "", err
	}
	return m.Name, nil
}

// checkSystemRefs checks that the owner is an active member and the
// supplier exists, naming the field when not, and fills in their names so
// that the audit trail's before and after read alike.
func checkSystemRefs(ctx context.Context, q store.Querier, scope aims.Scope, in *aims.AISystem) error {
	var v aims.Validation
	m, err := store.FindMemberByID(ctx, q, scope, in.OwnerID)
	switch {
	case aims.IsKind(err, aims.KindNotFound):
		v.Add("owner_id", "is not a member of this organization")
	case err != nil:
		return err
	case m.Disabled:
		v.Add("owner_id", "is a disabled account: choose an active member with authority to stop the system")
	default:
		in.OwnerName, in.OwnerEmail = m.Name, m.Email
	}
	in.SupplierName = ""
	if in.SupplierID != "" {
		sp, err := store.FindSupplierByID(ctx, q, scope, in.SupplierID)
		switch {
		case aims.IsKind(err, aims.KindNotFound):
			v.Add("supplier_id", "no such supplier")
		case err != nil:
			return err
		default:
			in.SupplierName = sp.Name
		}
	}
	return v.Err()
}

func checkSupplierRef(ctx context.Context, q store.Querier, scope aims.Scope, id string) error {
	if id == "" {
		return nil
	}
	_, err := store.FindSupplierByID(ctx, q, scope, id)
	if aims.IsKind(err, aims.KindNotFound) {
		return &aims.Error{Kind: aims.KindInvalid, Message: "no such supplier", Fields: []aims.FieldError{{Field: "supplier_id", Detail: "no such supplier"}}}
	}
	return err
}

func checkDatasetRefs(ctx context.Context, q store.Querier, scope aims.Scope, uses []aims.DatasetUse) error {
	var v aims.Validation
	for i, u := range uses {
		if _, err := store.FindDatasetByID(ctx, q, scope, u.DatasetID); aims.IsKind(err, aims.KindNotFound) {
			v.Add("datasets/"+itoa(i)+"/dataset_id", "no such dataset")
		} else if err != nil {
			return err
		}
	}
	return v.Err()
}

// checkInstrumentRef checks that the tag's instrument is the
// organization's, and names it.
func checkInstrumentRef(ctx context.Context, tx *store.Tx, scope aims.Scope, t *aims.Tag) error {
	if t.InstrumentID == "" {
		t.InstrumentName = ""
		return nil
	}
	in, err := store.FindInstrumentByID(ctx, tx, scope, t.InstrumentID, tx.Now())
	if aims.IsKind(err, aims.KindNotFound) {
		return &aims.Error{Kind: aims.KindInvalid, Message: "no such instrument", Fields: []aims.FieldError{{Field: "instrument_id", Detail: "no such instrument"}}}
	}
	if err != nil {
		return err
	}
	t.InstrumentName = in.Name
	return nil
}

// checkTagRefs checks that every tag named by id is the organization's,
// and fills in the names; an unknown one is an invalid "field/INDEX".
func checkTagRefs(ctx context.Context, q store.Querier, scope aims.Scope, field string, refs []aims.LineageRef) error {
	found, err := store.FindTagsByIDs(ctx, q, scope, aims.RefIDs(refs))
	if err != nil {
		return err
	}
	return nameRefs(refs, found, func(t *aims.Tag) string { return t.Name }, field, "no such tag")
}

// checkFeatureRefs is checkTagRefs for features.
func checkFeatureRefs(ctx context.Context, q store.Querier, scope aims.Scope, field string, refs []aims.LineageRef) error {
	found, err := store.FindFeaturesByIDs(ctx, q, scope, aims.RefIDs(refs))
	if err != nil {
		return err
	}
	return nameRefs(refs, found, func(f *aims.Feature) string { return f.Name }, field, "no such feature")
}

// nameRefs fills in the name of each ref from found, by id; a ref not
// found is an invalid "field/INDEX" with detail missing.
func nameRefs[T any](refs []aims.LineageRef, found map[string]*T, name func(*T) string, field, missing string) error {
	var v aims.Validation
	for i := range refs {
		if r := found[refs[i].ID]; r != nil {
			refs[i].Name = name(r)
		} else {
			v.Add(field+"/"+itoa(i), "%s", missing)
		}
	}
	return v.Err()
}

// checkRef checks that the record id that field names is the
// organization's; another organization's is "no such" as an unknown one.
func checkRef[T any](ctx context.Context, q store.Querier, scope aims.Scope, field, what, id string,
	find func(context.Context, store.Querier, aims.Scope, string) (*T, error)) error {
	if id == "" {
		return nil
	}
	_, err := find(ctx, q, scope, id)
	if aims.IsKind(err, aims.KindNotFound) {
		return &aims.Error{Kind: aims.KindInvalid, Message: "no such " + what, Fields: []aims.FieldError{{Field: field, Detail: "no such " + what}}}
	}
	return err
}

// checkPeopleRefs checks in one query that every person ids names is the
// organization's; an unknown one is an invalid "field/INDEX" (a session
// with hundreds of attendees reads them at once).
func checkPeopleRefs(ctx context.Context, q store.Querier, scope aims.Scope, field string, ids []string) error {
	found, err := store.FindPeopleByIDs(ctx, q, scope, ids)
	if err != nil {
		return err
	}
	var v aims.Validation
	for i, id := range ids {
		if found[id] == nil {
			v.Add(field+"/"+itoa(i), "no such person")
		}
	}
	return v.Err()
}
