package store

// registerOrder is the ORDER BY of a register's list (the context
// registers, issue 16): sort is "name" (its name, title or subject) or
// "updated_at", a leading "-" reversing it, or one of the register's own
// orders in extra; anything else is def. alias is the register table's
// alias in the query; every register table has name_key and updated_at.
func registerOrder(alias, sort, def string, extra map[string]string) string {
	switch sort {
	case "name":
		return ` ORDER BY ` + alias + `.name_key, ` + alias + `.id`
	case "-name":
		return ` ORDER BY ` + alias + `.name_key DESC, ` + alias + `.id DESC`
	case "updated_at":
		return ` ORDER BY ` + alias + `.updated_at, ` + alias + `.id`
	case "-updated_at":
		return ` ORDER BY ` + alias + `.updated_at DESC, ` + alias + `.id DESC`
	}
	if o, ok := extra[sort]; ok {
		return ` ORDER BY ` + o
	}
	return ` ORDER BY ` + def
}

// reviewOrders sort a register by its review date, those without one last.
func reviewOrders(alias string) map[string]string {
	return map[string]string{
		"review":  alias + `.review_date IS NULL, ` + alias + `.review_date, ` + alias + `.name_key, ` + alias + `.id`,
		"-review": alias + `.review_date IS NULL, ` + alias + `.review_date DESC, ` + alias + `.name_key, ` + alias + `.id`,
	}
}
