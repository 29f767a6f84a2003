import { describe, expect, it } from 'vitest';
import { DnsperfOutputError, dnsperfArgv, parseDnsperfOutput } from './dnsperf-output.js';

// Outputs of dnsperf 2.10.0 (Debian 12), trimmed of the status lines above "Statistics:".
const answered = `
Statistics:

  Queries sent:         133477
  Queries completed:    133477 (100.00%)
  Queries lost:         0 (0.00%)

  Response codes:       NOERROR 88985 (66.67%), NXDOMAIN 44492 (33.33%)
  Average packet size:  request 46, response 124
  Run time (s):         2.031992
  Queries per second:   65687.758613

  Average Latency (s):  0.001337 (min 0.000017, max 0.104264)
  Latency StdDev (s):   0.003315
`;

const someLost = `
[Timeout] Query timed out: msg id 17
Statistics:

  Queries sent:         250114
  Queries completed:    249500 (99.75%)
  Queries lost:         614 (0.25%)

  Response codes:       NOERROR 239520 (96.00%), NXDOMAIN 9980 (4.00%)
  Average packet size:  request 47, response 190
  Run time (s):         3.000420
  Queries per second:   83154.664347

  Average Latency (s):  0.003523 (min 0.000051, max 0.040710)
  Latency StdDev (s):   0.002130
`;

const noneAnswered = `
[Timeout] Query timed out: msg id 9
[Status] Testing complete (time limit)

Statistics:

  Queries sent:         10
  Queries completed:    0 (0.00%)
  Queries lost:         10 (100.00%)

  Response codes:       
  Average packet size:  request 45, response 0
  Run time (s):         1.000172
  Queries per second:   0.000000

  Average Latency (s):  0.000000 (min 0.000000, max 0.000000)
`;

describe('parseDnsperfOutput', () => {
  it.each([
    {
      name: 'all answered',
      output: answered,
      expected: {
        queriesSent: 133477, queriesCompleted: 133477, queriesLost: 0, queriesPerSecond: 65687.758613, runTimeSeconds: 2.031992,
        responseCodes: { NOERROR: 88985, NXDOMAIN: 44492 },
        latency: { avgMs: 1.337, minMs: 0.017, maxMs: 104.264, stddevMs: 3.315 },
      },
    },
    {
      name: 'some lost',
      output: someLost,
      expected: {
        queriesSent: 250114, queriesCompleted: 249500, queriesLost: 614, queriesPerSecond: 83154.664347, runTimeSeconds: 3.00042,
        responseCodes: { NOERROR: 239520, NXDOMAIN: 9980 },
        latency: { avgMs: 3.523, minMs: 0.051, maxMs: 40.71, stddevMs: 2.13 },
      },
    },
    {
      name: 'nothing answered (no StdDev line, no response codes)',
      output: noneAnswered,
      expected: {
        queriesSent: 10, queriesCompleted: 0, queriesLost: 10, queriesPerSecond: 0, runTimeSeconds: 1.000172,
        responseCodes: {},
        latency: { avgMs: 0, minMs: 0, maxMs: 0, stddevMs: 0 },
      },
    },
  ])('reads the statistics when $name', ({ output, expected }) => {
    const result = parseDnsperfOutput(output);
    expect({ ...result, latency: {} }).toEqual({ ...expected, latency: {} });
    for (const key of ['avgMs', 'minMs', 'maxMs', 'stddevMs'] as const) expect(result.latency[key]).toBeCloseTo(expected.latency[key], 9);
  });

  it('names the missing line when the output is not a dnsperf summary', () => {
    const cut = answered.replace(/^ {2}Queries per second:.*$/m, '');
    expect(() => parseDnsperfOutput(cut)).toThrow(DnsperfOutputError);
    expect(() => parseDnsperfOutput(cut)).toThrow(/no "Queries per second" line/);
  });
});

describe('dnsperfArgv', () => {
  it('asks one thread over UDP with the given load', () => {
    expect(dnsperfArgv({ port: 5300, queryFile: '/tmp/q.txt', seconds: 10, clients: 4, outstanding: 100 })).toEqual([
      'dnsperf', '-s', '127.0.0.1', '-p', '5300', '-d', '/tmp/q.txt', '-l', '10', '-c', '4', '-q', '100', '-T', '1', '-t', '2',
    ]);
  });
});
