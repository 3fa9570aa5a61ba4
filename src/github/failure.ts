/** Log lines that say what finally failed. */

/** What finally failed, in one line: the GitHub request and its answer when it was one. */
export function describeFailure(error: unknown): string {
  const failed = error as { status?: number; message?: string; request?: { method?: string; url?: string }; response?: unknown };
  const message = (failed.message ?? String(error)).split('\n')[0];
  if (failed.request?.method === undefined || failed.request.url === undefined) return message;
  // The URL without its query (it can hold nothing secret, but keeps the line short).
  const url = failed.request.url.split('?')[0];
  const answer = failed.response === undefined ? 'got no answer' : `answered ${failed.status}`;
  return `${failed.request.method} ${url} ${answer} (${message}) after the retries`;
}
