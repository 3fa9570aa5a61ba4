// Rewrites docs/configuration.md from the zod schema: `npm run docs:config`.
import { writeFileSync } from 'node:fs';
import { renderConfigurationDoc } from '../src/config/doc.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfigurationDoc());
