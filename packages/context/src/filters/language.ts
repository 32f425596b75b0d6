/**
 * @module The source allowlist (V1-FR-CTX-007): which files may enter a context at all, and which
 * of them get Tree-sitter analysis. Everything else is rejected before it is parsed or counted.
 */

/** Languages with Tree-sitter analysis (issue #3; PRD V1 §5.1). */
export const AST_LANGUAGES = ['typescript', 'tsx', 'javascript', 'python', 'java'] as const;
export type AstLanguage = (typeof AST_LANGUAGES)[number];

/** Text languages allowed in a context but edited only with `EXACT_SEARCH_REPLACE` (PRD V1 §5.1). */
export type TextLanguage =
  | 'go'
  | 'ruby'
  | 'php'
  | 'csharp'
  | 'c'
  | 'cpp'
  | 'kotlin'
  | 'scala'
  | 'swift'
  | 'rust'
  | 'vb'
  | 'pascal'
  | 'cobol'
  | 'shell'
  | 'sql'
  | 'html'
  | 'css'
  | 'vue'
  | 'svelte'
  | 'json'
  | 'yaml'
  | 'toml'
  | 'xml'
  | 'markdown'
  | 'properties'
  | 'gradle'
  | 'ini'
  | 'text';

export type SourceLanguage = AstLanguage | TextLanguage;

const BY_EXTENSION: Record<string, SourceLanguage> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  py: 'python',
  pyi: 'python',
  java: 'java',
  go: 'go',
  rb: 'ruby',
  php: 'php',
  cs: 'csharp',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  hh: 'cpp',
  kt: 'kotlin',
  kts: 'kotlin',
  scala: 'scala',
  swift: 'swift',
  rs: 'rust',
  vb: 'vb',
  bas: 'vb',
  frm: 'vb',
  cls: 'vb',
  pas: 'pascal',
  dpr: 'pascal',
  pp: 'pascal',
  cbl: 'cobol',
  cob: 'cobol',
  cpy: 'cobol',
  sh: 'shell',
  bash: 'shell',
  zsh: 'shell',
  sql: 'sql',
  html: 'html',
  htm: 'html',
  css: 'css',
  scss: 'css',
  less: 'css',
  vue: 'vue',
  svelte: 'svelte',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  toml: 'toml',
  xml: 'xml',
  md: 'markdown',
  properties: 'properties',
  gradle: 'gradle',
  ini: 'ini',
  cfg: 'ini',
  txt: 'text',
};

const BY_BASENAME: Record<string, SourceLanguage> = {
  Dockerfile: 'shell',
  Makefile: 'shell',
  Gemfile: 'ruby',
  Rakefile: 'ruby',
  'requirements.txt': 'text',
};

/** Compiled or packaged artifacts: named separately so the guidance can point at the source. */
const COMPILED_EXTENSIONS = new Set([
  'class',
  'jar',
  'war',
  'ear',
  'pyc',
  'pyo',
  'pyd',
  'so',
  'dll',
  'dylib',
  'exe',
  'o',
  'obj',
  'a',
  'lib',
  'wasm',
  'node',
  'dex',
  'apk',
  'whl',
  'egg',
  'zip',
  'gz',
  'tgz',
  'bz2',
  'xz',
  '7z',
  'rar',
  'tar',
  'map',
]);

const SHEBANGS: Array<[RegExp, SourceLanguage]> = [
  [/^#!.*\bpython[0-9.]*\b/, 'python'],
  [/^#!.*\b(node|deno|bun)\b/, 'javascript'],
  [/^#!.*\b(ba|z|k)?sh\b/, 'shell'],
];

function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export type LanguageVerdict =
  | { kind: 'source'; language: SourceLanguage }
  | { kind: 'compiled' }
  | { kind: 'unsupported' }
  /** No extension: decided by content (a shebang), once the file is read. */
  | { kind: 'needs-content' };

/**
 * Decides from the path alone whether a file can be source, before it is opened.
 * @example languageFromPath('src/app.tsx') // { kind: 'source', language: 'tsx' }
 */
export function languageFromPath(path: string): LanguageVerdict {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const named = BY_BASENAME[base];
  if (named) return { kind: 'source', language: named };
  const ext = extensionOf(path);
  if (ext === '') return { kind: 'needs-content' };
  if (COMPILED_EXTENSIONS.has(ext)) return { kind: 'compiled' };
  const language = BY_EXTENSION[ext];
  return language ? { kind: 'source', language } : { kind: 'unsupported' };
}

/**
 * Content check for extensionless files: only a recognised shebang admits them.
 * @example languageFromShebang('#!/usr/bin/env python3\nprint(1)') // 'python'
 */
export function languageFromShebang(text: string): SourceLanguage | undefined {
  const firstLine = text.slice(0, Math.min(text.length, 200)).split('\n', 1)[0] ?? '';
  for (const [pattern, language] of SHEBANGS) if (pattern.test(firstLine)) return language;
  return undefined;
}

/** @example isAstLanguage('python') // true */
export function isAstLanguage(language: SourceLanguage): language is AstLanguage {
  return (AST_LANGUAGES as readonly string[]).includes(language);
}
