/**
 * Image → program. User entries (from <data-dir>/images.yaml and the ConfigMap
 * kube-system/svcnet-images, key `images.yaml`) come before the built-ins. Format:
 *
 *   images:
 *   - pattern: "myorg/web*"        # glob on the repository (no registry/tag) or the whole reference
 *     command: ["/usr/bin/python3", "-m", "http.server"]
 *     args: ["8080"]                # optional: the image's default arguments
 *     env: { GREETING: hello }      # optional
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { SvcnetError } from '../../common/errors.js';
import { builtinImages, containerPath, type ImageRecipe } from './builtins.js';
import { imageMatches, parseImageRef } from './reference.js';

export interface UserImageEntry {
  pattern: string;
  command: string[];
  args?: string[];
  env?: Record<string, string>;
}

/** Parses the user format; throws a SvcnetError saying what is wrong. */
export function parseUserCatalog(text: string, origin: string): UserImageEntry[] {
  const doc = (parseYaml(text) ?? {}) as { images?: unknown };
  const list = doc.images ?? [];
  if (!Array.isArray(list)) throw new SvcnetError('InvalidImageCatalog', `${origin}: "images" must be a list`);
  return list.map((e: Partial<UserImageEntry>, i) => {
    if (!e || typeof e.pattern !== 'string' || !Array.isArray(e.command) || e.command.length === 0) {
      throw new SvcnetError('InvalidImageCatalog', `${origin}: images[${i}] needs "pattern" (string) and "command" (non-empty list)`);
    }
    return { pattern: e.pattern, command: e.command.map(String), args: (e.args ?? []).map(String), env: e.env ?? {} };
  });
}

function userRecipe(e: UserImageEntry, origin: string): ImageRecipe {
  return {
    source: `${origin} pattern ${e.pattern}`,
    entrypoint: () => e.command,
    cmd: e.args ?? [],
    env: (ctx) => ({ PATH: containerPath(ctx.paths), ...e.env }),
  };
}

export class ImageCatalog {
  readonly #filePath: string;
  #configMapEntries: UserImageEntry[] = [];

  constructor(filePath: string) {
    this.#filePath = filePath;
  }

  /** Entries of the ConfigMap kube-system/svcnet-images (the agent watches it). */
  setConfigMapEntries(entries: UserImageEntry[]): void {
    this.#configMapEntries = entries;
  }

  /** Read on every lookup so edits to images.yaml apply to the next container start. */
  #fileEntries(): UserImageEntry[] {
    if (!existsSync(this.#filePath)) return [];
    return parseUserCatalog(readFileSync(this.#filePath, 'utf8'), this.#filePath);
  }

  resolve(image: string): ImageRecipe | undefined {
    const ref = parseImageRef(image);
    for (const [origin, entries] of [[this.#filePath, this.#fileEntries()], ['ConfigMap kube-system/svcnet-images', this.#configMapEntries]] as const) {
      const hit = entries.find((e) => imageMatches(e.pattern, ref));
      if (hit) return userRecipe(hit, origin);
    }
    return builtinImages.find(([pattern]) => imageMatches(pattern, ref))?.[1];
  }

  /** What the Warning event and the waiting message say when an image is unknown. */
  howToAdd(image: string): string {
    return `image "${image}" is not in svcnet's image catalog (there is no registry: an image runs a program on the node); add an entry "- pattern: ${parseImageRef(image).repository}" with "command: [...]" under "images:" in ${this.#filePath} or in the "images.yaml" key of ConfigMap kube-system/svcnet-images`;
  }
}

/** Docker semantics: command replaces the entrypoint (and drops the image's args); args replace cmd. */
export function containerArgv(recipe: ImageRecipe, entrypoint: string[], command?: string[], args?: string[]): string[] {
  if (command && command.length) return [...command, ...(args ?? [])];
  return [...entrypoint, ...(args && args.length ? args : recipe.cmd)];
}
