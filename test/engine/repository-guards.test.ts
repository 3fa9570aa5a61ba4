import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadSyntax } from '../../src/engine/syntax/load.js';
import type { Syntax } from '../../src/engine/syntax/index.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { repositoryWanted, type EvaluationContext, type RepositorySearch } from '../../src/engine/facts.js';
import { configSchema } from '../../src/config/schema.js';
import { MAX_ROUNDS, searchInMemory } from '../../src/facts/repository.js';
import { changeFromFiles, type FileSet } from '../../tools/judge/change-from-files.js';
import type { Finding } from '../../src/engine/report.js';

let syntax: Syntax;
beforeAll(async () => {
  syntax = await loadSyntax(['typescript', 'tsx', 'go', 'java']);
});

/**
 * Judges base → head the way an adapter holding the repository does: whole texts of the changed files, then
 * rounds of search over the head's other files. `search: 'none'` stands for a source that cannot search (the App);
 * `truncate` marks names whose search was cut short.
 */
function judge(
  base: FileSet,
  head: FileSet,
  paths: string[],
  opts: { search?: 'none'; truncate?: string[]; config?: Record<string, unknown> } = {},
): Finding[] {
  const config = configSchema.parse({ risky: { paths, ...opts.config } });
  const change = changeFromFiles({ base, head, title: 'feat: a change' });
  for (const file of change.files) file.text = { head: head[file.path], ...(base[file.path] ? { base: base[file.path] } : {}) };
  let context: EvaluationContext = { syntax, texts: new Map(Object.entries(head)) };
  if (opts.search !== 'none') {
    const inChange = new Set(change.files.map((f) => f.path));
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const names = repositoryWanted(change, config, context);
      if (names.length === 0) break;
      const found: RepositorySearch = searchInMemory(context.repository, names, context.texts!, inChange);
      context = { ...context, repository: { ...found, truncated: new Set([...found.truncated, ...(opts.truncate ?? [])]) } };
    }
  }
  return evaluate(change, config, context).findings.filter((f) => f.rule === 'risky');
}

const engineBefore = `package check

func resolveWeighted(req Request) bool {
	return req.Store.Read(req.Object)
}

func CheckWeighted(req Request) bool {
	return resolveWeighted(req)
}
`;
const engineAfter = `package check

func resolveWeighted(req Request) bool {
	if hit, ok := req.Cache.Get(req.Object); ok {
		return hit
	}
	return req.Store.Read(req.Object)
}

func CheckWeighted(req Request) bool {
	return resolveWeighted(req)
}
`;
const serverFlagged = `package server

import (
	"example.com/app/internal/check"
)

func (s *Server) Check(ctx context.Context, req check.Request) bool {
	if on, _ := s.flags.BooleanValue(ctx, "weighted-check", false, ec); on {
		return check.CheckWeighted(req)
	}
	return s.legacy.Check(req)
}
`;

describe('risky: guards outside the change, through the repository at the head', () => {
  it('a Go engine entered only behind a flag in an untouched file is guarded, and a source that cannot search still fires', () => {
    const base = { 'internal/check/weighted.go': engineBefore, 'pkg/server/check.go': serverFlagged };
    const head = { 'internal/check/weighted.go': engineAfter, 'pkg/server/check.go': serverFlagged };
    expect(judge(base, head, ['internal/check/**'])).toEqual([]);
    const blind = judge(base, head, ['internal/check/**'], { search: 'none' });
    expect(blind.map((f) => [f.level, f.startLine])).toEqual([['error', 4]]);
    expect(blind[0].message).toContain('`resolveWeighted` exists before this change and already runs');
  });

  it('when more files name the entry than could be read, the guard seen is not enough: a warning, not seen far enough', () => {
    const base = { 'internal/check/weighted.go': engineBefore, 'pkg/server/check.go': serverFlagged };
    const head = { 'internal/check/weighted.go': engineAfter, 'pkg/server/check.go': serverFlagged };
    const findings = judge(base, head, ['internal/check/**'], { truncate: ['CheckWeighted'] });
    expect(findings.map((f) => [f.level, f.title])).toEqual([['warning', 'risky change, not seen far enough']]);
    expect(findings[0].message).toContain('more files name it than could be read');
    const strict = judge(base, head, ['internal/check/**'], { truncate: ['CheckWeighted'], config: { unseen: 'error' } });
    expect(strict.map((f) => f.level)).toEqual(['error']);
  });

  it("an unexported Go name used in another package is another package's name, not a use", () => {
    const helperBefore = 'package check\n\nfunc tracer() string {\n\treturn "a"\n}\n';
    const other = 'package server\n\nfunc (s *Server) Name() string {\n\treturn tracer()\n}\n';
    const base = { 'internal/check/weighted.go': engineBefore, 'internal/check/trace.go': helperBefore, 'pkg/server/name.go': other };
    const head = {
      ...base,
      'internal/check/weighted.go': engineAfter.replace('return resolveWeighted(req)', 'return resolveWeighted(req) && tracer() != ""'),
      'pkg/server/check.go': serverFlagged,
    };
    // CheckWeighted is reached only behind the flag; pkg/server's own `tracer` call does not reach check's.
    expect(judge({ ...base, 'pkg/server/check.go': serverFlagged }, head, ['internal/check/**'])).toEqual([]);
  });

  it('a web client importing a function named like a Java endpoint neither uses nor imports the endpoint', () => {
    const resource = (check: string) =>
      `package com.acme.refunds;\n\npublic class RefundResource {\n    public Refund createRefund(RefundRequest request) {\n${check}        return refunds.create(request);\n    }\n}\n`;
    const client =
      "export async function createRefund(body: unknown) {\n  return fetch('/api/refunds', { method: 'POST', body: JSON.stringify(body) });\n}\n";
    const upload = "import { createRefund } from './api';\n\nexport const submit = (body: unknown) => createRefund(body);\n";
    const base = {
      'server/src/main/java/com/acme/refunds/RefundResource.java': resource(''),
      'web/src/api.ts': client,
      'web/src/upload.ts': upload,
    };
    const head = { ...base, 'server/src/main/java/com/acme/refunds/RefundResource.java': resource('        request.requireReceipt();\n') };
    // The endpoint is called by the framework, not by the TypeScript function of the same name: it runs, unflagged.
    const findings = judge(base, head, ['server/src/main/java/**']);
    expect(findings.map((f) => [f.level, f.startLine])).toEqual([['error', 5]]);
    expect(findings[0].message).toContain('nothing in the repository uses it');
  });

  it('a re-export passes a name on: the uses behind it decide', () => {
    const cellBefore = 'export const Cell = ({ id }: { id: string }) => {\n  return <b>{id}</b>;\n};\n';
    const cellAfter = 'export const Cell = ({ id }: { id: string }) => {\n  return <i>{id}</i>;\n};\n';
    const index = "export { Cell } from './Cell';\n";
    const page =
      "import { useFlag } from '@unleash/proxy-client-react';\nimport { Cell } from '../project';\n\nexport const Page = () => {\n  const on = useFlag('cells');\n  return on ? <Cell id='a' /> : null;\n};\n";
    const base = { 'src/project/Cell.tsx': cellBefore, 'src/project/index.ts': index, 'src/pages/Page.tsx': page };
    const head = { ...base, 'src/project/Cell.tsx': cellAfter };
    expect(judge(base, head, ['src/project/**'])).toEqual([]);
  });

  it('a way in that only loops back (recursion) adds nothing: the other ways decide', () => {
    const engine = (extra: string) => `package check

func setup(req Request) bool {
${extra}	return req.Ready
}

func resolveRewrite(req Request) bool {
	if req.Edge {
		return resolveEdge(req)
	}
	return setup(req)
}

func resolveEdge(req Request) bool {
	return resolveRewrite(req.Next())
}

func CheckWeighted(req Request) bool {
	return resolveRewrite(req)
}
`;
    const base = { 'internal/check/weighted.go': engine(''), 'pkg/server/check.go': serverFlagged };
    const head = { ...base, 'internal/check/weighted.go': engine('\treq.Cache.Warm()\n') };
    expect(judge(base, head, ['internal/check/**'])).toEqual([]);
    const open = {
      ...head,
      'pkg/server/check.go': serverFlagged.replace('if on, _ := s.flags.BooleanValue(ctx, "weighted-check", false, ec); on {', 'if true {'),
    };
    expect(judge({ ...base, 'pkg/server/check.go': open['pkg/server/check.go'] }, open, ['internal/check/**']).map((f) => f.level)).toEqual(
      ['error'],
    );
  });
});

describe('risky: what a new definition is called in its finding', () => {
  it('calls a new constant a value, not a function', () => {
    const tax = 'export function tax(amount: number): number {\n  return amount * 0.2;\n}\n';
    const base = { 'src/billing/tax.ts': tax, 'src/checkout/total.ts': 'export const total = (amount: number) => amount;\n' };
    const head = {
      'src/billing/tax.ts': `const RATE = 0.25;\n\n${tax}\nexport function newTax(amount: number): number {\n  return amount * RATE;\n}\n`,
      'src/checkout/total.ts':
        "import { newTax } from '../billing/tax';\n\nexport const total = (amount: number) => amount + newTax(amount);\n",
    };
    const found = judge(base, head, ['src/billing/**']);
    const messages = found.filter((f) => f.level === 'error').map((f) => f.message);
    expect(messages.filter((m) => m.startsWith('New value `RATE`'))).toHaveLength(1);
    expect(messages.some((m) => m.includes('New function `RATE`'))).toBe(false);
  });
});
