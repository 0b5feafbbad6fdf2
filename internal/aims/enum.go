package aims

import "slices"

// enumValid reports whether v is one of values. Each enum type wraps it in an
// IsValid method, so that adding a value means adding one constant and one
// entry in its Values list.
func enumValid[T ~string](v T, values []T) bool { return slices.Contains(values, v) }

// Label is the human name of an enum value, shown in the UI.
type Label struct {
	Value string
	Title string
}

// ValidateSet checks every member of a set-valued field, and that none is
// repeated; field errors name the member's position.
func ValidateSet[T ~string](v *Validation, field string, set []T, valid func(T) bool, what string) {
	seen := map[T]bool{}
	for i, x := range set {
		switch {
		case !valid(x):
			v.Add(field+"/"+itoa(i), "%q is not a known %s", string(x), what)
		case seen[x]:
			v.Add(field+"/"+itoa(i), "%q is listed twice", string(x))
		}
		seen[x] = true
	}
}
