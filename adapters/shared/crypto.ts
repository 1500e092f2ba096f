export * from '../../src/contract/crypto.js';
