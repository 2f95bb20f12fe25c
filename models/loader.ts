/**
 * Locates the OCR model through its manifest and verifies it before anything reads it: a
 * missing or altered file is a start-up error with a stable code, never a crash inside the
 * runtime at the first crop.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrModelAltered, ErrModelMissing } from '../core/errors.js';
import { OCR_MODEL, type ModelFile, type ModelManifest } from './manifest.js';

export interface VerifiedModel {
  readonly manifest: ModelManifest;
  /** Absolute paths of the verified files. */
  readonly recognizerPath: string;
  readonly dictionaryPath: string;
  readonly headPath: string;
}

export interface LoadModelOptions {
  /** Folder holding the package's files (defaults to the installed package). */
  readonly dir?: string;
  /** Folder holding the fitted plate head (defaults to this project's `models/`). */
  readonly headDir?: string;
  readonly manifest?: ModelManifest;
}

/** Folder of the installed model package, found through Node's resolver. */
export function packageDir(manifest: ModelManifest = OCR_MODEL): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve(`${manifest.package}/${manifest.anchor}`));
  } catch {
    throw new ErrModelMissing(`OCR model package ${manifest.package}@${manifest.version} is not installed`, {
      package: manifest.package,
      version: manifest.version,
    });
  }
}

/** Verify every file of the manifest and return their paths. */
export function loadModel(options: LoadModelOptions = {}): VerifiedModel {
  const manifest = options.manifest ?? OCR_MODEL;
  return { ...loadPackage(options), headPath: verifyFile(options.headDir ?? modelsDir(), manifest.head, manifest) };
}

/** Verify the packaged recogniser and dictionary only: what fitting a new plate head starts from. */
export function loadPackage(options: LoadModelOptions = {}): Omit<VerifiedModel, 'headPath'> {
  const manifest = options.manifest ?? OCR_MODEL;
  const dir = options.dir ?? packageDir(manifest);
  return {
    manifest,
    recognizerPath: verifyFile(dir, manifest.recognizer, manifest),
    dictionaryPath: verifyFile(dir, manifest.dictionary, manifest),
  };
}

/** This project's `models/` folder, whether this file runs from source or from `dist/models/`. */
export function modelsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.endsWith(join('dist', 'models')) ? join(here, '..', '..', 'models') : here;
}

function verifyFile(dir: string, file: ModelFile, manifest: ModelManifest): string {
  const path = join(dir, file.path);
  const details = { file: file.path, package: `${manifest.package}@${manifest.version}` };
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new ErrModelMissing(`OCR model file ${file.path} not found in ${dir}`, details);
  }
  // The size check is free and catches truncation before hashing 10 MB.
  if (size !== file.bytes) {
    throw new ErrModelAltered(`OCR model file ${file.path} is ${size} bytes, manifest says ${file.bytes}`, {
      ...details,
      bytes: size,
    });
  }
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  if (sha256 !== file.sha256) {
    throw new ErrModelAltered(`OCR model file ${file.path} has sha256 ${sha256}, manifest says ${file.sha256}`, {
      ...details,
      sha256,
    });
  }
  return path;
}
