package matching

import (
	"fmt"
	"strings"
)

// errorKind says what a FieldError is about: a scoring profile or
// business-case parameters, each with its own sentinel error.
type errorKind interface {
	what() string
	sentinel() error
}

// FieldError names the wrong field of a file a user wrote (a profile,
// business-case parameters) as a path such as "criteria[3].thresholds", so
// the message says what to fix where. See ProfileError and BusinessCaseError.
type FieldError[K errorKind] struct {
	File  string // may be empty
	Field string
	Msg   string
}

func (e *FieldError[K]) Error() string {
	var k K
	if e.File != "" {
		return fmt.Sprintf("%s %s: %s: %s", k.what(), e.File, e.Field, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", k.what(), e.Field, e.Msg)
}

// Unwrap makes errors.Is(err, ErrInvalidProfile) (or
// ErrInvalidBusinessCase) true.
func (e *FieldError[K]) Unwrap() error {
	var k K
	return k.sentinel()
}

// FieldErrors is a list of field errors; Error shows them all.
type FieldErrors[K errorKind] []*FieldError[K]

func (es FieldErrors[K]) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap returns the individual errors.
func (es FieldErrors[K]) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
