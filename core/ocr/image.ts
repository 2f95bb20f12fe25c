/**
 * Plate crops as PROTOCOL.md sends them (`crop` {fmt, w, h, data}) turned into grey pixels.
 * `gray8` is used as it is; PNG and JPEG are decoded by sharp (libvips, prebuilt on npm).
 */
import sharp from 'sharp';
import { ErrCropInvalid } from '../errors.js';
import type { Crop } from '../reads/read.js';

export interface GrayImage {
  readonly w: number;
  readonly h: number;
  readonly data: Uint8Array;
}

/** Smallest crop that can hold a legible plate; below it there is nothing to read. */
export const MIN_CROP_SIDE = 8;

export async function decodeCrop(crop: Crop): Promise<GrayImage> {
  if (crop.fmt === 'gray8') {
    if (crop.data.byteLength !== crop.w * crop.h) {
      throw new ErrCropInvalid(`gray8 crop has ${crop.data.byteLength} bytes, ${crop.w}×${crop.h} needs ${crop.w * crop.h}`);
    }
    checkSize(crop.w, crop.h);
    return { w: crop.w, h: crop.h, data: crop.data };
  }
  const out = await sharp(crop.data, { failOn: 'error' })
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((e: unknown) => {
      throw new ErrCropInvalid(`${crop.fmt} crop cannot be decoded`, { reason: (e as Error).message });
    });
  const { width, height, channels } = out.info;
  checkSize(width, height);
  return { w: width, h: height, data: luma(out.data, width * height, channels) };
}

/**
 * One grey level a pixel (BT.601 weights for colour; alpha left out). sharp's `grayscale()`
 * cost about 1 ms a crop on top of the decode, a colourspace pipeline even for a grey JPEG,
 * and this loop takes about 0.1 ms for a 300 × 150 colour crop.
 */
function luma(px: Buffer, n: number, channels: number): Uint8Array {
  if (channels === 1) return new Uint8Array(px.buffer, px.byteOffset, n);
  const out = new Uint8Array(n);
  if (channels < 3) {
    for (let i = 0; i < n; i++) out[i] = px[i * channels]!;
    return out;
  }
  for (let i = 0, j = 0; i < n; i++, j += channels) out[i] = (77 * px[j]! + 150 * px[j + 1]! + 29 * px[j + 2]! + 128) >> 8;
  return out;
}

function checkSize(w: number, h: number): void {
  if (w < MIN_CROP_SIDE || h < MIN_CROP_SIDE) throw new ErrCropInvalid(`crop ${w}×${h} is too small to read`);
}

/** One 3×3 box pass; two or three approximate a Gaussian. */
function box3(src: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const ym = (y > 0 ? y - 1 : 0) * w;
    const y0 = y * w;
    const yp = (y < h - 1 ? y + 1 : h - 1) * w;
    for (let x = 0; x < w; x++) {
      const xm = x > 0 ? x - 1 : 0;
      const xp = x < w - 1 ? x + 1 : w - 1;
      out[y0 + x] =
        (src[ym + xm]! + src[ym + x]! + src[ym + xp]! + src[y0 + xm]! + src[y0 + x]! + src[y0 + xp]! + src[yp + xm]! + src[yp + x]! + src[yp + xp]!) / 9;
    }
  }
  return out;
}

/**
 * The crop with one 3×3 box pass: enough against sensor noise and JPEG blocks for binarising,
 * and it spares the recogniser the noise that bilinear sampling would pass on.
 */
export function smooth(img: GrayImage): GrayImage {
  const f = box3(Float32Array.from(img.data), img.w, img.h);
  const data = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) data[i] = f[i]! + 0.5;
  return { w: img.w, h: img.h, data };
}
