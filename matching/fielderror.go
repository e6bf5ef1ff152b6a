package matching

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
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

// decodeStrict decodes a user's file into v: JSON when name ends in .json,
// YAML (which also reads JSON) otherwise; unknown fields are errors that
// name the file and wrap the kind's sentinel.
func decodeStrict[K errorKind](b []byte, name string, v any) error {
	var k K
	var err error
	if strings.HasSuffix(strings.ToLower(name), ".json") {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err = dec.Decode(v); errors.Is(err, io.EOF) {
			err = nil // an empty file: Validate says what is missing
		}
	}
	if err != nil {
		return fmt.Errorf("%s %s: %v: %w", k.what(), name, err, k.sentinel())
	}
	return nil
}

// inFile names the file in every field error of err, and returns err.
func inFile[K errorKind](err error, name string) error {
	var es FieldErrors[K]
	if errors.As(err, &es) {
		for _, e := range es {
			e.File = name
		}
	}
	return err
}
