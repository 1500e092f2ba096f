/**
 * Scores whether two Indonesian personal names belong to the same person.
 *
 * Scoring model
 * -------------
 * Both names are normalised (titles, degrees, case, accents, punctuation removed) and every token
 * gets a phonetic key. Tokens are then aligned one-to-one regardless of order, best pairs first:
 *
 *   exact / spelling variant (same key)        similarity 1
 *   initial vs token with that first letter     0.85 ("M." ~ Muhammad, "A." ~ Adi; "Ach." ~ Achmad,
 *                                               "Dt." ~ Datuk: a dotted abbreviation by its letters)
 *   small typo (weighted Damerau-Levenshtein)   1 − cost / (2 · length), only when the edit is
 *                                               of a kind that does not make another name
 *
 * Adjacent tokens may be joined first when the other name writes them as one word
 * (Nur Hayati / Nurhayati, Abdul Rahman / Abdurrahman), and a token repeated on one side
 * ("Sutrisno Sutrisno", a mononym padded to fill a last-name field) counts once. Order is free
 * except across bin/binti when both names have one (Ahmad bin Yusuf ≠ Yusuf bin Ahmad).
 *
 * Every token carries a weight: 1 for a distinctive name, 0.35 for very common ones (Muhammad,
 * Siti, Nur, Dewi, Putra, Agus, Budi, Balinese birth-order names ...), 0.3 for an initial and 0.1
 * for particles (I/Ni, bin/binti). Common tokens thereby cannot carry a match on their own.
 *
 * What is left unaligned decides the shape of the score:
 *
 *  - Nothing left, or left on one side only (a name is a subset of the other: a middle name,
 *    "Muhammad" or a particle such as the Balinese "I" omitted): score = 0.6 + 0.4 · matched / (aligned + ½ · missing), so omissions
 *    cost half as much as they weigh and the result never falls below review. When only one
 *    written-out token of the shorter name agrees ("Budi" vs "Budi Santoso") the evidence is
 *    thin: capped at 0.8.
 *  - Left on both sides: the names contradict each other (Budi Santoso vs Agus Santoso).
 *    score = coverage · (1 − contradiction), where coverage = matched / all weight and
 *    contradiction = the smaller unaligned weight relative to the aligned weight plus itself.
 *    Gender-marked contradictions (Putra/Putri, I/Ni, bin/binti) are capped at 0.3.
 *    When every contradiction is one letter apart (Gunawan/Gunawam — or Wahyudi/Wahyuni) and a
 *    distinctive token agrees, the score is raised to 0.65: a typo and a sibling look alike.
 *  - Only initials aligned: no full token agrees, capped at 0.3.
 *
 * Then the review rules (issue 12), each named in `rule` and explained in words an operator can act on:
 *  - a wife's title (Ny., Nyonya, Ibu, Bu) on one side before a man's name: not the same person;
 *    before a name of unknown gender: review (lexicon.ts);
 *  - an identifying given name present on one side only: review; Muhammad, Balinese and noble
 *    prefixes, titles and a father's name (bin/binti …, which costs almost nothing) pass;
 *  - two given names in reverse order: review, unless one is a marga/fam/Chinese surname or the
 *    name is written "Surname, Given";
 *  - words one swapped or dropped letter apart, even beside a common word only, or one vowel
 *    apart (Herlina/Harlina): review;
 *  - a nickname beside an agreeing distinctive word (Mamat/Rahmat, Tono/Hartono, Ucok): review.
 *
 * Prepared names are cached by the written name and the words of a result are written when read:
 * see `prepare` and `Comparison`.
 *
 * The score is rounded to 3 decimals; ≥ match threshold → match, ≥ review → review.
 * For exact symmetry the pair is scored in a canonical order and mapped back.
 */
import { FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES } from './lexicon.js';
import { describeDifferences, describeIgnored, explain, listing, ruleReason } from './explain.js';
import { analyseName, phoneticKey, type AnalysedName, type NameToken } from './normalise.js';

export type NameDecision = 'match' | 'review' | 'mismatch';

export interface NameThresholds {
  /** Score at or above which the names are taken as the same person. */
  match: number;
  /** Score at or above which a human should look; below it the names are a mismatch. */
  review: number;
}

export const DEFAULT_NAME_THRESHOLDS: Readonly<NameThresholds> = Object.freeze({ match: 0.85, review: 0.6 });

export interface NameComparison {
  /** 0..1, rounded to 3 decimals. */
  score: number;
  decision: NameDecision;
  /** One English sentence: what was ignored and what differed. */
  explanation: string;
  /**
   * What the comparison looked past: removed titles/degrees as written ("Hj.", "S.Kom."), then
   * "letter case", "punctuation", "accents", "word order", and per token pair
   * "spelling variant X/Y", "initial X./Y", "typo X/Y", "joined X Y/XY", "repeated X".
   */
  ignored: string[];
  /** What differed: "Budi vs Agus" (contradicting tokens), "Wibowo only in the second name". */
  differences: string[];
  /**
   * The rule that shaped the decision, as a phenomenon label like the corpus's (so an operator's
   * decision can be exported as a labelled pair): "same_name", "spelling", "subset",
   * "extra_given", "patronym_dropped", "reversed_order", "wife_title_male", "wife_title_unknown",
   * "near_miss", "typo_beside_common", "sibling_vowel", "gender_marker", "contradiction",
   * "initials_only", "no_common_word".
   */
  rule: NameRule;
}

export type NameRule =
  | 'same_name'
  | 'spelling'
  | 'subset'
  | 'extra_given'
  | 'patronym_dropped'
  | 'reversed_order'
  | 'wife_title_male'
  | 'wife_title_unknown'
  | 'near_miss'
  | 'typo_beside_common'
  | 'sibling_vowel'
  | 'nickname'
  | 'gender_marker'
  | 'contradiction'
  | 'initials_only'
  | 'no_common_word';

// ---------------------------------------------------------------------------------------------
// Weights and tables
// ---------------------------------------------------------------------------------------------

const DISTINCT_WEIGHT = 1;
const COMMON_WEIGHT = 0.35;
const INITIAL_WEIGHT = 0.3;
const PARTICLE_WEIGHT = 0.1;
const INITIAL_SIMILARITY = 0.85;

/** Floor of a non-contradicting (subset) comparison, and its span up to 1. */
const SUBSET_FLOOR = 0.6;
const SUBSET_SPAN = 0.4;
/** Missing tokens cost this fraction of their weight in a subset comparison. */
const OMISSION_COST = 0.5;
/** Cap when the shorter name has a single real token. */
const THIN_EVIDENCE_CAP = 0.8;
/** Cap for gender-marked contradictions and initials-only agreement. */
const HARD_MISMATCH_CAP = 0.3;
/**
 * Score of names that agree except for tokens one letter apart (Gunawan/Gunawam, but also
 * Wahyudi/Wahyuni): a keyboard slip and a sibling look the same, so a human decides. Lands in
 * the default review band.
 */
const NEAR_MISS_SCORE = 0.65;
const NEAR_MISS_MIN_LENGTH = 5;
/**
 * Where the review rules put a pair: inside the default review band, so a human looks, but low
 * enough that a stricter match threshold doesn't let it through either.
 */
const REVIEW_SCORE = 0.75;
/** A missing father's name (bin/binti …) costs this fraction of its weight: naming rules allow it. */
const PATRONYM_OMISSION_COST = 0.1;
/** Characters of each name that are looked at. */
const MAX_NAME_LENGTH = 256;

/**
 * Tokens so frequent that sharing them says little (keys, so every spelling is covered):
 * Arabic-origin prefixes, Javanese/Sundanese favourites, birth-order names (Eka, Dwi, Tri and the
 * Balinese Wayan, Made, Nyoman, Ketut ...), noble titles kept in legal names (Raden, Andi,
 * Teuku, Cut, Anak Agung).
 */
const COMMON_KEYS = new Set(
  [
    'muhammad', 'ahmad', 'abdul', 'siti', 'nur', 'nurul', 'sri', 'dewi', 'putra', 'putri', 'agus',
    'budi', 'andi', 'adi', 'ade', 'eka', 'dwi', 'tri', 'catur', 'sari', 'ayu', 'indah', 'dian',
    'rizki', 'fitri', 'wayan', 'made', 'nyoman', 'ketut', 'putu', 'gede', 'kadek', 'komang',
    'nengah', 'luh', 'gusti', 'ngurah', 'agung', 'anak', 'ida', 'bagus', 'dewa', 'desak', 'raden',
    'mas', 'roro', 'ajeng', 'teuku', 'tengku', 'cut', 'daeng', 'ode', 'nyimas', 'kiagus', 'kemas',
  ].map(phoneticKey),
);

/** "Ahmad bin Yusuf": what follows is the father's name. */
const PATRONYM_MARKERS = new Set(['bin', 'binti', 'bt'].map(phoneticKey));

/** Pairs of tokens that mark different genders: a contradiction between them is decisive. Key → the other gender's keys. */
const GENDER_OPPOSITES = new Map<string, string[]>();
for (const [m, f] of [['putra', 'putri'], ['i', 'ni'], ['bin', 'binti'], ['la', 'wa'], ['teuku', 'cut'], ['putro', 'putri']]) {
  const [a, b] = [phoneticKey(m), phoneticKey(f)];
  GENDER_OPPOSITES.set(a, [...(GENDER_OPPOSITES.get(a) ?? []), b]);
  GENDER_OPPOSITES.set(b, [...(GENDER_OPPOSITES.get(b) ?? []), a]);
}

// ---------------------------------------------------------------------------------------------
// Token similarity
// ---------------------------------------------------------------------------------------------

type PairKind = 'exact' | 'variant' | 'initial' | 'typo' | 'joined';

interface Token extends NameToken {
  weight: number;
  /** Position in the written name, to notice swapped order. */
  index: number;
  /** Set when two written tokens were joined to meet the other name's single word. */
  joined: boolean;
  /** Follows bin/binti: the father's name, not the person's own. */
  patronym: boolean;
  /** Keys of the other gender's form (Putra → Putri), when the token marks gender. */
  opposite: readonly string[] | undefined;
  /** This token's key and the next token's, glued, and that written pair's own key: the joins it may make. */
  gluedNext: string | undefined;
  spelledNext: string | undefined;
  /**
   * Scratch marks of `align`, which runs to completion before any other comparison: the
   * alignment number in which the token was used on side A or B (a name compared with itself
   * has the same token objects on both sides, hence two marks). Prepared tokens are shared by
   * every comparison of their name, so these are the only fields that ever change.
   */
  usedA: number;
  usedB: number;
}

interface Pair {
  a: Token;
  b: Token;
  sim: number;
  kind: PairKind;
}

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);
/** Letters whose insertion or omission is a spelling habit (Sugiarto/Sugiharto, Hariyanto). */
const SOFT_LETTERS = new Set(['a', 'e', 'i', 'o', 'u', 'h', 'y', 'w']);
/**
 * A final a/o is Javanese vs Sundanese spelling (Santoso/Santosa, Wibisono/Wibisana) except in
 * the endings where it marks gender (Maria/Mario, Agustina/Agustino, Yuliana/Yuliano).
 */
const GENDERED_ENDING_RE = /i(?:a?n)?[ao]$/;

/** Reused DP rows for the edit distance (names are short; grown on demand). */
let dp = new Float64Array(3 * 32);

/**
 * Weighted optimal-string-alignment distance between two keys:
 *  - a↔o costs 0.5 (Javanese/Sundanese vowel), another vowel↔vowel 1 — but 2 within the last
 *    three letters, where vowels make different names (Suparman/Suparmin);
 *  - inserting/omitting a vowel, h, y or w costs 1, any other letter 2 (Suyanto ≠ Suryanto);
 *  - a consonant substitution costs 2 (Wahyudi ≠ Wahyuni), except the Latin c read as s or k
 *    (1); an adjacent transposition costs 1.
 */
function editCost(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  if (dp.length < 3 * width) dp = new Float64Array(3 * width * 2);
  // Three rows: i-2, i-1, i (rotating), for the transposition lookback.
  for (let j = 0; j <= m; j++) dp[j] = j === 0 ? 0 : dp[j - 1] + indelCost(b[j - 1]);
  for (let i = 1; i <= n; i++) {
    const cur = (i % 3) * width;
    const prev = ((i - 1) % 3) * width;
    const prev2 = ((i + 1) % 3) * width; // (i - 2) mod 3
    const ca = a[i - 1];
    dp[cur] = dp[prev] + indelCost(ca);
    for (let j = 1; j <= m; j++) {
      const cb = b[j - 1];
      let best = dp[prev + j - 1] + substitutionCost(ca, cb, i - 1 >= n - 3 || j - 1 >= m - 3);
      const del = dp[prev + j] + indelCost(ca);
      if (del < best) best = del;
      const ins = dp[cur + j - 1] + indelCost(cb);
      if (ins < best) best = ins;
      if (i > 1 && j > 1 && ca === b[j - 2] && a[i - 2] === cb) {
        const tr = dp[prev2 + j - 2] + 1;
        if (tr < best) best = tr;
      }
      dp[cur + j] = best;
    }
  }
  return dp[(n % 3) * width + m];
}

function substitutionCost(x: string, y: string, inTail: boolean): number {
  if (x === y) return 0;
  if ((x === 'a' && y === 'o') || (x === 'o' && y === 'a')) return 0.5;
  // The Latin c of Catholic names reads s or k (Vincentius/Vinsensius, Fransiscus/Fransiskus).
  if (x === 'c' ? y === 's' || y === 'k' : y === 'c' && (x === 's' || x === 'k')) return 1;
  if (VOWELS.has(x) && VOWELS.has(y)) return inTail ? 2 : 1;
  return 2;
}

function indelCost(c: string): number {
  return SOFT_LETTERS.has(c) ? 1 : 2;
}

/**
 * Similarity of two keys that are not equal, or 0 when the difference may well be another name.
 * Short names must be equal (Rina ≠ Rini, Dewi ≠ Dewa); first and last letters must agree except
 * for a Javanese final a/o or swapped final letters; longer names tolerate more.
 */
function typoSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const minLen = Math.min(a.length, b.length);
  if (minLen < TYPO_MIN_LENGTH || a[0] !== b[0] || !compatibleEndings(a, b)) return 0;
  const budget = minLen >= 10 ? MAX_TYPO_BUDGET : minLen >= 6 ? 1 : 0.5;
  // Every insertion costs at least 1, so a larger length gap can't fit the budget.
  if (Math.abs(a.length - b.length) > budget) return 0;
  const cost = editCost(a, b);
  return cost <= budget ? 1 - cost / (2 * Math.max(a.length, b.length)) : 0;
}

const TYPO_MIN_LENGTH = 5;
const MAX_TYPO_BUDGET = 2;

function compatibleEndings(a: string, b: string): boolean {
  const x = a[a.length - 1];
  const y = b[b.length - 1];
  if (x === y) return true;
  if (a.length === b.length && x === b[b.length - 2] && y === a[a.length - 2]) return true; // Hidayat / Hidayta
  const ao = (x === 'a' && y === 'o') || (x === 'o' && y === 'a');
  return ao && !GENDERED_ENDING_RE.test(a) && !GENDERED_ENDING_RE.test(b);
}

/** The keys differ in exactly one vowel, other than the Javanese a/o. */
function isVowelChange(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (at >= 0) return false;
    at = i;
  }
  if (at < 0) return false;
  const [x, y] = [a[at], b[at]];
  return VOWELS.has(x) && VOWELS.has(y) && !((x === 'a' && y === 'o') || (x === 'o' && y === 'a'));
}

/** "Ach." ~ Achmad/Ahmad, "Dt." ~ Datuk: same first letter, and the letters (or their key) in order. */
function abbreviates(abbr: Token, full: Token): boolean {
  if (full.surface[0] !== abbr.surface[0] && full.key[0] !== abbr.key[0]) return false;
  // A key of one letter ("Sy." → s) says no more than an initial would.
  return isSubsequence(abbr.surface, full.surface) || (abbr.key.length > 1 && isSubsequence(abbr.key, full.key));
}

function isSubsequence(short: string, long: string): boolean {
  let j = 0;
  for (let i = 0; i < long.length && j < short.length; i++) if (long[i] === short[j]) j++;
  return j === short.length;
}

/** Equal under the second reading of an old-spelling "tj" on either side (Prasetjo = Prasetyo). */
function sameReading(a: Token, b: Token): boolean {
  if (a.altKey === undefined && b.altKey === undefined) return false;
  return a.altKey === b.key || b.altKey === a.key || (a.altKey !== undefined && a.altKey === b.altKey);
}

/**
 * `typoSimilarity` of two different keys, 0 for one vowel changed (a sibling's name, see
 * tokenPair); memoised, since the same names meet again and again and the edit distance is the
 * costliest step of a comparison. Bounded like the prepared names.
 */
function keySimilarity(a: string, b: string): number {
  // What typoSimilarity and isVowelChange refuse outright, before any lookup: another first
  // letter, a short key, lengths too far apart.
  if (a.charCodeAt(0) !== b.charCodeAt(0) || a.length < TYPO_MIN_LENGTH || b.length < TYPO_MIN_LENGTH || Math.abs(a.length - b.length) > MAX_TYPO_BUDGET) return 0;
  let byB = similarities.get(a);
  if (byB === undefined) {
    if (similarities.size >= SIMILARITY_LIMIT) similarities.clear();
    byB = new Map();
    similarities.set(a, byB);
  }
  let sim = byB.get(b);
  if (sim === undefined) {
    sim = isVowelChange(a, b) ? 0 : typoSimilarity(a, b);
    if (byB.size < SIMILARITY_ROW_LIMIT) byB.set(b, sim);
  }
  return sim;
}

const similarities = new Map<string, Map<string, number>>();
const SIMILARITY_LIMIT = 20_000;
const SIMILARITY_ROW_LIMIT = 1_000;

function hasKey(side: readonly Token[], key: string): boolean {
  for (const t of side) if (t.key === key) return true;
  return false;
}

function tokenPair(a: Token, b: Token): Pair | undefined {
  if (a.initial || b.initial) {
    if (a.key === b.key) return { a, b, sim: 1, kind: 'exact' };
    if (a.initial && b.initial) {
      // "A." and "Ach." may both stand for Achmad; two different abbreviations stand for different words.
      if (a.abbreviation === b.abbreviation) return undefined;
      const [letter, abbr] = a.abbreviation ? [b, a] : [a, b];
      return abbr.surface[0] === letter.surface ? { a, b, sim: INITIAL_SIMILARITY, kind: 'initial' } : undefined;
    }
    const [init, full] = a.initial ? [a, b] : [b, a];
    const compatible = init.abbreviation ? abbreviates(init, full) : full.surface[0] === init.surface || full.key[0] === init.key;
    return compatible ? { a, b, sim: INITIAL_SIMILARITY, kind: 'initial' } : undefined;
  }
  if (a.key === b.key || sameReading(a, b)) {
    const kind: PairKind = a.joined || b.joined ? 'joined' : a.surface === b.surface ? 'exact' : 'variant';
    return { a, b, sim: 1, kind };
  }
  if (a.particle || b.particle) return undefined;
  // Herlina/Harlina, Kusnadi/Kasnadi: one vowel changed (other than the Javanese a/o) makes
  // another name people bear as often as it is a slip; such words stay unaligned and the
  // near-miss rule sends the pair to review.
  const sim = keySimilarity(a.key, b.key);
  if (sim === 0) return undefined;
  return { a, b, sim, kind: a.joined || b.joined ? 'joined' : 'typo' };
}

// ---------------------------------------------------------------------------------------------
// Alignment
// ---------------------------------------------------------------------------------------------

function weightOf(t: NameToken): number {
  if (t.particle) return PARTICLE_WEIGHT;
  if (t.initial) return INITIAL_WEIGHT;
  return COMMON_KEYS.has(t.key) ? COMMON_WEIGHT : DISTINCT_WEIGHT;
}

function withWeights(tokens: NameToken[]): Token[] {
  let patronym = false;
  return tokens.map((t, index) => {
    const token: Token = {
      surface: t.surface,
      display: t.display,
      key: t.key,
      altKey: t.altKey,
      initial: t.initial,
      abbreviation: t.abbreviation,
      particle: t.particle,
      weight: weightOf(t),
      index,
      patronym,
      joined: false,
      opposite: GENDER_OPPOSITES.get(t.key),
      // Every field present from the start: tokens of one shape keep the hot loops monomorphic.
      gluedNext: undefined,
      spelledNext: undefined,
      usedA: 0,
      usedB: 0,
    };
    if (PATRONYM_MARKERS.has(t.key)) patronym = true;
    return token;
  });
}

/**
 * Joins adjacent tokens of `side` when the other name writes them as one word
 * ("Nur Hayati" vs "Nurhayati", "Abdul Rahman" vs "Abdurrahman"), unless that word already
 * appears on `side` by itself.
 */
function joinCompounds(side: readonly Token[], other: readonly Token[]): readonly Token[] {
  if (side.length < 2) return side;
  // A joined word is at most 3 letters off the other name's word: most pairs of words are far
  // longer together than any word of the other name, and are not tried.
  let longest = 0;
  for (const o of other) if (!o.initial && !o.particle && o.key.length > longest) longest = o.key.length;
  // Built only once a join is found: most names have none, and then the side is returned as it is.
  let out: Token[] | undefined;
  for (let i = 0; i < side.length; i++) {
    const x = side[i];
    const y = side[i + 1];
    // Particles may join too: "Al Atas" is written "Alatas" as often as not.
    const tried = y && !x.initial && !y.initial && x.key.length + y.key.length - MAX_JOIN_GAP <= longest;
    const joined = tried ? joinedToken(x, y, side, other) : undefined;
    if (joined) {
      out ??= side.slice(0, i);
      out.push(joined);
      i++;
    } else if (out) out.push(x);
  }
  return out ?? side;
}

const MAX_JOIN_GAP = 3;

function joinedToken(x: Token, y: Token, side: readonly Token[], other: readonly Token[]): Token | undefined {
  // Both keys are kept on x, which is shared by every comparison of its name.
  const glued = (x.gluedNext ??= x.key + y.key);
  for (const o of other) {
    if (o.initial || o.particle || o.key === x.key || o.key === y.key) continue;
    // Cheap filter before keying the joined spelling: same first letter, similar length.
    if (o.key[0] !== glued[0] || Math.abs(o.key.length - glued.length) > MAX_JOIN_GAP) continue;
    if (hasKey(side, o.key)) continue;
    const spelled = (x.spelledNext ??= phoneticKey(x.surface + y.surface));
    const key = o.key === spelled || o.key === glued ? o.key : typoSimilarity(spelled, o.key) > 0 ? spelled : undefined;
    if (key === undefined) continue;
    const surface = x.surface + y.surface;
    return {
      surface,
      display: `${x.display} ${y.display}`,
      key,
      altKey: undefined,
      initial: false,
      abbreviation: false,
      particle: false,
      weight: COMMON_KEYS.has(key) ? COMMON_WEIGHT : DISTINCT_WEIGHT,
      index: x.index,
      patronym: x.patronym,
      joined: true,
      opposite: GENDER_OPPOSITES.get(key),
      gluedNext: undefined,
      spelledNext: undefined,
      usedA: 0,
      usedB: 0,
    };
  }
  return undefined;
}

export interface Alignment {
  pairs: Pair[];
  restA: Token[];
  restB: Token[];
  repeated: Token[];
}

/**
 * Greedy one-to-one alignment, best similarity (then heaviest) first. Names are short.
 * Order is free, except that when both names spell out a father's name (bin/binti) a person's
 * own name never aligns with a father's: Ahmad bin Yusuf is not Yusuf bin Ahmad.
 */
function align(a: readonly Token[], b: readonly Token[]): Alignment {
  const mark = ++alignments;
  const candidates = candidateScratch;
  let count = 0;
  const patronymic = hasPatronym(a) && hasPatronym(b);
  // With a father's name on one side only, the other side's given name (its first own word) may
  // not stand for it: "Ismail" is Rusli bin Ismail's father, not Rusli.
  const givenA = firstOwnName(a);
  const givenB = firstOwnName(b);
  for (const x of a) for (const y of b) {
    if (patronymic && x.patronym !== y.patronym) continue;
    if (!patronymic && ((x.patronym && y === givenB) || (y.patronym && x === givenA))) continue;
    const p = tokenPair(x, y);
    if (p) insertByRank(candidates, count++, p);
  }
  const pairs: Pair[] = [];
  for (let i = 0; i < count; i++) {
    const p = candidates[i];
    if (p.a.usedA === mark || p.b.usedB === mark) continue;
    p.a.usedA = mark;
    p.b.usedB = mark;
    pairs.push(p);
  }
  const restA = unaligned(a, mark, 'A');
  const restB = unaligned(b, mark, 'B');
  const repeated = repeatedScratch.length > 0 ? repeatedScratch.splice(0) : NO_TOKENS;
  return { pairs, restA, restB, repeated };
}

/** Which `align` is running (see Token.usedA). */
let alignments = 0;
/** Candidate pairs of the running `align`, reused (setting an array's length is not free). */
const candidateScratch: Pair[] = [];

/** Best similarity first, then the heaviest, then written order: a total order, so insertion keeps it stable. */
function ranksBefore(p: Pair, q: Pair): boolean {
  if (p.sim !== q.sim) return p.sim > q.sim;
  const wp = Math.max(p.a.weight, p.b.weight);
  const wq = Math.max(q.a.weight, q.b.weight);
  if (wp !== wq) return wp > wq;
  if (p.a.index !== q.a.index) return p.a.index < q.a.index;
  return p.b.index < q.b.index;
}

/** Inserts p among the first `count` entries of list, which are in rank order. */
function insertByRank(list: Pair[], count: number, p: Pair): void {
  let i = count;
  while (i > 0 && ranksBefore(p, list[i - 1])) {
    list[i] = list[i - 1];
    i--;
  }
  list[i] = p;
}

/** Most alignments leave nothing over: one shared empty list, never written to, stands for it. */
const NO_TOKENS: Token[] = Object.freeze([]) as unknown as Token[];
/** Repeated tokens found by the running `align`. */
const repeatedScratch: Token[] = [];

function unaligned(side: readonly Token[], mark: number, which: 'A' | 'B'): Token[] {
  let rest: Token[] | undefined;
  for (const t of side) {
    if ((which === 'A' ? t.usedA : t.usedB) === mark) continue;
    // "Sutrisno Sutrisno": a mononym padded to fill a last-name field counts once.
    if (!t.initial && hasUsedTwin(side, t, mark, which)) repeatedScratch.push(t);
    else (rest ??= []).push(t);
  }
  return rest ?? NO_TOKENS;
}

function hasUsedTwin(side: readonly Token[], t: Token, mark: number, which: 'A' | 'B'): boolean {
  for (const s of side) if (s !== t && (which === 'A' ? s.usedA : s.usedB) === mark && s.key === t.key) return true;
  return false;
}

function hasPatronym(side: readonly Token[]): boolean {
  for (const t of side) if (t.patronym) return true;
  return false;
}

function firstOwnName(side: readonly Token[]): Token | undefined {
  for (const t of side) if (isOwnName(t)) return t;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Score
// ---------------------------------------------------------------------------------------------

const pairWeight = (p: Pair) => Math.max(p.a.weight, p.b.weight);
const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
const isReal = (t: Token) => !t.initial && !t.particle;
const isOwnName = (t: Token) => !t.particle;

interface Outcome {
  score: number;
  rule: NameRule;
  /**
   * Why, in words an operator can act on, as a reason ("Ayu is written in one name only …"); the
   * explanation says what it led to ("sent to review because …"). Rules that need no more than
   * the differences leave it out and get their rule's general reason (`ruleReason`).
   */
  note?: string;
}

/** bin/binti and the father's name after it. */
const isPatronymPart = (t: Token) => t.patronym || PATRONYM_MARKERS.has(t.key);

/**
 * Words whose absence from one name says nothing about identity: Muhammad, prefixed to most
 * Muslim men's names and dropped as freely as a title; Balinese birth-order and caste names; the
 * noble titles kept in legal names. A missing father's name is handled on its own.
 */
const NON_IDENTIFYING_KEYS = new Set(
  [
    'muhammad', 'wayan', 'made', 'nyoman', 'ketut', 'putu', 'gede', 'kadek', 'komang', 'nengah', 'luh',
    'gusti', 'ngurah', 'agung', 'anak', 'ida', 'bagus', 'dewa', 'desak', 'raden', 'mas', 'roro', 'ajeng',
    'teuku', 'tengku', 'cut', 'daeng', 'andi', 'ode', 'nyimas', 'kiagus', 'kemas',
  ].map(phoneticKey),
);
const MUHAMMAD_INITIAL = phoneticKey('m');

function isIdentifyingExtra(t: Token): boolean {
  if (t.particle || isPatronymPart(t) || NON_IDENTIFYING_KEYS.has(t.key)) return false;
  return !(t.initial && t.key === MUHAMMAD_INITIAL);
}

function scoreAlignment({ pairs, restA, restB }: Alignment): Outcome {
  if (pairs.length === 0) return nearMissOutcome(restA, restB, 'none') ?? { score: 0, rule: 'no_common_word' };
  // Plain loops in written order: this runs for every pair of names, and float sums must add up
  // in one fixed order to stay reproducible.
  let aligned = 0;
  let matched = 0;
  let fullAgreement = false;
  for (const p of pairs) {
    const w = pairWeight(p);
    aligned += w;
    matched += p.sim * w;
    if (p.kind !== 'initial' && isReal(p.a) && isReal(p.b)) fullAgreement = true;
  }
  const missingA = weightSum(restA);
  const missingB = weightSum(restB);
  const cap = fullAgreement ? 1 : HARD_MISMATCH_CAP;
  if (restA.length === 0 && restB.length === 0) {
    // The common case, nothing left over: the general path below, without its lists.
    const score = Math.min(SUBSET_FLOOR + SUBSET_SPAN * (matched / (aligned + 0)), cap);
    if (!fullAgreement) return { score, rule: 'initials_only' };
    return allExact(pairs) ? { score, rule: 'same_name' } : { score, rule: 'spelling' };
  }

  // A dropped particle (I, bin, al) is an omission, not a contradiction, unless it marks gender.
  const genderPair = firstGenderPair(restA, restB);
  if (genderPair) {
    const coverage = matched / (aligned + missingA + missingB);
    const contradiction = Math.min(missingA, missingB) / (aligned + Math.min(missingA, missingB));
    const note = `${genderPair[0].display} and ${genderPair[1].display} mark different genders`;
    return { score: Math.min(coverage * (1 - contradiction), HARD_MISMATCH_CAP), rule: 'gender_marker', note };
  }
  if (restA.some(isOwnName) && restB.some(isOwnName)) {
    const coverage = matched / (aligned + missingA + missingB);
    const smaller = Math.min(missingA, missingB);
    const score = Math.min(coverage * (1 - smaller / (aligned + smaller)), cap);
    const anchor = pairs.some((p) => p.kind !== 'initial' && pairWeight(p) === DISTINCT_WEIGHT) ? 'distinct' : fullAgreement ? 'common' : 'none';
    const near = nearMissOutcome(restA.filter(isOwnName), restB.filter(isOwnName), anchor);
    if (near && near.score > score) return near;
    const nick = anchor === 'distinct' ? nicknameOutcome(restA.filter(isReal), restB.filter(isReal)) : undefined;
    if (nick && nick.score > score) return nick;
    return { score, rule: fullAgreement ? 'contradiction' : 'initials_only' };
  }

  const omission = sum([...restA, ...restB].map((t) => t.weight * (isPatronymPart(t) ? PATRONYM_OMISSION_COST : OMISSION_COST)));
  let score = Math.min(SUBSET_FLOOR + SUBSET_SPAN * (matched / (aligned + omission)), cap);
  if (!fullAgreement) return { score, rule: 'initials_only' };
  const rest = [...restA, ...restB];
  const extras = rest.filter((t) => isOwnName(t) && !isPatronymPart(t));
  if (extras.length === 0) {
    if (rest.some(isPatronymPart)) {
      const father = rest.filter(isPatronymPart).map((t) => t.display).join(' ');
      return { score, rule: 'patronym_dropped', note: `the father's name (${father}) is written in one name only, which naming rules allow` };
    }
    return { score, rule: pairs.every((p) => p.kind === 'exact') && rest.length === 0 ? 'same_name' : 'spelling' };
  }
  // The side with no own name left over is the shorter name. One written-out token agreeing
  // is thin evidence; agreement through an initial ("A." ~ Artha) doesn't add to it.
  const shorterSide = restA.some(isOwnName) ? 'b' : 'a';
  const realTokens = pairs.filter((p) => p.kind !== 'initial' && isReal(p[shorterSide])).length;
  if (realTokens <= 1) {
    const agreeing = pairs.find((p) => p.kind !== 'initial' && isReal(p[shorterSide]));
    const note = `only one written-out word${agreeing ? ` (${agreeing[shorterSide].display})` : ''} agrees, which says little about who the person is`;
    return { score: Math.min(score, THIN_EVIDENCE_CAP), rule: 'subset', note };
  }
  const identifying = extras.filter(isIdentifyingExtra);
  if (identifying.length > 0) {
    // "Rizky Ramadhan" vs "Rizky Ramadhan Pratama": an added given name is another person about
    // as often as the same one. Only non-identifying additions (Muhammad, bin + father, titles) pass.
    score = Math.min(score, THIN_EVIDENCE_CAP);
    const words = listing(identifying.map((t) => t.display));
    return { score, rule: 'extra_given', note: `${words} ${identifying.length > 1 ? 'are' : 'is'} written in one name only: an added given name may be another person` };
  }
  return { score, rule: 'subset' };
}

function weightSum(tokens: readonly Token[]): number {
  let total = 0;
  for (const t of tokens) total += t.weight;
  return total;
}

function allExact(pairs: readonly Pair[]): boolean {
  for (const p of pairs) if (p.kind !== 'exact') return false;
  return true;
}

function firstGenderPair(restA: Token[], restB: Token[]): [Token, Token] | undefined {
  for (const x of restA) if (x.opposite) for (const y of restB) if (x.opposite.includes(y.key)) return [x, y];
  return undefined;
}

type NearKind = 'slip' | 'substitution' | 'sibling';

/**
 * When every contradicting word has a partner one edit away, a human decides instead of the
 * score: a transposed or dropped letter (Hnadayani/Handayani) is a slip whatever stands beside
 * it, even a word as common as Dwi or Siti; two listed given names one vowel apart
 * (Herlina/Harlina) may be sisters, so may any two words one vowel apart; a changed consonant (Wahyudi/Wahyuni) counts only when a
 * distinctive word agrees, since otherwise little is left that identifies the person.
 */
function nearMissOutcome(restA: Token[], restB: Token[], anchor: 'distinct' | 'common' | 'none'): Outcome | undefined {
  if (restA.length === 0 || restA.length !== restB.length) return undefined;
  // Without any agreeing word, only single-word names may be near misses of each other.
  if (anchor === 'none' && restA.length !== 1) return undefined;
  const free = [...restB];
  const found: Array<[Token, Token, NearKind]> = [];
  for (const x of restA) {
    let hit = -1;
    let kind: NearKind | undefined;
    for (let i = 0; i < free.length && hit < 0; i++) {
      kind = nearKind(x, free[i]);
      if (kind) hit = i;
    }
    if (hit < 0 || !kind) return undefined;
    found.push([x, free[hit], kind]);
    free.splice(hit, 1);
  }
  if (found.some(([, , k]) => k === 'substitution') && anchor !== 'distinct') return undefined;
  const words = listing(found.map(([x, y]) => `${x.display}/${y.display}`));
  if (found.some(([, , k]) => k === 'sibling')) {
    return { score: NEAR_MISS_SCORE, rule: 'sibling_vowel', note: `${words} differ in one vowel, which in Indonesian names makes another name: a slip or a sibling` };
  }
  if (found.every(([, , k]) => k === 'slip')) {
    return {
      score: NEAR_MISS_SCORE,
      rule: anchor === 'distinct' ? 'near_miss' : 'typo_beside_common',
      note: `${words} differ by one swapped or missing letter: likely a typo, but the word that identifies the person is the one that differs`,
    };
  }
  return { score: NEAR_MISS_SCORE, rule: 'near_miss', note: `${words} differ by one letter: a typo and a sibling's name look alike` };
}

/**
 * Nicknames a participant registers under, where the rest of the name agrees on a distinctive
 * word: generic ones (the Batak Ucok for a boy and Butet for a girl) stand for any given name.
 */
const GENERIC_NICKNAMES = new Set(['ucok', 'butet'].map(phoneticKey));
const NICKNAME_MIN_LENGTH = 3;

/**
 * "Mamat Suryana" / "Rahmat Suryana", "Tono Sutrisno" / "Hartono Sutrisno", "Ucok Siregar" /
 * "Rudi Hartono Siregar": one side's only differing word is a nickname (the other's last
 * syllable repeated, its ending, or a generic one). That is how the same person is called as
 * often as it is another person, so a human decides instead of the contradiction refusing it.
 */
function nicknameOutcome(restA: Token[], restB: Token[]): Outcome | undefined {
  for (const [nicks, fulls] of [[restA, restB], [restB, restA]] as const) {
    if (nicks.length !== 1 || fulls.length === 0) continue;
    const nick = nicks[0];
    const full = GENERIC_NICKNAMES.has(nick.key) ? fulls : fulls.filter((f) => isNicknameOf(nick.key, f.key));
    if (full.length === 0) continue;
    const words = listing(full.map((f) => f.display));
    return {
      score: NEAR_MISS_SCORE,
      rule: 'nickname',
      note: `${nick.display} may be a nickname of ${words}: check which name the person is registered under`,
    };
  }
  return undefined;
}

/**
 * Hartono → Tono, Kurniawan → Iwan (its ending, a vowel of it possibly dropped), Rahmat → Mamat,
 * Slamet → Memet (its last syllable repeated).
 */
function isNicknameOf(nick: string, full: string): boolean {
  if (nick.length < NICKNAME_MIN_LENGTH || nick === full) return false;
  if (full.length >= nick.length + 2 && full.endsWith(nick.slice(-2)) && isSubsequence(nick, full.slice(-nick.length - 1))) return true;
  const last = full.slice(-3);
  return full.length > last.length && nick === last.slice(0, 2) + last;
}

function nearKind(x: Token, y: Token): NearKind | undefined {
  if (!isReal(x) || !isReal(y)) return undefined;
  const a = x.key;
  const b = y.key;
  // A changed final vowel is a male/female form (Yulianto/Yulianti), left to the plain one-letter rule.
  if (Math.min(a.length, b.length) >= NEAR_MISS_MIN_LENGTH && isVowelChange(a, b) && a[a.length - 1] === b[b.length - 1]) return 'sibling';
  // A slip is judged on the letters as typed too: spelling rules may spread one swapped letter
  // over the key (Nurjanah/Nrujanah → nuriana/nruyana).
  const typed = oneEdit(x.surface, y.surface);
  const edit = typed === 'transposition' || typed === 'indel' ? typed : oneEdit(a, b);
  if (edit === undefined) return undefined;
  if (edit === 'substitution') return Math.min(a.length, b.length) >= NEAR_MISS_MIN_LENGTH && a[0] === b[0] ? 'substitution' : undefined;
  return Math.max(x.surface.length, y.surface.length) >= NEAR_MISS_MIN_LENGTH ? 'slip' : undefined;
}

/** How two different keys are one edit apart: a substitution, an insertion/deletion or an adjacent transposition. */
function oneEdit(a: string, b: string): 'substitution' | 'indel' | 'transposition' | undefined {
  if (a === b || Math.abs(a.length - b.length) > 1) return undefined;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return 'substitution';
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2) ? 'transposition' : undefined;
  }
  const ok = a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  return ok ? 'indel' : undefined;
}

/**
 * "Ahmad Yusuf" vs "Yusuf Ahmad": two words, both agreeing, in crossed order. For Arabic-style
 * and most Javanese names that is a man and his father's name swapped, i.e. usually two people;
 * for a marga, fam or Chinese surname, or a name written "Surname, Given", order is free.
 */
function reversedTwoWords(tokensA: readonly Token[], tokensB: readonly Token[], al: Alignment, a: AnalysedName, b: AnalysedName): Pair[] | undefined {
  if (a.inverted || b.inverted || al.pairs.length !== 2) return undefined;
  if (ownNameCount(tokensA) !== 2 || ownNameCount(tokensB) !== 2) return undefined;
  const [p, q] = al.pairs;
  if (!isReal(p.a) || !isReal(p.b) || !isReal(q.a) || !isReal(q.b)) return undefined;
  const crossed = (p.a.index < q.a.index) !== (p.b.index < q.b.index);
  if (!crossed) return undefined;
  if (FAMILY_NAMES.has(p.a.key) || FAMILY_NAMES.has(p.b.key) || FAMILY_NAMES.has(q.a.key) || FAMILY_NAMES.has(q.b.key)) return undefined;
  return [p, q];
}

function ownNameCount(tokens: readonly Token[]): number {
  let n = 0;
  for (const t of tokens) if (isOwnName(t)) n++;
  return n;
}

type Gender = 'male' | 'female' | 'unknown';
const FEMALE_ENDING_RE = /(?:wati|yati|ningsih|ningrum|ningtyas|asih|rti|rni|tini|nah|iah|iyah)$/;
const MALE_ENDING_RE = /(?:wan|to|no|yo|adi|man|udin|uddin)$/;

/** The gender a given name is borne by, from the lexicon, else from a telling Javanese/Arabic ending. */
function genderOf(t: Token): Gender {
  if (MALE_NAMES.has(t.key)) return 'male';
  if (FEMALE_NAMES.has(t.key)) return 'female';
  if (FEMALE_ENDING_RE.test(t.surface)) return 'female';
  if (MALE_ENDING_RE.test(t.surface)) return 'male';
  return 'unknown';
}

/**
 * "Ny. Bambang Sutejo" is Bambang's wife: a wife's title before a man's name changes the person,
 * before her own name it is a mere honorific. Applies when only one of the two names carries it.
 */
function wifeTitleOutcome(a: AnalysedName, tokensA: readonly Token[], b: AnalysedName, tokensB: readonly Token[]): Outcome | undefined {
  if ((a.wifeTitle === undefined) === (b.wifeTitle === undefined)) return undefined;
  const [title, tokens] = a.wifeTitle !== undefined ? [a.wifeTitle, tokensA] : [b.wifeTitle as string, tokensB];
  const given = tokens.find(isReal);
  if (!given) return undefined;
  const gender = genderOf(given);
  if (gender === 'female') return undefined;
  if (gender === 'male') {
    return { score: HARD_MISMATCH_CAP, rule: 'wife_title_male', note: `"${title}" before a man's name (${given.display}) is how his wife is addressed` };
  }
  return {
    score: REVIEW_SCORE,
    rule: 'wife_title_unknown',
    note: `"${title}" may stand before a husband's name and ${given.display} is not a known woman's name: check whose name it is`,
  };
}

/** Compares two personal names; see the module comment for the scoring model. */
export function compareNames(a: string, b: string, thresholds: NameThresholds = DEFAULT_NAME_THRESHOLDS): NameComparison {
  const nameA = prepare(a);
  const nameB = prepare(b);
  // Score in a canonical order so that compareNames(a, b) and (b, a) agree exactly even where
  // the greedy alignment meets ties; the explanation maps the sides back.
  const swap = a > b;
  const first = swap ? nameB : nameA;
  const second = swap ? nameA : nameB;
  let tokensA = first.tokens;
  let tokensB = second.tokens;
  let alignment: Alignment | undefined;
  let outcome: Outcome;
  if (nameA.words !== '' && nameA.words === nameB.words) {
    // The same words in the same order (case, punctuation, titles and degrees aside): the score
    // needs no alignment, no join is possible and no pair of words is crossed. The alignment is
    // made only if the explanation is read.
    outcome = SAME_NAME;
  } else {
    tokensA = joinCompounds(first.tokens, second.tokens);
    tokensB = joinCompounds(second.tokens, tokensA);
    alignment = align(tokensA, tokensB);
    // Scored before mapping back: float sums are only reproducible in one fixed order.
    outcome = scoreAlignment(alignment);
    const reversed = outcome.score > REVIEW_SCORE ? reversedTwoWords(tokensA, tokensB, alignment, first.analysed, second.analysed) : undefined;
    if (reversed) {
      // Sorted, so that (a, b) and (b, a) read alike.
      const words = reversed.map((p) => p.a.display).sort();
      const note = `${words[0]} and ${words[1]} stand in reverse order in the two names: a given name and a father's name swapped are usually two people`;
      outcome = { score: REVIEW_SCORE, rule: 'reversed_order', note };
    }
  }
  if (first.analysed.wifeTitle !== undefined || second.analysed.wifeTitle !== undefined) {
    const wife = wifeTitleOutcome(first.analysed, tokensA, second.analysed, tokensB);
    if (wife && wife.score < outcome.score) outcome = wife;
  }
  const score = Math.round(outcome.score * 1000) / 1000;
  const decision: NameDecision = score >= thresholds.match ? 'match' : score >= thresholds.review ? 'review' : 'mismatch';
  return new Comparison(score, decision, outcome, thresholds, nameA.analysed, nameB.analysed, alignment ?? new LazyAlignment(first.tokens, second.tokens), swap);
}

/** The alignment of two names with the same words, made when an explanation asks for it. */
class LazyAlignment {
  constructor(
    readonly first: readonly Token[],
    readonly second: readonly Token[],
  ) {}

  make(): Alignment {
    const tokensA = joinCompounds(this.first, this.second);
    return align(tokensA, joinCompounds(this.second, tokensA));
  }
}

const SAME_NAME: Outcome = { score: 1, rule: 'same_name' };

/** A name as the scorer uses it: analysed, its tokens weighted. Shared by every comparison of that name. */
interface PreparedName {
  analysed: AnalysedName;
  tokens: readonly Token[];
  /**
   * The tokens as written, lower-case, one space apart: two names with equal words have the same
   * words in the same order, which is a match whatever titles, case or punctuation surround them.
   */
  words: string;
}

/**
 * Prepared names by the written name. Names repeat (a participant's name is compared with the
 * platform's and prakerja.go.id's, batches compare the same registrations again, Muhammad and
 * Siti are everywhere), and preparing one (regexes, titles, keys) costs more than comparing two.
 * Bounded: when full it starts over, which keeps it small and costs only a refill.
 */
const preparedNames = new Map<string, PreparedName>();
const PREPARED_LIMIT = 20_000;

function prepare(raw: string): PreparedName {
  // Real names are far shorter; the cap bounds the quadratic alignment on garbage input (and the cache's keys).
  const name = raw.length > MAX_NAME_LENGTH ? raw.slice(0, MAX_NAME_LENGTH) : raw;
  let prepared = preparedNames.get(name);
  if (prepared === undefined) {
    if (preparedNames.size >= PREPARED_LIMIT) preparedNames.clear();
    const analysed = analyseName(name);
    prepared = { analysed, tokens: withWeights(analysed.tokens), words: analysed.tokens.map((t) => t.surface).join(' ') };
    preparedNames.set(name, prepared);
  }
  return prepared;
}

/**
 * The result of a comparison. Score, decision and rule are computed by the comparison; the
 * words (what was ignored, what differed, the explanation) are written when first read, since
 * most callers in bulk (batches, re-evaluations) read only the decision.
 */
class Comparison implements NameComparison {
  #words: { ignored: string[]; differences: string[]; explanation: string } | undefined;

  constructor(
    readonly score: number,
    readonly decision: NameDecision,
    private readonly outcome: Outcome,
    private readonly thresholds: NameThresholds,
    private readonly nameA: AnalysedName,
    private readonly nameB: AnalysedName,
    private readonly alignment: Alignment | LazyAlignment,
    private readonly swapped: boolean,
  ) {}

  get rule(): NameRule {
    return this.outcome.rule;
  }

  get explanation(): string {
    return this.words().explanation;
  }

  get ignored(): string[] {
    return this.words().ignored;
  }

  get differences(): string[] {
    return this.words().differences;
  }

  toJSON(): NameComparison {
    return { score: this.score, decision: this.decision, explanation: this.explanation, ignored: this.ignored, differences: this.differences, rule: this.rule };
  }

  private words() {
    if (this.#words === undefined) {
      const made = this.alignment instanceof LazyAlignment ? this.alignment.make() : this.alignment;
      const al = this.swapped ? swappedSides(made) : made;
      const { titles, others } = describeIgnored(this.nameA, this.nameB, al);
      const differences = describeDifferences(al);
      const reason = this.outcome.note ?? ruleReason(this.outcome.rule, this.decision, this.score, this.thresholds, differences);
      this.#words = { ignored: [...titles, ...others], differences, explanation: explain(this.decision, titles, others, differences, reason) };
    }
    return this.#words;
  }
}


function swappedSides(al: Alignment): Alignment {
  return { pairs: al.pairs.map((p) => ({ ...p, a: p.b, b: p.a })), restA: al.restB, restB: al.restA, repeated: al.repeated };
}
