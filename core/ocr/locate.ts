/**
 * Finds the registration inside a whole-plate crop. Cameras crop the plate with its frame,
 * bolts, state name, slogan and stickers, and the characters may fill only half the height;
 * a text recogniser fed the whole crop reads the clutter and shrinks the characters. Here the
 * crop is binarised locally (Sauvola, so shadows and gradients do not matter), its connected
 * components are found, and the longest row of components of one height is the registration.
 * Each character becomes a slot the line builder lays out for the recogniser.
 */
import { smooth, type GrayImage } from './image.js';

export interface Slot {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface TextLine {
  /** The crop the line is cut from. */
  readonly image: GrayImage;
  /** Character boxes left to right (a slot may hold two touching characters). */
  readonly slots: readonly Slot[];
  /** Centre line of the characters: y = a + b·x (follows rotation and keystone). */
  readonly a: number;
  readonly b: number;
  /** Median character height and width, pixels. */
  readonly charH: number;
  readonly charW: number;
  /** Characters are lighter than the plate (dark plates, reflective films at night). */
  readonly inverted: boolean;
  /** Mean grey of ink and of plate inside the slots, in the crop's own polarity. */
  readonly ink: number;
  readonly paper: number;
}

interface Component extends Slot {
  n: number;
}

/** Sauvola's k and dynamic range of the local deviation. */
const SAUVOLA_K = 0.2;
const SAUVOLA_R = 128;
/** Smallest character height relative to the crop (characters fill ~a quarter to a half). */
const MIN_CHAR_FRAC = 0.16;
const MAX_CHAR_FRAC = 0.9;
const MIN_CHARS = 3;

/**
 * Ink masks (1 = ink) of both polarities, dark-on-light first, by Sauvola's threshold
 * m·(1 + k·(sd/R − 1)): near characters (high local deviation) it sits close to the local
 * mean, on flat noisy plate well below it, so shadows and gradients do not matter.
 */
function binarise(img: GrayImage): [Uint8Array, Uint8Array] {
  const { w, h, data } = img;
  const W = w + 1;
  const sum = new Float64Array(W * (h + 1));
  const sq = new Float64Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let rs = 0;
    let rq = 0;
    for (let x = 0; x < w; x++) {
      const v = data[y * w + x]!;
      rs += v;
      rq += v * v;
      sum[(y + 1) * W + x + 1] = sum[y * W + x + 1]! + rs;
      sq[(y + 1) * W + x + 1] = sq[y * W + x + 1]! + rq;
    }
  }
  // Window about a character high: local enough for shadows, wide enough to see paper.
  const r = Math.max(4, Math.round(h / 5));
  const dark = new Uint8Array(w * h);
  const light = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const n = (y1 - y0) * (x1 - x0);
      const m = (sum[y1 * W + x1]! - sum[y0 * W + x1]! - sum[y1 * W + x0]! + sum[y0 * W + x0]!) / n;
      const q = (sq[y1 * W + x1]! - sq[y0 * W + x1]! - sq[y1 * W + x0]! + sq[y0 * W + x0]!) / n;
      const f = 1 + SAUVOLA_K * (Math.sqrt(Math.max(0, q - m * m)) / SAUVOLA_R - 1);
      const v = data[y * w + x]!;
      dark[y * w + x] = v < m * f ? 1 : 0;
      light[y * w + x] = 255 - v < (255 - m) * f ? 1 : 0;
    }
  }
  return [dark, light];
}

/** 8-connected components of the mask with their boxes and pixel counts. */
function components(mask: Uint8Array, w: number, h: number): Component[] {
  const label = new Int32Array(w * h);
  const stack = new Int32Array(w * h);
  const out: Component[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || label[start] !== 0) continue;
    const id = out.length + 1;
    const c: Component = { x0: w, x1: -1, y0: h, y1: -1, n: 0 };
    let top = 0;
    stack[top++] = start;
    label[start] = id;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % w;
      const y = (p - x) / w;
      c.n++;
      if (x < c.x0) c.x0 = x;
      if (x > c.x1) c.x1 = x;
      if (y < c.y0) c.y0 = y;
      if (y > c.y1) c.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const q = yy * w + xx;
          if (mask[q] === 1 && label[q] === 0) {
            label[q] = id;
            stack[top++] = q;
          }
        }
      }
    }
    out.push(c);
  }
  return out;
}

const height = (c: Slot): number => c.y1 - c.y0 + 1;
const width = (c: Slot): number => c.x1 - c.x0 + 1;
const cx = (c: Slot): number => (c.x0 + c.x1) / 2;
const cy = (c: Slot): number => (c.y0 + c.y1) / 2;

/** Could this component be a character (or two touching)? Rejects frame, bolts, stickers. */
function charLike(c: Component, imgH: number): boolean {
  const ch = height(c);
  const cw = width(c);
  if (ch < Math.max(6, imgH * MIN_CHAR_FRAC) || ch > imgH * MAX_CHAR_FRAC) return false;
  if (cw > ch * 2.2) return false;
  const fill = c.n / (ch * cw);
  // A filled block wider than a stroke is a sticker or a bolt head, not an `I` or a `1`.
  return fill > 0.12 && !(fill > 0.85 && cw > ch * 0.45);
}

function median(values: number[]): number {
  const s = values.slice().sort((p, q) => p - q);
  return s[s.length >> 1]!;
}

/** The largest chain of neighbouring components of one height on one line. */
function bestRow(cands: Component[]): Component[] {
  cands.sort((p, q) => cx(p) - cx(q));
  const parent = cands.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < cands.length; i++) {
    const p = cands[i]!;
    for (let j = i + 1; j < cands.length; j++) {
      const q = cands[j]!;
      const hp = height(p);
      const hq = height(q);
      const hm = Math.max(hp, hq);
      if (q.x0 - p.x1 > hm * 1.2) break;
      if (hm / Math.min(hp, hq) > 1.45) continue;
      if (Math.abs(cy(p) - cy(q)) > hm * 0.4) continue;
      parent[find(j)] = find(i);
    }
  }
  const groups = new Map<number, Component[]>();
  cands.forEach((c, i) => {
    const g = find(i);
    const list = groups.get(g);
    if (list) list.push(c);
    else groups.set(g, [c]);
  });
  let best: Component[] = [];
  let bestArea = 0;
  for (const g of groups.values()) {
    const area = g.reduce((a, c) => a + height(c) * width(c), 0);
    if (g.length > best.length || (g.length === best.length && area > bestArea)) {
      best = g;
      bestArea = area;
    }
  }
  return best;
}

/** Least-squares centre line through the components. */
function leastSquares(row: Component[]): { a: number; b: number } {
  const n = row.length;
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const c of row) {
    const x = cx(c);
    const y = cy(c);
    sx += x; sy += y; sxx += x * x; sxy += x * y;
  }
  const den = n * sxx - sx * sx;
  const b = den > 1e-6 ? (n * sxy - sx * sy) / den : 0;
  return { a: (sy - b * sx) / n, b };
}

/** Centre line of the row, refitted without components off it (frame ends, sticker edges). */
function fitLine(row: Component[], charH: number): { a: number; b: number } {
  const first = leastSquares(row);
  const kept = row.filter((c) => Math.abs(cy(c) - (first.a + first.b * cx(c))) < charH * 0.2);
  return kept.length >= MIN_CHARS && kept.length < row.length ? leastSquares(kept) : first;
}

/** Every component on the line, pieces of one character merged, separators dropped. */
function slotsOnLine(all: Component[], row: Component[], a: number, b: number, charH: number, imgW: number): Slot[] {
  const left = row[0]!.x0 - charH * 1.2;
  const right = row[row.length - 1]!.x1 + charH * 1.2;
  const onLine = all
    .filter((c) => cx(c) >= left && cx(c) <= right && Math.abs(cy(c) - (a + b * cx(c))) < charH * 0.5)
    .filter((c) => height(c) >= charH * 0.2 && height(c) <= charH * 1.4 && width(c) <= charH * 2.2)
    // The crop's edge cuts the frame and the car body, never a character of a plate crop.
    .filter((c) => c.x0 > 0 && c.x1 < imgW - 1)
    .sort((p, q) => p.x0 - q.x0);
  const merged: Slot[] = [];
  for (const c of onLine) {
    const last = merged[merged.length - 1];
    const overlap = last ? Math.min(last.x1, c.x1) - Math.max(last.x0, c.x0) + 1 : 0;
    if (last && overlap > 0.4 * Math.min(width(last), width(c))) {
      last.x0 = Math.min(last.x0, c.x0);
      last.x1 = Math.max(last.x1, c.x1);
      last.y0 = Math.min(last.y0, c.y0);
      last.y1 = Math.max(last.y1, c.y1);
    } else merged.push({ x0: c.x0, x1: c.x1, y0: c.y0, y1: c.y1 });
  }
  // Dashes, dots and hearts between groups are shorter than any character; a character's
  // top and bottom sit on the line, clutter cut by the band does not.
  return merged.filter((s) => {
    const mid = a + b * cx(s);
    return height(s) >= charH * 0.6 && Math.abs(s.y0 - (mid - charH / 2)) < charH * 0.3 && Math.abs(s.y1 - (mid + charH / 2)) < charH * 0.3;
  });
}

function levels(img: GrayImage, mask: Uint8Array, slots: readonly Slot[]): { ink: number; paper: number } {
  let inkSum = 0, inkN = 0, paperSum = 0, paperN = 0;
  for (const s of slots) {
    for (let y = s.y0; y <= s.y1; y++) {
      for (let x = s.x0; x <= s.x1; x++) {
        const p = y * img.w + x;
        if (mask[p] === 1) { inkSum += img.data[p]!; inkN++; } else { paperSum += img.data[p]!; paperN++; }
      }
    }
  }
  return { ink: inkN ? inkSum / inkN : 0, paper: paperN ? paperSum / paperN : 255 };
}

function locateIn(img: GrayImage, crop: GrayImage, mask: Uint8Array, inverted: boolean): TextLine | null {
  const all = components(mask, img.w, img.h);
  const row = bestRow(all.filter((c) => charLike(c, img.h)));
  if (row.length < MIN_CHARS) return null;
  const charH = median(row.map(height));
  const { a, b } = fitLine(row, charH);
  const slots = slotsOnLine(all, row, a, b, charH, img.w);
  if (slots.length < MIN_CHARS) return null;
  const charW = median(slots.filter((s) => width(s) < charH).map(width).concat([width(slots[0]!)]));
  return { image: crop, slots, a, b, charH, charW, inverted, ...levels(img, mask, slots) };
}

/** 2×2 mean: a quarter of the pixels to search, and the averaging smooths as `smooth` does. */
function halve(img: GrayImage): GrayImage {
  const w = img.w >> 1;
  const h = img.h >> 1;
  const data = new Uint8Array(w * h);
  const d = img.data;
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * img.w;
    const r1 = r0 + img.w;
    for (let x = 0; x < w; x++) data[y * w + x] = (d[r0 + 2 * x]! + d[r0 + 2 * x + 1]! + d[r1 + 2 * x]! + d[r1 + 2 * x + 1]! + 2) >> 2;
  }
  return { w, h, data };
}

/** A line found at half resolution, in the crop's own coordinates. */
function doubled(t: TextLine, crop: GrayImage): TextLine {
  return {
    ...t,
    image: crop,
    slots: t.slots.map((s) => ({ x0: 2 * s.x0, x1: 2 * s.x1 + 1, y0: 2 * s.y0, y1: 2 * s.y1 + 1 })),
    a: 2 * t.a + 0.5 - 0.5 * t.b,
    charH: 2 * t.charH,
    charW: 2 * t.charW,
  };
}

/** Crops this tall are searched at half resolution (characters stay over ~12 pixels high). */
const HALVE_FROM_H = 100;

/** The registration's text line, or null when no row of characters stands out. */
export function locateText(crop: GrayImage): TextLine | null {
  const half = crop.h >= HALVE_FROM_H;
  const img = half ? halve(crop) : smooth(crop);
  const [darkMask, lightMask] = binarise(img);
  const dark = locateIn(img, crop, darkMask, false);
  const light = locateIn(img, crop, lightMask, true);
  // Counters of 0, 8, B … form a row too in the wrong polarity; the characters are taller.
  const score = (t: TextLine | null): number => (t ? t.slots.length * t.charH : -1);
  const best = score(light) > score(dark) ? light : dark;
  return best && half ? doubled(best, crop) : best;
}
