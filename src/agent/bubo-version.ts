import { readFileSync } from 'node:fs';

/**
 * The version of this installation (package.json, found from src/ and dist/ alike). The agent
 * compares it with what its DNS process recorded: after an upgrade the old process is replaced.
 */
export const BUBO_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
