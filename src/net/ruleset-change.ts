import { NFT_TABLE, type Ruleset } from './nft-ruleset.js';

/**
 * The `nft -f` text that turns `applied` into `next`: only element additions and deletions when
 * the skeletons match (adding elements commits in a few milliseconds, where replacing rules
 * waits for the kernel's grace period, about 15 ms on every attach), the whole text otherwise.
 * Undefined when nothing changes.
 */
export function rulesetChange(applied: Ruleset | undefined, next: Ruleset): string | undefined {
  if (!applied || applied.skeleton !== next.skeleton) return next.text;
  const lines: string[] = [];
  for (const [key, addresses] of next.sets) {
    const before = new Set(applied.sets.get(key) ?? []);
    const after = new Set(addresses);
    const [family, name] = key.split(' ') as [string, string];
    const removed = [...before].filter((a) => !after.has(a));
    const added = addresses.filter((a) => !before.has(a));
    if (removed.length > 0) lines.push(`delete element ${family} ${NFT_TABLE} ${name} { ${removed.join(', ')} }`);
    if (added.length > 0) lines.push(`add element ${family} ${NFT_TABLE} ${name} { ${added.join(', ')} }`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : undefined;
}
