package cql2

import (
	"errors"
	"fmt"
	"time"
)

// Property types a Check schema uses (JSON Schema types of the queryables).
const (
	TypeString  = "string"
	TypeNumber  = "number"
	TypeInteger = "integer"
	TypeBoolean = "boolean"
	TypeDate    = "date"
)

// Errors returned by Check.
var (
	ErrUnknownProperty = errors.New("unknown property")
	ErrTypeMismatch    = errors.New("type mismatch")
)

// Check verifies that every property the filter uses is in types (name to
// TypeString, TypeNumber, ...), and that it is compared with literals of a
// fitting type. It lets a server reject `score = 'hoog'` with a clear message
// instead of silently matching nothing.
func (f *Filter) Check(types map[string]string) error {
	for _, name := range f.props {
		if _, ok := types[name]; !ok {
			return fmt.Errorf("%w %q", ErrUnknownProperty, name)
		}
	}
	return checkNode(f.root, types)
}

func checkNode(n node, types map[string]string) error {
	switch x := n.(type) {
	case andNode:
		return errors.Join(checkNode(x.left, types), checkNode(x.right, types))
	case orNode:
		return errors.Join(checkNode(x.left, types), checkNode(x.right, types))
	case notNode:
		return checkNode(x.inner, types)
	case cmpNode:
		return checkPair(x.left, x.right, types)
	case inNode:
		for _, s := range x.list {
			if err := checkPair(x.expr, s, types); err != nil {
				return err
			}
		}
	case betweenNode:
		return errors.Join(checkPair(x.expr, x.lo, types), checkPair(x.expr, x.hi, types))
	case likeNode:
		if p, ok := x.expr.(propRef); ok && types[p.name] != TypeString {
			return fmt.Errorf("%w: LIKE needs a text property, but %q is a %s", ErrTypeMismatch, p.name, types[p.name])
		}
	}
	return nil
}

func checkPair(a, b scalar, types map[string]string) error {
	p, pok := a.(propRef)
	l, lok := b.(literal)
	if !pok || !lok {
		p, pok = b.(propRef)
		l, lok = a.(literal)
	}
	if !pok || !lok {
		return nil
	}
	want := types[p.name]
	var got string
	switch l.v.(type) {
	case string:
		got = TypeString
	case float64:
		got = TypeNumber
	case bool:
		got = TypeBoolean
	case time.Time:
		got = TypeDate
	}
	ok := false
	switch want {
	case TypeNumber, TypeInteger:
		ok = got == TypeNumber
	case TypeDate:
		ok = got == TypeDate || got == TypeString
	case "":
		ok = true
	default:
		ok = got == want
	}
	if !ok {
		return fmt.Errorf("%w: property %q is a %s but is compared with a %s value %v", ErrTypeMismatch, p.name, want, got, l.v)
	}
	return nil
}
