import { PLATFORMS } from '../../adapters/registry.js';
import { describePlatformAdapter } from '../support/conformance.js';
import { kursusku, kursuskuFixture } from './throwaway/kursusku.js';

// A platform defined entirely in test/ passes the same suite as the registered ones.
describePlatformAdapter(kursusku, kursuskuFixture, PLATFORMS);
