/**
 * @module Where symbolic text goes and how it is laid out: the symbol's indentation, whole-line
 * deletion and re-basing model text onto that indentation (docs/patch/decisions.md, decision 5).
 * All offsets are UTF-16 code units of the base text.
 */
import { type Eol, withEol } from '../text/lines';

const isBlank = (s: string) => /^[ \t]*$/.test(s);

/** Offset of the start of the line containing `offset`. */
export function lineStart(text: string, offset: number): number {
  const lf = text.lastIndexOf('\n', offset - 1);
  const cr = text.lastIndexOf('\r', offset - 1);
  return Math.max(lf, cr) + 1;
}

/** Offset of the end of the line containing `offset`, before its terminator. */
export function lineEnd(text: string, offset: number): number {
  for (let i = offset; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return text.length;
}

/** Offset just past the terminator of the line ending at `end` (a line end). */
function pastTerminator(text: string, end: number): number {
  if (text.startsWith('\r\n', end)) return end + 2;
  return end < text.length ? end + 1 : end;
}

/**
 * Leading whitespace of the line holding `offset`: the indentation the symbol's siblings share.
 * @example indentAt('class A {\n  m() {}\n}', 12) // '  '
 */
export function indentAt(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

/**
 * The span a symbol occupies: its whole lines (indentation and line break included) when nothing
 * else shares them, otherwise just the node.
 * @example symbolSpan('a\n  b()\nc', 4, 7) // { start: 2, end: 8, wholeLines: true }
 */
export function symbolSpan(
  text: string,
  start: number,
  end: number,
): { start: number; end: number; wholeLines: boolean } {
  const ls = lineStart(text, start);
  const le = lineEnd(text, end);
  if (!isBlank(text.slice(ls, start)) || !isBlank(text.slice(end, le)))
    return { start, end, wholeLines: false };
  return { start: ls, end: pastTerminator(text, le), wholeLines: true };
}

/**
 * Widens a whole-line deletion by one blank line, so that no double gap is left between its
 * neighbours and no gap is left before the end of the enclosing block or of the file.
 */
export function tidyDeletion(
  text: string,
  start: number,
  end: number,
): { start: number; end: number } {
  const prevStart = start === 0 ? 0 : lineStart(text, start - 1);
  const prevBlank = start === 0 || isBlank(stripEol(text.slice(prevStart, start)));
  if (!prevBlank) return { start, end };
  const next = text.slice(end, lineEnd(text, end));
  if (end < text.length && isBlank(next))
    return { start, end: pastTerminator(text, lineEnd(text, end)) };
  const closesBlock =
    end >= text.length ||
    leadingWhitespace(next).length < leadingWhitespace(text.slice(start, end)).length;
  return { start: closesBlock && start > 0 ? prevStart : start, end };
}

const stripEol = (line: string) => line.replace(/\r?\n$|\r$/, '');
const leadingWhitespace = (line: string) => /^[ \t]*/.exec(line)![0];

/**
 * True when the text is a declaration copied straight out of the file: first line without its
 * indentation, the following lines still at their absolute indentation, which is then already
 * right. In brace languages such a copy ends on a line at the symbol's indentation (the closing
 * brace), where a column-0 body ends at column 0. In Python, lines less indented than the symbol
 * can only be string content and are ignored; the least-indented remaining line exactly at
 * `indent` means a column-0 body, unless the copy starts with a decorator.
 */
function copiedFromFile(
  lines: readonly string[],
  indent: string,
  indentSensitive: boolean,
): boolean {
  const rest = lines.slice(1).filter((l) => !isBlank(l));
  if (indent === '' || rest.length === 0) return false;
  if (!indentSensitive) return rest.at(-1)!.startsWith(indent);
  const inside = rest.filter((l) => l.startsWith(indent));
  if (inside.length === 0) return false;
  const least = Math.min(...inside.map((l) => leadingWhitespace(l).length));
  return least > indent.length || lines[0]!.trimStart().startsWith('@');
}

/**
 * Lays model text out at `indent`: leading and trailing blank lines go, the first line's own
 * indentation is replaced by `indent` on every following line that starts with it (so a body
 * written at column 0 or copied with its original indentation both land right), lines indented
 * less than the first (e.g. inside a multi-line string) are left as written, and line breaks
 * follow the file. The first line gets no indentation: the caller places it. A declaration
 * copied verbatim from the file (see `copiedFromFile`) keeps its lines as they are.
 * @example fitToIndent('m() {\n  return 1;\n}\n', '  ', '\n') // 'm() {\n    return 1;\n  }'
 */
export function fitToIndent(
  body: string,
  indent: string,
  eol: Eol,
  indentSensitive = false,
): string {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length > 1 && isBlank(lines[lines.length - 1]!)) lines.pop();
  while (lines.length > 1 && isBlank(lines[0]!)) lines.shift();
  const firstIndent = leadingWhitespace(lines[0]!);
  const verbatim = firstIndent === '' && copiedFromFile(lines, indent, indentSensitive);
  const out = lines.map((line, i) => {
    if (i === 0) return line.slice(firstIndent.length);
    if (verbatim || isBlank(line) || !line.startsWith(firstIndent)) return line;
    return indent + line.slice(firstIndent.length);
  });
  return withEol(out.join('\n'), eol);
}

/**
 * Number of blank lines a model put before inserted content: kept, as the separation it asked for.
 * @example leadingBlankLines('\n\nfunction g() {}') // 2
 */
export function leadingBlankLines(body: string): number {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  let n = 0;
  while (n < lines.length - 1 && isBlank(lines[n]!)) n++;
  return n;
}
