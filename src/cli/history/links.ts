/** Where a repository lives on the web, to link the changes a report names. */
import type { GitRunner } from '../../git/runner.js';

/** https://github.com/owner/repo, or the Enterprise Server's host, from GITHUB_API_URL. */
export function webUrlFromApi(apiUrl: string, repository: string): string {
  const base = apiUrl.replace(/\/+$/, '');
  if (/^https?:\/\/api\.github\.com$/i.test(base)) return `https://github.com/${repository}`;
  return `${base.replace(/\/api\/v3$/, '')}/${repository}`;
}

/** The web address of `origin` when it is an https or ssh GitHub-style remote (host/owner/repo). */
export function webUrlFromRemote(remote: string): string | undefined {
  const trimmed = remote.trim().replace(/\.git$/, '');
  const ssh = /^(?:ssh:\/\/)?[\w.-]+@([\w.-]+)[:/]([\w.-]+\/[\w.-]+)$/.exec(trimmed);
  if (ssh) return `https://${ssh[1]}/${ssh[2]}`;
  const https = /^https?:\/\/(?:[^@/]+@)?([\w.:-]+)\/([\w.-]+\/[\w.-]+)$/.exec(trimmed);
  return https ? `https://${https[1]}/${https[2]}` : undefined;
}

export async function originWebUrl(git: GitRunner): Promise<string | undefined> {
  const remote = await git.maybe(['remote', 'get-url', 'origin']);
  return remote ? webUrlFromRemote(remote) : undefined;
}
