// Package cql2 parses and evaluates filters written in CQL2 text, the
// Common Query Language of OGC API - Features - Part 3.
//
// It implements Basic CQL2 (comparisons = <> < > <= >=, AND, OR, NOT,
// parentheses, IS [NOT] NULL, string, number, boolean and DATE/TIMESTAMP
// literals), the advanced comparison operators LIKE, IN and BETWEEN, and the
// spatial function S_INTERSECTS with WKT geometry literals (POINT,
// LINESTRING, POLYGON, their MULTI variants) and BBOX(...).
//
// Evaluation uses three-valued logic: a comparison with a missing (NULL)
// property is unknown, and a filter only matches when it is true.
//
//	f, err := cql2.Parse("gemeente = 'GM0344' AND score >= 0.5")
//	if err != nil { ... } // *cql2.SyntaxError says where
//	ok := f.Match(record)
package cql2
