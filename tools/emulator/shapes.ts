/** GitHub's response shapes built from the emulator's state (see store.ts). */
import type {
  Store,
  StoredApp,
  StoredCheckRun,
  StoredComment,
  StoredCommit,
  StoredFile,
  StoredFileChange,
  StoredInstallation,
  StoredLabel,
  StoredPullRequest,
  StoredRepo,
  StoredReview,
  StoredSuite,
} from './store.js';
import { stableId } from './store.js';

const WEB = 'https://github.com';
type Obj = Record<string, unknown>;

const nodeId = (kind: string, id: number | string): string => Buffer.from(`0${kind.length}:${kind}${id}`).toString('base64');

// Users and apps never change once built; caching them keeps large responses cheap.
const users = new WeakMap<Store, Map<string, Obj>>();
const apps = new WeakMap<StoredApp, Obj>();

export function userJson(store: Store, login: string | null, type?: 'User' | 'Organization' | 'Bot'): Obj | null {
  if (login === null) return null;
  let cache = users.get(store);
  if (!cache) users.set(store, (cache = new Map()));
  const key = `${login}\0${type ?? ''}\0${store.apiUrl}`;
  let user = cache.get(key);
  if (!user) cache.set(key, (user = buildUser(store, login, type)));
  return user;
}

function buildUser(store: Store, login: string, type?: 'User' | 'Organization' | 'Bot'): Obj {
  const id = stableId(login);
  return {
    login,
    id,
    node_id: nodeId('User', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `${store.apiUrl}/users/${encodeURIComponent(login)}`,
    html_url: `${WEB}/${login}`,
    type: type ?? (login.endsWith('[bot]') ? 'Bot' : 'User'),
    site_admin: false,
  };
}

export function repoJson(store: Store, repo: StoredRepo): Obj {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${store.apiUrl}/repos/${full}`;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: full,
    private: repo.private,
    owner: userJson(store, repo.owner, repo.ownerType),
    html_url: `${WEB}/${full}`,
    description: null,
    fork: false,
    url: api,
    pulls_url: `${api}/pulls{/number}`,
    contents_url: `${api}/contents/{+path}`,
    created_at: repo.created_at,
    updated_at: repo.created_at,
    pushed_at: repo.created_at,
    git_url: `git://github.com/${full}.git`,
    ssh_url: `git@github.com:${full}.git`,
    clone_url: `${WEB}/${full}.git`,
    visibility: repo.private ? 'private' : 'public',
    archived: repo.archived,
    disabled: false,
    default_branch: repo.defaultBranch,
    permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
  };
}

function branchRefJson(store: Store, repo: StoredRepo, ref: string, sha: string, repoFullName?: string): Obj {
  const [owner, name] = (repoFullName ?? `${repo.owner}/${repo.name}`).split('/');
  const sameRepo = owner.toLowerCase() === repo.owner.toLowerCase() && name.toLowerCase() === repo.name.toLowerCase();
  const forkRepo = sameRepo ? repo : { ...repo, owner, name, id: stableId(`${owner}/${name}`), ownerType: 'User' as const };
  return {
    label: `${owner}:${ref}`,
    ref,
    sha,
    user: userJson(store, owner, forkRepo.ownerType),
    repo: { ...repoJson(store, forkRepo), fork: !sameRepo },
  };
}

export function labelJson(store: Store, repo: StoredRepo, label: StoredLabel): Obj {
  return {
    id: label.id,
    node_id: nodeId('Label', label.id),
    url: `${store.apiUrl}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: label.default,
    description: label.description,
  };
}

export function issueLabelsJson(store: Store, repo: StoredRepo, number: number): Obj[] {
  const names = repo.issues.get(number)?.labels ?? [];
  return names.map((name) => labelJson(store, repo, repo.labels.get(name.toLowerCase())!));
}

export function pullJson(store: Store, repo: StoredRepo, pull: StoredPullRequest): Obj {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${store.apiUrl}/repos/${full}`;
  const additions = pull.files.reduce((sum, f) => sum + f.additions, 0);
  const deletions = pull.files.reduce((sum, f) => sum + f.deletions, 0);
  return {
    url: `${api}/pulls/${pull.number}`,
    id: pull.id,
    node_id: nodeId('PullRequest', pull.id),
    html_url: `${WEB}/${full}/pull/${pull.number}`,
    diff_url: `${WEB}/${full}/pull/${pull.number}.diff`,
    patch_url: `${WEB}/${full}/pull/${pull.number}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${api}/pulls/${pull.number}/commits`,
    review_comments_url: `${api}/pulls/${pull.number}/comments`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${pull.head.sha}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(store, pull.user),
    body: pull.body,
    labels: issueLabelsJson(store, repo, pull.number),
    milestone: null,
    active_lock_reason: null,
    created_at: pull.created_at,
    updated_at: pull.updated_at,
    closed_at: pull.closed_at,
    merged_at: pull.merged_at,
    merge_commit_sha: pull.merge_commit_sha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branchRefJson(store, repo, pull.head.ref, pull.head.sha, pull.head.repo),
    base: branchRefJson(store, repo, pull.base.ref, pull.base.sha),
    _links: {
      self: { href: `${api}/pulls/${pull.number}` },
      html: { href: `${WEB}/${full}/pull/${pull.number}` },
    },
    author_association: pull.author_association,
    auto_merge: null,
    draft: pull.draft,
    merged: pull.merged,
    mergeable: pull.state === 'open' ? true : null,
    rebaseable: pull.state === 'open' ? true : null,
    mergeable_state: pull.state === 'open' ? 'clean' : 'unknown',
    merged_by: userJson(store, pull.merged_by),
    comments: repo.issues.get(pull.number)?.comments.length ?? 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: pull.commits.length,
    additions,
    deletions,
    changed_files: pull.files.length,
  };
}

/** The short pull-request object GitHub puts in check runs and check suites. */
export function pullRefJson(store: Store, repo: StoredRepo, pull: StoredPullRequest): Obj {
  const api = `${store.apiUrl}/repos/${repo.owner}/${repo.name}`;
  const short = (ref: string, sha: string): Obj => ({ ref, sha, repo: { id: repo.id, url: api, name: repo.name } });
  return {
    url: `${api}/pulls/${pull.number}`,
    id: pull.id,
    number: pull.number,
    head: short(pull.head.ref, pull.head.sha),
    base: short(pull.base.ref, pull.base.sha),
  };
}

export function fileChangeJson(store: Store, repo: StoredRepo, ref: string, file: StoredFileChange): Obj {
  const full = `${repo.owner}/${repo.name}`;
  const path = file.filename.split('/').map(encodeURIComponent).join('/');
  const out: Obj = {
    sha: file.sha,
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.changes,
    blob_url: `${WEB}/${full}/blob/${ref}/${path}`,
    raw_url: `${WEB}/${full}/raw/${ref}/${path}`,
    contents_url: `${store.apiUrl}/repos/${full}/contents/${path}?ref=${ref}`,
  };
  if (file.patch !== undefined) out.patch = file.patch;
  if (file.previous_filename !== undefined) out.previous_filename = file.previous_filename;
  return out;
}

export function reviewJson(store: Store, repo: StoredRepo, pull: StoredPullRequest, review: StoredReview): Obj {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: review.id,
    node_id: nodeId('PullRequestReview', review.id),
    user: userJson(store, review.user),
    body: review.body,
    state: review.state,
    html_url: `${WEB}/${full}/pull/${pull.number}#pullrequestreview-${review.id}`,
    pull_request_url: `${store.apiUrl}/repos/${full}/pulls/${pull.number}`,
    _links: {
      html: { href: `${WEB}/${full}/pull/${pull.number}#pullrequestreview-${review.id}` },
      pull_request: { href: `${store.apiUrl}/repos/${full}/pulls/${pull.number}` },
    },
    submitted_at: review.state === 'PENDING' ? undefined : review.submitted_at,
    commit_id: review.commit_id,
    author_association: 'MEMBER',
  };
}

export function commitJson(store: Store, repo: StoredRepo, commit: StoredCommit, withFiles = false): Obj {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${store.apiUrl}/repos/${full}`;
  const person = (login: string | null): Obj => ({
    name: login ?? 'Unknown Author',
    email: login ? `${stableId(login)}+${login}@users.noreply.github.com` : 'unknown@example.com',
    date: commit.date,
  });
  const out: Obj = {
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    commit: {
      author: person(commit.author),
      committer: person(commit.committer),
      message: commit.message,
      tree: { sha: commit.sha.split('').reverse().join(''), url: `${api}/git/trees/${commit.sha}` },
      url: `${api}/git/commits/${commit.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    url: `${api}/commits/${commit.sha}`,
    html_url: `${WEB}/${full}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    author: userJson(store, commit.author),
    committer: userJson(store, commit.committer),
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${WEB}/${full}/commit/${sha}` })),
  };
  if (withFiles) {
    const additions = commit.files.reduce((s, f) => s + f.additions, 0);
    const deletions = commit.files.reduce((s, f) => s + f.deletions, 0);
    out.stats = { total: additions + deletions, additions, deletions };
    out.files = commit.files.map((f) => fileChangeJson(store, repo, commit.sha, f));
  }
  return out;
}

export function appJson(store: Store, app: StoredApp): Obj {
  let json = apps.get(app);
  if (!json) apps.set(app, (json = buildApp(store, app)));
  return json;
}

function buildApp(store: Store, app: StoredApp): Obj {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId('Integration', app.id),
    client_id: `Iv1.${app.id.toString(16).padStart(16, '0')}`,
    owner: userJson(store, app.owner, 'Organization'),
    name: app.name,
    description: '',
    external_url: `https://example.com/${app.slug}`,
    html_url: `${WEB}/apps/${app.slug}`,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    permissions: { checks: 'write', contents: 'read', metadata: 'read', pull_requests: 'write' },
    events: ['check_run', 'check_suite', 'pull_request', 'pull_request_review', 'push'],
  };
}

export function suiteJson(store: Store, repo: StoredRepo, suite: StoredSuite, runs: StoredCheckRun[]): Obj {
  const api = `${store.apiUrl}/repos/${repo.owner}/${repo.name}`;
  const completed = runs.length > 0 && runs.every((r) => r.status === 'completed');
  return {
    id: suite.id,
    node_id: nodeId('CheckSuite', suite.id),
    head_branch: [...repo.branches].find(([, sha]) => sha === suite.head_sha)?.[0] ?? null,
    head_sha: suite.head_sha,
    status: completed ? 'completed' : runs.some((r) => r.status === 'in_progress') ? 'in_progress' : 'queued',
    conclusion: completed ? suiteConclusion(runs) : null,
    url: `${api}/check-suites/${suite.id}`,
    before: null,
    after: suite.head_sha,
    pull_requests: store
      .pullsForCommit(repo, suite.head_sha)
      .filter((p) => p.head.sha === suite.head_sha && p.state === 'open')
      .map((p) => pullRefJson(store, repo, p)),
    app: appJson(store, store.app(suite.appId)),
    repository: repoJson(store, repo),
    created_at: suite.id ? (runs[0]?.started_at ?? null) : null,
    updated_at: runs[runs.length - 1]?.completed_at ?? runs[0]?.started_at ?? null,
    latest_check_runs_count: runs.length,
    check_runs_url: `${api}/check-suites/${suite.id}/check-runs`,
    rerequestable: true,
    runs_rerequestable: true,
  };
}

function suiteConclusion(runs: StoredCheckRun[]): string {
  const order = ['action_required', 'cancelled', 'timed_out', 'failure', 'neutral', 'success', 'skipped', 'stale'];
  return runs.map((r) => r.conclusion ?? 'neutral').sort((a, b) => order.indexOf(a) - order.indexOf(b))[0];
}

export function checkRunJson(store: Store, repo: StoredRepo, run: StoredCheckRun): Obj {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${store.apiUrl}/repos/${full}`;
  const suite = store.suitesById.get(run.suiteId)!;
  return {
    id: run.id,
    head_sha: run.head_sha,
    node_id: nodeId('CheckRun', run.id),
    external_id: run.external_id ?? '',
    url: `${api}/check-runs/${run.id}`,
    html_url: `${WEB}/${full}/runs/${run.id}`,
    details_url: run.details_url ?? `https://example.com/${store.app(run.appId).slug}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: suite.id },
    app: appJson(store, store.app(run.appId)),
    pull_requests: [...repo.pulls.values()]
      .filter((p) => p.head.sha === run.head_sha && p.state === 'open' && p.head.repo.toLowerCase() === full.toLowerCase())
      .map((p) => pullRefJson(store, repo, p)),
  };
}

export function annotationJson(run: StoredCheckRun, index: number): Obj {
  const a = run.annotations[index];
  return {
    path: a.path,
    start_line: a.start_line,
    end_line: a.end_line,
    start_column: a.start_column ?? null,
    end_column: a.end_column ?? null,
    annotation_level: a.annotation_level,
    title: a.title ?? null,
    message: a.message,
    raw_details: a.raw_details ?? null,
    blob_href: `${WEB}/${run.owner}/${run.repo}/blob/${run.head_sha}/${a.path}`,
  };
}

export function commentJson(store: Store, repo: StoredRepo, comment: StoredComment): Obj {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${store.apiUrl}/repos/${full}`;
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${WEB}/${full}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${api}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: userJson(store, comment.user),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    author_association: 'NONE',
    performed_via_github_app: comment.appId === null ? null : appJson(store, store.app(comment.appId)),
  };
}

export function installationJson(store: Store, installation: StoredInstallation): Obj {
  const appId = installation.appId ?? 1;
  const app = store.app(appId);
  return {
    id: installation.id,
    account: userJson(store, installation.account, installation.accountType),
    repository_selection: 'selected',
    access_tokens_url: `${store.apiUrl}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${store.apiUrl}/installation/repositories`,
    html_url: `${WEB}/organizations/${installation.account}/settings/installations/${installation.id}`,
    app_id: appId,
    app_slug: app.slug,
    target_id: stableId(installation.account),
    target_type: installation.accountType,
    permissions: { checks: 'write', contents: 'read', metadata: 'read', pull_requests: 'write' },
    events: ['check_run', 'check_suite', 'pull_request', 'pull_request_review', 'push'],
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/** GitHub wraps base64 content at 60 characters per line. */
function wrapBase64(content: Buffer): string {
  const b64 = content.toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += 60) out += `${b64.slice(i, i + 60)}\n`;
  return out;
}

export function contentJson(store: Store, repo: StoredRepo, file: StoredFile, ref: string): Obj {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${store.apiUrl}/repos/${full}`;
  const path = file.path.split('/').map(encodeURIComponent).join('/');
  const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  return {
    type: 'file',
    encoding: 'base64',
    size: file.content.length,
    name: file.path.split('/').pop(),
    path: file.path,
    content: wrapBase64(file.content),
    sha: file.sha,
    url: self,
    git_url: `${api}/git/blobs/${file.sha}`,
    html_url: `${WEB}/${full}/blob/${ref}/${path}`,
    download_url: `https://raw.githubusercontent.com/${full}/${ref}/${path}`,
    _links: { self, git: `${api}/git/blobs/${file.sha}`, html: `${WEB}/${full}/blob/${ref}/${path}` },
  };
}

export function directoryEntryJson(
  store: Store,
  repo: StoredRepo,
  path: string,
  type: 'file' | 'dir',
  ref: string,
  file?: StoredFile,
): Obj {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${store.apiUrl}/repos/${full}`;
  const sha = file?.sha ?? '0'.repeat(40);
  const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  return {
    type,
    size: file?.content.length ?? 0,
    name: path.split('/').pop(),
    path,
    sha,
    url: self,
    git_url: `${api}/git/${type === 'dir' ? 'trees' : 'blobs'}/${sha}`,
    html_url: `${WEB}/${full}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${path}`,
    download_url: type === 'file' ? `https://raw.githubusercontent.com/${full}/${ref}/${path}` : null,
    _links: { self, git: `${api}/git/blobs/${sha}`, html: `${WEB}/${full}/blob/${ref}/${path}` },
  };
}
