/**
 * Who an organisation's default configuration governs. A repository without its own `.github/monoenv.yml`
 * takes the one in the organisation's `.github` repository (Probot's convention); one whose own file says
 * `_extends: .github` takes it key by key, under its own; any other file overrides it. A pull request to the
 * `.github` repository that edits that file is told which of the installation's repositories are which, so a
 * policy change is seen for what it reaches before it is merged.
 *
 * Cost, bounded: the installation's repositories, 100 a page (`GET /installation/repositories`, at most
 * `MAX_REPOSITORIES / 100` pages, answered 304 and free when unchanged since the last push), then each
 * repository's own file on its default branch through GraphQL, `REPOSITORIES_PER_QUERY` aliases a request
 * (1 point each). 200 repositories: 2 REST pages and 4 GraphQL requests.
 */
import { parse } from 'yaml';
import { CONFIG_PATH } from './config.js';
import type { GitHubClient } from './facts.js';

/** Repositories read at most; an installation with more is reported as cut. */
export const MAX_REPOSITORIES = 1_000;
export const REPOSITORIES_PER_QUERY = 50;
/** Names listed per group in the check run; the counts are always whole. */
const NAMES_SHOWN = 100;

export type Governed = 'inherits' | 'extends' | 'overrides';

export interface ConfigReach {
  org: string;
  /** Active repositories of the installation read (archived ones and the `.github` repository left out). */
  repositories: number;
  /** Repositories the installation can see, as GitHub counts them. */
  total: number;
  inherits: string[];
  extends: string[];
  /** Own file that does not extend the organisation's (with what it extends instead, when it does). */
  overrides: { name: string; extendsFrom?: string }[];
  archived: number;
  /** The installation has more repositories than were read. */
  cut: boolean;
  /** Repositories whose own file could not be read (GitHub answered nothing for them). */
  unknown: string[];
  calls: { rest: number; graphql: number };
}

interface Listed {
  name: string;
  archived?: boolean;
  owner?: { login: string };
}

type FileAnswer = Record<string, { object: { text?: string | null } | null } | null>;

/** One alias per repository: its own configuration file on its default branch (`HEAD:`). */
export function ownFileQuery(count: number): string {
  const variables = ['$owner: String!', '$expression: String!'];
  const fields: string[] = [];
  for (let i = 0; i < count; i++) {
    variables.push(`$r${i}: String!`);
    fields.push(`r${i}: repository(owner: $owner, name: $r${i}) { object(expression: $expression) { ... on Blob { text } } }`);
  }
  return `query OwnConfigs(${variables.join(', ')}) {\n  ${fields.join('\n  ')}\n}`;
}

/** What `_extends` names, or undefined when the file extends nothing (or is not a mapping). */
function extendsOf(text: string): string | undefined {
  try {
    const value = (parse(text) as { _extends?: unknown } | null)?._extends;
    return typeof value === 'string' ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** `_extends: .github`, `org/.github`, or either with `:.github/monoenv.yml` — the file Probot falls back to. */
export function extendsOrgDefault(target: string, org: string): boolean {
  const [repository = '', path] = target.split(':');
  const [owner, name] = repository.includes('/') ? repository.split('/') : [org, repository];
  return owner?.toLowerCase() === org.toLowerCase() && name === '.github' && (path === undefined || path === CONFIG_PATH);
}

export async function orgConfigReach(octokit: GitHubClient, org: string, self: string): Promise<ConfigReach> {
  const calls = { rest: 0, graphql: 0 };
  const listed: Listed[] = [];
  let cut = false;
  let total: number | undefined;
  for await (const page of octokit.paginate.iterator(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 })) {
    calls.rest++;
    total ??= (page.data as unknown as { total_count?: number }).total_count;
    listed.push(...(page.data as unknown as Listed[]));
    if (listed.length >= MAX_REPOSITORIES) {
      cut = page.headers.link?.includes('rel="next"') === true || listed.length > MAX_REPOSITORIES;
      break;
    }
  }
  const ofOrg = listed
    .slice(0, MAX_REPOSITORIES)
    .filter((r) => r.name !== self && (r.owner?.login ?? org).toLowerCase() === org.toLowerCase());
  const active = ofOrg.filter((r) => !r.archived).map((r) => r.name);
  const reach: ConfigReach = {
    org,
    repositories: active.length,
    total: total ?? listed.length,
    inherits: [],
    extends: [],
    overrides: [],
    archived: ofOrg.length - active.length,
    cut,
    unknown: [],
    calls,
  };
  for (let i = 0; i < active.length; i += REPOSITORIES_PER_QUERY) {
    const batch = active.slice(i, i + REPOSITORIES_PER_QUERY);
    const variables: Record<string, string> = { owner: org, expression: `HEAD:${CONFIG_PATH}` };
    batch.forEach((name, j) => (variables[`r${j}`] = name));
    let answer: FileAnswer;
    calls.graphql++;
    try {
      answer = await octokit.graphql<FileAnswer>(ownFileQuery(batch.length), variables);
    } catch (error) {
      // A repository GitHub cannot answer for nulls its own alias; the others still come back.
      const partial = (error as { data?: FileAnswer | null }).data;
      if (!partial) throw error;
      answer = partial;
    }
    batch.forEach((name, j) => {
      const repository = answer[`r${j}`];
      if (repository === null || repository === undefined) {
        reach.unknown.push(name);
        return;
      }
      const text = repository.object?.text;
      if (typeof text !== 'string') {
        reach.inherits.push(name);
        return;
      }
      const target = extendsOf(text);
      if (target !== undefined && extendsOrgDefault(target, org)) reach.extends.push(name);
      else reach.overrides.push({ name, ...(target === undefined ? {} : { extendsFrom: target }) });
    });
  }
  return reach;
}

function names(list: readonly string[]): string {
  const shown = list.slice(0, NAMES_SHOWN).map((n) => `\`${n}\``);
  return list.length > NAMES_SHOWN ? `${shown.join(', ')} and ${list.length - NAMES_SHOWN} more` : shown.join(', ');
}

/** The check run's section: the counts, the names, and what reading them cost. */
export function renderConfigReach(reach: ConfigReach): string {
  const lines = [
    `### Who this file governs`,
    '',
    `\`${CONFIG_PATH}\` in \`${reach.org}/.github\` is the configuration of every repository of \`${reach.org}\` without its own file. ` +
      `Of the ${reach.repositories} active ${reach.repositories === 1 ? 'repository' : 'repositories'} monoenv is installed on` +
      `${reach.cut ? ` (the first ${MAX_REPOSITORIES} of ${reach.total} read)` : ''}, merging this changes the configuration of ${reach.inherits.length + reach.extends.length}:`,
    '',
    `- **Inherit it** (no file of their own), ${reach.inherits.length}${reach.inherits.length ? `: ${names(reach.inherits)}` : ''}`,
    `- **Extend it** (\`_extends: .github\`, their own keys win), ${reach.extends.length}${reach.extends.length ? `: ${names(reach.extends)}` : ''}`,
    `- **Override it** (a file of their own), ${reach.overrides.length}${
      reach.overrides.length
        ? `: ${reach.overrides
            .slice(0, NAMES_SHOWN)
            .map((o) => `\`${o.name}\`${o.extendsFrom ? ` (extends \`${o.extendsFrom}\`)` : ''}`)
            .join(', ')}${reach.overrides.length > NAMES_SHOWN ? ` and ${reach.overrides.length - NAMES_SHOWN} more` : ''}`
        : ''
    }`,
  ];
  if (reach.unknown.length) lines.push(`- **Not read** (GitHub did not answer for them), ${reach.unknown.length}: ${names(reach.unknown)}`);
  if (reach.archived) lines.push('', `${reach.archived} archived ${reach.archived === 1 ? 'repository is' : 'repositories are'} left out.`);
  lines.push(
    '',
    `Read with ${reach.calls.rest} REST ${reach.calls.rest === 1 ? 'request' : 'requests'} (the installation's repositories) and ` +
      `${reach.calls.graphql} GraphQL ${reach.calls.graphql === 1 ? 'request' : 'requests'} (each repository's own file on its default branch).`,
  );
  return lines.join('\n');
}
