/** The adapter contract lives in src/contract so that the gateway and the adapters share it; adapters import it from here. */
export * from '../src/contract/adapter.js';
