package api_test

import "fmt"

// addOpCases lets a capability keep its role-matrix entries in a file of its
// own (roles_<capability>_test.go, from an init function), so that
// capabilities built side by side do not edit one map literal.
func addOpCases(cases map[string]opCase) {
	for id, c := range cases {
		if _, dup := opCases[id]; dup {
			panic(fmt.Sprintf("role matrix: operation %q has two entries", id))
		}
		opCases[id] = c
	}
}
