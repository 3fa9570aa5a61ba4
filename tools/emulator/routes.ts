/**
 * The emulator's REST routes: each a method, a path template from GitHub's API description, the credential it
 * takes and a handler answering from the store in GitHub's shapes.
 */
import {
  annotationJson,
  appJson,
  checkRunJson,
  commentJson,
  commitJson,
  contentJson,
  directoryEntryJson,
  fileChangeJson,
  installationJson,
  issueLabelsJson,
  labelJson,
  pullJson,
  repoJson,
  reviewJson,
} from './shapes.js';
import type { CheckConclusion, CheckStatus, Store, StoredAnnotation, StoredCheckRun, StoredRepo } from './store.js';
import { DOCS, HEX40, HttpError, invalid, notFound, paginate, utf8Bytes, type Ctx, type Reply, type RouteSpec } from './http.js';

export interface RouteEnv {
  store: Store;
  /** The app a request without an app's credential is taken to come from. */
  defaultAppId: number;
  /** Counts an installation token issued. */
  countToken: () => void;
}

export function routeList({ store, defaultAppId, countToken }: RouteEnv): RouteSpec[] {
  const api = (): string => store.apiUrl;
  const pullOf = (ctx: Ctx) => ctx.repo.pulls.get(Number(ctx.params.pull_number)) ?? notFound();
  const issueOf = (ctx: Ctx) => ctx.repo.issues.get(Number(ctx.params.issue_number)) ?? notFound();
  const runOf = (ctx: Ctx): StoredCheckRun => {
    const run = store.checkRunsById.get(Number(ctx.params.check_run_id));
    if (!run || store.getRepo(run.owner, run.repo) !== ctx.repo) return notFound();
    return run;
  };
  const appIdOf = (ctx: Ctx): number => ctx.auth.appId ?? defaultAppId;
  const ok = (body: unknown, headers?: Record<string, string>): Reply => ({ status: 200, body, headers });
  const list = <T>(
    ctx: Ctx,
    items: T[],
    toJson: (item: T) => unknown,
    options?: { defaultPerPage?: number; maxPerPage?: number },
  ): Reply => {
    const { page, headers } = paginate(ctx, api(), items, options);
    return ok(page.map(toJson), headers);
  };

  const validateCheckRunBody = (body: Record<string, any>, creating: boolean): void => {
    if (creating && typeof body.head_sha === 'string' && !HEX40.test(body.head_sha)) {
      invalid(`No commit found for SHA: ${body.head_sha}`);
    }
    if ((body.status === 'completed' || body.completed_at !== undefined) && body.conclusion === undefined) {
      invalid('Invalid request.\n\n"conclusion" wasn\'t supplied.');
    }
    const output = body.output as Record<string, any> | undefined;
    if (!output) return;
    for (const field of ['summary', 'text']) {
      if (utf8Bytes(output[field]) > 65535)
        invalid(
          `Invalid request.\n\nFor 'properties/output/properties/${field}', the value is ${utf8Bytes(output[field])} bytes; at most 65535 are allowed.`,
        );
    }
    const annotations = (output.annotations ?? []) as Array<Record<string, any>>;
    if (annotations.length > 50) invalid('Invalid request.\n\nOnly 50 annotations may be sent per request.');
    annotations.forEach((a, i) => {
      if (utf8Bytes(a.message) > 65536) invalid(`Invalid request.\n\nannotations[${i}].message is longer than 64 KB.`);
      if (utf8Bytes(a.raw_details) > 65536) invalid(`Invalid request.\n\nannotations[${i}].raw_details is longer than 64 KB.`);
      if (typeof a.title === 'string' && a.title.length > 255)
        invalid(`Invalid request.\n\nannotations[${i}].title is longer than 255 characters.`);
      if (typeof a.start_line === 'number' && typeof a.end_line === 'number' && a.end_line < a.start_line)
        invalid(`Invalid request.\n\nannotations[${i}]: end_line is before start_line.`);
      if (typeof a.start_line === 'number' && a.start_line < 1)
        invalid(`Invalid request.\n\nannotations[${i}]: start_line must be at least 1.`);
    });
  };

  const applyCheckRunBody = (run: StoredCheckRun, body: Record<string, any>): void => {
    if (body.name !== undefined) run.name = body.name;
    if (body.details_url !== undefined) run.details_url = body.details_url;
    if (body.external_id !== undefined) run.external_id = body.external_id;
    if (body.started_at !== undefined) run.started_at = body.started_at;
    if (body.status !== undefined) run.status = body.status as CheckStatus;
    if (body.conclusion !== undefined) {
      run.conclusion = body.conclusion as CheckConclusion;
      run.status = 'completed';
    }
    if (run.status === 'completed') run.completed_at = body.completed_at ?? run.completed_at ?? store.timestamp();
    if (body.actions !== undefined) run.actions = body.actions;
    const output = body.output as Record<string, any> | undefined;
    if (output) {
      if (output.title !== undefined) run.output.title = output.title;
      if (output.summary !== undefined) run.output.summary = output.summary;
      if (output.text !== undefined) run.output.text = output.text;
      // GitHub appends annotations on every create/update.
      for (const a of (output.annotations ?? []) as StoredAnnotation[]) run.annotations.push({ ...a });
    }
  };

  const checkRunsOf = (owner: string, repo: string, sha?: string): StoredCheckRun[] => store.checkRunsOf(owner, repo, sha);

  const readContents = (ctx: Ctx): Reply => {
    const ref = ctx.query.get('ref') ?? undefined;
    if (ref !== undefined && !store.refExists(ctx.repo, ref)) {
      throw new HttpError(404, { message: `No commit found for the ref ${ref}`, documentation_url: DOCS, status: '404' });
    }
    const refName = ref ?? ctx.repo.defaultBranch;
    const files = store.filesAt(ctx.repo, ref);
    const path = ctx.params.path.replace(/^\/+|\/+$/g, '');
    const file = files?.get(path);
    if (file) {
      if (/\.raw\b|vnd\.github\.raw/.test(ctx.accept)) {
        return { status: 200, raw: { text: file.content, contentType: 'application/vnd.github.raw; charset=utf-8' } };
      }
      return ok(contentJson(store, ctx.repo, file, refName));
    }
    // A directory: the entries directly below it.
    const prefix = path === '' ? '' : `${path}/`;
    const entries = new Map<string, Record<string, unknown>>();
    for (const [filePath, stored] of files ?? []) {
      if (!filePath.startsWith(prefix)) continue;
      const rest = filePath.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash === -1 ? rest : rest.slice(0, slash);
      const entryPath = prefix + name;
      if (!entries.has(name))
        entries.set(
          name,
          directoryEntryJson(store, ctx.repo, entryPath, slash === -1 ? 'file' : 'dir', refName, slash === -1 ? stored : undefined),
        );
    }
    if (entries.size === 0) return notFound();
    return ok([...entries.keys()].sort().map((k) => entries.get(k)));
  };

  const pullDiff = (ctx: Ctx): string => {
    const pull = pullOf(ctx);
    return pull.files
      .map((f) => {
        const from = f.status === 'added' ? '/dev/null' : `a/${f.previous_filename ?? f.filename}`;
        const to = f.status === 'removed' ? '/dev/null' : `b/${f.filename}`;
        const header = `diff --git a/${f.previous_filename ?? f.filename} b/${f.filename}\n`;
        const mode = f.status === 'added' ? 'new file mode 100644\n' : f.status === 'removed' ? 'deleted file mode 100644\n' : '';
        return `${header}${mode}--- ${from}\n+++ ${to}\n${f.patch ? `${f.patch}\n` : ''}`;
      })
      .join('');
  };

  /** Commits reachable from `head` and not from `base`, oldest first. */
  const commitsBetween = (repo: StoredRepo, base: string, head: string): string[] => {
    const reachable = (start: string): Set<string> => {
      const seen = new Set<string>();
      const stack = [start];
      while (stack.length) {
        const sha = stack.pop()!;
        if (seen.has(sha)) continue;
        seen.add(sha);
        for (const parent of repo.commits.get(sha)?.parents ?? []) stack.push(parent);
      }
      return seen;
    };
    const fromBase = reachable(base);
    return [...reachable(head)].filter((sha) => !fromBase.has(sha) && repo.commits.has(sha)).reverse();
  };

  return [
    { method: 'GET', template: '/app', auth: 'app', handler: (ctx) => ok(appJson(store, store.app(appIdOf(ctx)))) },
    {
      method: 'GET',
      template: '/app/installations/{installation_id}',
      auth: 'app',
      handler: (ctx) => ok(installationJson(store, store.installations.get(Number(ctx.params.installation_id)) ?? notFound())),
    },
    {
      method: 'POST',
      template: '/app/installations/{installation_id}/access_tokens',
      auth: 'app',
      handler: (ctx) => {
        const installation = store.installations.get(Number(ctx.params.installation_id)) ?? notFound();
        const token = store.issueToken(installation.id, ctx.auth.appId);
        countToken();
        return {
          status: 201,
          body: {
            token: token.token,
            expires_at: new Date(token.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
            permissions: ctx.body?.permissions ?? { checks: 'write', contents: 'read', metadata: 'read', pull_requests: 'write' },
            repository_selection: 'selected',
          },
        };
      },
    },
    {
      // The repositories the token's installation can see, oldest first, in GitHub's envelope.
      method: 'GET',
      template: '/installation/repositories',
      auth: 'installation',
      handler: (ctx) => {
        const visible = [...store.repos.values()].filter((r) => r.installationId === ctx.auth.installationId).sort((a, b) => a.id - b.id);
        const { page, headers } = paginate(ctx, api(), visible);
        return ok(
          { total_count: visible.length, repository_selection: 'selected', repositories: page.map((r) => repoJson(store, r)) },
          headers,
        );
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/installation',
      auth: 'app',
      handler: (ctx) => ok(installationJson(store, store.installations.get(ctx.repo.installationId)!)),
    },
    { method: 'GET', template: '/repos/{owner}/{repo}', auth: 'installation', handler: (ctx) => ok(repoJson(store, ctx.repo)) },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}',
      auth: 'installation',
      handler: (ctx) => {
        if (/vnd\.github(\.v3)?\.diff/.test(ctx.accept))
          return { status: 200, raw: { text: pullDiff(ctx), contentType: 'application/vnd.github.diff; charset=utf-8' } };
        return ok(pullJson(store, ctx.repo, pullOf(ctx)));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}/files',
      auth: 'installation',
      // GitHub lists at most 3,000 files of a pull request.
      handler: (ctx) => {
        const pull = pullOf(ctx);
        return list(ctx, pull.files.slice(0, 3000), (f) => fileChangeJson(store, ctx.repo, pull.head.sha, f));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      auth: 'installation',
      handler: (ctx) => {
        const pull = pullOf(ctx);
        return list(ctx, pull.reviews, (r) => reviewJson(store, ctx.repo, pull, r));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls/{pull_number}/commits',
      auth: 'installation',
      // GitHub lists at most 250 commits of a pull request.
      handler: (ctx) => list(ctx, pullOf(ctx).commits.slice(0, 250), (sha) => commitJson(store, ctx.repo, ctx.repo.commits.get(sha)!)),
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/commits/{commit_sha}/pulls',
      auth: 'installation',
      handler: (ctx) => list(ctx, store.pullsForCommit(ctx.repo, ctx.params.commit_sha), (p) => pullJson(store, ctx.repo, p)),
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/commits/{ref}',
      auth: 'installation',
      handler: (ctx) => {
        const commit = ctx.repo.commits.get(store.resolveSha(ctx.repo, ctx.params.ref));
        if (!commit) invalid(`No commit found for SHA: ${ctx.params.ref}`);
        return ok(commitJson(store, ctx.repo, commit!, true));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/compare/{basehead}',
      auth: 'installation',
      handler: (ctx) => {
        const [baseRef, headRef] = ctx.params.basehead.split('...');
        if (!headRef) return notFound();
        const base = store.resolveSha(ctx.repo, baseRef);
        const head = store.resolveSha(ctx.repo, headRef);
        if (!ctx.repo.commits.has(head)) return notFound();
        const ahead = commitsBetween(ctx.repo, base, head);
        const behind = commitsBetween(ctx.repo, head, base);
        const { page, headers } = paginate(ctx, api(), ahead, { defaultPerPage: 250, maxPerPage: 250 });
        const files = new Map<string, ReturnType<typeof fileChangeJson>>();
        for (const sha of ahead)
          for (const f of ctx.repo.commits.get(sha)!.files) files.set(f.filename, fileChangeJson(store, ctx.repo, head, f));
        const full = `${ctx.repo.owner}/${ctx.repo.name}`;
        return ok(
          {
            url: `${api()}/repos/${full}/compare/${ctx.params.basehead}`,
            html_url: `https://github.com/${full}/compare/${ctx.params.basehead}`,
            base_commit: ctx.repo.commits.has(base) ? commitJson(store, ctx.repo, ctx.repo.commits.get(base)!) : null,
            status: ahead.length && behind.length ? 'diverged' : ahead.length ? 'ahead' : behind.length ? 'behind' : 'identical',
            ahead_by: ahead.length,
            behind_by: behind.length,
            total_commits: ahead.length,
            commits: page.map((sha) => commitJson(store, ctx.repo, ctx.repo.commits.get(sha)!)),
            // Up to 300 files of the whole comparison, on the first page only.
            files: ctx.query.get('page') === null || Number(ctx.query.get('page')) <= 1 ? [...files.values()].slice(0, 300) : [],
          },
          headers,
        );
      },
    },
    { method: 'GET', template: '/repos/{owner}/{repo}/contents/{path}', auth: 'installation', handler: readContents },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
      auth: 'installation',
      handler: (ctx) => {
        const sha = store.resolveSha(ctx.repo, ctx.params.ref);
        const name = ctx.query.get('check_name');
        const status = ctx.query.get('status');
        const appId = ctx.query.get('app_id');
        let runs = checkRunsOf(ctx.repo.owner, ctx.repo.name, sha)
          .filter(
            (r) =>
              (name === null || r.name === name) &&
              (status === null || r.status === status) &&
              (appId === null || r.appId === Number(appId)),
          )
          .sort((a, b) => b.id - a.id);
        if ((ctx.query.get('filter') ?? 'latest') === 'latest') {
          const seen = new Set<string>();
          runs = runs.filter((r) => {
            const key = `${r.appId}\0${r.name}`;
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          });
        }
        const { page, headers } = paginate(ctx, api(), runs);
        return ok({ total_count: runs.length, check_runs: page.map((r) => checkRunJson(store, ctx.repo, r)) }, headers);
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs',
      auth: 'installation',
      handler: (ctx) => {
        const suite = store.suitesById.get(Number(ctx.params.check_suite_id));
        if (!suite || store.getRepo(suite.owner, suite.repo) !== ctx.repo) return notFound();
        const runs = [...store.checkRunsById.values()].filter((r) => r.suiteId === suite.id).sort((a, b) => b.id - a.id);
        const { page, headers } = paginate(ctx, api(), runs);
        return ok({ total_count: runs.length, check_runs: page.map((r) => checkRunJson(store, ctx.repo, r)) }, headers);
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/check-runs',
      auth: 'installation',
      handler: (ctx) => {
        const body = ctx.body as Record<string, any>;
        validateCheckRunBody(body, true);
        const appId = appIdOf(ctx);
        const suite = store.suiteFor(ctx.repo.owner, ctx.repo.name, body.head_sha, appId);
        const run: StoredCheckRun = {
          id: store.newCheckRunId(),
          owner: ctx.repo.owner,
          repo: ctx.repo.name,
          head_sha: body.head_sha,
          name: body.name,
          status: 'queued',
          conclusion: null,
          started_at: store.timestamp(),
          completed_at: null,
          external_id: null,
          details_url: null,
          output: { title: null, summary: null, text: null },
          annotations: [],
          actions: [],
          appId,
          suiteId: suite.id,
          updates: 0,
        };
        applyCheckRunBody(run, body);
        store.addCheckRun(run);
        return { status: 201, body: checkRunJson(store, ctx.repo, run) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
      auth: 'installation',
      handler: (ctx) => ok(checkRunJson(store, ctx.repo, runOf(ctx))),
    },
    {
      method: 'PATCH',
      template: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
      auth: 'installation',
      handler: (ctx) => {
        const run = runOf(ctx);
        if (run.appId !== appIdOf(ctx)) {
          throw new HttpError(403, { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' });
        }
        validateCheckRunBody(ctx.body as Record<string, any>, false);
        applyCheckRunBody(run, ctx.body as Record<string, any>);
        run.updates++;
        return ok(checkRunJson(store, ctx.repo, run));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations',
      auth: 'installation',
      handler: (ctx) => {
        const run = runOf(ctx);
        return list(
          ctx,
          run.annotations.map((_, i) => i),
          (i) => annotationJson(run, i),
        );
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      auth: 'installation',
      handler: (ctx) => list(ctx, issueOf(ctx).comments, (c) => commentJson(store, ctx.repo, c)),
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      auth: 'installation',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const appId = appIdOf(ctx);
        const comment = store.addComment(ctx.repo, issue.number, ctx.body.body, `${store.app(appId).slug}[bot]`, appId);
        return { status: 201, body: commentJson(store, ctx.repo, comment) };
      },
    },
    {
      method: 'PATCH',
      template: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
      auth: 'installation',
      handler: (ctx) => {
        const comment = store.commentsById.get(Number(ctx.params.comment_id));
        if (!comment || store.getRepo(comment.owner, comment.repo) !== ctx.repo) return notFound();
        comment.body = ctx.body.body;
        comment.updated_at = store.timestamp();
        return ok(commentJson(store, ctx.repo, comment));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
      auth: 'installation',
      handler: (ctx) => {
        issueOf(ctx);
        return list(ctx, issueLabelsJson(store, ctx.repo, Number(ctx.params.issue_number)), (l) => l);
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
      auth: 'installation',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const given = Array.isArray(ctx.body) ? ctx.body : (ctx.body?.labels ?? []);
        for (const entry of given as Array<string | { name: string }>)
          store.addIssueLabel(ctx.repo, issue, typeof entry === 'string' ? entry : entry.name);
        return ok(issueLabelsJson(store, ctx.repo, issue.number));
      },
    },
    {
      method: 'PUT',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
      auth: 'installation',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        issue.labels = [];
        const given = Array.isArray(ctx.body) ? ctx.body : (ctx.body?.labels ?? []);
        for (const entry of given as Array<string | { name: string }>)
          store.addIssueLabel(ctx.repo, issue, typeof entry === 'string' ? entry : entry.name);
        return ok(issueLabelsJson(store, ctx.repo, issue.number));
      },
    },
    {
      method: 'DELETE',
      template: '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}',
      auth: 'installation',
      handler: (ctx) => {
        const issue = issueOf(ctx);
        const index = issue.labels.findIndex((l) => l.toLowerCase() === ctx.params.name.toLowerCase());
        if (index === -1) throw new HttpError(404, { message: 'Label does not exist', documentation_url: DOCS, status: '404' });
        issue.labels.splice(index, 1);
        return ok(issueLabelsJson(store, ctx.repo, issue.number));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/labels',
      auth: 'installation',
      handler: (ctx) => list(ctx, [...ctx.repo.labels.values()], (l) => labelJson(store, ctx.repo, l)),
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/labels/{name}',
      auth: 'installation',
      handler: (ctx) => ok(labelJson(store, ctx.repo, ctx.repo.labels.get(ctx.params.name.toLowerCase()) ?? notFound())),
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/labels',
      auth: 'installation',
      handler: (ctx) => {
        if (ctx.repo.labels.has(String(ctx.body.name).toLowerCase())) {
          // Not a misuse of the API: GitHub's answer when the label exists, so not recorded as a violation.
          throw new HttpError(422, {
            message: 'Validation Failed',
            errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
            documentation_url: `${DOCS}/issues/labels#create-a-label`,
            status: '422',
          });
        }
        return { status: 201, body: labelJson(store, ctx.repo, store.createLabel(ctx.repo, ctx.body)) };
      },
    },
  ];
}
