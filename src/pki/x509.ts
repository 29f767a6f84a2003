// @peculiar/x509 v2 resolves its algorithms through tsyringe, which needs the Reflect metadata
// polyfill loaded first; every use of the library in bubo goes through this module so that the
// order holds, and the library signs with Node's own WebCrypto (no native build).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// The library's types name the DOM's Crypto, which Node's webcrypto implements.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1]);

export { x509 };
export const subtle = webcrypto.subtle;
