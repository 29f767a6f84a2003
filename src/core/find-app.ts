import { type App, appId } from '../domain/app.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { Store } from '../store/store.js';

/** Loads an app or fails with a message that names it the way the user wrote it. */
export async function findApp(store: Store, namespace: string, name: string): Promise<App> {
  const app = await store.getApp(appId(namespace, name));
  if (!app || app.destroying) {
    throw new NotFoundError('app', `${namespace}/${name}`, 'see "bubo status" for the apps that exist');
  }
  return app;
}
