/**
 * @module Strict UTF-8 decoding for the shadow tree. Invalid bytes would otherwise become U+FFFD
 * and silently change the file (and its fingerprint) on a round trip, so they are refused; the BOM
 * is kept as U+FEFF so that re-encoding gives the original bytes back.
 */

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export type DecodeResult = { ok: true; text: string } | { ok: false; byteOffset: number };

/**
 * Decodes bytes as UTF-8 or reports the offset of the first invalid sequence.
 * @example decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])) // { ok: true, text: '\uFEFFa' }
 */
export function decodeUtf8(bytes: Uint8Array): DecodeResult {
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    return { ok: false, byteOffset: firstInvalidOffset(bytes) };
  }
}

/** Offset of the first byte that does not start a valid UTF-8 sequence. */
function firstInvalidOffset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len =
      b < 0x80
        ? 1
        : b >= 0xc2 && b <= 0xdf
          ? 2
          : b >= 0xe0 && b <= 0xef
            ? 3
            : b >= 0xf0 && b <= 0xf4
              ? 4
              : 0;
    if (len === 0 || i + len > bytes.length) return i;
    try {
      decoder.decode(bytes.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len;
  }
  return bytes.length;
}

/**
 * True when a string encodes to UTF-8 losslessly (no lone surrogates), i.e. it can be a file.
 * @example isWellFormedText('\uD800') // false
 */
export function isWellFormedText(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
