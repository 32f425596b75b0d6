/**
 * @module The workspace index: every admitted file analysed once, imports resolved to files.
 * Pure over in-memory files; the walker (`workspace/walk`) supplies them.
 */
import type { SourceFile } from '../filters/classify';
import type { Exclusion } from '../filters/reason-codes';
import { analyzeFile, type FileAnalysis } from './analyze-file';
import type { ImportRef } from './imports';
import { indexPaths, resolveImport, type PathIndex } from './resolve';
import type { ParseFn } from './syntax-node';
import { isAstLanguage } from '../filters/language';

export type ResolvedImport = ImportRef & { resolved: string[] };

export type WorkspaceIndex = {
  files: Map<string, SourceFile>;
  analyses: Map<string, FileAnalysis>;
  imports: Map<string, ResolvedImport[]>;
  /** Paths known to exist but refused (filters, `.iamaignore`), to tell a missing dependency from an external one. */
  exclusions: Map<string, Exclusion>;
  paths: PathIndex;
};

/**
 * @example
 * const { files, exclusions } = walkWorkspace(root);
 * const index = indexWorkspace(files, parse, exclusions);
 */
export function indexWorkspace(
  files: readonly SourceFile[],
  parse: ParseFn,
  exclusions: readonly Exclusion[] = [],
): WorkspaceIndex {
  const fileMap = new Map(files.map((f) => [f.path, f]));
  const exclusionMap = new Map(exclusions.map((e) => [e.path, e]));
  const paths = indexPaths([...fileMap.keys(), ...exclusionMap.keys()]);
  const analyses = new Map<string, FileAnalysis>();
  const imports = new Map<string, ResolvedImport[]>();
  for (const file of files) {
    const analysis = analyzeFile(file, parse);
    analyses.set(file.path, analysis);
    if (!isAstLanguage(file.language)) continue;
    const language = file.language;
    imports.set(
      file.path,
      analysis.imports.map((ref) => ({
        ...ref,
        resolved: resolveImport(file.path, language, ref, paths).filter((p) => p !== file.path),
      })),
    );
  }
  return { files: fileMap, analyses, imports, exclusions: exclusionMap, paths };
}
