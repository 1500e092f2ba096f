export { normaliseName, phoneticKey, type NormalisedName } from './normalise.js';
export {
  compareNames,
  DEFAULT_NAME_THRESHOLDS,
  type NameComparison,
  type NameDecision,
  type NameThresholds,
} from './score.js';
