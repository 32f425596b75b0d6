/**
 * @module Scripted scenarios of the fixture model (ARCHITECTURE D7): one JSON file per LLM
 * schema family under `scenarios/`, and the directives a test writes into a prompt to pick an
 * answer or a failure mode. Selection depends only on the request, so runs are reproducible.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BadRequest, messageText, type ChatRequest } from './protocol';

/** One schema family's scripted answers; `default` is required. */
export type ScenarioFile = {
  family: string;
  schema_version: string;
  answers: { default: unknown } & Record<string, unknown>;
};

export const SCENARIOS_DIR = fileURLToPath(new URL('../scenarios', import.meta.url));

/** Failure and timing modes that work with every family (see README). */
export const FAILURE_MODES = [
  'ok',
  'malformed_json',
  'over_cap',
  'slow_stream',
  'http_429',
  'http_500',
  'fail_then_succeed',
  'repeat_identical',
] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

export type Directive = {
  /** A failure mode or an answer name of the family; `ok` when the prompt names none. */
  scenario: string;
  options: Record<string, string>;
};

export function loadScenarioFiles(dir = SCENARIOS_DIR): Record<string, ScenarioFile> {
  const files: Record<string, ScenarioFile> = {};
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const file = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ScenarioFile;
    if (!file.family || file.answers?.default === undefined)
      throw new Error(`${name}: a scenario file needs "family" and "answers.default"`);
    files[file.family] = file;
  }
  return files;
}

const SCENARIO_LINE = /^[ \t]*fixture-scenario:[ \t]*(\S+)([^\n]*)$/gm;
const FAMILY_LINE = /^[ \t]*(?:fixture-family|schema_family):[ \t]*([A-Za-z0-9_.]+)[ \t]*$/gm;

function lastMatch(re: RegExp, texts: string[]): RegExpMatchArray | undefined {
  let found: RegExpMatchArray | undefined;
  for (const t of texts) for (const m of t.matchAll(re)) found = m;
  return found;
}

/**
 * The directive of a request: the last `fixture-scenario: <name> [key=value ...]` line in any
 * message (later messages override earlier ones, so a retry prompt can change it).
 * @example parseDirective(req) // { scenario: 'fail_then_succeed', options: { times: '2', key: 'job-1' } }
 */
export function parseDirective(req: ChatRequest): Directive {
  const m = lastMatch(SCENARIO_LINE, req.messages.map(messageText));
  if (!m) return { scenario: 'ok', options: {} };
  const options: Record<string, string> = {};
  for (const token of (m[2] ?? '').trim().split(/\s+/).filter(Boolean)) {
    const eq = token.indexOf('=');
    if (eq <= 0)
      throw new BadRequest(
        `fixture directive option ${JSON.stringify(token)} is not key=value`,
        'messages',
      );
    options[token.slice(0, eq)] = token.slice(eq + 1);
  }
  return { scenario: m[1]!, options };
}

/**
 * The schema family a request asks for: `response_format.json_schema.name` (`proposal_v1`,
 * `proposal.v1`, `proposal_schema` or `proposal`), else a `schema_family: <name>` /
 * `fixture-family: <name>` line, else none.
 */
export function familyOf(req: ChatRequest): string | undefined {
  const fromName = (name: string) => name.replace(/(?:[._]v\d+|_schema)$/, '');
  if (req.responseFormat?.type === 'json_schema')
    return fromName(req.responseFormat.json_schema.name);
  const m = lastMatch(FAMILY_LINE, req.messages.map(messageText));
  return m ? fromName(m[1]!) : undefined;
}

/** An option as a non-negative integer, or the default; malformed values are a 400. */
export function intOption(options: Record<string, string>, key: string, fallback: number): number {
  const raw = options[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new BadRequest(
      `fixture directive option ${key}=${raw} must be a non-negative integer`,
      'messages',
    );
  return n;
}
