import { beforeAll, describe, expect, it } from '@jest/globals';
import { judgeRisky } from '../../src/engine/rules/risky/index.js';
import { readKind } from '../../src/engine/kind.js';
import { configSchema } from '../../src/config/schema.js';
import { loadSyntax } from '../../src/engine/syntax/load.js';
import type { Syntax } from '../../src/engine/syntax/index.js';
import { changeFromFiles, type ChangeSpec } from '../../tools/judge/change-from-files.js';

let syntax: Syntax;
beforeAll(async () => {
  syntax = await loadSyntax(['python', 'ruby']);
});

function judge(spec: ChangeSpec) {
  const change = changeFromFiles(spec);
  // The whole files an adapter reads for a touched risky file: head and base.
  for (const file of change.files) file.text = { head: spec.head[file.path], base: spec.base[file.path] };
  const config = configSchema.parse({ risky: { paths: ['kitsune/search/**', 'app/services/**'] } });
  return judgeRisky({ change, config, kind: readKind(change), syntax });
}

const search = [
  'import logging',
  'from django.conf import settings',
  '',
  'log = logging.getLogger(__name__)',
  '',
  '',
  'def simple_search(request, query):',
  '    results = run_query(query, settings.SEARCH_LIMIT)',
  '    log.info("search done")',
  '    return results',
  '',
].join('\n');

describe('risky: edits that keep behaviour', () => {
  it('leaves a file whose tree is unchanged modulo a consistent rename, sorted imports and a reworded log line unjudged', () => {
    const head = [
      'from django.conf import settings',
      'import logging',
      '',
      'log = logging.getLogger(__name__)',
      '',
      '',
      'def simple_search(request, query):',
      '    # run the query with the configured limit',
      '    hits = run_query(query, settings.SEARCH_LIMIT)',
      '    log.info("search finished")',
      '    return hits',
      '',
    ].join('\n');
    const outcome = judge({ title: 'Search tidy', base: { 'kitsune/search/views.py': search }, head: { 'kitsune/search/views.py': head } });
    expect(outcome.findings).toEqual([]);
  });

  it('still judges a file where the rename also changes what is returned', () => {
    const head = search.replace('results = run_query', 'hits = run_query').replace('return results', 'return run_query(query, 5)');
    const outcome = judge({ title: 'Search tidy', base: { 'kitsune/search/views.py': search }, head: { 'kitsune/search/views.py': head } });
    expect(outcome.findings.map((f) => [f.level, f.path])).toContainEqual(['error', 'kitsune/search/views.py']);
  });

  it('softens performance words in the title but not a declared perf type', () => {
    const base = { 'app/services/order_cycle.rb': 'class OrderCycle\n  def closing\n    select(:id).map(&:closes_at)\n  end\nend\n' };
    const head = { 'app/services/order_cycle.rb': 'class OrderCycle\n  def closing\n    pluck(:closes_at)\n  end\nend\n' };
    expect(judge({ title: 'Improve efficiency of OrderCycle.closing', base, head }).findings.map((f) => f.level)).toEqual(['notice']);
    expect(judge({ title: 'perf: read closing times in one query', base, head }).findings.map((f) => f.level)).toEqual(['error']);
  });
});
