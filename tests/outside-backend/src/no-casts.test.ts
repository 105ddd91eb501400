/**
 * The backend here types without help: no `as` (but `as const`), `<T>x`, non-null `!`, `any` or
 * `@ts-` directive in any source of this folder, so what typechecks is what the contract's types
 * say, not what a cast claims.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const sources = readdirSync(here).filter((f) => f.endsWith('.ts'));

/** Each cast, `any` and `@ts-` directive in `text`, as `line: code`. */
function escapes(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node, what: string): void => {
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    found.push(`${file}:${line + 1}: ${what} ${node.getText(sf).slice(0, 60)}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isAsExpression(node)) {
      const isConst =
        ts.isTypeReferenceNode(node.type) && node.type.typeName.getText(sf) === 'const';
      if (!isConst) at(node, 'cast');
    } else if (ts.isTypeAssertionExpression(node)) at(node, 'cast');
    else if (ts.isNonNullExpression(node)) at(node, 'non-null assertion');
    else if (node.kind === ts.SyntaxKind.AnyKeyword) at(node, 'any');
    ts.forEachChild(node, visit);
  };
  visit(sf);
  // Directives live in comments: the trivia before every token (strings stay strings).
  const comments = new Map<number, string>();
  const collect = (node: ts.Node): void => {
    for (const r of ts.getLeadingCommentRanges(text, node.pos) ?? []) {
      comments.set(r.pos, text.slice(r.pos, r.end));
    }
    for (const child of node.getChildren(sf)) collect(child);
  };
  collect(sf);
  for (const [pos, comment] of comments) {
    if (/@ts-(ignore|expect-error|nocheck)/.test(comment)) {
      const { line } = sf.getLineAndCharacterOfPosition(pos);
      found.push(`${file}:${line + 1}: ${comment}`);
    }
  }
  return found;
}

describe('the outside backend needs no casts', () => {
  it('finds its sources', () => {
    expect(sources).toContain('my-backend.ts');
  });
  for (const file of sources) {
    it(file, () => {
      expect(escapes(file, readFileSync(`${here}${file}`, 'utf8'))).toEqual([]);
    });
  }
  it('would see a cast, a non-null assertion, any and a directive', () => {
    const bad =
      'const a = b as T;\nconst c = d!;\nlet e: any;\n// @ts-ignore\nconst f = [1] as const;\n' +
      "const g = '// @ts-ignore in a string';\nfunction h() {\n  // @ts-expect-error\n}\n";
    expect(escapes('bad.ts', bad)).toHaveLength(5);
  });
});
