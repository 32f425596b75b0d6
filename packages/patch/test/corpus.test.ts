/**
 * @module Property test on code nobody here wrote (issue #3; V1-FR-DEL-004, V1-FR-DEL-007, PRD V1
 * §17 group 26): real TypeScript/JavaScript under node_modules and the Python standard library.
 * For real symbols it generates operations (verbatim symbolic_replace, insert_after_symbol,
 * delete_symbol, exact_search_replace), applies them, and checks that the result parses, that
 * only the intended lines changed, that the delivery hunks rebuild the result, and that the
 * reverse patch restores the original byte for byte.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import type { PatchEditOperation } from '@iama/contracts';
import { hasSyntaxErrors, listSymbols } from '@iama/syntax';
import {
  acceptDelivery,
  applyPatchEdit,
  applyReversePatch,
  buildDelivery,
  decodeUtf8,
  fingerprintOf,
  loadAstSupport,
  reversePatchOf,
  splitLines,
} from '../src/index';

const REPO = join(import.meta.dirname, '..', '..', '..');

/** Bounds the directory walk so the test stays quick on a large node_modules. */
const MAX_CANDIDATES = 3_000;

/** Deterministic sample: every file matching, sorted, then evenly spaced picks. */
function sample(root: string, ext: RegExp, want: number): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (found.length >= MAX_CANDIDATES) return;
      if (name === 'site-packages' || name === 'dist-packages') continue;
      const p = join(dir, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(p);
      else if (
        st &&
        ext.test(name) &&
        !name.endsWith('.d.ts') &&
        st.size > 1_000 &&
        st.size < 40_000
      )
        found.push(p);
    }
  };
  walk(root);
  const step = Math.max(1, Math.floor(found.length / want));
  return found.filter((_, i) => i % step === 0).slice(0, want);
}

const pythonStdlib = () =>
  execFileSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], {
    encoding: 'utf8',
  }).trim();

/** True when `after` keeps every byte of `base` outside `[start, end)`: nothing else changed. */
function onlyWithin(base: string, after: string, start: number, end: number): boolean {
  const head = base.slice(0, start);
  const tail = base.slice(end);
  return (
    after.length >= head.length + tail.length && after.startsWith(head) && after.endsWith(tail)
  );
}

/** Offsets from the start of 0-based line `from` to the end of line `to` (clamped). */
function lineSpan(text: string, from: number, to: number): { start: number; end: number } {
  const lines = splitLines(text);
  const start = lines.slice(0, Math.max(0, from)).join('').length;
  return { start, end: lines.slice(0, Math.max(0, to + 1)).join('').length };
}

type Stats = Record<string, number>;
const bump = (s: Stats, k: string) => (s[k] = (s[k] ?? 0) + 1);

void test('V1-FR-DEL-004 / V1-FR-DEL-007 / §17 group 26: real sources — apply, parse, only the intended lines change, reverse restores every byte', async (t) => {
  const ast = await loadAstSupport();
  const files = [
    ...sample(join(REPO, 'node_modules'), /\.(?:ts|js|mjs|cjs)$/, 100).map((p) => ({
      p,
      root: REPO,
    })),
    ...sample(pythonStdlib(), /\.py$/, 30).map((p) => ({ p, root: pythonStdlib() })),
  ];
  assert.ok(files.length >= 120, `only ${files.length} corpus files found`);
  const stats: Stats = {};
  for (const { p, root } of files) {
    const path = relative(root, p).split('\\').join('/');
    const decoded = decodeUtf8(new Uint8Array(readFileSync(p)));
    const language = ast.languageOf(path);
    if (!decoded.ok || !language) {
      bump(stats, 'skipped: not UTF-8 / not AST language');
      continue;
    }
    const base = decoded.text;
    if (splitLines(base).some((l) => l.length > 1_000)) {
      bump(stats, 'skipped: minified');
      continue;
    }
    const source = base.startsWith('\uFEFF') ? base.slice(1) : base;
    if (hasSyntaxErrors(language, source)) {
      bump(stats, 'skipped: base does not parse');
      continue;
    }
    bump(stats, 'files');
    const all = listSymbols(language, source);
    const unique = all.filter((s) => all.filter((o) => o.path === s.path).length === 1);
    const picks = [...new Set([0, Math.floor(unique.length / 2), unique.length - 1])]
      .map((i) => unique[i])
      .filter((s) => s !== undefined);
    const fp = fingerprintOf(base);
    const eol = base.includes('\r\n') ? '\r\n' : '\n';
    const lineOf = (offset: number) => source.slice(0, offset).split('\n').length - 1;

    const cases: Array<{
      kind: string;
      op: PatchEditOperation;
      from: number;
      to: number;
      mayRefuse: boolean;
    }> = [];
    for (const s of picks) {
      // As a model copies a declaration from its context: whole lines, first-line indentation included.
      const lineStart = source.lastIndexOf('\n', s.startIndex - 1) + 1;
      const lead = source.slice(lineStart, s.startIndex);
      const text = (/^[ \t]*$/.test(lead) ? lead : '') + source.slice(s.startIndex, s.endIndex);
      const [from, to] = [lineOf(s.docStartIndex), lineOf(s.endIndex)];
      cases.push({
        kind: 'symbolic_replace (verbatim)',
        op: { op: 'symbolic_replace', path, base_fingerprint: fp, symbol: s.path, new_body: text },
        from,
        to,
        mayRefuse: false,
      });
      const member = s.kind === 'method' || s.kind === 'property';
      const probe =
        language === 'python'
          ? `def iama_probe_${cases.length}(${member ? 'self' : ''}):${eol}    return None`
          : member
            ? `iamaProbe${cases.length}() {}`
            : `function iamaProbe${cases.length}() {}`;
      // Refusal is legitimate where the symbol is one declarator of a multi-declarator statement.
      cases.push({
        kind: 'insert_after_symbol',
        op: {
          op: 'insert_after_symbol',
          path,
          base_fingerprint: fp,
          symbol: s.path,
          content: probe,
        },
        from: to,
        to: to + 1,
        mayRefuse: true,
      });
      cases.push({
        kind: 'delete_symbol',
        op: { op: 'delete_symbol', path, base_fingerprint: fp, symbol: s.path },
        from: from - 1,
        to: to + 1,
        mayRefuse: true,
      });
    }
    const lines = splitLines(base);
    const bare = (l: string) => l.replace(/\r?\n$/, '');
    const uniqueLine = lines.findIndex(
      (l) => bare(l).trim().length > 12 && base.indexOf(bare(l)) === base.lastIndexOf(bare(l)),
    );
    if (uniqueLine >= 0) {
      const line = bare(lines[uniqueLine]!);
      cases.push({
        kind: 'exact_search_replace',
        op: {
          op: 'exact_search_replace',
          path,
          base_fingerprint: fp,
          search: line,
          replace: `${line} `,
          max_occurrences: 1,
        },
        from: uniqueLine,
        to: uniqueLine,
        mayRefuse: false,
      });
    }

    for (const c of cases) {
      const r = applyPatchEdit(
        { [path]: base },
        { schema_version: 'patch_edit.v1', operations: [c.op] },
        { ast },
      );
      if (!r.ok) {
        const reason = r.failures[0]!.reason;
        assert.ok(
          c.mayRefuse && reason === 'SYNTAX_ERROR_AFTER_EDIT',
          `${path} ${c.kind} ${JSON.stringify(c.op).slice(0, 200)}: ${reason}`,
        );
        bump(stats, `${c.kind}: refused (${reason})`);
        continue;
      }
      bump(stats, `${c.kind}: applied`);
      const after = r.files[path];
      assert.equal(typeof after, 'string');
      if (c.kind === 'symbolic_replace (verbatim)')
        assert.equal(
          after,
          base,
          `${path} ${c.op.op} ${'symbol' in c.op ? c.op.symbol : ''}: verbatim replace changed the file`,
        );
      if (c.op.op !== 'exact_search_replace') {
        const view = (after as string).startsWith('\uFEFF')
          ? (after as string).slice(1)
          : (after as string);
        assert.equal(hasSyntaxErrors(language, view), false, `${path}: result does not parse`);
      }
      const allowed = lineSpan(base, c.from, c.to);
      assert.ok(
        onlyWithin(base, after as string, allowed.start, allowed.end),
        `${path} ${c.kind}: bytes outside lines ${c.from}-${c.to} changed`,
      );
      const delivery = buildDelivery(r.changes);
      assert.deepEqual(
        buildDelivery(r.changes).map((f) => f.hunks.map((h) => h.hunkId)),
        delivery.map((f) => f.hunks.map((h) => h.hunkId)),
      );
      const accepted = acceptDelivery({ [path]: base }, delivery, { acceptAll: true });
      assert.ok(
        accepted.ok && accepted.files[path] === after,
        `${path}: hunks do not rebuild the result`,
      );
      const reverted = applyReversePatch(r.files, reversePatchOf(r.changes));
      assert.ok(
        reverted.ok && reverted.files[path] === base,
        `${path}: reverse patch did not restore the original`,
      );
      bump(stats, 'round trips');
    }
  }
  t.diagnostic(JSON.stringify(stats));
  assert.ok((stats['files'] ?? 0) >= 100, 'too few parseable corpus files');
  assert.ok((stats['round trips'] ?? 0) >= 500, 'too few applied operations');
});
