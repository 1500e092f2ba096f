export { normaliseName, phoneticKey, type NormalisedName } from './normalise.js';
export {
  compareNames,
  DEFAULT_NAME_THRESHOLDS,
  type NameComparison,
  type NameDecision,
  type NameRule,
  type NameThresholds,
} from './score.js';
