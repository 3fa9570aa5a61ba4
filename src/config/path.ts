/** Where the configuration lives in a repository (kept apart so light callers need not load the schema). */
export const CONFIG_PATH = '.github/monoenv.yml';
