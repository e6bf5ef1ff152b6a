package api

import (
	"net/url"

	"github.com/labstack/echo/v4"
)

// queryablesSchema returns the JSON Schema of a collection's queryables
// (OGC API - Features - Part 3).
func queryablesSchema(base string, col Collection) map[string]any {
	props := map[string]any{
		"geometry": map[string]any{"title": "geometry", "format": "geometry-any", "x-ogc-role": "primary-geometry"},
	}
	for _, p := range col.Properties {
		if !p.Computed {
			props[p.Name] = propertySchema(p)
		}
	}
	return map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  base + "/collections/" + url.PathEscape(col.ID) + "/queryables",
		"type":                 "object",
		"title":                col.Title,
		"properties":           props,
		"additionalProperties": false,
	}
}

func propertySchema(p Property) map[string]any {
	m := map[string]any{}
	switch p.Type {
	case TypeDate:
		m["type"], m["format"] = "string", "date"
	case TypeNumber, TypeInteger, TypeBoolean:
		m["type"] = p.Type
	default:
		m["type"] = TypeString
	}
	if p.Title != "" {
		m["title"] = p.Title
	} else {
		m["title"] = p.Name
	}
	if p.Description != "" {
		m["description"] = p.Description
	}
	return m
}

// handleQueryables serves /collections/{collectionId}/queryables.
func (s *Server) handleQueryables(c echo.Context) error {
	if err := checkParams(c, "f"); err != nil {
		return err
	}
	col, err := s.collection(c)
	if err != nil {
		return err
	}
	format, err := negotiate(c, formatJSON, formatHTML)
	if err != nil {
		return err
	}
	if format == formatHTML {
		return s.renderHTML(c, "queryables", "Queryables of "+col.Title, col)
	}
	return sendJSON(c, mediaSchema, queryablesSchema(s.baseURL(c), col))
}
