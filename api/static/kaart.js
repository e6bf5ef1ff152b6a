// kaart.js: the advisers' map at /kaart. It reads this server's own OGC API
// collections and domain endpoints (/regios/{code}, /locaties/{id}) and needs
// no other network: no basemap tiles, no fonts, no CDN.
/* global maplibregl */

const base = document.body.dataset.base || '';
const $ = (id) => document.getElementById(id);

// The scored uses and their collections.
const USES = {
  flex: { collection: 'kandidaten-flexwonen', label: 'Flexwonen', stroke: '#ffffff' },
  transformatie: { collection: 'kandidaten-transformatie', label: 'Transformatie', stroke: '#1b1b1b' },
};

// Colours: scores on a red-yellow-blue ramp (readable with colour-blindness),
// regions on light-to-dark purple (darker is a bigger shortage).
const SCORE_RAMP = ['interpolate', ['linear'], ['get', 'score'], 0, '#d73027', 50, '#fee090', 100, '#4575b4'];
const GREY = '#9a9a9a';
const REGION_LIGHT = '#f2f0f7';
const REGION_DARK = '#54278f';
const NL_BOUNDS = [[3.2, 50.7], [7.3, 53.6]];

const nf1 = new Intl.NumberFormat('nl-NL', { maximumFractionDigits: 1 });
const nf0 = new Intl.NumberFormat('nl-NL', { maximumFractionDigits: 0 });
const fmt = (v, f = nf1) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'number' ? f.format(v) : String(v));

const state = {
  sites: new Map(), // "use:id" -> {use, props, center}
  regions: [], // regios features
  region: '', // selected centrumgemeente code
  minScore: 0,
  show: { flex: true, transformatie: true },
  showIneligible: true,
  colourBy: 'tekort',
  map: null,
};

// el builds an element; children are nodes or text (never parsed as HTML).
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

async function fetchJSON(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

// fetchAll reads a whole collection, following next links until
// numberMatched features are in. A missing collection is empty.
async function fetchAll(collection) {
  let url = `${base}/collections/${collection}/items?f=json&limit=10000`;
  const features = [];
  while (url) {
    const r = await fetch(url, { headers: { Accept: 'application/geo+json' } });
    if (r.status === 404) return features;
    if (!r.ok) throw new Error(`${collection}: HTTP ${r.status}`);
    const fc = await r.json();
    features.push(...fc.features);
    const next = (fc.links || []).find((l) => l.rel === 'next');
    const more = fc.numberReturned > 0 && features.length < (fc.numberMatched ?? Infinity);
    url = next && more ? next.href : null;
  }
  return features;
}

// center is a representative point: the mean of the outer ring's vertices.
function center(g) {
  if (g.type === 'Point') return g.coordinates;
  const ring = g.type === 'Polygon' ? g.coordinates[0] : g.type === 'MultiPolygon' ? g.coordinates[0][0] : null;
  if (!ring) return null;
  const pts = ring.slice(0, -1);
  const sum = pts.reduce((a, p) => [a[0] + p[0], a[1] + p[1]], [0, 0]);
  return [sum[0] / pts.length, sum[1] / pts.length];
}

function bbox(g) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  walk(g.coordinates);
  return [[b[0], b[1]], [b[2], b[3]]];
}

// candidateSources splits one use's features into centre points (seen at
// every zoom) and the plot or building outlines (seen close up).
function candidateSources(use, features) {
  const points = [];
  const areas = [];
  for (const f of features) {
    if (!f.geometry) continue;
    const p = f.properties;
    const key = `${use}:${f.id}`;
    const c = center(f.geometry);
    state.sites.set(key, { use, id: String(f.id), props: p, center: c });
    const small = { key, score: p.score ?? 0, eligible: p.eligible === true, centrumgemeente: p.centrumgemeente || '' };
    if (c) points.push({ type: 'Feature', geometry: { type: 'Point', coordinates: c }, properties: small });
    if (f.geometry.type !== 'Point') areas.push({ type: 'Feature', geometry: f.geometry, properties: small });
  }
  return {
    points: { type: 'FeatureCollection', features: points },
    areas: { type: 'FeatureCollection', features: areas },
  };
}

// regionValues adds the colouring values: _tekort (gap / target, 0..1),
// _dekking (capacity / target) and _nodata.
function regionValues(features) {
  for (const f of features) {
    const p = f.properties;
    const nodata = p.demand_status === 'geen gegevens' || !(p.target > 0);
    p._nodata = nodata;
    p._tekort = nodata ? 0 : Math.min(1, Math.max(0, (p.gap ?? 0) / p.target));
    p._dekking = nodata ? 0 : (p.capacity_people ?? 0) / p.target;
  }
  return { type: 'FeatureCollection', features: features.filter((f) => f.geometry) };
}

function regionFill() {
  return state.colourBy === 'dekking'
    ? ['interpolate', ['linear'], ['get', '_dekking'], 0, REGION_DARK, 1, REGION_LIGHT]
    : ['interpolate', ['linear'], ['get', '_tekort'], 0, REGION_LIGHT, 1, REGION_DARK];
}

// candidateFilter is the map filter for the current controls.
function candidateFilter() {
  const f = ['all', ['>=', ['get', 'score'], state.minScore]];
  if (state.region) f.push(['==', ['get', 'centrumgemeente'], state.region]);
  if (!state.showIneligible) f.push(['==', ['get', 'eligible'], true]);
  return f;
}

function visible(s) {
  const p = s.props;
  return state.show[s.use] && (p.score ?? 0) >= state.minScore &&
    (!state.region || p.centrumgemeente === state.region) && (state.showIneligible || p.eligible === true);
}

// hatch is an 8x8 diagonal pattern for regions without demand figures.
function hatch() {
  const n = 8;
  const data = new Uint8Array(n * n * 4);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const on = (x + y) % n < 2;
      data.set(on ? [110, 110, 110, 200] : [225, 225, 225, 140], (y * n + x) * 4);
    }
  }
  return { width: n, height: n, data };
}

function addLayers(map, regions, gemeenten, uses) {
  map.addImage('hatch', hatch());
  const credit = document.querySelector('.credit').textContent.split(' Locaties')[0];
  map.addSource('regios', { type: 'geojson', data: regions, attribution: credit });
  map.addSource('gemeenten', { type: 'geojson', data: { type: 'FeatureCollection', features: gemeenten } });
  map.addLayer({ id: 'regios-vlak', type: 'fill', source: 'regios', filter: ['!', ['get', '_nodata']], paint: { 'fill-color': regionFill(), 'fill-opacity': 0.75 } });
  map.addLayer({ id: 'regios-geen-gegevens', type: 'fill', source: 'regios', filter: ['get', '_nodata'], paint: { 'fill-pattern': 'hatch', 'fill-opacity': 0.6 } });
  map.addLayer({ id: 'gemeenten-grens', type: 'line', source: 'gemeenten', paint: { 'line-color': '#8a94a0', 'line-width': 0.5 } });
  map.addLayer({ id: 'regios-grens', type: 'line', source: 'regios', paint: { 'line-color': '#3d4650', 'line-width': 1.2 } });
  map.addLayer({ id: 'regio-gekozen', type: 'line', source: 'regios', filter: ['==', ['get', 'centrumgemeente'], ''], paint: { 'line-color': '#000000', 'line-width': 3 } });
  const colour = ['case', ['get', 'eligible'], SCORE_RAMP, GREY];
  for (const [use, src] of Object.entries(uses)) {
    map.addSource(`${use}-vlakken`, { type: 'geojson', data: src.areas });
    map.addSource(`${use}-punten`, { type: 'geojson', data: src.points });
    map.addLayer({ id: `${use}-vlak`, type: 'fill', source: `${use}-vlakken`, minzoom: 12, paint: { 'fill-color': colour, 'fill-opacity': 0.6, 'fill-outline-color': '#1b1b1b' } });
    map.addLayer({
      id: `${use}-punt`, type: 'circle', source: `${use}-punten`,
      paint: {
        'circle-color': colour,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 6, ['case', ['get', 'eligible'], 2.5, 1.8], 9, 4, 12, 7, 15, 9],
        'circle-stroke-color': USES[use].stroke,
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 6, 0.6, 10, 1.2],
        'circle-opacity': ['case', ['get', 'eligible'], 1, 0.7],
      },
    });
  }
  map.addSource('selectie', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'selectie', type: 'circle', source: 'selectie', paint: { 'circle-radius': 12, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#000000', 'circle-stroke-width': 3 } });

  const clickable = Object.keys(uses).flatMap((u) => [`${u}-punt`, `${u}-vlak`]);
  map.on('click', (e) => {
    const hit = map.queryRenderedFeatures(e.point, { layers: clickable })[0];
    if (hit) return showSite(hit.properties.key);
    const reg = map.queryRenderedFeatures(e.point, { layers: ['regios-vlak', 'regios-geen-gegevens'] })[0];
    if (reg) showRegion(reg.properties.centrumgemeente);
  });
  for (const id of clickable) {
    map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
  }
}

// apply pushes the controls' state to the map, the list and the status.
function apply() {
  const map = state.map;
  if (map && map.getLayer('regios-vlak')) {
    for (const use of Object.keys(USES)) {
      for (const kind of ['punt', 'vlak']) {
        const id = `${use}-${kind}`;
        if (!map.getLayer(id)) continue;
        map.setLayoutProperty(id, 'visibility', state.show[use] ? 'visible' : 'none');
        map.setFilter(id, candidateFilter());
      }
    }
    map.setPaintProperty('regios-vlak', 'fill-color', regionFill());
    map.setFilter('regio-gekozen', ['==', ['get', 'centrumgemeente'], state.region]);
  }
  const shown = [...state.sites.values()].filter(visible);
  const status = $('status');
  status.dataset.shownCandidates = String(shown.length);
  status.textContent = `${nf0.format(state.sites.size)} kandidaten geladen, ${nf0.format(shown.length)} getoond; ${state.regions.length} regio's.`;
  renderTop(shown);
  const dekking = state.colourBy === 'dekking';
  $('legenda-links').textContent = dekking ? '≥ doel' : 'geen tekort';
  $('legenda-rechts').textContent = dekking ? 'geen capaciteit' : 'tekort = heel doel';
}

function renderTop(shown) {
  const best = shown.filter((s) => s.props.eligible).sort((a, b) => b.props.score - a.props.score).slice(0, 10);
  $('top').replaceChildren(...best.map((s) => el('li', {},
    el('button', { type: 'button', onclick: () => showSite(`${s.use}:${s.id}`, true) },
      `${s.props.naam || s.id} `, el('span', { class: 'muted' }, `${USES[s.use].label}, ${fmt(s.props.score)}`)))));
  if (!best.length) $('top').append(el('li', { class: 'muted' }, 'Geen geschikte kandidaten met deze keuzes.'));
}

function openPanel(...children) {
  $('paneel-inhoud').replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  $('paneel').hidden = false;
}

function closePanel() {
  $('paneel').hidden = true;
  state.map?.getSource('selectie')?.setData({ type: 'FeatureCollection', features: [] });
}

function parseCriteria(p) {
  try {
    return JSON.parse(p.criteria || '[]');
  } catch {
    return [];
  }
}

// showSite opens the side panel for one candidate (key "use:id").
function showSite(key, fly = false) {
  const s = state.sites.get(key);
  if (!s) return;
  const p = s.props;
  const crit = parseCriteria(p);
  const total = crit.reduce((a, c) => a + (c.contribution || 0), 0);
  const knockouts = (p.knockouts || '').split('; ').filter(Boolean);
  const coll = USES[s.use].collection;
  const rows = crit.map((c) => el('tr', {},
    el('th', { scope: 'row' }, c.name.replaceAll('_', '_\u200b')), el('td', { class: 'num' }, fmt(c.value)), el('td', {}, c.unit || ''),
    el('td', { class: 'num' }, fmt(c.normalised)), el('td', { class: 'num' }, fmt(c.weight)), el('td', { class: 'num' }, fmt(c.contribution))));
  openPanel(
    el('h2', {}, p.naam || s.id),
    p.synthetisch ? el('p', { class: 'tag' }, 'SYNTHETISCH (verzonnen)') : null,
    el('p', { class: 'muted' }, `${USES[s.use].label} · ${p.soort || ''} · ${p.gemeente_naam || p.gemeente || ''}`,
      p.centrumgemeente_naam ? ` · regio ${p.centrumgemeente_naam}` : ''),
    el('p', { class: 'score' }, 'Score ', el('strong', {}, fmt(p.score)), ' / 100 · ',
      p.eligible ? el('span', { class: 'ok' }, 'geschikt') : el('span', { class: 'ko' }, 'niet geschikt')),
    knockouts.length ? el('div', {}, el('h3', {}, 'Knock-outs'), el('ul', {}, knockouts.map((k) => el('li', {}, k)))) : null,
    el('dl', {},
      el('dt', {}, 'Rang in regio'), el('dd', {}, p.rank_in_region > 0 ? `${p.rank_in_region}` : '— (alleen geschikte locaties krijgen een rang)'),
      el('dt', {}, 'Capaciteit'), el('dd', {}, `${fmt(p.capacity_units, nf0)} woningen, ${fmt(p.capacity_people, nf0)} personen`),
      el('dt', {}, 'Aannames'), el('dd', { class: 'small' }, p.capacity_assumptions || '—')),
    el('h3', {}, 'Criteria'),
    el('table', { class: 'criteria' },
      el('caption', {}, 'De bijdragen tellen op tot de score.'),
      el('thead', {}, el('tr', {}, [['Criterium'], ['Waarde'], ['Eenheid'], ['Norm.', 'genormaliseerd, 0-100'], ['Gew.', 'gewicht'], ['Bijdr.', 'bijdrage aan de score']]
        .map(([h, title]) => el('th', { scope: 'col' }, title ? el('abbr', { title }, h) : h)))),
      el('tbody', {}, rows),
      el('tfoot', {}, el('tr', {}, el('th', { scope: 'row', colspan: '5' }, 'Som = score'), el('td', { class: 'num' }, fmt(total))))),
    el('p', {},
      el('a', { href: `${base}/locaties/${encodeURIComponent(s.id)}` }, 'Locatie als JSON (beide gebruiken)'), ' · ',
      el('a', { href: `${base}/collections/${coll}/items/${encodeURIComponent(s.id)}?f=html` }, 'OGC-itempagina')),
  );
  if (s.center && state.map) {
    state.map.getSource('selectie')?.setData({ type: 'Feature', geometry: { type: 'Point', coordinates: s.center }, properties: {} });
    if (fly) state.map.flyTo({ center: s.center, zoom: Math.max(state.map.getZoom(), 13) });
  }
}

// showRegion opens the side panel with /regios/{code}, falling back on the
// regios collection's properties.
async function showRegion(code) {
  const f = state.regions.find((r) => r.properties.centrumgemeente === code);
  let r = f ? f.properties : { centrumgemeente: code };
  try {
    r = await fetchJSON(`${base}/regios/${encodeURIComponent(code)}`);
  } catch { /* the collection's summary will do */ }
  const nodata = r.demand_status === 'geen gegevens' || r.target === null || r.target === undefined;
  openPanel(
    el('h2', {}, `Regio ${r.centrumgemeente_naam || code}`),
    el('p', { class: 'muted' }, `Centrumgemeente ${code} · ${fmt(r.gemeenten, nf0)} gemeenten`),
    nodata ? el('p', { class: 'nodata' }, 'Geen gegevens over de behoefte: doel en tekort zijn onbekend (niet nul).') : null,
    el('dl', {},
      el('dt', {}, 'Doel (woonplekken)'), el('dd', {}, nodata ? 'geen gegevens' : fmt(r.target, nf0) + (r.target_defaulted ? ' (gelijk aan behoefte)' : '')),
      el('dt', {}, 'Behoefte'), el('dd', {}, nodata ? 'geen gegevens' : fmt(r.need, nf0)),
      el('dt', {}, 'Capaciteit geschikte locaties (personen)'), el('dd', {}, fmt(r.capacity_people, nf0)),
      el('dt', {}, 'Tekort na portefeuille'), el('dd', {}, nodata ? 'geen gegevens' : fmt(r.gap, nf0)),
      el('dt', {}, 'Kandidaten'), el('dd', {}, `${fmt(r.candidates, nf0)}, waarvan ${fmt(r.eligible, nf0)} geschikt`),
      r.demand_source ? [el('dt', {}, 'Bron behoefte'), el('dd', { class: 'small' }, r.demand_source)] : null),
    r.uses ? el('table', { class: 'criteria' },
      el('thead', {}, el('tr', {}, ['Gebruik', 'Kandidaten', 'Geschikt', 'Woningen', 'Personen'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, r.uses.map((u) => el('tr', {}, el('th', { scope: 'row' }, USES[u.use]?.label || u.use),
        el('td', { class: 'num' }, fmt(u.candidates, nf0)), el('td', { class: 'num' }, fmt(u.eligible, nf0)),
        el('td', { class: 'num' }, fmt(u.capacity_units, nf0)), el('td', { class: 'num' }, fmt(u.capacity_people, nf0)))))) : null,
    el('p', {},
      el('button', { type: 'button', onclick: () => selectRegion(code) }, 'Toon alleen deze regio'), ' ',
      el('a', { href: `${base}/regios/${encodeURIComponent(code)}` }, 'Regio als JSON')),
  );
}

function selectRegion(code) {
  state.region = code;
  $('regio').value = code;
  const url = new URL(location.href);
  if (code) url.searchParams.set('regio', code); else url.searchParams.delete('regio');
  history.replaceState(null, '', url);
  apply();
  const f = state.regions.find((r) => r.properties.centrumgemeente === code);
  if (state.map) state.map.fitBounds(f && f.geometry ? bbox(f.geometry) : NL_BOUNDS, { padding: 30, duration: 500 });
}

function fillRegionSelect(regions) {
  const sorted = [...regions].sort((a, b) => (a.properties.centrumgemeente_naam || '').localeCompare(b.properties.centrumgemeente_naam || '', 'nl'));
  $('regio').append(...sorted.map((f) => el('option', { value: f.properties.centrumgemeente },
    `${f.properties.centrumgemeente_naam} (${f.properties.centrumgemeente})`)));
}

function bindControls() {
  for (const use of Object.keys(USES)) {
    $(`toon-${use}`).addEventListener('change', (e) => { state.show[use] = e.target.checked; apply(); });
  }
  $('toon-ongeschikt').addEventListener('change', (e) => { state.showIneligible = e.target.checked; apply(); });
  $('regio').addEventListener('change', (e) => selectRegion(e.target.value));
  $('min-score').addEventListener('input', (e) => {
    state.minScore = Number(e.target.value);
    $('min-score-waarde').textContent = e.target.value;
    apply();
  });
  $('kleur').addEventListener('change', (e) => { state.colourBy = e.target.value; apply(); });
  $('sluit').addEventListener('click', closePanel);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closePanel(); });
}

// createMap returns the map and a promise of its load, or null without WebGL.
function createMap() {
  try {
    const map = new maplibregl.Map({
      container: 'kaart',
      style: { version: 8, sources: {}, layers: [{ id: 'achtergrond', type: 'background', paint: { 'background-color': '#e9edf1' } }] },
      bounds: NL_BOUNDS,
      attributionControl: { compact: false },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl(), 'bottom-left');
    return { map, loaded: new Promise((resolve) => map.once('load', resolve)) };
  } catch (err) {
    $('kaart').append(el('p', { class: 'banner' }, `De kaart kan niet tekenen in deze browser (${err.message}). De lijsten en details werken wel.`));
    $('status').dataset.map = 'geen-webgl';
    return null;
  }
}

async function main() {
  const params = new URLSearchParams(location.search);
  const only = params.get('gebruik');
  if (only in USES) for (const use of Object.keys(USES)) { state.show[use] = use === only; $(`toon-${use}`).checked = use === only; }
  bindControls();
  const m = createMap();
  state.map = m?.map ?? null;
  const status = $('status');
  try {
    const [regios, gemeenten, ...cands] = await Promise.all([
      fetchAll('regios'), fetchAll('gemeenten'), ...Object.values(USES).map((u) => fetchAll(u.collection))]);
    const regions = regionValues(regios);
    state.regions = regios;
    const uses = {};
    Object.keys(USES).forEach((use, i) => { uses[use] = candidateSources(use, cands[i]); });
    fillRegionSelect(regios);
    status.dataset.loadedRegions = String(regios.length);
    status.dataset.loadedGemeenten = String(gemeenten.length);
    status.dataset.loadedCandidates = String(state.sites.size);
    $('synthetisch').hidden = ![...state.sites.values()].some((s) => s.props.synthetisch === true);
    const want = (params.get('regio') || '').toUpperCase();
    if (regios.some((f) => f.properties.centrumgemeente === want)) selectRegion(want);
    apply();
    status.dataset.state = 'klaar';
    if (m) {
      await m.loaded;
      addLayers(m.map, regions, gemeenten, uses);
      apply();
      status.dataset.map = 'ok';
      // Once everything is drawn, say how many candidates the map shows (for
      // the browser test and for anyone inspecting the page).
      m.map.once('idle', () => {
        const layers = Object.keys(uses).map((u) => `${u}-punt`);
        status.dataset.renderedCandidates = String(m.map.queryRenderedFeatures({ layers }).length);
        status.dataset.map = 'getekend';
      });
    }
  } catch (err) {
    status.dataset.state = 'fout';
    status.textContent = `Laden mislukt: ${err.message}. Probeer de pagina opnieuw te laden.`;
  }
}

main();
