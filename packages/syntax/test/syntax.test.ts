/** @module Tests for `@iama/syntax` (issue #3; V1-FR-CTX-001, V1-FR-DEL-004, PRD V1 §5.1). */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  findSymbol,
  hasSyntaxErrors,
  isLoaded,
  listSymbols,
  loadSyntax,
  parse,
  symbolsOfNode,
  SyntaxParseError,
  syntaxProblems,
  SYNTAX_LANGUAGES,
  type SyntaxLanguage,
} from '../src/index';

before(async () => {
  await loadSyntax();
  await loadSyntax(); // idempotent
});

const SAMPLES: Record<SyntaxLanguage, { text: string; root: string }> = {
  typescript: { text: 'export function f(a: number): number { return a; }\n', root: 'program' },
  tsx: { text: 'export const A = () => <div className="x">{1}</div>;\n', root: 'program' },
  javascript: {
    text: 'const B = () => <span>hi</span>;\nmodule.exports = { B };\n',
    root: 'program',
  },
  python: { text: 'class A:\n    def m(self):\n        return 1\n', root: 'module' },
  java: { text: 'class A { int m() { return 1; } }\n', root: 'program' },
};

void describe('parse (V1-FR-CTX-001)', () => {
  for (const language of SYNTAX_LANGUAGES) {
    void it(`parses ${language} without errors`, () => {
      const tree = parse(language, SAMPLES[language].text);
      try {
        assert.equal(tree.rootNode.type, SAMPLES[language].root);
        assert.equal(tree.rootNode.hasError, false);
        assert.ok(tree.rootNode.namedChildren.length > 0);
      } finally {
        tree.delete();
      }
    });
  }

  void it('rejects an unknown language with a machine-readable code', () => {
    assert.ok(isLoaded('python'));
    assert.throws(
      () => parse('go' as SyntaxLanguage, 'package main'),
      (e: unknown) => e instanceof SyntaxParseError && e.code === 'SYNTAX_UNSUPPORTED_LANGUAGE',
    );
  });
});

const TS = `import { x } from './x';

/** The repository. */
@Injectable()
export class Repo {
  /** Finds one. */
  @Log()
  find(id: string) {
    return x(id);
  }
  save = async (v: number) => {
    return v;
  };
}

export function top(a: number): number {
  return a;
}

export const arrow = (n: number) => n * 2;
const plain = function () {};
export interface Shape { area(): number }
export type Id = string;
`;

void describe('findSymbol on TypeScript (V1-FR-DEL-004 AST_SYMBOLIC anchors)', () => {
  const one = (path: string) => {
    const matches = findSymbol('typescript', TS, path);
    assert.equal(matches.length, 1, `${path}: ${matches.length} matches`);
    return matches[0]!;
  };

  void it('finds an exported class with decorators and export keyword, JSDoc reported separately', () => {
    const m = one('Repo');
    assert.equal(m.kind, 'class');
    assert.equal(m.exported, true);
    assert.ok(TS.slice(m.startIndex, m.endIndex).startsWith('@Injectable()\nexport class Repo {'));
    assert.ok(TS.slice(m.startIndex, m.endIndex).endsWith('}'));
    assert.equal(TS.slice(m.docStartIndex, m.startIndex), '/** The repository. */\n');
  });

  void it('finds a method including its decorator and a class-field arrow function', () => {
    const m = one('Repo.find');
    assert.equal(m.kind, 'method');
    assert.ok(TS.slice(m.startIndex, m.endIndex).startsWith('@Log()\n  find(id: string) {'));
    assert.equal(TS.slice(m.docStartIndex, m.startIndex), '/** Finds one. */\n  ');
    assert.equal(TS.slice(m.body!.startIndex, m.body!.endIndex), '{\n    return x(id);\n  }');
    const save = one('Repo.save');
    assert.ok(TS.slice(save.startIndex, save.endIndex).startsWith('save = async'));
  });

  void it('finds functions, arrow consts, function expressions, interfaces and types', () => {
    assert.ok(
      TS.slice(one('top').startIndex, one('top').endIndex).startsWith('export function top('),
    );
    const arrow = one('arrow');
    assert.equal(arrow.kind, 'function');
    assert.equal(
      TS.slice(arrow.startIndex, arrow.endIndex),
      'export const arrow = (n: number) => n * 2;',
    );
    assert.equal(one('plain').kind, 'function');
    assert.equal(one('plain').exported, false);
    assert.equal(one('Shape').kind, 'interface');
    assert.equal(one('Id').kind, 'type');
  });

  void it('returns no match for an unknown or partial path (not found)', () => {
    assert.deepEqual(findSymbol('typescript', TS, 'Repo.missing'), []);
    assert.deepEqual(findSymbol('typescript', TS, 'find'), []);
    assert.deepEqual(findSymbol('typescript', TS, ''), []);
  });

  void it('returns every match for overloads and accessor pairs (ambiguous)', () => {
    const src =
      'function f(a: string): void;\nfunction f(a: any) {}\nclass C { get v() { return 1; } set v(x) {} }\n';
    assert.equal(findSymbol('typescript', src, 'f').length, 2);
    assert.equal(findSymbol('typescript', src, 'C.v').length, 2);
  });

  void it('accepts a parsed tree as well as text', () => {
    const tree = parse('typescript', TS);
    try {
      assert.deepEqual(
        findSymbol('typescript', tree, 'Repo.find'),
        findSymbol('typescript', TS, 'Repo.find'),
      );
    } finally {
      tree.delete();
    }
  });

  void it('finds JSX components in JavaScript and TSX', () => {
    assert.equal(findSymbol('javascript', SAMPLES.javascript.text, 'B')[0]?.kind, 'function');
    assert.equal(findSymbol('tsx', SAMPLES.tsx.text, 'A')[0]?.exported, true);
  });
});

const PY = `import os

# Outer docs.
@dataclass
class Outer:
    LIMIT = 3

    class Inner:
        def method(self):
            """Docstring stays inside."""
            return 1

    @staticmethod
    async def run():
        def helper():
            pass
        return helper


def top():
    pass


if os.name == "nt":
    def platform():
        return "nt"
else:
    def platform():
        return "posix"
`;

void describe('findSymbol on Python', () => {
  void it('finds nested classes and methods with their decorators', () => {
    const [outer] = findSymbol('python', PY, 'Outer');
    assert.ok(PY.slice(outer!.startIndex, outer!.endIndex).startsWith('@dataclass\nclass Outer:'));
    assert.equal(PY.slice(outer!.docStartIndex, outer!.startIndex), '# Outer docs.\n');
    const [method] = findSymbol('python', PY, 'Outer.Inner.method');
    assert.equal(method!.kind, 'method');
    assert.ok(PY.slice(method!.startIndex, method!.endIndex).includes('Docstring stays inside'));
    assert.ok(PY.slice(method!.startIndex, method!.endIndex).endsWith('return 1'));
    const [run] = findSymbol('python', PY, 'Outer.run');
    assert.ok(
      PY.slice(run!.startIndex, run!.endIndex).startsWith('@staticmethod\n    async def run():'),
    );
    assert.equal(findSymbol('python', PY, 'Outer.run.helper')[0]?.kind, 'function');
    assert.equal(findSymbol('python', PY, 'Outer.LIMIT')[0]?.kind, 'variable');
    assert.equal(findSymbol('python', PY, 'top').length, 1);
  });

  void it('reports conditional redefinitions as ambiguous and unknown paths as not found', () => {
    assert.equal(findSymbol('python', PY, 'platform').length, 2);
    assert.deepEqual(findSymbol('python', PY, 'Outer.method'), []);
    assert.deepEqual(findSymbol('python', PY, 'helper'), []);
  });
});

void describe('findSymbol on Java', () => {
  void it('finds classes, nested types and methods with annotations', () => {
    const src =
      'package a;\n/** Doc. */\n@Deprecated\npublic class C {\n  @Override public String toString() { return ""; }\n  static class N { void m() {} }\n}\n';
    const [c] = findSymbol('java', src, 'C');
    assert.ok(src.slice(c!.startIndex, c!.endIndex).startsWith('@Deprecated\npublic class C'));
    assert.equal(src.slice(c!.docStartIndex, c!.startIndex), '/** Doc. */\n');
    assert.ok(
      src
        .slice(...range(findSymbol('java', src, 'C.toString')[0]!))
        .startsWith('@Override public String'),
    );
    assert.equal(findSymbol('java', src, 'C.N.m').length, 1);
  });
});

const range = (m: { startIndex: number; endIndex: number }) => [m.startIndex, m.endIndex] as const;

void describe('UTF-16 index semantics', () => {
  void it('indices are JavaScript string indices with non-ASCII and astral characters', () => {
    const src =
      'const s = "héllo 😀 ünïcode";\n// Ω\nexport function après(x: string) { return "日本"; }\n';
    const [m] = findSymbol('typescript', src, 'après');
    assert.equal(
      src.slice(m!.startIndex, m!.endIndex),
      'export function après(x: string) { return "日本"; }',
    );
    const py = '# ñ 😀\ndef grüße():\n    return "ß"\n';
    const [g] = findSymbol('python', py, 'grüße');
    assert.equal(py.slice(g!.startIndex, g!.endIndex), 'def grüße():\n    return "ß"');
    assert.equal(g!.docStartIndex, 0);
  });
});

void describe('syntax errors (V1-FR-DEL-004: a result that no longer parses is rejected)', () => {
  void it('detects errors in every language and accepts valid text', () => {
    const broken: Record<SyntaxLanguage, string> = {
      typescript: 'function f( {',
      tsx: 'const a = <div>;',
      javascript: 'let = ;',
      python: 'def f(:\n    pass\n',
      java: 'class A { void m( }',
    };
    for (const language of SYNTAX_LANGUAGES) {
      assert.equal(hasSyntaxErrors(language, broken[language]), true, language);
      assert.equal(hasSyntaxErrors(language, SAMPLES[language].text), false, language);
    }
  });

  void it('locates problems by line', () => {
    const problems = syntaxProblems('python', 'x = "é"\ndef f(:\n    pass\n');
    assert.ok(problems.length >= 1);
    assert.equal(problems[0]!.line, 2);
  });

  void it('lists symbols even when part of a file does not parse', () => {
    const paths = listSymbols('python', 'def ok():\n    pass\n\ndef bad(:\n').map((s) => s.path);
    assert.ok(paths.includes('ok'));
  });
});

void describe('symbols: trees, namespaces and declarator ranges', () => {
  void it('a parsed tree whose root starts after leading comments gives the same indices as text', () => {
    const src = '\n\n# header comment\n\ndef f():\n    return 1\n';
    const tree = parse('python', src);
    try {
      assert.ok(tree.rootNode.startIndex > 0);
      assert.deepEqual(findSymbol('python', tree, 'f'), findSymbol('python', src, 'f'));
      assert.deepEqual(symbolsOfNode('python', tree.rootNode, src), listSymbols('python', src));
    } finally {
      tree.delete();
    }
  });

  void it('TypeScript namespaces, ambient modules and multi-declarator statements', () => {
    const src =
      "namespace NS { export function inner() {} }\ndeclare module 'ext' { function z(): void; }\nexport const a = 1, b = () => 2;\n";
    assert.equal(findSymbol('typescript', src, 'NS.inner')[0]?.exported, true);
    assert.equal(findSymbol('typescript', src, 'ext.z')[0]?.kind, 'function');
    const [b] = findSymbol('typescript', src, 'b');
    assert.equal(src.slice(b!.startIndex, b!.endIndex), 'b = () => 2');
  });
});

void describe('hostile input', () => {
  void it('lone surrogates, NUL bytes and a 2 MB file parse without throwing; indices stay string indices', () => {
    const odd = `const s = "\uD800";\n\u0000\nfunction g() { return 1; }\n`;
    const [g] = findSymbol('typescript', odd, 'g');
    assert.equal(odd.slice(g!.startIndex, g!.endIndex), 'function g() { return 1; }');
    const big = 'def f(x):\n    return x\n\n'.repeat(90_000);
    assert.ok(big.length > 2_000_000);
    assert.equal(hasSyntaxErrors('python', big), false);
    assert.equal(findSymbol('python', big, 'f').length, 90_000);
  });

  void it('a path with empty or extra segments matches nothing', () => {
    assert.deepEqual(findSymbol('typescript', TS, 'Repo.'), []);
    assert.deepEqual(findSymbol('typescript', TS, '.Repo'), []);
    assert.deepEqual(findSymbol('typescript', TS, 'Repo.find.x'), []);
  });
});
