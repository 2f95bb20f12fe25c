/**
 * Detection images for the investigation page. Every image view is an audited inquiry
 * (POLICY R2), so the request carries the case and purpose; the bytes arrive as a blob
 * (an `<img src>` cannot carry the session token). Gray8 crops come as binary PGM, which
 * browsers do not draw: they are painted onto a canvas instead.
 */
import { fetchBlob, query } from './api.js';
import type { Inquiry } from './inquiry.js';


/** Parse a binary PGM (P5, maxval ≤ 255) into its size and pixel bytes. */
export function parsePgm(bytes: Uint8Array): { w: number; h: number; pixels: Uint8Array } | undefined {
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 4 && i < bytes.length) {
    while (i < bytes.length && /\s/.test(String.fromCharCode(bytes[i]!))) i++;
    if (bytes[i] === 0x23) {
      while (i < bytes.length && bytes[i] !== 0x0a) i++;
      continue;
    }
    let tok = '';
    while (i < bytes.length && !/\s/.test(String.fromCharCode(bytes[i]!))) tok += String.fromCharCode(bytes[i++]!);
    fields.push(tok);
  }
  const [magic, w, h, max] = [fields[0], Number(fields[1]), Number(fields[2]), Number(fields[3])];
  if (magic !== 'P5' || !(w > 0) || !(h > 0) || !(max > 0 && max < 256)) return undefined;
  const pixels = bytes.subarray(i + 1, i + 1 + w * h);
  return pixels.length === w * h ? { w, h, pixels } : undefined;
}

function pgmToDataUrl(bytes: Uint8Array): string | undefined {
  const img = parsePgm(bytes);
  if (!img) return undefined;
  const canvas = document.createElement('canvas');
  canvas.width = img.w;
  canvas.height = img.h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return undefined;
  const data = ctx.createImageData(img.w, img.h);
  for (let p = 0; p < img.pixels.length; p++) {
    const v = img.pixels[p]!;
    data.data[p * 4] = v;
    data.data[p * 4 + 1] = v;
    data.data[p * 4 + 2] = v;
    data.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
  return canvas.toDataURL('image/png');
}

/** A URL the page can put in `<img src>` for a detection's crop or overview image. */
export async function detectionImage(id: string, kind: 'crop' | 'image', inq: Inquiry): Promise<string | undefined> {
  const blob = await fetchBlob(`/v1/detections/${encodeURIComponent(id)}/${kind}${query({ case: inq.case, purpose: inq.purpose })}`);
  if (blob.type.startsWith('image/png') || blob.type.startsWith('image/jpeg')) return URL.createObjectURL(blob);
  return pgmToDataUrl(new Uint8Array(await blob.arrayBuffer()));
}
