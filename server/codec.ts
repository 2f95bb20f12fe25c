/**
 * Frame encoding of PROTOCOL.md: plain MessagePack maps in binary frames (what any conforming
 * library writes: no records or extensions required of clients), JSON in text frames.
 */
import { Packr, Unpackr, type Options } from 'msgpackr';
import { ErrBadInput } from '../core/errors.js';

// 'auto' yields numbers for safe integers and BigInt beyond 53 bits (which validation refuses).
// uWS reuses a message's memory once its callback returns: binary fields (crops, images) are
// copied out of it as they are decoded, so the frame itself is read in place, not copied first.
const decodeOptions = { mapsAsObjects: true, int64AsType: 'auto', useRecords: false, copyBuffers: true } as unknown as Options;
const unpackr = new Unpackr(decodeOptions);
// Clients never receive msgpackr records: plain maps only (PROTOCOL.md, Encoding).
const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true });

export type Frame = Record<string, unknown> & { t?: unknown };

/** Decode one frame; a malformed one throws `PS_ERR_BAD_INPUT` (code `PS_ERR_DECODE` in details). */
export function decodeFrame(data: ArrayBuffer, isBinary: boolean): Frame {
  let value: unknown;
  try {
    value = isBinary ? unpackr.unpack(Buffer.from(data)) : JSON.parse(Buffer.from(data).toString('utf8'));
  } catch (e) {
    throw new ErrBadInput(`malformed ${isBinary ? 'MessagePack' : 'JSON'} frame: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ErrBadInput('a frame must be a map');
  }
  return value as Frame;
}

export function encodeFrame(frame: object): Uint8Array {
  return packr.pack(frame);
}

/** Decode a MessagePack HTTP body (not necessarily a map). */
export function decodeBody(data: Uint8Array): unknown {
  try {
    return unpackr.unpack(data);
  } catch (e) {
    throw new ErrBadInput(`malformed MessagePack body: ${(e as Error).message}`);
  }
}
