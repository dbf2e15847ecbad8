import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** The repository root and its `src/` folder. */
export const ROOT = resolve(import.meta.dirname, "../..");
export const SRC = join(ROOT, "src");

/** One import of a module: its specifier and whether it vanishes at runtime (`import type`). */
export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
  dynamic: boolean;
}

/** Every `.ts` file under a folder (tests inside `src/` excluded), as absolute paths, sorted. */
export function sourceFiles(dir = SRC): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts")) out.push(path);
  }
  return out.sort();
}

/**
 * The imports of a TypeScript source, parsed with the TypeScript compiler: static
 * `import`, `export … from`, `import x = require()`, and `import("…")` calls with a
 * literal specifier. A dynamic import with a computed specifier is reported as `"<dynamic>"`.
 */
export function parseImports(source: string, fileName = "module.ts"): ImportRef[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({
        specifier: node.moduleSpecifier.text,
        typeOnly: !!node.importClause?.isTypeOnly,
        dynamic: false,
      });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly, dynamic: false });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      out.push({
        specifier: node.moduleReference.expression.text,
        typeOnly: node.isTypeOnly,
        dynamic: false,
      });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      const specifier = arg && ts.isStringLiteralLike(arg) ? arg.text : "<dynamic>";
      out.push({ specifier, typeOnly: false, dynamic: true });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) out.push({ specifier: literal.text, typeOnly: true, dynamic: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** The imports of a file on disk. */
export function importsOf(path: string): ImportRef[] {
  return parseImports(readFileSync(path, "utf8"), path);
}

/** Whether a specifier is relative (`./`, `../`). */
export function isRelative(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../");
}

/**
 * The source file a relative specifier points to: `./x.js` → `x.ts`, `./dir` →
 * `dir/index.ts`. Undefined when nothing exists there.
 */
export function resolveRelative(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.mjs$/, ".mts"),
    base,
    `${base}.ts`,
    join(base, "index.ts"),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** A path relative to the repository root with `/` separators, for messages. */
export function rel(path: string): string {
  return relative(ROOT, path).split(sep).join("/");
}
