package store

import "errors"

// ErrNotFound is returned (wrapped, naming what was looked up) when a record
// does not exist.
var ErrNotFound = errors.New("not found")

// ErrInvalid is returned (wrapped, naming the record and what is wrong) when
// a Save* call is given data the store cannot keep, such as a site without a
// geometry or the same site twice in one batch. Nothing is written then.
var ErrInvalid = errors.New("invalid data")

// ErrAmbiguous is returned (wrapped, naming what was looked up and how many
// records match) when a lookup that must find one record finds several.
var ErrAmbiguous = errors.New("ambiguous")
