package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/plekwijzer/plekwijzer/store"
)

// HaveOGR reports whether GDAL's ogr2ogr is on the PATH.
func HaveOGR() bool {
	_, err := exec.LookPath("ogr2ogr")
	return err == nil
}

// WriteGPKG writes the scene's sites as GeoPackages (kavels.gpkg and
// gebouwen.gpkg, EPSG:28992) in dir, through ogr2ogr from a plain CSV (","
// separated, decimal point: what GDAL's CSV driver reads), and returns them
// as import files.
func (sc *Scene) WriteGPKG(ctx context.Context, dir string) ([]File, error) {
	var files []File
	for _, k := range []store.SiteKind{store.Kavel, store.Gebouw} {
		name, kind := "kavels", "kavels"
		if k == store.Gebouw {
			name, kind = "gebouwen", "gebouwen"
		}
		csvPath := filepath.Join(dir, name+"-gdal.csv")
		n, err := sc.writeGDALCSV(csvPath, k)
		if err != nil {
			return nil, err
		}
		out := filepath.Join(dir, name+".gpkg")
		os.Remove(out)
		cmd := exec.CommandContext(ctx, "ogr2ogr", "-f", "GPKG", out, csvPath, "-nln", name, "-a_srs", "EPSG:28992",
			"-oo", "X_POSSIBLE_NAMES=X", "-oo", "Y_POSSIBLE_NAMES=Y", "-oo", "AUTODETECT_TYPE=YES", "-oo", "KEEP_GEOM_COLUMNS=NO",
			"-gt", "65536")
		if b, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("ogr2ogr %s: %w: %s", out, err, tail(string(b), 400))
		}
		os.Remove(csvPath)
		files = append(files, File{Path: out, Kind: kind, Rows: n})
	}
	return files, nil
}

func (sc *Scene) writeGDALCSV(path string, kind store.SiteKind) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	if kind == store.Kavel {
		w.WriteString("Objectnummer,Naam,X,Y,Oppervlakte,Status\n")
	} else {
		w.WriteString("Bouwwerkcode,Naam,X,Y,BVO,Gebruiksdoel,Bouwjaar\n")
	}
	n := 0
	var b []byte
	for i := range sc.Sites {
		s := &sc.Sites[i]
		if s.Kind != kind {
			continue
		}
		n++
		b = append(b[:0], s.Ref...)
		b = append(b, ",Locatie "...)
		b = append(b, s.Ref...)
		for _, v := range []float64{s.X, s.Y, s.Area} {
			b = strconv.AppendFloat(append(b, ','), v, 'f', 2, 64)
		}
		if kind == store.Kavel {
			b = append(b, ",beschikbaar\n"...)
		} else {
			b = append(b, ',')
			b = append(b, functions[i%len(functions)]...)
			b = strconv.AppendInt(append(b, ','), int64(1900+i%125), 10)
			b = append(b, '\n')
		}
		w.Write(b)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return n, nil
}
