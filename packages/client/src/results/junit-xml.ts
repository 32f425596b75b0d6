/**
 * @module JUnit XML → structured results (V1-FR-TEST-003/004). One parser serves every runner
 * that writes this format: `node --test --test-reporter=junit`, `pytest --junitxml`, Maven
 * Surefire and Gradle reports. Runner dialects differ only in where the error class and the
 * failing line are written, handled by {@link FailureDialect}.
 */
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestCaseResult } from '@iama/contracts';
import { XMLParser } from 'fast-xml-parser';
import { boundExcerpt, uniqueNames } from './excerpt';

/** `node`: nested `<testsuite>` per describe, class in `cause: X`; `classname`: pytest, Surefire, Gradle. */
export type FailureDialect = 'node' | 'classname';

export type JUnitParseOptions = {
  dialect: FailureDialect;
  /** Sandbox root: absolute locations are made relative to it (workspace paths, never temp paths). */
  root: string;
};

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) =>
    name === 'testsuite' || name === 'testcase' || name === 'failure' || name === 'error',
});

const asArray = (v: unknown): XmlNode[] =>
  v === undefined ? [] : Array.isArray(v) ? (v as XmlNode[]) : [v as XmlNode];
const attr = (n: XmlNode, name: string): string | undefined => {
  const v = n[`@${name}`];
  return typeof v === 'string' ? v : undefined;
};
const text = (n: XmlNode | string | undefined): string =>
  typeof n === 'string' ? n : typeof n?.['#text'] === 'string' ? n['#text'] : '';

/**
 * @example parseJUnitXml(readFileSync('report.xml', 'utf8'), { dialect: 'classname', root: sandboxDir })
 */
export function parseJUnitXml(xml: string, opts: JUnitParseOptions): TestCaseResult[] {
  const doc = parser.parse(xml) as XmlNode;
  const out: TestCaseResult[] = [];
  const visit = (node: XmlNode, suitePath: string[]) => {
    for (const tc of asArray(node.testcase)) out.push(toResult(tc, suitePath, opts));
    for (const suite of asArray(node.testsuite)) {
      const name = attr(suite, 'name');
      // pytest wraps everything in <testsuite name="pytest">; that is not part of a test's name.
      const keep = opts.dialect === 'node' && name !== undefined;
      visit(suite, keep ? [...suitePath, name] : suitePath);
    }
  };
  const roots = doc.testsuites !== undefined ? asArray(doc.testsuites) : [doc];
  for (const r of roots) visit(r, []);
  return uniqueNames(out);
}

function toResult(tc: XmlNode, suitePath: string[], opts: JUnitParseOptions): TestCaseResult {
  const name = attr(tc, 'name') ?? '(unnamed)';
  const classname = attr(tc, 'classname');
  const fullName =
    opts.dialect === 'node'
      ? [...suitePath, name].join(' > ')
      : classname
        ? `${classname}::${name}`
        : name;
  const duration_ms = Math.max(0, Math.round(Number(attr(tc, 'time') ?? 0) * 1000)) || 0;
  const failure = [...asArray(tc.failure), ...asArray(tc.error)][0];
  if (failure) {
    const body = text(failure);
    const message = attr(failure, 'message') ?? '';
    const ev =
      opts.dialect === 'node'
        ? nodeEvidence(body, opts.root)
        : classnameEvidence(body, attr(failure, 'type'), opts.root);
    return {
      name: fullName,
      status: 'FAILED',
      error_class: ev.errorClass ?? 'Error',
      location: ev.location,
      excerpt: boundExcerpt(message ? `${message}\n${body}` : body),
      duration_ms,
    };
  }
  const skipped = tc.skipped !== undefined;
  return {
    name: fullName,
    status: skipped ? 'SKIPPED' : 'PASSED',
    error_class: null,
    location: null,
    excerpt: null,
    duration_ms,
  };
}

type Evidence = { errorClass: string | null; location: TestCaseResult['location'] };

/** node:test writes `cause: AssertionError [ERR_ASSERTION]: …` and `(file:///…:L:C)` frames. */
function nodeEvidence(body: string, root: string): Evidence {
  const cls =
    /cause: ([A-Za-z_$][\w$.]*)/.exec(body) ?? /^\s*\[?([A-Za-z_$][\w$.]*)(?: \[|:)/m.exec(body);
  let location: Evidence['location'] = null;
  for (const [, raw = '', line, column] of body.matchAll(
    /\(?((?:file:\/\/)?\/[^\s():]+):(\d+):(\d+)\)?/g,
  )) {
    const file = raw.startsWith('file://') ? fileURLToPath(raw) : raw;
    const rel = inRoot(file, root);
    if (rel === null || rel.includes('node_modules/')) continue;
    location = { file: rel, line: Number(line), column: Number(column) };
    break;
  }
  return { errorClass: cls?.[1] ?? null, location };
}

/**
 * pytest ends its failure text with `path.py:LINE: ErrorClass`; Surefire and Gradle put the class
 * in `type` and the line in `at pkg.Cls.method(File.java:LINE)`.
 */
function classnameEvidence(body: string, type: string | undefined, root: string): Evidence {
  const py = [...body.matchAll(/^(\S+\.py):(\d+): ([A-Za-z_][\w.]*)\s*$/gm)].pop();
  if (py) {
    const [, file = '', line, cls = null] = py;
    const rel = isAbsolute(file) ? (inRoot(file, root) ?? file) : file;
    return { errorClass: cls, location: { file: rel, line: Number(line), column: null } };
  }
  const java = /\bat [\w$.]+\(([\w$]+\.(?:java|kt|groovy)):(\d+)\)/.exec(body);
  return {
    errorClass: type ?? null,
    location: java?.[1] ? { file: java[1], line: Number(java[2]), column: null } : null,
  };
}

function inRoot(file: string, root: string): string | null {
  const rel = relative(root, file);
  return rel.startsWith('..') || isAbsolute(rel) ? null : rel.split('\\').join('/');
}
