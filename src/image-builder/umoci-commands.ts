import type { Command } from '../exec/command.js';

/** Image configuration as `umoci config` sets it (a fresh `umoci new` image has none of these). */
export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingdir: string;
  exposedports: string[];
}

/** `layout:tag`, umoci's and skopeo's `oci:` image reference within a layout directory. */
const ref = (layout: string, tag: string): string => `${layout}:${tag}`;

export const umoci = {
  init: (layout: string): Command => ({ argv: ['umoci', 'init', '--layout', layout] }),
  new: (layout: string, tag: string): Command => ({ argv: ['umoci', 'new', '--image', ref(layout, tag)] }),
  /** Needs root (we build as root); writes `bundle/rootfs` and `bundle/config.json`. */
  unpack: (layout: string, tag: string, bundle: string): Command => ({ argv: ['umoci', 'unpack', '--image', ref(layout, tag), bundle] }),
  repack: (layout: string, tag: string, bundle: string): Command => ({
    argv: ['umoci', 'repack', '--image', ref(layout, tag), '--history.created_by', 'bubo test-images/build-test-images.ts', bundle],
  }),
  /**
   * Replaces the tag's image with one carrying `config`; flags repeat for list values. umoci
   * silently drops empty values, so they are refused here instead.
   */
  config: (layout: string, tag: string, config: ImageConfig): Command => {
    refuseEmptyValues(config);
    return {
      argv: [
        'umoci',
        'config',
        '--image',
        ref(layout, tag),
        '--author',
        'bubo test-images',
        ...config.entrypoint.flatMap((arg) => ['--config.entrypoint', arg]),
        ...config.cmd.flatMap((arg) => ['--config.cmd', arg]),
        ...config.env.flatMap((pair) => ['--config.env', pair]),
        '--config.workingdir',
        config.workingdir,
        ...config.exposedports.flatMap((port) => ['--config.exposedports', port]),
      ],
    };
  },
};

function refuseEmptyValues(config: ImageConfig): void {
  for (const [field, values] of Object.entries(config)) {
    if ((Array.isArray(values) ? values : [values]).includes('')) {
      throw new Error(`Cannot set image config ${field}: umoci drops empty values, so ${JSON.stringify(values)} would not be stored as written`);
    }
  }
}
