/**
 * Where the reads were, drawn as SVG from their coordinates: no map tiles are reachable
 * offline. Points at the same place (a fixed camera) are grouped into one circle sized by
 * count. The projection is equirectangular with the longitude scaled by cos(latitude), which
 * keeps distances true enough across a county.
 */
import { svg } from './dom.js';

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
  readonly label: string;
}

export interface PlacedGroup {
  readonly x: number;
  readonly y: number;
  readonly count: number;
  readonly labels: readonly string[];
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly groups: readonly PlacedGroup[];
  readonly bounds: { readonly minLat: number; readonly maxLat: number; readonly minLon: number; readonly maxLon: number };
}

const PAD = 28;

/** Group points by place (5 decimals, about a metre) and fit them into width × height. */
export function layoutPoints(points: readonly GeoPoint[], width: number, height: number): Layout {
  const byPlace = new Map<string, { lat: number; lon: number; labels: string[] }>();
  for (const p of points) {
    if (!Number.isFinite(p.lat) || !Number.isFinite(p.lon)) continue;
    const key = `${p.lat.toFixed(5)},${p.lon.toFixed(5)}`;
    const g = byPlace.get(key) ?? { lat: p.lat, lon: p.lon, labels: [] };
    g.labels.push(p.label);
    byPlace.set(key, g);
  }
  const places = [...byPlace.values()];
  const lats = places.map((p) => p.lat);
  const lons = places.map((p) => p.lon);
  const bounds = places.length
    ? { minLat: Math.min(...lats), maxLat: Math.max(...lats), minLon: Math.min(...lons), maxLon: Math.max(...lons) }
    : { minLat: 0, maxLat: 0, minLon: 0, maxLon: 0 };
  const k = Math.cos((((bounds.minLat + bounds.maxLat) / 2) * Math.PI) / 180);
  const spanX = (bounds.maxLon - bounds.minLon) * k;
  const spanY = bounds.maxLat - bounds.minLat;
  const innerW = width - 2 * PAD;
  const innerH = height - 2 * PAD;
  const scale = spanX === 0 && spanY === 0 ? 0 : Math.min(spanX > 0 ? innerW / spanX : Infinity, spanY > 0 ? innerH / spanY : Infinity);
  // Centre the drawing on the free axis so one place or a line of places sits in the middle.
  const offX = PAD + (innerW - spanX * scale) / 2;
  const offY = PAD + (innerH - spanY * scale) / 2;
  const groups = places.map((p) => ({
    x: offX + (p.lon - bounds.minLon) * k * scale,
    y: offY + (bounds.maxLat - p.lat) * scale,
    count: p.labels.length,
    labels: p.labels,
  }));
  return { width, height, groups, bounds };
}

/** The SVG figure; the results table beside it is the accessible listing of the same reads. */
export function plotSvg(points: readonly GeoPoint[], width = 400, height = 300): SVGElement {
  const lay = layoutPoints(points, width, height);
  const { minLat, maxLat, minLon, maxLon } = lay.bounds;
  const placed = lay.groups.length;
  return svg(
    'svg',
    {
      class: 'plot',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': placed ? `Plot of ${points.length} reads at ${placed} places, latitude ${minLat.toFixed(4)} to ${maxLat.toFixed(4)}, longitude ${minLon.toFixed(4)} to ${maxLon.toFixed(4)}` : 'No read positions to plot',
    },
    svg('rect', { class: 'frame', x: PAD / 2, y: PAD / 2, width: width - PAD, height: height - PAD }),
    placed ? svg('text', { x: PAD / 2 + 2, y: PAD / 2 - 3 }, `N ${maxLat.toFixed(4)}`) : svg('text', { x: width / 2 - 50, y: height / 2 }, 'no positions'),
    placed ? svg('text', { x: PAD / 2 + 2, y: height - 3 }, `S ${minLat.toFixed(4)}  W ${minLon.toFixed(4)}`) : null,
    placed ? svg('text', { x: width - PAD / 2 - 80, y: height - 3 }, `E ${maxLon.toFixed(4)}`) : null,
    ...lay.groups.map((g) =>
      svg(
        'circle',
        { class: 'pt', cx: g.x.toFixed(1), cy: g.y.toFixed(1), r: (4 + Math.min(10, Math.sqrt(g.count) * 2)).toFixed(1) },
        svg('title', {}, `${g.count} read${g.count === 1 ? '' : 's'}: ${g.labels.slice(0, 5).join('; ')}${g.count > 5 ? '…' : ''}`),
      ),
    ),
  );
}
