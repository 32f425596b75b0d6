/**
 * @module Test helper: reads API_CONTRACT.md from the shared spec beside the repository
 * (`<repo>/../shared/spec/DEV/API_CONTRACT.md`) and docs/api/ADDITIONS.md. Tests that need the
 * contract skip with a message when it is absent (e.g. a clone without the spec checkout).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CONTRACT_PATH = fileURLToPath(
  new URL('../../../../shared/spec/DEV/API_CONTRACT.md', import.meta.url),
);
export const ADDITIONS_PATH = fileURLToPath(
  new URL('../../../docs/api/ADDITIONS.md', import.meta.url),
);

/** The spec files use CRLF line endings; the parsers below work on `\n`. */
export const contractText: string | null = existsSync(CONTRACT_PATH)
  ? readFileSync(CONTRACT_PATH, 'utf8').replace(/\r\n/g, '\n')
  : null;
export const additionsText: string = readFileSync(ADDITIONS_PATH, 'utf8');

/** `false` when the contract is present, otherwise the skip message node:test prints. */
export const skipWithoutContract: false | string =
  contractText === null ? `API_CONTRACT.md not found at ${CONTRACT_PATH}` : false;

export type ContractEndpoint = {
  method: string;
  path: string;
  /** `§4` etc. */
  section: string;
  /** The first fenced block after the heading, if any. */
  block: string | null;
};

/** Every `### \`METHOD /api/...\`` / `#### ...` heading with its section and fenced block. */
export function contractEndpoints(text: string): ContractEndpoint[] {
  const out: ContractEndpoint[] = [];
  let section = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const sec = /^## (\d+)\. /.exec(line);
    if (sec) section = `§${sec[1]}`;
    const h = /^#{3,4} `(GET|POST|PUT|PATCH|DELETE) (\/api\/[^`]+)`/.exec(line);
    if (!h) continue;
    let block: string | null = null;
    for (let j = i + 1; j < lines.length && !/^#{2,4} /.test(lines[j]!); j++) {
      if (lines[j]!.startsWith('```')) {
        const end = lines.findIndex((l, k) => k > j && l.startsWith('```'));
        block = lines.slice(j + 1, end).join('\n');
        break;
      }
    }
    out.push({ method: h[1]!, path: h[2]!, section, block });
  }
  return out;
}

/** The block's parts: `Request`, `Query`, `Headers`, `Response 200`, ... -> top-level field names. */
export function blockParts(block: string): Map<string, string[]> {
  const parts = new Map<string, string[]>();
  let current: string | null = null;
  for (const line of block.split('\n')) {
    const head =
      /^(Request|Query params|Query|Headers|Response(?: \d{3})?|Events handled)\b[^:]*:(.*)$/.exec(
        line,
      );
    if (head) {
      const name = head[1] === 'Query params' ? 'Query' : head[1]!;
      current = name;
      const rest = head[2]!.trim();
      // `Headers: X-GitHub-Event, X-Hub-Signature-256` lists its fields inline.
      parts.set(name, name === 'Headers' ? rest.split(',').map((s) => s.trim().toLowerCase()) : []);
      continue;
    }
    const field = /^ {2}([a-z_][a-z0-9_]*):/.exec(line);
    if (current && field) parts.get(current)!.push(field[1]!);
  }
  return parts;
}

/** ADDITIONS.md endpoint rows: `| \`METHOD /api/...\` | ...` in its `## Endpoints` table only. */
export function additionEndpoints(text: string): string[] {
  const section = /^## Endpoints\n([\s\S]*?)(?=^## |$(?![\s\S]))/m.exec(text)?.[1] ?? '';
  return [...section.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) (\/api\/[^`]+)`/gm)].map(
    (m) => `${m[1]} ${m[2]}`,
  );
}
