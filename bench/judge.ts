/**
 * `npm run judge`: runs the judgement suite (test/fixtures/judge/*.yml) and prints precision and recall of
 * the tests, risky and migrations rules, then every case that went wrong.
 */
import { describeFailure, loadCases, prepareJudge, runCase, score } from '../test/judge/suite.js';

await prepareJudge();
const cases = loadCases();
const started = performance.now();
const results = cases.flatMap(runCase);
const elapsed = performance.now() - started;
const scores = score(results);
const ecosystems = new Set(cases.map((c) => c.file));
console.log(`judgement suite: ${cases.length} cases from ${ecosystems.size} files (${[...ecosystems].join(', ')}), judged in ${elapsed.toFixed(0)} ms`);
console.log('rule    cases   TP   FP   FN   precision   recall');
for (const s of scores) {
  console.log(
    `${s.rule.padEnd(7)} ${String(s.cases).padStart(5)} ${String(s.truePositives).padStart(4)} ${String(s.falsePositives).padStart(4)} ${String(s.falseNegatives).padStart(4)}   ${s.precision.toFixed(3).padStart(9)}   ${s.recall.toFixed(3).padStart(6)}`,
  );
}
const failures = scores.flatMap((s) => s.failures);
if (failures.length > 0) {
  console.log(`\n${failures.length} case(s) judged wrongly:`);
  for (const failure of failures) console.log(describeFailure(failure));
}
