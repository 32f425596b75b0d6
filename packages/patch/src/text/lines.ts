/**
 * @module Line handling that never loses bytes: lines keep their own terminators, so CRLF, LF
 * and a missing final newline all survive splitting and joining.
 */

export type Eol = '\n' | '\r\n';

/**
 * Splits text into lines that keep their terminator; `lines.join('') === text` always holds.
 * Only LF ends a line (a CR before it stays part of the line), as in Git's unified diffs.
 * @example splitLines('a\r\nb\nc') // ['a\r\n', 'b\n', 'c']
 */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
    out.push(text.slice(start, i + 1));
    start = i + 1;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/**
 * The file's dominant line terminator; LF when there is none or a tie.
 * @example dominantEol('a\r\nb\r\nc\n') // '\r\n'
 */
export function dominantEol(text: string): Eol {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/**
 * Converts bare LF to the given terminator (CRLF already present is left alone).
 * @example withEol('a\nb\r\n', '\r\n') // 'a\r\nb\r\n'
 */
export function withEol(text: string, eol: Eol): string {
  return eol === '\n' ? text : text.replace(/(?<!\r)\n/g, '\r\n');
}

/** 1-based line and column (UTF-16 code units) of an offset, for human-readable locations. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

let lastEol: { text: string; eol: Eol } | undefined;

/** `dominantEol` remembering the last text, since all operations on a file ask about the same base. */
export function dominantEolCached(text: string): Eol {
  if (lastEol?.text !== text) lastEol = { text, eol: dominantEol(text) };
  return lastEol.eol;
}
