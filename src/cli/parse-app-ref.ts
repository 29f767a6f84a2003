import { UsageError } from './usage-error.js';

export interface AppRef {
  namespace: string;
  app: string;
}

/** `APP` or `namespace/app`; a bare name lives in `-n` (default `default`). */
export function parseAppRef(arg: string, namespace = 'default'): AppRef {
  const parts = arg.split('/');
  const [first, second] = parts;
  if (parts.length === 1 && first) return { namespace, app: first };
  if (parts.length === 2 && first && second) return { namespace: first, app: second };
  throw new UsageError(`"${arg}" is not an app; write APP or NAMESPACE/APP, e.g. shop or default/shop`);
}

export function formatAppRef(ref: AppRef): string {
  return `${ref.namespace}/${ref.app}`;
}
