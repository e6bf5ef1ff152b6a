package api

// domainPaths describes the domain routes in OpenAPI 3.0, so that /api
// declares every parameter of every route the server answers.
func domainPaths() map[string]any {
	problem := obj{"description": "Problem (RFC 9457) naming the wrong parameter",
		"content": jsonContent(contentTypeProblem, obj{"$ref": "#/components/schemas/problem"})}
	q := func(name, desc string, schema obj) obj {
		return obj{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
	}
	path := func(name, desc string) obj {
		return obj{"name": name, "in": "path", "required": true, "description": desc, "schema": obj{"type": "string"}}
	}
	get := func(id, summary string, params []any, ok obj) obj {
		return obj{"get": obj{"summary": summary, "operationId": id, "parameters": params,
			"responses": obj{"200": ok, "400": problem, "404": problem}}}
	}
	jsonOK := func(desc string) obj {
		return obj{"description": desc, "content": jsonContent(mediaJSON, obj{"type": "object"})}
	}
	siteID := path("id", "site id, as the feature id in the gebouwen, kavels and kandidaten-* collections")
	gebruik := q("gebruik", "use: flex (flexwoningen) or transformatie; default from the site's kind",
		obj{"type": "string", "enum": []string{"flex", "transformatie"}})
	euro := func(name, desc string) obj {
		return q(name, desc+"; Dutch notation such as 95.000 is accepted", obj{"type": "string"})
	}
	return map[string]any{
		"/regios": get("getRegions", "summaries of every centrumgemeente region: candidates, capacity, need, target, gap, portfolio",
			nil, jsonOK("region summaries")),
		"/regios/{code}": get("getRegion", "the summary of one centrumgemeente region",
			[]any{path("code", "CBS code of the centrumgemeente, e.g. GM0344")}, jsonOK("region summary")),
		"/regios/{code}/gevoeligheid": get("getSensitivity", "how robust the top of a region's ranking is under perturbed weights (Monte Carlo, fixed seed)",
			[]any{path("code", "CBS code of the centrumgemeente, e.g. GM0344"), gebruik,
				q("top", "size of the top to follow", obj{"type": "integer", "minimum": 1, "maximum": 100, "default": 10}),
				q("runs", "Monte Carlo runs", obj{"type": "integer", "minimum": 10, "maximum": 10000, "default": 500}),
				q("spreiding", "relative weight perturbation, 0.2 = ±20%", obj{"type": "number", "minimum": 0.01, "maximum": 0.9, "default": 0.2})},
			jsonOK("per top site: stay rate, the weights its place depends on, flagged")),
		"/locaties/{id}": get("getSite", "one site (GeoJSON feature, CRS84) with its explained score for each use",
			[]any{siteID}, jsonOK("site with scores")),
		"/locaties/{id}/score": get("rescoreSite", "score one site with adjusted weights, without changing the stored profile",
			[]any{siteID, gebruik, q("gewichten", "criterion:weight pairs separated by commas, e.g. afstand_ov:30,afstand_huisarts:5",
				obj{"type": "string"})}, jsonOK("the explained score")),
		"/locaties/{id}/businesscase": get("getBusinessCase", "the business case of one site for one use, with every assumption and its source",
			[]any{siteID, gebruik,
				euro("capex_per_woning", "investment per home in euro"),
				euro("vermeden_kosten_per_plek", "avoided public cost per opvangplek per year in euro"),
				euro("exploitatie_per_woning", "running cost per home per year in euro"),
				q("horizon_jaren", "years the homes are used", obj{"type": "integer", "minimum": 1}),
				q("f", "json or csv", obj{"type": "string", "enum": []string{"json", "csv"}})},
			obj{"description": "business case", "content": obj{mediaJSON: obj{"schema": obj{"type": "object"}}, mediaCSV: obj{"schema": obj{"type": "string"}}}}),
		"/imports": obj{"post": obj{"summary": "import a file as a run, like `plekwijzer import`; needs the bearer token",
			"operationId": "postImport", "security": []any{obj{"bearer": []any{}}},
			"requestBody": obj{"required": true, "content": obj{"multipart/form-data": obj{"schema": obj{
				"type": "object", "required": []string{"file", "soort"},
				"properties": obj{
					"file":    obj{"type": "string", "format": "binary", "description": "CSV, XLSX, GeoJSON, GeoPackage or (zipped) Shapefile"},
					"soort":   obj{"type": "string", "enum": []string{"gebouwen", "kavels", "adressen", "laag", "gemeenten", "regios"}},
					"laag":    obj{"type": "string", "description": "for soort laag: the layer kind, e.g. ov_halte or natura2000"},
					"crs":     obj{"type": "string", "description": "EPSG:28992 or EPSG:4326; default detected"},
					"sheet":   obj{"type": "string", "description": "XLSX sheet or GeoPackage layer"},
					"bron":    obj{"type": "string", "description": "source name stored with the sites"},
					"strict":  obj{"type": "boolean"},
					"dry_run": obj{"type": "boolean"},
				}}}}},
			"responses": obj{
				"201": jsonOK("the run, with its row errors"),
				"200": jsonOK("dry run: the run, with its row errors; nothing stored"),
				"400": problem, "401": problem, "403": problem,
				"422": jsonOK("the file was refused or failed: the run says why"),
			}}},
	}
}
