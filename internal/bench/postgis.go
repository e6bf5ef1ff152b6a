package bench

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// PGResult is the reference workload computed by PostGIS.
type PGResult struct {
	Ranking Ranking `json:"-"`
	// Load is COPY of the sites and layers, the GiST indexes and ANALYZE.
	Load time.Duration
	// Query is the reference query (one use), top TopN per gemeente.
	Query time.Duration
	// Rows is the number of rows loaded.
	Rows int
}

// referenceSQL is the reference workload in SQL: KNN (<->) for the nearest
// stop, ST_DWithin counts, ST_Intersects knock-outs and ST_Contains for the
// gemeente (the lowest code when two contain the site, as the generator
// assigns it), top TopN per gemeente with ties by id in byte order. The
// lookups are LATERAL joins rather than correlated subqueries in the
// select list, so that PostgreSQL can run the scan of sites in parallel
// workers.
const referenceSQL = `
WITH scored AS (
  SELECT s.id, g.code AS gemeente,
    CASE WHEN z.hit IS NOT NULL THEN 0::float8
    ELSE 0.6::float8 * (1 - LEAST(COALESCE(nn.d, 5000), 5000) / 5000)
       + 0.4::float8 * LEAST(c.n, 20)::float8 / 20
    END AS score
  FROM sites s
  CROSS JOIN LATERAL (SELECT code FROM gemeenten g WHERE ST_Contains(g.geom, s.geom) ORDER BY code COLLATE "C" LIMIT 1) g
  LEFT JOIN LATERAL (SELECT s.geom <-> o.geom AS d FROM ov o ORDER BY s.geom <-> o.geom LIMIT 1) nn ON true
  CROSS JOIN LATERAL (SELECT count(*) AS n FROM amenities a WHERE ST_DWithin(a.geom, s.geom, 1000)) c
  LEFT JOIN LATERAL (SELECT 1 AS hit FROM zones z WHERE ST_Intersects(z.geom, s.geom) LIMIT 1) z ON true
), ranked AS (
  SELECT id, gemeente, score,
    row_number() OVER (PARTITION BY gemeente ORDER BY score DESC, id COLLATE "C") AS rn
  FROM scored
)
SELECT gemeente, id, score FROM ranked WHERE rn <= 100 ORDER BY gemeente, rn`

// RunPostGIS loads the scene into a private schema of the database at dsn
// (dropped afterwards unless keep), builds the GiST indexes, analyzes, and
// runs the reference query with max_parallel_workers_per_gather = 2.
func RunPostGIS(ctx context.Context, dsn string, sc *Scene, keep bool) (*PGResult, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("connect to PostGIS: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	schema := fmt.Sprintf("plekwijzer_bench_%d", time.Now().UnixNano())
	exec := func(sql string) error {
		if _, err := conn.Exec(ctx, sql); err != nil {
			return fmt.Errorf("PostGIS: %s: %w", firstLine(sql), err)
		}
		return nil
	}
	if err := exec("CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
		return nil, err
	}
	if err := exec("CREATE SCHEMA " + schema); err != nil {
		return nil, err
	}
	if !keep {
		defer func() {
			_, _ = conn.Exec(context.WithoutCancel(ctx), "DROP SCHEMA "+schema+" CASCADE")
		}()
	}
	if err := exec("SET search_path = " + schema + ", public"); err != nil {
		return nil, err
	}
	for _, ddl := range []string{
		"CREATE TABLE gemeenten (code text NOT NULL, geom geometry(Geometry, 28992) NOT NULL)",
		"CREATE TABLE sites (id text PRIMARY KEY, geom geometry(Point, 28992) NOT NULL)",
		"CREATE TABLE ov (id int NOT NULL, geom geometry(Point, 28992) NOT NULL)",
		"CREATE TABLE amenities (id int NOT NULL, layer text NOT NULL, geom geometry(Point, 28992) NOT NULL)",
		"CREATE TABLE zones (id int NOT NULL, geom geometry(Polygon, 28992) NOT NULL)",
	} {
		if err := exec(ddl); err != nil {
			return nil, err
		}
	}
	res := &PGResult{}
	t0 := time.Now()
	copies := []struct {
		table string
		rows  func(w *bufio.Writer) (int, error)
	}{
		{"gemeenten (code, geom)", func(w *bufio.Writer) (int, error) {
			for _, g := range sc.Gemeenten {
				w.WriteString(g.Code)
				w.WriteByte('\t')
				writeEWKB(w, g.Geometry)
				w.WriteByte('\n')
			}
			return len(sc.Gemeenten), nil
		}},
		{"sites (id, geom)", func(w *bufio.Writer) (int, error) {
			for i := range sc.Sites {
				s := &sc.Sites[i]
				w.WriteString(s.Ref)
				w.WriteByte('\t')
				writeEWKB(w, orb.Point{s.X, s.Y})
				w.WriteByte('\n')
			}
			return len(sc.Sites), nil
		}},
		{"ov (id, geom)", func(w *bufio.Writer) (int, error) {
			for i, p := range sc.Stops {
				w.WriteString(strconv.Itoa(i + 1))
				w.WriteByte('\t')
				writeEWKB(w, p)
				w.WriteByte('\n')
			}
			return len(sc.Stops), nil
		}},
		{"amenities (id, layer, geom)", func(w *bufio.Writer) (int, error) {
			for i, a := range sc.Amenities {
				fmt.Fprintf(w, "%d\t%s\t", i+1, a.Layer)
				writeEWKB(w, a.P)
				w.WriteByte('\n')
			}
			return len(sc.Amenities), nil
		}},
		{"zones (id, geom)", func(w *bufio.Writer) (int, error) {
			for i, z := range sc.Zones {
				w.WriteString(strconv.Itoa(i + 1))
				w.WriteByte('\t')
				writeEWKB(w, z)
				w.WriteByte('\n')
			}
			return len(sc.Zones), nil
		}},
	}
	for _, c := range copies {
		n, err := copyText(ctx, conn, c.table, c.rows)
		if err != nil {
			return nil, err
		}
		res.Rows += n
	}
	for _, ddl := range []string{
		"CREATE INDEX ON gemeenten USING gist (geom)",
		"CREATE INDEX ON sites USING gist (geom)",
		"CREATE INDEX ON ov USING gist (geom)",
		"CREATE INDEX ON amenities USING gist (geom)",
		"CREATE INDEX ON zones USING gist (geom)",
		"ANALYZE gemeenten, sites, ov, amenities, zones",
	} {
		if err := exec(ddl); err != nil {
			return nil, err
		}
	}
	res.Load = time.Since(t0)
	if err := exec("SET max_parallel_workers_per_gather = 2"); err != nil {
		return nil, err
	}
	t1 := time.Now()
	rows, err := conn.Query(ctx, referenceSQL)
	if err != nil {
		return nil, fmt.Errorf("PostGIS reference query: %w", err)
	}
	res.Ranking = Ranking{}
	for rows.Next() {
		var g string
		var r Ranked
		if err := rows.Scan(&g, &r.ID, &r.Score); err != nil {
			rows.Close()
			return nil, fmt.Errorf("PostGIS reference query: %w", err)
		}
		res.Ranking[g] = append(res.Ranking[g], r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("PostGIS reference query: %w", err)
	}
	res.Query = time.Since(t1)
	return res, nil
}

// copyText streams rows in COPY text format into table.
func copyText(ctx context.Context, conn *pgx.Conn, table string, rows func(w *bufio.Writer) (int, error)) (int, error) {
	pr, pw := io.Pipe()
	n := 0
	go func() {
		w := bufio.NewWriterSize(pw, 1<<16)
		k, err := rows(w)
		n = k
		if err == nil {
			err = w.Flush()
		}
		pw.CloseWithError(err)
	}()
	_, err := conn.PgConn().CopyFrom(ctx, pr, "COPY "+table+" FROM STDIN")
	pr.Close()
	if err != nil {
		return 0, fmt.Errorf("PostGIS: COPY %s: %w", table, err)
	}
	return n, nil
}

// writeEWKB writes g as hex EWKB with SRID 28992, which PostGIS reads as
// the text input of a geometry: the coordinates arrive bit for bit.
func writeEWKB(w *bufio.Writer, g orb.Geometry) {
	b, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil || len(b) < 5 {
		return // orb marshals every geometry of a scene
	}
	typ := binary.LittleEndian.Uint32(b[1:5]) | 0x20000000 // has SRID
	var head [9]byte
	head[0] = 1
	binary.LittleEndian.PutUint32(head[1:5], typ)
	binary.LittleEndian.PutUint32(head[5:9], 28992)
	var buf [256]byte
	for _, part := range [][]byte{head[:], b[5:]} {
		for len(part) > 0 {
			k := min(len(part), len(buf)/2)
			hex.Encode(buf[:2*k], part[:k])
			w.Write(buf[:2*k])
			part = part[k:]
		}
	}
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' || i > 60 {
			return s[:i]
		}
	}
	return s
}
