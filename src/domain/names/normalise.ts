/**
 * Indonesian personal-name normalisation.
 *
 * Turns a raw name as typed on a KTP, a marketplace account or a training platform into
 * comparable tokens:
 *
 *  1. Apostrophes are dropped (Ma'ruf = Maruf), accents stripped (NFKD), everything else that is
 *     not a letter, dot or comma becomes a space. Case is kept only for display.
 *  2. Honorifics before the name (Hj., Ir., Dr., Prof., K.H., Ny., Ibu ...) and academic degrees
 *     after it (S.Kom, S.E., M.M., A.Md.Kep ...) are removed and reported in `ignored`. A degree
 *     without a comma must be written with dots ("S.E.") unless it can never be a name ("SKom");
 *     a bare "Se" or "Sh" at the end stays a name token, because such syllables occur in names.
 *  3. What remains is split into tokens. Dots split tokens ("M.Yusuf" = "M. Yusuf"), a single
 *     letter is an initial.
 *
 * `phoneticKey` then maps a token to a spelling-insensitive key: Muhammad's many spellings and
 * abbreviations share one key, pre-1972 (Dutch-era) spellings are modernised (oe→u, dj→j, tj→c,
 * ch→kh, sj→sy, nj→ny, and j≈y because old "j" was today's "y"), Arabic transliteration variants
 * (kh/h, dh/d, th/t, q/k, sy/s) and doubled letters collapse, and a few final-letter habits
 * (-d/-t, -y/-i, -f/-p, silent -h) merge. Keys are only compared for equality or small edits;
 * they are not meant to be read.
 *
 * Everything here is pure and allocation-light: regexes and tables are built once at module load.
 */

export interface NormalisedName {
  /** Name tokens in written order: lower-case, accent- and punctuation-free ("mochammad"). */
  tokens: string[];
  /** Titles, degrees and placeholders that were removed, as written ("Hj.", "S.Kom."). */
  ignored: string[];
}

/** A token with what the scorer needs besides its text. */
export interface NameToken {
  /** Lower-case, accent-free letters ("mochammad"). */
  surface: string;
  /** Letters in their written case, accents removed ("Mochammad"), for explanations. */
  display: string;
  /** Spelling-insensitive key ("muhamat"). */
  key: string;
  /**
   * A second reading of an old-spelling "tj": mostly today's c (Tjahjo = Cahyo), but also t + the
   * old j for y (Prasetjo = Prasetyo, Soelistjo = Sulistyo). Absent when there is no "tj".
   */
  altKey?: string;
  /**
   * A single letter such as the "M." in "M. Yusuf", or a short abbreviation written with a dot
   * ("Ach.", "Dt.", "Sy."): either stands for a written-out word without spelling it.
   */
  initial: boolean;
  /** An abbreviation of two to four letters with a dot ("Ach." for Achmad, "Dt." for Datuk). */
  abbreviation: boolean;
  /** A grammatical particle that carries almost no identity (Balinese I/Ni, bin/binti, al). */
  particle: boolean;
}

export interface AnalysedName {
  tokens: NameToken[];
  ignored: string[];
  /** Punctuation, apostrophes or symbols were dropped from the name part. */
  punctuation: boolean;
  /** Accents / diacritics were stripped. */
  accents: boolean;
  /**
   * A leading title that addresses a married woman ("Ny.", "Nyonya", "Ibu", "Bu", "Mrs."), as
   * written. It is stripped like any honorific, but it may stand before her husband's name.
   */
  wifeTitle?: string;
  /** The name was written surname-first with a comma ("Santoso, Budi"): its order is deliberate. */
  inverted: boolean;
}

// ---------------------------------------------------------------------------------------------
// Tables (built once)
// ---------------------------------------------------------------------------------------------

/** Honorifics written before the name, keyed by their letters without dots. */
const TITLES = new Set([
  'h', 'hj', 'haji', 'hajjah', 'hajah', 'ir', 'dr', 'drg', 'drs', 'dra', 'prof', 'kh', 'tn', 'ny', 'nyonya',
  'nn', 'bpk', 'bapak', 'pak', 'ibu', 'bu', 'sdr', 'sdri', 'saudara', 'saudari', 'ust', 'ustadz',
  'ustaz', 'ustadzah', 'ustazah', 'kyai', 'kiai', 'mr', 'mrs', 'ms', 'miss',
]);

/**
 * Degrees written after the name, keyed by their letters without dots. `true` marks degrees that
 * look like a name syllable ("se", "sh", "ma") and are only removed when written with dots or
 * after a comma; the others are never names and are removed even when written bare ("SKom").
 */
const DEGREES = new Map<string, boolean>();
for (const d of [
  'skom', 'spd', 'spdi', 'ssos', 'ssosi', 'spsi', 'sag', 'sikom', 'skep', 'sked', 'skm', 'sfarm',
  'shut', 'ssi', 'sstat', 'ssn', 'sds', 'spt', 'spi', 'sgz', 'str', 'sst', 'strkes', 'sip',
  'shum', 'sth', 'sakun', 'skes', 'stp', 'mkom', 'mpd', 'mpdi', 'msi', 'mkes', 'mag', 'msc',
  'mhum', 'mkn', 'mikom', 'msak', 'mba', 'phd', 'bsc', 'bba', 'amd', 'amdkep', 'amdkeb', 'amdkom',
  'amdak', 'amdfarm', 'amdt', 'amdgz', 'spa', 'sppd', 'spog', 'dipl', 'llm', 'mph', 'apt',
]) DEGREES.set(d, false);
for (const d of [
  'se', 'sh', 'st', 'ss', 'sp', 'ma', 'mm', 'mt', 'mh', 'ns', 'lc', 'ba', 'ms', 'ama', 'sei', 'shi',
  'sak', 'mak', 'meng',
]) DEGREES.set(d, true);

/** Titles (keys) by which a married woman is addressed, with her own or her husband's name after. */
export const WIFE_TITLES: ReadonlySet<string> = new Set(['ny', 'nyonya', 'ibu', 'bu', 'mrs']);

/** Placeholders some systems put in for a missing first or last name. */
const PLACEHOLDERS = new Set(['fnu', 'lnu']);

/** Balinese birth-order and caste names; "I"/"Ni" before them are gender particles, not initials. */
const BALINESE = new Set([
  'wayan', 'wyn', 'made', 'md', 'nyoman', 'nym', 'ketut', 'kt', 'putu', 'gede', 'gde', 'kadek',
  'komang', 'nengah', 'luh', 'gusti', 'gst', 'ida', 'dewa', 'ngurah', 'ngr', 'agung',
  'anak', 'ayu', 'bagus', 'desak', 'gek',
]);

/** Particles that carry almost no identity (weight is decided by the scorer). */
const PARTICLES = new Set(['bin', 'binti', 'bt', 'al', 'el', 'van', 'der', 'de', 'la', 'wa', 'br', 'boru']);

/** Abbreviations that stand for one specific name (Balinese ones are common on KTPs). */
const ABBREVIATIONS = new Map([
  ['abd', 'abdul'], ['wyn', 'wayan'], ['kt', 'ketut'], ['nym', 'nyoman'], ['gst', 'gusti'],
  ['ngr', 'ngurah'], ['gde', 'gede'],
]);

/** Written forms of Muhammad (full spellings), matched before any other rewriting. */
const MUHAMMAD_RE = /^m(?:oe|ou|u|o)(?:h|ch|kh)(?:a|e)m{1,2}(?:a|e)(?:d|t|dh)$/;
/** Abbreviations of Muhammad. A bare "M." is an initial instead (it may be any M-name). */
const MUHAMMAD_ABBREVIATIONS = new Set(['moh', 'moch', 'mohd', 'muh', 'much', 'mhd', 'mch', 'muhd', 'mochd', 'mukh']);

// Spelling rules applied in order. Each rule is [pattern, replacement].
const SPELLING_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // Initial "ch" is Dutch/English c or k in non-Arabic names (Christina, Chandra, Chintya, Chen);
  // everywhere else it is the Arabic kh (Chairul, Rachmat), handled below.
  [/^chr/, 'kr'],
  [/^ch(?=andr|[ei])/, 'c'],
  // Dutch-era vowels and digraphs.
  [/oe/g, 'u'],
  [/oo/g, 'u'],
  [/ie/g, 'i'],
  [/auw/g, 'au'],
  [/ae/g, 'ai'],
  // Final -ei is an Arabic long i (Syafei = Syafi'i); elsewhere ei is ai (Husein = Husain).
  [/ei$/, 'i'],
  [/ei/g, 'ai'],
  // The Arabic diphthong aw before a consonant is written au as often (Fawzi = Fauzi).
  [/aw(?=[^aeiouy])/g, 'au'],
  [/dj/g, 'j'],
  [/tj/g, 'c'],
  // Arabic transliteration: dz/z, ts/s (Utsman), ch/kh/h (Rachmat, Rakhmat, Rahmat).
  [/dz/g, 'z'],
  [/ts/g, 's'],
  [/ch/g, 'kh'],
  [/kh/g, 'h'],
  [/ck/g, 'k'],
  // Latin -tius is written -sius in Indonesian Catholic names (Ignatius/Ignasius).
  [/tius$/, 'sius'],
  [/ph/g, 'f'],
  [/th/g, 't'],
  [/dh/g, 'd'],
  [/gh/g, 'g'],
  [/sh/g, 'sy'],
  [/q/g, 'k'],
  [/x/g, 'ks'],
  [/v/g, 'f'],
  // Old spelling wrote y as j (Jusuf, Sujono); after dj→j the two can't be told apart, so they
  // share one letter. sj/nj thereby become sy/ny; sy then merges with s (Syaiful = Saiful).
  [/j/g, 'y'],
  [/sy/g, 's'],
  // Rizki/Riski, Fauzi/Fausi: a z inside a name is often written s. An initial Z is kept.
  [/(?<=.)z/g, 's'],
  // Setyawan = Setiawan, Dyah = Diah: y between a consonant and a vowel is an i-glide.
  [/([^aeiouy])y(?=[aeiou].)/g, '$1i'],
  [/(.)\1+/g, '$1'],
];

// Final-letter habits: silent -h (Fatimah/Fatima), devoiced -d (Ahmad/Ahmat), -y for -i
// (Andy/Andi), Sundanese -p for -f (Yusup/Yusuf).
const FINAL_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?<=..[aeiou])h$/, ''],
  [/d$/, 't'],
  [/y$/, 'i'],
  [/f$/, 'p'],
];

/** Abdurrahman = Abdul Rahman: the article assimilates to the next letter (sun letters). */
const ABDUL_BARE_RE = /^abdu?(?:[rsnt])?$/;
const ABDUL_ASSIMILATED_RE = /^abdu(?=[rsnt])/;

const APOSTROPHES_RE = /['’‘`´ʼʻ′]/g;
const MARKS_RE = /\p{M}+/gu;
const SEPARATORS_RE = /[^\p{L}.,]+/gu;
const SYMBOLS_RE = /[^\p{L}\p{M}\s.,'’‘`´ʼʻ′]/u;
const PIECE_RE = /(\p{L}+)(\s*\.)?/gu;
const NON_LETTERS_RE = /[^\p{L}]+/gu;
const ASCII_RE = /^[\x00-\x7f]*$/;

/** Key of "muhammad", computed with the same pipeline so typos of it land nearby. */
const MUHAMMAD_KEY = spellingKey('muhammad');

// ---------------------------------------------------------------------------------------------
// Phonetic key
// ---------------------------------------------------------------------------------------------

/**
 * Spelling-insensitive key of one name token: "Mochammad" → "muhamat", "Soeharto" → "suharto",
 * "Djoko" and "Joko" → "yoko", "Rachmat" → "rahmat". Equal keys mean "same name, other spelling".
 */
export function phoneticKey(token: string): string {
  let key = keyCache.get(token);
  if (key === undefined) {
    // Names repeat a lot (Muhammad, Siti, Budi ...); a small bounded memo skips ~35 regex passes.
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    key = computeKey(token);
    keyCache.set(token, key);
  }
  return key;
}

const KEY_CACHE_LIMIT = 4096;
const keyCache = new Map<string, string>();

function computeKey(token: string): string {
  const clean = cleanToken(token);
  if (clean.length <= 1) return initialKey(clean);
  if (MUHAMMAD_RE.test(clean) || MUHAMMAD_ABBREVIATIONS.has(clean)) return MUHAMMAD_KEY;
  return spellingKey(ABBREVIATIONS.get(clean) ?? clean);
}

function cleanToken(token: string): string {
  return token.replace(APOSTROPHES_RE, '').normalize('NFKD').replace(MARKS_RE, '').toLowerCase().replace(NON_LETTERS_RE, '');
}

/** An initial keeps its letter, mapped like the first letter of a full name would be. */
function initialKey(letter: string): string {
  switch (letter) {
    case 'j': return 'y';
    case 'q': return 'k';
    case 'v': return 'f';
    default: return letter;
  }
}

function spellingKey(clean: string): string {
  let s = clean;
  for (const [re, to] of SPELLING_RULES) s = s.replace(re, to);
  s = abdulKey(s);
  for (const [re, to] of FINAL_RULES) s = s.replace(re, to);
  return s;
}

function abdulKey(s: string): string {
  if (!s.startsWith('abd')) return s;
  if (ABDUL_BARE_RE.test(s)) return 'abdul';
  return s.replace(ABDUL_ASSIMILATED_RE, 'abdul');
}

// ---------------------------------------------------------------------------------------------
// Tokenisation
// ---------------------------------------------------------------------------------------------

/** A run of letters, remembering whether a dot followed it (so "S.Kom" can be recognised). */
interface Piece {
  text: string;
  lower: string;
  dotted: boolean;
}

/** Normalise a raw name into tokens plus the titles/degrees that were removed. */
export function normaliseName(raw: string): NormalisedName {
  const analysed = analyseName(raw);
  return { tokens: analysed.tokens.map((t) => t.surface), ignored: analysed.ignored };
}

/** Like `normaliseName`, with phonetic keys and the flags the scorer explains. */
export function analyseName(raw: string): AnalysedName {
  const noApostrophes = raw.replace(APOSTROPHES_RE, '');
  // Most names are plain ASCII: skip Unicode decomposition for them.
  const ascii = ASCII_RE.test(noApostrophes);
  const decomposed = ascii ? noApostrophes : noApostrophes.normalize('NFKD');
  const stripped = ascii ? decomposed : decomposed.replace(MARKS_RE, '');
  const accents = stripped.length !== decomposed.length;
  let punctuation = noApostrophes.length !== raw.length || SYMBOLS_RE.test(raw);

  const segments = stripped.replace(SEPARATORS_RE, ' ').split(',');
  const ignored: string[] = [];
  const name = splitPieces(segments[0]);
  const all = [name];

  const first = stripTitles(name, ignored);
  let wifeTitle: string | undefined;
  for (const t of ignored) if (wifeTitle === undefined && WIFE_TITLES.has(t.toLowerCase().replace(/\./g, ''))) wifeTitle = t;
  let inverted = false;
  const end = stripTrailingDegrees(name, first, ignored);
  const kept: Piece[] = name.slice(first, end);
  // Later segments follow a comma: degrees there may be written any way ("Budi, SE, MM").
  for (let i = 1; i < segments.length; i++) {
    const pieces = splitPieces(segments[i]);
    all.push(pieces);
    const rest = stripCommaSegment(pieces, ignored);
    if (rest.length > 0) punctuation = inverted = true; // "Santoso, Budi": the comma was part of the name
    kept.push(...rest);
  }
  const nameOnly: Piece[] = [];
  for (const p of kept) {
    if (PLACEHOLDERS.has(p.lower)) ignored.push(p.text);
    else nameOnly.push(p);
  }

  // A name made only of titles ("Ibu") is still a name: keep everything rather than nothing.
  const pieces = nameOnly.length > 0 ? nameOnly : all.flat();
  if (nameOnly.length === 0) {
    ignored.length = 0;
    wifeTitle = undefined;
  }
  if (pieces.some((p) => p.dotted)) punctuation = true;
  return { tokens: toTokens(pieces), ignored, punctuation, accents, wifeTitle, inverted };
}

function splitPieces(segment: string): Piece[] {
  const pieces: Piece[] = [];
  PIECE_RE.lastIndex = 0;
  for (let m = PIECE_RE.exec(segment); m !== null; m = PIECE_RE.exec(segment)) {
    pieces.push({ text: m[1], lower: m[1].toLowerCase(), dotted: m[2] !== undefined });
  }
  return pieces;
}

/** Pieces [from, from+len) joined as one abbreviation, allowed only across dots ("S.Kom"). */
function runKey(pieces: Piece[], from: number, len: number): string | undefined {
  let key = '';
  for (let i = from; i < from + len; i++) {
    if (i > from && !pieces[i - 1].dotted) return undefined;
    key += pieces[i].lower;
  }
  return key;
}

function runText(pieces: Piece[], from: number, len: number): string {
  let text = '';
  for (let i = from; i < from + len; i++) text += pieces[i].text + (pieces[i].dotted ? '.' : '');
  return text;
}

const MAX_RUN = 4;

/** Removes leading honorifics; returns the index of the first name piece. Keeps at least one. */
function stripTitles(pieces: Piece[], ignored: string[]): number {
  let i = 0;
  outer: while (i < pieces.length - 1) {
    for (let len = Math.min(MAX_RUN, pieces.length - 1 - i); len >= 1; len--) {
      const key = runKey(pieces, i, len);
      if (key !== undefined && TITLES.has(key)) {
        ignored.push(runText(pieces, i, len));
        i += len;
        continue outer;
      }
    }
    break;
  }
  return i;
}

/** Removes degrees at the end of the name; returns the end index. Keeps at least one piece. */
function stripTrailingDegrees(pieces: Piece[], start: number, ignored: string[]): number {
  let end = pieces.length;
  const found: string[] = [];
  outer: while (end - start > 1) {
    for (let len = Math.min(MAX_RUN, end - start - 1); len >= 1; len--) {
      const from = end - len;
      const key = runKey(pieces, from, len);
      if (key === undefined) continue;
      const ambiguous = DEGREES.get(key);
      if (ambiguous === undefined) continue;
      const written = len > 1 || pieces[from].dotted;
      if (ambiguous && !written) continue;
      found.unshift(runText(pieces, from, len));
      end = from;
      continue outer;
    }
    break;
  }
  ignored.push(...found);
  return end;
}

/** After a comma, every degree or title is dropped; anything else is still part of the name. */
function stripCommaSegment(pieces: Piece[], ignored: string[]): Piece[] {
  const rest: Piece[] = [];
  let i = 0;
  outer: while (i < pieces.length) {
    for (let len = Math.min(MAX_RUN, pieces.length - i); len >= 1; len--) {
      const key = runKey(pieces, i, len);
      if (key !== undefined && (DEGREES.has(key) || TITLES.has(key))) {
        ignored.push(runText(pieces, i, len));
        i += len;
        continue outer;
      }
    }
    rest.push(pieces[i++]);
  }
  return rest;
}

const MAX_ABBREVIATION = 4;
const TJ_RE = /tj/g;

/**
 * "Ach. Rifai", "Dt. Marajo", "Sy. Harahap": KTPs and forms with short fields cut a given name or
 * a title to a few letters and a dot. Known abbreviations with one meaning (Abd., Moh., Gst.) are
 * keyed as their word instead; any other is matched like an initial, by its letters.
 */
function isAbbreviation(piece: Piece, surface: string): boolean {
  if (!piece.dotted || surface !== piece.lower || surface.length < 2 || surface.length > MAX_ABBREVIATION) return false;
  return !ABBREVIATIONS.has(surface) && !MUHAMMAD_ABBREVIATIONS.has(surface);
}

function toTokens(pieces: Piece[]): NameToken[] {
  const tokens: NameToken[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const display = pieces[i].text;
    let surface = pieces[i].lower;
    const prev = i > 0 ? pieces[i - 1].lower : '';
    const next = i + 1 < pieces.length ? pieces[i + 1].lower : '';
    // Balinese "I Md." / "Ida Bagus Md." is Made; elsewhere "Md" is left alone.
    if (surface === 'md' && (prev === 'i' || prev === 'ni' || BALINESE.has(prev))) surface = 'made';
    const balinese = (surface === 'i' || surface === 'ni') && BALINESE.has(next);
    const particle = balinese || PARTICLES.has(surface);
    const abbreviation = !particle && isAbbreviation(pieces[i], surface);
    const initial = (surface.length === 1 && !particle) || abbreviation;
    const altKey = surface.includes('tj') ? phoneticKey(surface.replace(TJ_RE, 'ty')) : undefined;
    tokens.push({ surface, display, key: phoneticKey(surface), altKey, initial, abbreviation, particle });
  }
  return tokens;
}
