/**
 * The report's GraphQL client: one POST per query, GitHub's errors turned into one readable reason, and
 * every request and rate-limit point counted so the report can say what it cost.
 */

/** A GitHub answer the report cannot use; its message is shown to the user as the reason. */
export class GitHubError extends Error {
  override name = 'GitHubError';
}

export interface GraphqlEndpoint {
  /** GITHUB_API_URL, e.g. https://api.github.com or https://ghe.example/api/v3 */
  apiUrl: string;
  token: string | undefined;
  fetch?: typeof fetch;
}

/** What the requests of one run cost. */
export interface Spend {
  requests: number;
  /** Points GitHub charged (from `rateLimit { cost }` when the query asks for it). */
  points: number;
}

/** GraphQL lives at /graphql on github.com and at /api/graphql on GitHub Enterprise Server (REST at /api/v3). */
export function graphqlUrl(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, '');
  return /\/api\/v3$/.test(base) ? base.replace(/\/v3$/, '/graphql') : `${base}/graphql`;
}

const RETRIES = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one query. A 502/503/504 (GitHub's answer to a query that took too long) is retried twice after a
 * pause; anything else that is not data becomes a GitHubError.
 */
export interface GraphqlError {
  message: string;
  type?: string;
  path?: (string | number)[];
}

export async function graphqlRequest<T>(
  endpoint: GraphqlEndpoint,
  query: string,
  variables: Record<string, unknown>,
  spend?: Spend,
  /** Errors that leave the rest of the answer usable (e.g. one alias NOT_FOUND in a batch). */
  tolerate?: (error: GraphqlError) => boolean,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (spend) spend.requests++;
    const response = await (endpoint.fetch ?? fetch)(graphqlUrl(endpoint.apiUrl), {
      method: 'POST',
      headers: {
        authorization: `bearer ${endpoint.token}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'monoenv-report',
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    if ([502, 503, 504].includes(response.status) && attempt < RETRIES) {
      await sleep(250 * 2 ** attempt);
      continue;
    }
    let body: { data?: T & { rateLimit?: { cost?: number } }; errors?: GraphqlError[]; message?: string };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new GitHubError(`HTTP ${response.status}: not JSON`);
    }
    if (!response.ok) throw new GitHubError(`HTTP ${response.status}: ${body.message ?? body.errors?.[0]?.message ?? response.statusText}`);
    const fatal = body.errors?.filter((e) => !(tolerate?.(e) && body.data)) ?? [];
    if (fatal.length) throw new GitHubError(fatal.map((e) => e.message).join('; '));
    if (!body.data) throw new GitHubError('GitHub answered without data');
    if (spend) spend.points += body.data.rateLimit?.cost ?? 0;
    return body.data;
  }
}
