package api

import (
	"strings"
)

// parseSortBy parses sortby: comma separated property names, each with an
// optional + (ascending, default) or - (descending) prefix; "id" sorts by
// feature id.
func parseSortBy(s string, coll Collection) ([]SortKey, error) {
	if s == "" {
		return nil, nil
	}
	var keys []SortKey
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		k := SortKey{}
		switch {
		case strings.HasPrefix(part, "-"):
			k.Desc, part = true, part[1:]
		case strings.HasPrefix(part, "+"):
			part = part[1:]
		}
		part = strings.TrimSpace(part)
		if strings.HasSuffix(strings.ToUpper(part), " DESC") { // CQL-style "naam DESC"
			k.Desc, part = true, strings.TrimSpace(part[:len(part)-5])
		} else if strings.HasSuffix(strings.ToUpper(part), " ASC") {
			part = strings.TrimSpace(part[:len(part)-4])
		}
		if _, ok := coll.Queryable(part); !ok && part != "id" {
			return nil, paramError("sortby", "%q is not a property of %s; sort by one of: %s (prefix - for descending)", part, coll.ID, propertyNames(coll))
		}
		k.Name = part
		keys = append(keys, k)
	}
	return keys, nil
}

func propertyNames(coll Collection) string {
	names := make([]string, len(coll.Properties))
	for i, p := range coll.Properties {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}
