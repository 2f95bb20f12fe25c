/**
 * `platesafe ocr FILE… [--json]`: read plate crops from files (PNG, JPEG, or raw `gray8`
 * named `NAME.WxH.gray`) and print one line per file. With `--json` each line is an object
 * with `file`, `plate`, `confidence`, `candidates` and `ms`.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { ErrCropInvalid, isPlateSafeError } from '../../core/errors.js';
import { PlateReader, type OcrResult } from '../../core/ocr/reader.js';
import type { Crop } from '../../core/reads/read.js';
import { loadModel } from '../../models/loader.js';

interface OcrOptions {
  json?: boolean;
  state?: string;
}

/** The crop a file holds; `gray8` has no header, so its size comes from the name. */
export function cropFromFile(file: string): Crop {
  const data = new Uint8Array(readFileSync(file));
  const gray = /\.(\d+)x(\d+)\.gray$/i.exec(basename(file));
  if (gray) return { fmt: 'gray8', w: Number(gray[1]), h: Number(gray[2]), data };
  if (data[0] === 0x89 && data[1] === 0x50) return { fmt: 'png', w: 1, h: 1, data };
  if (data[0] === 0xff && data[1] === 0xd8) return { fmt: 'jpeg', w: 1, h: 1, data };
  throw new ErrCropInvalid(`${file}: not PNG or JPEG, and not named NAME.WxH.gray`);
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function line(file: string, r: OcrResult, json: boolean): string {
  if (json) {
    const out: Record<string, unknown> = {
      file,
      plate: r.plate,
      confidence: round(r.conf),
      candidates: r.cands.map(([p, c]) => [p, round(c)]),
      ms: Math.round(r.ms * 10) / 10,
    };
    if (r.error) out.error = r.error;
    return JSON.stringify(out);
  }
  if (r.error) return `${file}\t${r.error.code}\t${r.error.message}`;
  return `${file}\t${r.plate || '-'}\t${r.conf.toFixed(2)}\t${r.cands.map(([p, c]) => `${p}:${c.toFixed(2)}`).join(' ')}\t${r.ms.toFixed(1)} ms`;
}

export function registerOcr(program: Command): void {
  program
    .command('ocr <files...>')
    .description('read plate crops (PNG, JPEG, NAME.WxH.gray) and print the readings')
    .option('--json', 'one JSON object a line: file, plate, confidence, candidates, ms')
    .option('--state <code>', 'jurisdiction of the plates, to rank candidates by its formats')
    .action(async (files: string[], opts: OcrOptions) => {
      const reader = await PlateReader.create(loadModel());
      try {
        for (const file of files) {
          let result: OcrResult;
          try {
            [result] = (await reader.read([cropFromFile(file)], { states: [opts.state] })) as [OcrResult];
          } catch (e) {
            if (!isPlateSafeError(e)) throw e;
            result = { plate: '', conf: 0, cands: [], chars: [], looks: 0, ms: 0, error: { code: e.code, message: e.message } };
          }
          process.stdout.write(`${line(file, result, opts.json === true)}\n`);
        }
      } finally {
        await reader.close();
      }
    });
}
