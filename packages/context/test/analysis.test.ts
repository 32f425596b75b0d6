/**
 * @module Tree-sitter analysis on real multi-file fixture projects (TypeScript, Python, Java) with
 * `@iama/syntax`: outline, imports resolved to files, dependency-aware expansion with interface
 * and type slices, the explainable manifest, pruning, AST confidence and the edit-mode fallback
 * (issue #3; V1-FR-CTX-001…005, PRD V1 §5.1).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hasSyntaxErrors } from '@iama/syntax';
import {
  buildContext,
  confidenceScore,
  confidenceThresholdsFromConfig,
  extractImports,
  fastPassEstimate,
  indexWorkspace,
  walkWorkspace,
  type BuildContextResult,
  type ContextPackage,
  type WorkspaceIndex,
} from '../src/index';
import { loadParser } from '../bench/sources';

const parse = await loadParser();
const FIXTURES = join(import.meta.dirname, 'fixtures');

function indexFixture(name: string): WorkspaceIndex {
  const snapshot = walkWorkspace(join(FIXTURES, name));
  return indexWorkspace(snapshot.files, parse, snapshot.exclusions);
}

const ts = indexFixture('ts-app');
const py = indexFixture('py-app');
const java = indexFixture('java-app');
const JAVA = 'src/main/java/com/acme';

function ok(r: BuildContextResult): ContextPackage {
  if (!r.ok) assert.fail(`expected a context, got ${r.error.code}: ${r.error.message}`);
  return r.context;
}

const declarations = (index: WorkspaceIndex, path: string) =>
  index.analyses.get(path)!.declarations.map((d) => `${d.qualifiedName}:${d.kind}`);
const resolved = (index: WorkspaceIndex, path: string) =>
  Object.fromEntries(index.imports.get(path)!.map((i) => [i.specifier, i.resolved]));

void describe('V1-FR-CTX-001 outline on real parses', () => {
  void it('TypeScript: classes, methods, functions, types, overloads, TSX components', () => {
    assert.deepEqual(declarations(ts, 'src/repo.ts'), [
      'UserRepo:class',
      'UserRepo.rows:property',
      'UserRepo.find:method',
      'UserRepo.save:method',
      'unrelatedExport:function',
    ]);
    assert.deepEqual(declarations(ts, 'src/types.ts'), [
      'UserId:type',
      'Role:enum',
      'User:interface',
      'describeUser:function',
    ]);
    assert.deepEqual(declarations(ts, 'src/util/log.ts'), [
      'Level:type',
      'log:function',
      'LOG_PREFIX:variable',
    ]);
    assert.deepEqual(declarations(ts, 'src/overloads.ts'), [
      'pick:function',
      'pick:function',
      'pick:function',
      'Box:class',
      'Box.size:method',
      'Box.size:method',
      'Box.open:method',
    ]);
    assert.deepEqual(declarations(ts, 'src/widget.tsx'), ['UserBadge:function']);
    assert.equal(ts.analyses.get('src/widget.tsx')!.parsedCleanly, true);
  });

  void it('Python: nested classes, methods, private names not exported', () => {
    assert.deepEqual(declarations(py, 'app/service.py'), [
      'OrderService:class',
      'OrderService.__init__:method',
      'OrderService.invoice:method',
      'OrderService.Formatter:class',
      'OrderService.Formatter.money:method',
    ]);
    const models = py.analyses.get('app/core/models.py')!.declarations;
    assert.equal(
      models.find((d) => d.name === 'Order')!.startIndex,
      py.files.get('app/core/models.py')!.text.indexOf('@dataclass'),
    );
    assert.equal(models.find((d) => d.name === '_private_helper')!.exported, false);
  });

  void it('Java: classes, enums, constructors and overloaded methods', () => {
    assert.deepEqual(declarations(java, `${JAVA}/service/UserService.java`), [
      'UserService:class',
      'UserService.UserService:method',
      'UserService.describe:method',
      'UserService.describe:method',
    ]);
    assert.deepEqual(declarations(java, `${JAVA}/model/Role.java`), [
      'Role:enum',
      'Role.canWrite:method',
    ]);
  });

  void it('a file with syntax errors is analysed but not clean; a language without a grammar is not analysed', () => {
    assert.equal(ts.analyses.get('src/broken.ts')!.analysed, true);
    assert.equal(ts.analyses.get('src/broken.ts')!.parsedCleanly, false);
    assert.equal(ts.analyses.get('lib/report.rb')!.analysed, false);
  });
});

void describe('V1-FR-CTX-001 imports resolved to files', () => {
  void it('TypeScript: relative files, directory index, external modules', () => {
    assert.deepEqual(resolved(ts, 'src/service.ts'), {
      'node:path': [],
      './repo': ['src/repo.ts'],
      './types': ['src/types.ts'],
      './util': ['src/util/index.ts'],
    });
    assert.deepEqual(resolved(ts, 'src/util/index.ts'), { './log': ['src/util/log.ts'] });
    assert.equal(
      ts.imports.get('src/repo.ts')!.find((i) => i.specifier === './types')!.typeOnly,
      true,
    );
  });

  void it('Python: absolute, relative and submodule imports; the standard library is external', () => {
    assert.deepEqual(resolved(py, 'app/service.py'), {
      os: [],
      'app.repo': ['app/repo.py'],
      'app.core': ['app/core/__init__.py', 'app/core/models.py'],
    });
    assert.deepEqual(resolved(py, 'app/repo.py'), { '.core.models': ['app/core/models.py'] });
    assert.deepEqual(resolved(py, 'app/core/__init__.py'), { '.models': ['app/core/models.py'] });
  });

  void it('imports found anywhere in the file, but not in strings or comments', () => {
    const esSrc = [
      "import fs = require('node:fs');",
      "const lazy = () => import('./lazy');",
      'function f() {',
      "  const x = require('./x'); // require('./commented')",
      '  return "require(\'./in-string\')";',
      '}',
      "export * from './all';",
    ].join('\n');
    const esTree = parse('typescript', esSrc);
    const es = extractImports('typescript', esTree.rootNode, esSrc);
    esTree.delete?.();
    assert.deepEqual(
      es.map((i) => [i.specifier, i.line]),
      [
        ['node:fs', 1],
        ['./lazy', 2],
        ['./x', 4],
        ['./all', 7],
      ],
    );
    const pySrc = [
      'import os',
      '"""import fake"""',
      'def f():',
      '    try:',
      '        from .a import (',
      '            b,',
      '            c as d,',
      '        )',
      '    except ImportError:',
      '        import json, csv as c',
      '# import nothing',
    ].join('\n');
    const pyTree = parse('python', pySrc);
    const py = extractImports('python', pyTree.rootNode, pySrc);
    pyTree.delete?.();
    assert.deepEqual(
      py.map((i) => [i.specifier, i.names, i.line]),
      [
        ['os', ['*'], 1],
        ['.a', ['b', 'c'], 5],
        ['json', ['*'], 10],
        ['csv', ['*'], 10],
      ],
    );
  });

  void it('Java: imports to files by package path; the JDK is external', () => {
    assert.deepEqual(resolved(java, `${JAVA}/repo/UserRepo.java`), {
      'com.acme.model.User': [`${JAVA}/model/User.java`],
      'java.util.HashMap': [],
      'java.util.Map': [],
    });
  });
});

void describe('V1-FR-CTX-001/002 dependency-aware expansion and V1-FR-CTX-003 manifest', () => {
  void it('TypeScript: used declarations with their interface and type slices, through a re-export; unused exports left out', async () => {
    const c = ok(
      await buildContext({ index: ts, targets: ['src/service.ts'], contextCapTokens: 100_000 }),
    );
    const ids = c.slices.map((s) => s.id).sort();
    assert.deepEqual(ids, [
      'src/repo.ts#UserRepo',
      'src/service.ts',
      'src/types.ts#Role',
      'src/types.ts#User',
      'src/types.ts#UserId',
      'src/util/log.ts#Level',
      'src/util/log.ts#log',
    ]);
    const byId = new Map(c.manifest.entries.map((e) => [e.id, e]));
    assert.deepEqual(byId.get('src/service.ts')!.reasons, [{ kind: 'target' }]);
    assert.deepEqual(byId.get('src/repo.ts#UserRepo')!.reasons, [
      { kind: 'imported-symbol', by: 'src/service.ts', symbol: 'UserRepo', depth: 1 },
    ]);
    assert.deepEqual(byId.get('src/types.ts#Role')!.reasons, [
      { kind: 'referenced-type', by: 'src/types.ts#User', symbol: 'Role', depth: 1 },
    ]);
    assert.deepEqual(byId.get('src/util/log.ts#log')!.reasons, [
      { kind: 'imported-symbol', by: 'src/util/index.ts', symbol: 'log', depth: 1 },
    ]);
    // Interface and type slices are critical; implementation slices are not.
    assert.equal(byId.get('src/types.ts#User')!.critical, true);
    assert.equal(byId.get('src/types.ts#User')!.declarationKind, 'interface');
    assert.equal(byId.get('src/repo.ts#UserRepo')!.critical, false);
    // Every slice is explained, and the manifest carries no source text.
    assert.equal(c.manifest.entries.length, c.slices.length);
    for (const e of c.manifest.entries) assert.ok(e.reasons.length > 0, e.id);
    assert.ok(!JSON.stringify(c.manifest).includes('this.rows.get(id)'));
    // Dependency slices are exact declarations of their files.
    const repo = c.slices.find((s) => s.id === 'src/repo.ts#UserRepo')!;
    assert.ok(ts.files.get('src/repo.ts')!.text.includes(repo.text));
    assert.ok(repo.text.startsWith('export class UserRepo {') && repo.text.endsWith('}'));
  });

  void it('Python: `from pkg import module` includes the module; transitive imports follow what the slices use', async () => {
    const c = ok(
      await buildContext({ index: py, targets: ['app/service.py'], contextCapTokens: 100_000 }),
    );
    const byId = new Map(c.manifest.entries.map((e) => [e.id, e]));
    assert.deepEqual([...byId.keys()].sort(), [
      'app/core/models.py#Customer',
      'app/core/models.py#Order',
      'app/repo.py#OrderRepo',
      'app/service.py',
    ]);
    assert.deepEqual(byId.get('app/core/models.py#Customer')!.reasons, [
      { kind: 'imported-module', by: 'app/service.py', depth: 1 },
    ]);
    assert.deepEqual(
      byId.get('app/core/models.py#Order')!.reasons.map((r) => r.kind),
      ['imported-module', 'imported-symbol'],
    );
    assert.deepEqual(c.manifest.missingSymbols, []);
  });

  void it('Java: imported classes and same-package classes used without an import', async () => {
    const c = ok(
      await buildContext({
        index: java,
        targets: [`${JAVA}/service/UserService.java`],
        contextCapTokens: 100_000,
      }),
    );
    const byId = new Map(c.manifest.entries.map((e) => [e.id, e]));
    assert.deepEqual(byId.get(`${JAVA}/service/Formatter.java#Formatter`)!.reasons, [
      {
        kind: 'same-package',
        by: `${JAVA}/service/UserService.java`,
        symbol: 'Formatter',
        depth: 1,
      },
    ]);
    assert.ok(byId.has(`${JAVA}/model/User.java#User`));
    assert.ok(byId.has(`${JAVA}/repo/UserRepo.java#UserRepo`));
    assert.ok(!byId.has(`${JAVA}/model/Role.java#Role`));
  });

  void it('spec context is included, explained and never pruned', async () => {
    const spec = [{ name: 'bdd', text: 'Given a user\nWhen renamed\nThen the name changes' }];
    const c = ok(
      await buildContext({
        index: ts,
        targets: ['src/service.ts'],
        spec,
        contextCapTokens: 100_000,
      }),
    );
    assert.deepEqual(c.manifest.entries.find((e) => e.id === 'spec:bdd')!.reasons, [
      { kind: 'spec' },
    ]);
  });
});

void describe('V1-FR-CTX-004/005 pruning of real declarations over the cap', () => {
  const full = async (index: WorkspaceIndex, target: string) =>
    ok(await buildContext({ index, targets: [target], contextCapTokens: 1_000_000 }));

  void it('TypeScript: dependency bodies are stripped, the result still parses, targets and types stay whole, with a report', async () => {
    const whole = await full(ts, 'src/service.ts');
    const cap = whole.fastPassTokens - 50;
    const c = ok(
      await buildContext({ index: ts, targets: ['src/service.ts'], contextCapTokens: cap }),
    );
    assert.ok(c.pruning.tokensBefore > cap && c.pruning.tokensAfter <= cap);
    assert.deepEqual(
      c.pruning.pruned.map((p) => p.sliceId),
      ['src/repo.ts#UserRepo'],
    );
    const repo = c.slices.find((s) => s.id === 'src/repo.ts#UserRepo')!;
    assert.equal(repo.pruned, true);
    assert.ok(repo.text.includes('find(id: UserId): User | undefined { /* body omitted */ }'));
    assert.equal(hasSyntaxErrors('typescript', repo.text), false);
    assert.equal(
      c.slices.find((s) => s.id === 'src/service.ts')!.text,
      ts.files.get('src/service.ts')!.text,
    );
    for (const s of c.slices) if (s.critical) assert.equal(s.pruned, false, s.id);
    assert.equal(c.manifest.entries.find((e) => e.id === 'src/repo.ts#UserRepo')!.pruned, true);
    assert.deepEqual(c.manifest.pruning, c.pruning);
  });

  void it('Python: bodies become `...` and the slice still parses', async () => {
    const whole = await full(py, 'app/service.py');
    const c = ok(
      await buildContext({
        index: py,
        targets: ['app/service.py'],
        contextCapTokens: whole.fastPassTokens - 1,
      }),
    );
    assert.ok(c.pruning.pruned.length >= 1);
    for (const p of c.pruning.pruned) {
      const s = c.slices.find((x) => x.id === p.sliceId)!;
      assert.ok(s.text.includes('...'), s.id);
      assert.equal(hasSyntaxErrors('python', s.text), false, s.text);
      assert.ok(p.tokensAfter < p.tokensBefore);
    }
  });

  void it('still over the cap after pruning → CONTEXT_CAP_EXCEEDED with guidance; the precise counter decides, nothing is returned to send', async () => {
    const target = fastPassEstimate(ts.files.get('src/service.ts')!.text);
    let preciseCalls = 0;
    const r = await buildContext({
      index: ts,
      targets: ['src/service.ts'],
      contextCapTokens: target - 1,
      preciseCount: (text) => {
        preciseCalls++;
        return fastPassEstimate(text);
      },
    });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'CONTEXT_CAP_EXCEEDED');
    assert.ok(preciseCalls > 0);
    if (r.error.code !== 'CONTEXT_CAP_EXCEEDED') return;
    assert.match(r.error.guidance, /Narrow the selection/);
    assert.equal(r.error.detail.measure, 'precise');
    assert.deepEqual(r.error.detail.largestTargets, [{ path: 'src/service.ts', tokens: target }]);
    assert.ok(!('context' in r));
  });
});

void describe('PRD V1 §5.1 AST confidence on real parses and the EXACT_SEARCH_REPLACE fallback', () => {
  void it('components are computed from the parses: parse rate, unique anchors, complete snippets', async () => {
    const targets = ['src/service.ts', 'src/broken.ts', 'src/overloads.ts'];
    const c = ok(await buildContext({ index: ts, targets, contextCapTokens: 1_000_000 }));
    const code = c.slices.filter((s) => s.role !== 'spec');
    // service: 3 unique anchors of 3; broken: 1 of 1; overloads: 2 of 7 (pick ×3 and Box.size ×2 are ambiguous).
    const expected = {
      parseRate: 2 / 3,
      symbolRate: 6 / 11,
      snippetCompleteness: (code.length - 1) / code.length,
    };
    assert.deepEqual(c.confidence.components, expected);
    assert.equal(c.confidence.score, confidenceScore(expected).score);
    assert.equal(c.confidence.mode, 'AST_SYMBOLIC');
    assert.equal(c.confidence.modeReason, 'SCORE');
    assert.deepEqual(c.manifest.confidence, c.confidence);
  });

  void it('thresholds come from feature.baseline_ast_confidence_threshold', async () => {
    const targets = ['src/service.ts', 'src/broken.ts', 'src/overloads.ts'];
    const c = ok(
      await buildContext({
        index: ts,
        targets,
        contextCapTokens: 1_000_000,
        confidenceThresholds: confidenceThresholdsFromConfig(90),
      }),
    );
    assert.ok(c.confidence.score < 90 && c.confidence.score >= 20);
    assert.equal(c.confidence.editMode, 'BLACK_BOX');
    const broken = ok(
      await buildContext({ index: ts, targets: ['src/broken.ts'], contextCapTokens: 1_000_000 }),
    );
    assert.equal(broken.confidence.components.parseRate, 0);
  });

  void it('a target without a Tree-sitter grammar forces EXACT_SEARCH_REPLACE', async () => {
    const c = ok(
      await buildContext({ index: ts, targets: ['lib/report.rb'], contextCapTokens: 1_000_000 }),
    );
    assert.equal(c.confidence.editMode, 'EXACT_SEARCH_REPLACE');
    assert.equal(c.confidence.modeReason, 'LANGUAGE_WITHOUT_TREE_SITTER');
    assert.equal(c.confidence.components.parseRate, 0);
    const mixed = ok(
      await buildContext({
        index: ts,
        targets: ['src/service.ts', 'lib/report.rb'],
        contextCapTokens: 1_000_000,
      }),
    );
    assert.equal(mixed.confidence.editMode, 'EXACT_SEARCH_REPLACE');
  });

  void it('Java is analysed but AST_SYMBOLIC is not validated for it', async () => {
    const c = ok(
      await buildContext({
        index: java,
        targets: [`${JAVA}/service/UserService.java`],
        contextCapTokens: 1_000_000,
      }),
    );
    assert.equal(c.confidence.components.symbolRate, 0.5); // describe() is overloaded
    assert.equal(c.confidence.editMode, 'EXACT_SEARCH_REPLACE');
    assert.equal(c.confidence.modeReason, 'AST_SYMBOLIC_NOT_VALIDATED_FOR_LANGUAGE');
  });
});
