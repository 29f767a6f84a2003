import { describe, expect, it } from 'vitest';
import { parsePage } from './lb-observer.js';

describe('parsePage', () => {
  it.each([
    ['the test image’s page', '<!doctype html>\n<title>bubo test v7</title>\n<h1>v7</h1>\n<p>hostname bd-1a2b3c4d</p>\n', { version: '7', instance: 'bd-1a2b3c4d' }],
    ['a page from elsewhere', 'bubo: no healthy instance', { version: null, instance: null }],
  ])('reads the version and the instance from %s', (_, body, expected) => {
    expect(parsePage(body)).toEqual(expected);
  });
});
