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
    .grayscale()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((e: unknown) => {
      throw new ErrCropInvalid(`${crop.fmt} crop cannot be decoded`, { reason: (e as Error).message });
    });
  const { width, height, channels } = out.info;
  checkSize(width, height);
  if (channels === 1) return { w: width, h: height, data: new Uint8Array(out.data.buffer, out.data.byteOffset, width * height) };
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = out.data[i * channels]!;
  return { w: width, h: height, data };
}

function checkSize(w: number, h: number): void {
  if (w < MIN_CROP_SIDE || h < MIN_CROP_SIDE) throw new ErrCropInvalid(`crop ${w}×${h} is too small to read`);
}
