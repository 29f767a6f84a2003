import type { ImageProvider, PulledImage } from '../images/image-provider.js';
import { RuntimeStartError } from './runtime.js';

/** Pulls one image of a start; a failure becomes the start's error, naming the image. */
export async function pullImageForStart(images: ImageProvider, image: string, signal?: AbortSignal): Promise<PulledImage> {
  try {
    return await images.pull(image, signal ? { signal } : {});
  } catch (error) {
    // Pull errors already name the image and say what is wrong with it.
    const message = (error as Error).message;
    throw new RuntimeStartError(message.includes(image) ? message : `image ${image}: ${message}`);
  }
}
