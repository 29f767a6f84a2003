import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors/conflict-error.js';
import { DomainError } from '../errors/domain-error.js';
import { ERROR_CODES } from '../errors/error-code.js';
import { CommandError } from '../exec/command-error.js';
import { ERROR_STATUS } from './error-status.js';
import { InsufficientCapacityError } from '../errors/insufficient-capacity-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { UnauthorizedError } from '../errors/unauthorized-error.js';
import { errorToResponse } from './error-to-response.js';

describe('errorToResponse', () => {
  it.each([
    [new NotFoundError('app', 'default/x'), 404, 'not_found'],
    [new UnauthorizedError(), 401, 'unauthorized'],
    [new ConflictError('busy'), 409, 'conflict'],
    [new InsufficientCapacityError('full', { group: 'web', summary: '', shortfall: [], rejections: [] }), 409, 'insufficient_capacity'],
    [Object.assign(new Error('too big'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }), 413, 'payload_too_large'],
    [Object.assign(new SyntaxError('Unexpected end of JSON input'), { statusCode: 400 }), 400, 'invalid_json'],
    [Object.assign(new Error('bad media'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }), 415, 'unsupported_media_type'],
  ])('maps %s to %i %s', (error, status, code) => {
    const out = errorToResponse(error);
    expect(out.status).toBe(status);
    expect(out.body.code).toBe(code);
    expect(out.internal).toBe(false);
  });

  it('never puts a command line or its stderr in an HTTP body', () => {
    const out = errorToResponse(new CommandError(['ip', 'link', 'add', 'bubo0'], 2, 'RTNETLINK answers: Operation not permitted'));
    expect(out).toEqual({ status: 500, body: { code: 'internal', message: 'internal error; see the server log', details: null }, internal: true });
    expect(JSON.stringify(out.body)).not.toContain('RTNETLINK');
  });

  it('hides host-side and client-side codes that should never be a server answer', () => {
    for (const code of ERROR_CODES) {
      const out = errorToResponse(new DomainError(code, `secret detail of ${code}`));
      if (ERROR_STATUS[code] === 'internal') expect(out.body).toEqual({ code: 'internal', message: 'internal error; see the server log', details: null });
      else expect(out).toMatchObject({ status: ERROR_STATUS[code], body: { code } });
    }
  });

  it('hides the message of an unexpected error behind a 500', () => {
    const out = errorToResponse(new TypeError('cannot read properties of undefined (reading "x")'));
    expect(out).toEqual({ status: 500, body: { code: 'internal', message: 'internal error; see the server log', details: null }, internal: true });
  });
});
