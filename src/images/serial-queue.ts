/**
 * Runs tasks one at a time, in call order. Used for everything that reads or rewrites the shared
 * layout's index.json: skopeo and umoci rewrite it without locking, so two writers would lose a tag.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
