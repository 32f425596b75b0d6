/**
 * @module Base fingerprints in the one format of `@iama/contracts` (`sha256:<64 hex>` of the raw
 * bytes). Text is hashed as its UTF-8 encoding, which equals the raw bytes of any file that
 * decoded cleanly (BOM kept), so a fingerprint taken from bytes and one taken from the decoded
 * text agree (V1-FR-JOB-006, PRD V1 §11 item 14).
 */
import { createHash } from 'node:crypto';
import type { Fingerprint } from '@iama/contracts';

/** Lower-case hex SHA-256 of text (UTF-8) or bytes. */
export function sha256Hex(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * The base fingerprint of file content.
 * @example fingerprintOf('export {};\n') // 'sha256:…'
 */
export function fingerprintOf(content: string | Uint8Array): Fingerprint {
  return `sha256:${sha256Hex(content)}`;
}

/** Fingerprint function for `applyAnchorOf` (search blocks are stored only as their hash). */
export const anchorFingerprint = (text: string): string => fingerprintOf(text);
