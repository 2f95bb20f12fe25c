/**
 * Builds the recogniser's input line from a located registration. The characters are
 * deskewed (each column follows the fitted centre line), scaled to a fixed cap height, and
 * laid out again at a fixed pitch with a gap of plain paper between them. Condensed plate
 * faces are stretched so every character spans three CTC frames: a CTC recogniser needs a
 * blank frame between two equal characters, and in a condensed `LEE8805` the two `E`s
 * otherwise share frames and collapse into one. Separators and clutter between characters
 * are not copied. Contrast is normalised (ink black, paper white) whatever the plate colours.
 */
import type { GrayImage } from './image.js';
import type { TextLine } from './locate.js';

/** Recogniser input height (PP-OCRv4) and the stride of its CTC frames. */
export const LINE_H = 48;
export const FRAME_STRIDE = 8;
/** Cap height inside the 48-pixel line and the margin above and below it. */
const CAP_PX = 32;
const TOP_PX = (LINE_H - CAP_PX) / 2;

export interface LineLayout {
  /** Width of a character of median width, and the plain gap between characters (pixels). */
  readonly charPx: number;
  readonly gapPx: number;
}

export const DEFAULT_LAYOUT: LineLayout = { charPx: 14, gapPx: 6 };

/** One recogniser input: a single grey channel, values already in the model's [-1, 1]. */
export interface Line {
  readonly width: number;
  readonly pixels: Float32Array;
  /** [u0, u1) of each slot in the line, for assigning decoded characters to slots. */
  readonly spans: Int32Array;
  /** Slots wide enough to hold two touching characters. */
  readonly wide: Uint8Array;
}

const PAPER = 1;
/** Largest plain gap between two located characters, in character heights (a separator's). */
const MAX_GAP = 0.6;

function bilinear(img: GrayImage, x: number, y: number): number {
  const xc = x < 0 ? 0 : x > img.w - 1 ? img.w - 1 : x;
  const yc = y < 0 ? 0 : y > img.h - 1 ? img.h - 1 : y;
  const x0 = Math.floor(xc);
  const y0 = Math.floor(yc);
  const x1 = x0 + 1 < img.w ? x0 + 1 : x0;
  const y1 = y0 + 1 < img.h ? y0 + 1 : y0;
  const fx = xc - x0;
  const fy = yc - y0;
  const d = img.data;
  const top = d[y0 * img.w + x0]! * (1 - fx) + d[y0 * img.w + x1]! * fx;
  const bot = d[y1 * img.w + x0]! * (1 - fx) + d[y1 * img.w + x1]! * fx;
  return top * (1 - fy) + bot * fy;
}

/** Width rounded up to whole CTC frames, so no frame straddles padding. */
function frames(px: number): number {
  return Math.ceil(px / FRAME_STRIDE) * FRAME_STRIDE;
}

/**
 * True when the slots look like the whole registration, one character each: no gap where a
 * character could hide, no slot as wide as two characters. Else the line is cut as one band.
 */
export function regularSlots(t: TextLine): boolean {
  const s = t.slots;
  if (s.length < 5) return false;
  for (let i = 0; i < s.length; i++) {
    if (s[i]!.x1 - s[i]!.x0 + 1 > t.charW * 1.8) return false;
    if (i > 0 && s[i]!.x0 - s[i - 1]!.x1 > t.charH * MAX_GAP) return false;
  }
  return true;
}

/** Character pitch along the line: median distance between neighbouring slot centres. */
function pitch(t: TextLine): number {
  const d: number[] = [];
  for (let i = 1; i < t.slots.length; i++) d.push((t.slots[i]!.x0 + t.slots[i]!.x1 - t.slots[i - 1]!.x0 - t.slots[i - 1]!.x1) / 2);
  d.sort((p, q) => p - q);
  return d[d.length >> 1] ?? t.charW * 1.3;
}

export function buildLine(t: TextLine, layout: LineLayout = DEFAULT_LAYOUT): Line {
  const img = t.image;
  const vs = CAP_PX / t.charH;
  const regular = regularSlots(t);
  const first = t.slots[0]!;
  const last = t.slots[t.slots.length - 1]!;
  const pad = t.charH * 0.15;
  // A band is stretched so characters keep the pitch they would have had as slots.
  const slots = regular ? t.slots : [{ x0: Math.max(0, Math.round(first.x0 - pad)), x1: Math.min(img.w - 1, Math.round(last.x1 + pad)), y0: 0, y1: 0 }];
  const hs = regular ? layout.charPx / t.charW : (layout.charPx + layout.gapPx) / pitch(t);
  const n = slots.length;
  const spans = new Int32Array(2 * n);
  const wide = new Uint8Array(n);
  let u = layout.gapPx;
  for (let i = 0; i < n; i++) {
    const s = slots[i]!;
    const sw = s.x1 - s.x0 + 2;
    wide[i] = !regular || sw > t.charW * 1.6 ? 1 : 0;
    spans[2 * i] = u;
    u += Math.max(4, Math.round(sw * hs));
    spans[2 * i + 1] = u;
    u += layout.gapPx;
  }
  const width = frames(u);
  const pixels = new Float32Array(LINE_H * width).fill(PAPER);
  const range = t.paper - t.ink || 1;
  for (let i = 0; i < n; i++) {
    const s = slots[i]!;
    const u0 = spans[2 * i]!;
    const u1 = spans[2 * i + 1]!;
    const scaleX = (s.x1 - s.x0 + 2) / (u1 - u0);
    for (let uu = u0; uu < u1; uu++) {
      const x = s.x0 - 1 + (uu - u0 + 0.5) * scaleX;
      const yc = t.a + t.b * x;
      for (let v = 0; v < LINE_H; v++) {
        const y = yc + (v + 0.5 - TOP_PX - CAP_PX / 2) / vs;
        let g = (bilinear(img, x, y) - t.ink) / range;
        g = g < 0 ? 0 : g > 1 ? 1 : g;
        pixels[v * width + uu] = g * 2 - 1;
      }
    }
  }
  return { width, pixels, spans, wide };
}

/**
 * Width of a line cut from rows `top`..`bottom` (fractions of the crop's height) when the
 * region keeps its aspect stretched `stretch` times horizontally. Stretch 1 over the whole
 * crop is the plain preprocessing PP-OCR ships with (the benchmark baseline).
 */
export function aspectWidth(img: GrayImage, top: number, bottom: number, stretch: number, maxWidth = 480): number {
  return Math.min(maxWidth, frames(Math.round((stretch * img.w * LINE_H) / ((bottom - top) * img.h))));
}

/** Part of a crop as fractions of its height (`top`..`bottom`) and width (`left`..`right`). */
export interface Region {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/**
 * `region` of the crop turned `turnDeg` about the crop's centre, scaled to the line height and
 * to `width`. Stretched, condensed plate characters span enough CTC frames that a doubled `EE`
 * keeps a blank between its two `E`s, with no need to find the characters first.
 */
export function regionLine(img: GrayImage, region: Region, width: number, turnDeg = 0): Line {
  const rows = (region.bottom - region.top) * img.h;
  const pixels = new Float32Array(LINE_H * width);
  const sx = ((region.right - region.left) * img.w) / width;
  const sy = rows / LINE_H;
  const cos = Math.cos((turnDeg * Math.PI) / 180);
  const sin = Math.sin((turnDeg * Math.PI) / 180);
  const cx = img.w / 2;
  const cy = img.h / 2;
  const x0 = region.left * img.w;
  for (let v = 0; v < LINE_H; v++) {
    const dy = region.top * img.h + (v + 0.5) * sy - 0.5 - cy;
    for (let uu = 0; uu < width; uu++) {
      const dx = x0 + (uu + 0.5) * sx - 0.5 - cx;
      pixels[v * width + uu] = (bilinear(img, cx + cos * dx - sin * dy, cy + sin * dx + cos * dy) / 255) * 2 - 1;
    }
  }
  return { width, pixels, spans: new Int32Array([0, width]), wide: new Uint8Array([1]) };
}
