/**
 * @module AST-symbolic operations (`symbolic_replace`, `insert_after_symbol`, `delete_symbol`;
 * AGENT_DEVELOPMENT_GUIDE §4.1, V1-FR-DEL-004): the symbol is resolved in the base file by
 * Tree-sitter, exactly one definition must match, and the edit is expressed on its node range.
 * A leading BOM is hidden from the parser and added back to the offsets.
 */
import type { DeleteSymbolOp, InsertAfterSymbolOp, SymbolicReplaceOp } from '@iama/contracts';
import type { TextEdit } from '../edits';
import type { SourceLocation } from '../reasons';
import { dominantEolCached, lineColumnAt } from '../text/lines';
import type { AstEditLanguage, AstSupport } from './ast-support';
import { fitToIndent, indentAt, leadingBlankLines, lineEnd, symbolSpan } from './layout';

export type SymbolicOp = SymbolicReplaceOp | InsertAfterSymbolOp | DeleteSymbolOp;

export type SymbolicResolution =
  | { ok: true; edit: TextEdit }
  | { ok: false; reason: 'SYMBOL_NOT_FOUND'; matchCount: 0 }
  | { ok: false; reason: 'SYMBOL_AMBIGUOUS'; matchCount: number; locations: SourceLocation[] };

const BOM = '\uFEFF';

const startsWithComment = (language: AstEditLanguage, text: string) =>
  language === 'python' ? /^\s*#/.test(text) : /^\s*(?:\/\/|\/\*)/.test(text);

/** Text as the parser sees it (no BOM) and the offset to add to parser indices. */
export function parserView(text: string): { source: string; shift: number } {
  return text.startsWith(BOM) ? { source: text.slice(1), shift: 1 } : { source: text, shift: 0 };
}

/**
 * Resolves one symbolic operation against the base text.
 * @example resolveSymbolic(ast, 'typescript', src, { op: 'delete_symbol', symbol: 'f', … }, 0)
 */
export function resolveSymbolic(
  ast: AstSupport,
  language: AstEditLanguage,
  base: string,
  op: SymbolicOp,
  opIndex: number,
): SymbolicResolution {
  const { source, shift } = parserView(base);
  const found = ast.findSymbol(language, source, op.symbol);
  if (found.length === 0) return { ok: false, reason: 'SYMBOL_NOT_FOUND', matchCount: 0 };
  if (found.length > 1) {
    const locations = found.map((m) => lineColumnAt(base, m.startIndex + shift));
    return { ok: false, reason: 'SYMBOL_AMBIGUOUS', matchCount: found.length, locations };
  }
  const start = found[0]!.startIndex + shift;
  const end = found[0]!.endIndex + shift;
  const docStart = found[0]!.docStartIndex + shift;
  const eol = dominantEolCached(base);
  const indent = indentAt(base, start);
  switch (op.op) {
    case 'symbolic_replace': {
      // A body that brings its own leading comment replaces the attached one (decision 6).
      const from = startsWithComment(language, op.new_body) ? docStart : start;
      return {
        ok: true,
        edit: {
          start: from,
          end,
          text: fitToIndent(op.new_body, indent, eol, language === 'python'),
          opIndex,
        },
      };
    }
    case 'delete_symbol': {
      // The attached doc comment goes with its declaration rather than being orphaned.
      const span = symbolSpan(base, docStart, end);
      const lineDeletion = span.wholeLines ? { lineDeletion: true } : {};
      return {
        ok: true,
        edit: { start: span.start, end: span.end, text: '', opIndex, ...lineDeletion },
      };
    }
    case 'insert_after_symbol': {
      const at = lineEnd(base, end);
      const gap = eol.repeat(1 + leadingBlankLines(op.content));
      return {
        ok: true,
        edit: {
          start: at,
          end: at,
          text: gap + indent + fitToIndent(op.content, indent, eol, language === 'python'),
          opIndex,
        },
      };
    }
  }
}
