import { cmd } from '../exec/command.js';
import { runCommand } from '../exec/run-command.js';
import { buildTestImages, type TestImage } from '../image-builder/build-test-images.js';

/**
 * The demo's images, built from Debian packages (busybox-static, redis-server, postgresql-15,
 * rabbitmq-server) with umoci, cached by their inputs, and pushed to the local registry under the
 * names the example task files use (`<registry>/bubo/demo-web:1`, `<registry>/bubo/redis:7`,
 * `<registry>/bubo/postgres:15` and `<registry>/bubo/rabbitmq:3`, which `bubo up` does not deploy
 * but examples/postgres and examples/rabbitmq do).
 */
export async function ensureDemoImages(options: {
  registryHost: string;
  log: (line: string) => void;
  signal: AbortSignal;
  /** Default: the user's cache (`~/.cache/bubo/test-images`), shared with the test suite. */
  cacheDir?: string;
}): Promise<string[]> {
  const images = await buildTestImages({
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    onProgress: (line) => options.log(line),
  });
  const pushed: string[] = [];
  for (const image of [images.redis, images.demoWeb, images.postgres, images.rabbitmq]) pushed.push(await push(image, options.registryHost, options.signal));
  options.log(`images ${pushed.join(', ')} are in the local registry`);
  return pushed;
}

async function push(image: TestImage, registryHost: string, signal: AbortSignal): Promise<string> {
  const reference = `${registryHost}/${image.repo}:${image.tag}`;
  await runCommand(cmd('skopeo', 'copy', '--quiet', '--dest-tls-verify=false', `oci:${image.layout}:${image.tag}`, `docker://${reference}`), signal);
  return reference;
}
