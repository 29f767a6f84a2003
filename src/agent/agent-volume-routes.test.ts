import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentCaller } from '../client/agent-caller.js';
import { runCommand } from '../exec/run-command.js';
import { backupName, backupVolume, restoreVolume } from '../volumes/backup-archive.js';
import { createDirVolumeDriver } from '../volumes/dir/create-dir-volume-driver.js';
import type { VolumeDriver } from '../volumes/volume-driver.js';
import { type RunningAgentHttp, startAgentHttp } from './agent-http.js';

const TOKEN = 'agent-token-volumes';

/** The agent's volume routes over real HTTP, called the way the server calls them, on a real `dir` driver. */
describe('the agent listener: /v1/local/volumes', () => {
  let dir: string;
  let driver: VolumeDriver;
  let agent: RunningAgentHttp;
  const call = agentCaller(TOKEN);
  const ask = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) =>
    call({ agentUrl: agent.url, hostName: 'h1', hostAddress: '127.0.0.1', method, path, ...(body === undefined ? {} : { body }), timeoutMs: 10_000 });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-agent-volumes-'));
    driver = createDirVolumeDriver({ dir: join(dir, 'volumes'), exec: runCommand });
    agent = await startAgentHttp({
      listen: '127.0.0.1:0',
      token: TOKEN,
      runtimes: [],
      volumes: {
        driver,
        backup: (id, to) => backupVolume(driver, runCommand, id, to, Date.parse('2026-12-04T00:00:00Z')),
        restoreArchive: (id, archive) => restoreVolume(driver, runCommand, { id, sizeMib: 0 }, archive, join(dir, 'volumes', id)),
      },
    });
    await driver.ensure({ id: 'default.pg.data.0', sizeMib: 64 });
    await writeFile(join(await driver.mount({ id: 'default.pg.data.0', sizeMib: 64 }), 'rows'), 'one\n');
  });
  afterEach(async () => {
    await agent.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports usage of the volumes it holds and ignores ids it does not', async () => {
    expect(await ask('GET', '/v1/local/volumes?ids=default.pg.data.0,default.other.data.0')).toEqual({ volumes: [{ id: 'default.pg.data.0', size_mib: 64, used_mib: expect.any(Number) }] });
  });

  it('takes, lists and restores snapshots; refuses a taken name, a bad name and an unknown snapshot', async () => {
    expect(await ask('POST', '/v1/local/volumes/default.pg.data.0/snapshots', { name: 'before' })).toEqual({ ok: true });
    await expect(ask('POST', '/v1/local/volumes/default.pg.data.0/snapshots', { name: 'before' })).rejects.toMatchObject({ code: 'conflict', status: 409 });
    await expect(ask('POST', '/v1/local/volumes/default.pg.data.0/snapshots', { name: '../x' })).rejects.toMatchObject({ code: 'invalid_request', status: 400 });
    expect(await ask('GET', '/v1/local/volumes/default.pg.data.0/snapshots')).toEqual({ snapshots: ['before'] });
    await writeFile(join(dir, 'volumes', 'default.pg.data.0', 'data', 'rows'), 'one\ntwo\n');
    await expect(ask('POST', '/v1/local/volumes/default.pg.data.0/restore', { snapshot: 'nope' })).rejects.toMatchObject({ code: 'not_found', status: 404 });
    expect(await ask('POST', '/v1/local/volumes/default.pg.data.0/restore', { snapshot: 'before' })).toEqual({ ok: true });
    expect(await readFile(join(dir, 'volumes', 'default.pg.data.0', 'data', 'rows'), 'utf8')).toBe('one\n');
  });

  it('writes a backup and restores it; refuses a body that is not JSON and a volume it does not hold', async () => {
    const made = (await ask('POST', '/v1/local/volumes/default.pg.data.0/backup', { to: join(dir, 'backups') })) as { archive: string };
    expect(made.archive).toBe(join(dir, 'backups', 'default.pg.data.0-20261204T000000Z.tar.gz'));
    await writeFile(join(dir, 'volumes', 'default.pg.data.0', 'data', 'rows'), 'changed\n');
    expect(await ask('POST', '/v1/local/volumes/default.pg.data.0/restore', { archive: made.archive })).toEqual({ ok: true });
    expect(await readFile(join(dir, 'volumes', 'default.pg.data.0', 'data', 'rows'), 'utf8')).toBe('one\n');
    const raw = await fetch(`${agent.url}/v1/local/volumes/default.pg.data.0/backup`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: 'not json' });
    expect(raw.status).toBe(400);
    await expect(ask('POST', '/v1/local/volumes/default.nope.data.0/snapshots', { name: 'x' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('changes one volume one request at a time: a second snapshot waits for the first', async () => {
    const log: string[] = [];
    const slow = await startAgentHttp({
      listen: '127.0.0.1:0',
      token: TOKEN,
      runtimes: [],
      volumes: {
        driver,
        backup: async () => ({ archive: '', sha256: '', bytes: 0 }),
        restoreArchive: async () => {},
        snapshot: async (_id, name) => {
          log.push(`start ${name}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
          log.push(`end ${name}`);
        },
      },
    });
    try {
      const snap = (name: string) => call({ agentUrl: slow.url, hostName: 'h1', hostAddress: '127.0.0.1', method: 'POST', path: '/v1/local/volumes/default.pg.data.0/snapshots', body: { name }, timeoutMs: 10_000 });
      await Promise.all([snap('a'), snap('b')]);
      // Whichever arrived first ran first, and alone.
      const first = log[0]?.slice('start '.length);
      const second = first === 'a' ? 'b' : 'a';
      expect(log).toEqual([`start ${first}`, `end ${first}`, `start ${second}`, `end ${second}`]);
    } finally {
      await slow.close();
    }
  });

  it('prunes all but the newest archives of the volume in a directory; refuses a bad keep or a relative directory', async () => {
    const backups = join(dir, 'backups');
    await mkdir(backups);
    const names = [1, 2, 3].map((d) => backupName('default.pg.data.0', Date.parse(`2026-12-0${d}T00:00:00Z`)));
    for (const name of names) await writeFile(join(backups, name), 'x');
    expect(await ask('POST', '/v1/local/volumes/default.pg.data.0/prune', { to: backups, keep: 2 })).toEqual({ removed: [join(backups, names[0] as string)] });
    expect((await readdir(backups)).sort()).toEqual(names.slice(1));
    await expect(ask('POST', '/v1/local/volumes/default.pg.data.0/prune', { to: backups, keep: 0 })).rejects.toMatchObject({ code: 'invalid_request', status: 400 });
    await expect(ask('POST', '/v1/local/volumes/default.pg.data.0/prune', { to: 'backups', keep: 1 })).rejects.toMatchObject({ code: 'invalid_request', status: 400 });
  });

  it('deletes a volume, and answers a second delete alike; without the token, nothing', async () => {
    const anonymous = await fetch(`${agent.url}/v1/local/volumes/default.pg.data.0`, { method: 'DELETE' });
    expect(anonymous.status).toBe(401);
    expect(await driver.list()).toEqual(['default.pg.data.0']);
    expect(await ask('DELETE', '/v1/local/volumes/default.pg.data.0')).toEqual({ ok: true });
    expect(await ask('DELETE', '/v1/local/volumes/default.pg.data.0')).toEqual({ ok: true });
    expect(await driver.list()).toEqual([]);
  });
});
