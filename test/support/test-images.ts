import { buildTestImages, type TestImage, type TestImages } from '../../src/image-builder/build-test-images.js';
import type { Registry } from './registry.js';

export type { TestImage, TestImages } from '../../src/image-builder/build-test-images.js';

let built: Promise<TestImages> | undefined;

/** Set by the e2e global setup to the images it built (JSON `TestImages`), so test files need not find them again. */
export const TEST_IMAGES_ENV = 'BUBO_TEST_IMAGES';

/** The test images, built once per process (and cached across runs; see test-images/README.md). */
export function testImages(): Promise<TestImages> {
  const given = process.env[TEST_IMAGES_ENV];
  if (given) built ??= Promise.resolve(JSON.parse(given) as TestImages);
  built ??= buildTestImages().catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return built;
}

export interface PushedTestImages {
  httpdV1: string;
  httpdV2: string;
  redis: string;
  demoWeb: string;
}

/**
 * Pushes every test image as `<registry>/bubo/<name>:<tag>` and returns the references; `images`
 * defaults to `testImages()`.
 */
export async function pushTestImages(registry: Pick<Registry, 'push'>, images?: TestImages): Promise<PushedTestImages> {
  images ??= await testImages();
  const push = (image: TestImage) => registry.push(image.layout, image.tag, image.repo);
  return {
    httpdV1: await push(images.httpdV1),
    httpdV2: await push(images.httpdV2),
    redis: await push(images.redis),
    demoWeb: await push(images.demoWeb),
  };
}
