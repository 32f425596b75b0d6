/**
 * @module `exact_search_replace` resolution (AGENT_DEVELOPMENT_GUIDE §4.1, every language): the
 * search block must occur exactly once in the base file. Zero or several occurrences are precise
 * failures with the count and where they are, so a repair prompt can fix the block.
 */
import type { ExactSearchReplaceOp } from '@iama/contracts';
import type { SourceLocation } from '../reasons';
import type { TextEdit } from '../edits';
import { dominantEolCached, lineColumnAt, withEol } from '../text/lines';

/** At most this many locations are listed for an ambiguous block; the count is always exact. */
const MAX_LISTED_LOCATIONS = 20;

export type ExactSearchResolution =
  | { ok: true; edit: TextEdit }
  | { ok: false; reason: 'SEARCH_NOT_FOUND'; matchCount: 0 }
  | { ok: false; reason: 'SEARCH_AMBIGUOUS'; matchCount: number; locations: SourceLocation[] };

/** Start offsets of every (possibly overlapping) occurrence of `needle`. */
function occurrences(haystack: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) out.push(i);
  return out;
}

/**
 * Resolves the operation against the base text. Models write `\n`; in a CRLF file a block that
 * only matches once its line breaks are CRLF is matched that way, and the replacement is written
 * with CRLF too, so the file keeps its line endings (decision 4).
 * @example resolveExactSearch('a\r\nb\r\n', { ...op, search: 'a\nb', replace: 'x\ny' }, 0) // edit with text 'x\r\ny'
 */
export function resolveExactSearch(
  base: string,
  op: ExactSearchReplaceOp,
  opIndex: number,
): ExactSearchResolution {
  const eol = dominantEolCached(base);
  let search = op.search;
  let replace = op.replace;
  let found = occurrences(base, search);
  if (eol === '\r\n') {
    const crlfSearch = withEol(search, eol);
    if (found.length === 0 && crlfSearch !== search) {
      search = crlfSearch;
      found = occurrences(base, search);
    }
    if (search === crlfSearch) replace = withEol(replace, eol);
  }
  if (found.length === 0) return { ok: false, reason: 'SEARCH_NOT_FOUND', matchCount: 0 };
  if (found.length > 1) {
    const locations = found.slice(0, MAX_LISTED_LOCATIONS).map((at) => lineColumnAt(base, at));
    return { ok: false, reason: 'SEARCH_AMBIGUOUS', matchCount: found.length, locations };
  }
  const start = found[0]!;
  return { ok: true, edit: { start, end: start + search.length, text: replace, opIndex } };
}
