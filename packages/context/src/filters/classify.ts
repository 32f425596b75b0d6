/**
 * @module The file gate of V1-FR-CTX-007, in two steps so the walker never opens what the path
 * alone rules out: `classifyPath` (name, size) then `classifyContent` (bytes). Only a file that
 * passes both reaches parsing or token counting.
 */
import { isSecretFileName } from '../secrets/secret-files';
import {
  DEFAULT_HEURISTIC_LIMITS,
  decodeUtf8,
  hasSourceMapMarker,
  lineStats,
  looksBinary,
  looksBundled,
  looksGenerated,
  shannonEntropy,
  type HeuristicLimits,
} from './heuristics';
import { languageFromPath, languageFromShebang, type SourceLanguage } from './language';
import { exclusion, type Exclusion } from './reason-codes';

export type FileLimits = HeuristicLimits & { maxFileBytes: number };

export const DEFAULT_FILE_LIMITS: FileLimits = {
  ...DEFAULT_HEURISTIC_LIMITS,
  maxFileBytes: 512 * 1024,
};

/** A file admitted into analysis: decoded text and its language. */
export type SourceFile = { path: string; language: SourceLanguage; text: string };

export type PathVerdict =
  { ok: true; language: SourceLanguage | undefined } | { ok: false; exclusion: Exclusion };
export type ContentVerdict = { ok: true; file: SourceFile } | { ok: false; exclusion: Exclusion };

const MINIFIED_NAME = /\.min\.[a-z0-9]+$|[.-](?:bundle|chunk)\.[cm]?js$/i;

/**
 * Decides from the path (and size, when known) whether the file may be opened.
 * `language` is undefined for extensionless files whose shebang decides.
 * @example classifyPath('web/vendor/jquery.min.js', 90_000) // { ok: false, exclusion: { reason: 'MINIFIED_FILENAME', ... } }
 */
export function classifyPath(
  path: string,
  sizeBytes?: number,
  limits: FileLimits = DEFAULT_FILE_LIMITS,
): PathVerdict {
  if (isSecretFileName(path)) return { ok: false, exclusion: exclusion(path, 'SECRET_FILE') };
  const verdict = languageFromPath(path);
  if (verdict.kind === 'compiled')
    return { ok: false, exclusion: exclusion(path, 'COMPILED_ASSET') };
  if (verdict.kind === 'unsupported')
    return { ok: false, exclusion: exclusion(path, 'UNSUPPORTED_FILE_TYPE') };
  if (MINIFIED_NAME.test(path))
    return { ok: false, exclusion: exclusion(path, 'MINIFIED_FILENAME') };
  if (sizeBytes !== undefined && sizeBytes > limits.maxFileBytes) {
    return {
      ok: false,
      exclusion: exclusion(path, 'FILE_TOO_LARGE', {
        bytes: sizeBytes,
        limit: limits.maxFileBytes,
      }),
    };
  }
  return { ok: true, language: verdict.kind === 'source' ? verdict.language : undefined };
}

/**
 * Full gate over a file's bytes: path rules, then binary, encoding, minified, entropy, compiler
 * and bundler output, generated markers.
 * @example classifyContent('src/a.ts', new TextEncoder().encode('export const a = 1;\n'))
 * // { ok: true, file: { path: 'src/a.ts', language: 'typescript', text: 'export const a = 1;\n' } }
 */
export function classifyContent(
  path: string,
  bytes: Uint8Array,
  limits: FileLimits = DEFAULT_FILE_LIMITS,
): ContentVerdict {
  const byPath = classifyPath(path, bytes.length, limits);
  if (!byPath.ok) return byPath;
  if (looksBinary(bytes)) return { ok: false, exclusion: exclusion(path, 'BINARY_CONTENT') };
  const text = decodeUtf8(bytes);
  if (text === undefined) return { ok: false, exclusion: exclusion(path, 'INVALID_ENCODING') };
  const language = byPath.language ?? languageFromShebang(text);
  if (!language) return { ok: false, exclusion: exclusion(path, 'UNSUPPORTED_FILE_TYPE') };
  const excluded = contentExclusion(path, text, limits);
  return excluded
    ? { ok: false, exclusion: excluded }
    : { ok: true, file: { path, language, text } };
}

function contentExclusion(path: string, text: string, limits: FileLimits): Exclusion | undefined {
  const stats = lineStats(text);
  if (stats.longestLine > limits.maxLineLength) {
    return exclusion(path, 'MINIFIED_CONTENT', {
      longestLine: stats.longestLine,
      limit: limits.maxLineLength,
    });
  }
  if (text.length > 1_024 && stats.meanLineLength > limits.maxMeanLineLength) {
    return exclusion(path, 'MINIFIED_CONTENT', {
      meanLineLength: Math.round(stats.meanLineLength),
      limit: limits.maxMeanLineLength,
    });
  }
  if (hasSourceMapMarker(text)) return exclusion(path, 'SOURCE_MAP');
  if (looksBundled(text)) return exclusion(path, 'BUNDLED_FILE');
  if (looksGenerated(text)) return exclusion(path, 'GENERATED_FILE');
  if (text.length > 256) {
    const entropy = shannonEntropy(text.length > 65_536 ? text.slice(0, 65_536) : text);
    if (entropy > limits.maxEntropyBitsPerChar) {
      return exclusion(path, 'HIGH_ENTROPY_CONTENT', {
        bitsPerChar: Number(entropy.toFixed(2)),
        limit: limits.maxEntropyBitsPerChar,
      });
    }
  }
  return undefined;
}
