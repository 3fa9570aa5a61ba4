/**
 * Ends a jest run with a banner naming every skipped test, by file. Jest's own summary only counts them
 * ("3 skipped"), easy to miss under hundreds of passes; a test skipped because the machine lacks something
 * (redis-server) should be as visible as a failure, while still letting a local run pass.
 */
export default class SkippedReporter {
  constructor(globalConfig) {
    // With `-t PATTERN` the tests left out are the ones asked to be left out.
    this.filtered = Boolean(globalConfig?.testNamePattern);
  }

  onRunComplete(_contexts, results) {
    if (this.filtered) return;
    const skipped = [];
    for (const file of results.testResults) {
      const names = file.testResults.filter((t) => t.status === 'pending' || t.status === 'todo').map((t) => t.fullName);
      if (names.length > 0) skipped.push({ path: file.testFilePath, names });
    }
    if (skipped.length === 0) return;
    const count = skipped.reduce((n, f) => n + f.names.length, 0);
    const root = process.cwd() + '/';
    const lines = ['', `*** ${count} test${count === 1 ? '' : 's'} SKIPPED: what they cover went untested in this run ***`];
    for (const file of skipped) {
      lines.push(`  ${file.path.startsWith(root) ? file.path.slice(root.length) : file.path}`);
      for (const name of file.names) lines.push(`    - ${name}`);
    }
    lines.push('');
    process.stderr.write(`${lines.join('\n')}\n`);
  }
}
