import { dig } from '../../test/support/test-dns-client.js';
import type { BenchQuery } from './bench-queries.js';

export interface Server {
  label: string;
  address: { address: string; port: number };
}

/** One way a server's answer differs from what the catalog says. */
export interface AnswerMismatch {
  server: string;
  query: string;
  problem: string;
}

/**
 * Asks every server every query of `sample` with dig, as dnsperf asks (UDP, no EDNS, no retry
 * over TCP), and lists each difference from the expected answer: status, TC flag, answer and
 * additional records compared as sets (TTL included; the order is free). Empty when all agree.
 * The authority section is not compared: bubo puts its SOA in negative answers, dnsmasq
 * (`--local`, not authoritative) none.
 */
export async function verifyAnswers(servers: readonly Server[], sample: readonly BenchQuery[]): Promise<AnswerMismatch[]> {
  const mismatches: AnswerMismatch[] = [];
  const sorted = (xs: readonly string[]) => [...xs].map((x) => x.toLowerCase()).sort();
  const same = (a: readonly string[], b: readonly string[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
  const jobs = servers.flatMap((server) => sample.map((query) => ({ server, query })));
  // A few dig processes at a time: enough to be quick, few enough for 2 cores.
  for (let i = 0; i < jobs.length; i += 8) {
    await Promise.all(
      jobs.slice(i, i + 8).map(async ({ server, query }) => {
        const add = (problem: string) => mismatches.push({ server: server.label, query: `${query.name} ${query.type}`, problem });
        const got = await digAgainOnSilence(server.address, ['+noedns', '+ignore', query.name, query.type]).catch((error: Error) => {
          add(`no answer from dig: ${error.message.split('\n')[0]}`);
          return null;
        });
        if (got === null) return;
        if (got.status !== query.status) add(`status ${got.status}, expected ${query.status}`);
        if (got.flags.includes('tc')) add('truncated (TC) over UDP without EDNS');
        if (!same(got.answer, query.answer)) add(`answer [${got.answer.join(' | ')}], expected [${query.answer.join(' | ')}]`);
        if (!same(got.additional, query.additional)) {
          add(`additional [${got.additional.join(' | ')}], expected [${query.additional.join(' | ')}]`);
        }
      }),
    );
  }
  return mismatches;
}

/** Every query kind at least twice, then every `stride`-th query: about `size` queries. */
export function sampleQueries(queries: readonly BenchQuery[], size: number): BenchQuery[] {
  const picked = new Set<BenchQuery>();
  for (const kind of ['app', 'srv', 'instance', 'nxdomain'] as const) {
    for (const q of queries.filter((x) => x.kind === kind).slice(0, 2)) picked.add(q);
  }
  const stride = Math.max(1, Math.floor(queries.length / size));
  for (let i = stride - 1; i < queries.length && picked.size < size + 8; i += stride) picked.add(queries[i]!);
  return [...picked];
}

/**
 * dig, asked again (up to three times in all) when no answer came within its 3 s: this checks
 * what the answers say, and a UDP answer that a starved 2-core machine delivered late is not a
 * wrong one (the benchmark itself counts lost queries). A wrong answer is never retried.
 */
async function digAgainOnSilence(server: Server['address'], args: string[]): ReturnType<typeof dig> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dig(server, args);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}
