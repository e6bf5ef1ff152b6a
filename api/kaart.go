package api

import "github.com/labstack/echo/v4"

// kaartPage is what the kaart template needs: the versioned asset URLs and
// the data credit of the municipalities and regions.
type kaartPage struct {
	MapLibreJS, MapLibreCSS, KaartJS, KaartCSS string
	Credit                                     string
}

// registerMap adds the advisers' web map: /kaart and its assets under
// /static. The page reads everything else from the API itself (the
// collections, /regios/{code}, /locaties/{id}), in the browser, without any
// network beyond this server.
func (s *Server) registerMap() {
	files, err := loadStatic()
	if err != nil { // only when the embedded files are broken at build time
		s.log.Error("map assets", "err", err)
	}
	s.e.GET("/static/*", files.handle)
	s.e.GET("/kaart", func(c echo.Context) error { return s.handleKaart(c, files) })
}

// handleKaart serves the map page. regio (a centrumgemeente code) and
// gebruik (flex or transformatie) are read by the page's script to open on
// one region or use.
func (s *Server) handleKaart(c echo.Context, files staticFiles) error {
	if err := checkParams(c, "regio", "gebruik"); err != nil {
		return err
	}
	b := s.baseURL(c)
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return s.renderHTML(c, "kaart", "Kaart", kaartPage{
		MapLibreJS:  files.url(b, "maplibre-gl.js"),
		MapLibreCSS: files.url(b, "maplibre-gl.css"),
		KaartJS:     files.url(b, "kaart.js"),
		KaartCSS:    files.url(b, "kaart.css"),
		Credit:      dataCredit,
	})
}
