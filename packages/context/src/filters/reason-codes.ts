/**
 * @module Machine-readable reasons a file is kept out of the context, each with the guidance the
 * IDE shows the user (V1-FR-CTX-007, V1-FR-SEC-004).
 */

export const EXCLUSION_REASONS = {
  IGNORED_BY_IAMAIGNORE:
    'Matched by .iamaignore; the file was not read. Remove the pattern to include it.',
  SYMLINK: 'Symbolic link; it is not followed. Select the file it points to instead.',
  NOT_FOUND: 'The selected path does not exist in the workspace. Refresh the selection.',
  SECRET_FILE:
    'Looks like a credentials file (.env, private key, keystore). It is never uploaded; keep it in .iamaignore.',
  UNSUPPORTED_FILE_TYPE:
    'This file type is not on the source allowlist. Select source files instead.',
  COMPILED_ASSET:
    'Compiled or packaged artifact (bytecode, archive, native library). Select the source it was built from.',
  BINARY_CONTENT: 'Binary content detected. Only text source files can be sent.',
  INVALID_ENCODING:
    'The file is not valid UTF-8 text. Convert it to UTF-8 or leave it out of the selection.',
  FILE_TOO_LARGE: 'The file exceeds the per-file size limit. Select a smaller file or split it.',
  MINIFIED_FILENAME: 'Minified file (.min.*). Select the unminified source instead.',
  MINIFIED_CONTENT:
    'Very long lines suggest minified or bundled code. Select the original source instead.',
  HIGH_ENTROPY_CONTENT:
    'Content looks like encoded data rather than source. Leave it out of the selection.',
  SOURCE_MAP:
    'Source map or compiler output that references one. Select the original source instead.',
  BUNDLED_FILE:
    'Bundler output (webpack/rollup/esbuild runtime). Select the original modules instead.',
  GENERATED_FILE:
    'Marked as generated code. Select the generator input, or remove the marker if it is hand-written.',
} as const;

export type ExclusionReason = keyof typeof EXCLUSION_REASONS;

/** One excluded file: the path, why, and what the user can do about it. */
export type Exclusion = {
  path: string;
  reason: ExclusionReason;
  guidance: string;
  /** Measured value behind the decision (bytes, longest line, entropy), for the manifest. */
  detail?: Record<string, number | string>;
};

/**
 * Builds an exclusion record with the canonical guidance for its reason.
 * @example exclusion('dist/app.min.js', 'MINIFIED_FILENAME')
 */
export function exclusion(
  path: string,
  reason: ExclusionReason,
  detail?: Exclusion['detail'],
): Exclusion {
  return detail
    ? { path, reason, guidance: EXCLUSION_REASONS[reason], detail }
    : { path, reason, guidance: EXCLUSION_REASONS[reason] };
}
