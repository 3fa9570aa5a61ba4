import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';

const rulesDoc = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
const formatted = (n: number): string => new Intl.NumberFormat('en-US').format(n);

/** The doc quotes the defaults in prose; these keep the prose honest when a default moves. */
describe('docs/rules.md', () => {
  it('quotes the size thresholds the schema applies', () => {
    const { warn_lines, fail_lines, warn_files, fail_files } = DEFAULT_CONFIG.size;
    expect(rulesDoc).toContain(
      `above ${formatted(warn_lines)} lines or ${formatted(warn_files)} files (warning), ${formatted(fail_lines)} lines or ${formatted(fail_files)} files (error)`,
    );
    expect(rulesDoc).toContain(`Above \`warn_lines\` (${warn_lines}) or \`warn_files\` (${warn_files})`);
    expect(rulesDoc).toContain(`above \`fail_lines\` (${formatted(fail_lines)}) or \`fail_files\` (${fail_files})`);
    expect(rulesDoc).toContain(`warn at **${warn_lines}** counted lines`);
    expect(rulesDoc).toContain(`fail at **${formatted(fail_lines)}**`);
    expect(rulesDoc).toContain(`(**${warn_files}** to warn, **${fail_files}** to fail)`);
  });

  it("quotes each rule's default level", () => {
    for (const rule of ['size', 'tests', 'risky', 'review'] as const) {
      expect(rulesDoc).toMatch(new RegExp(`\\| \\[\`${rule}\`\\]\\([^)]*\\) \\| [^|]+ \\| \`${DEFAULT_CONFIG[rule].level}\` \\|`));
    }
  });

  it('names the default override and audit labels', () => {
    const { size, tests, risky } = DEFAULT_CONFIG.overrides;
    expect(rulesDoc).toContain(`by default \`${size}\`, \`${tests}\`, \`${risky}\``);
    for (const label of [size, tests, risky, DEFAULT_CONFIG.review.label]) expect(rulesDoc).toContain(`the \`${label}\` label`);
  });

  it("has the anchors the check run's rule links point at (docs/rules.md#size …)", () => {
    for (const rule of ['size', 'tests', 'risky', 'review', 'config']) expect(rulesDoc).toContain(`<a id="${rule}"></a>`);
  });

  it('links only to sections and files that exist', () => {
    const headings = [...rulesDoc.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
      m[1]
        .toLowerCase()
        .replace(/[^\w\- ]/g, '')
        .replace(/ /g, '-'),
    );
    for (const [, target] of rulesDoc.matchAll(/\]\(([^)]+)\)/g)) {
      if (target.startsWith('#')) expect(headings).toContain(target.slice(1));
      else expect(() => readFileSync(new URL(`../../docs/${target}`, import.meta.url))).not.toThrow();
    }
  });
});
