import { describe, expect, it } from 'vitest';
import {
  compareNames,
  DEFAULT_NAME_THRESHOLDS,
  normaliseName,
  phoneticKey,
  type NameDecision,
} from '../../src/domain/names/index.js';

describe('normaliseName', () => {
  it.each([
    ['Hj. Siti Aminah', ['siti', 'aminah'], ['Hj.']],
    ['Budi Santoso, S.Kom., M.M.', ['budi', 'santoso'], ['S.Kom.', 'M.M.']],
    ['Prof. Dr. Ir. H. Gunawan Hadi, M.Sc., Ph.D.', ['gunawan', 'hadi'], ['Prof.', 'Dr.', 'Ir.', 'H.', 'M.Sc.', 'Ph.D.']],
    ['K.H. Hasyim Asyari', ['hasyim', 'asyari'], ['K.H.']],
    ['Rina Marlina S.E.', ['rina', 'marlina'], ['S.E.']],
    ['Rina Marlina, SE', ['rina', 'marlina'], ['SE']],
    ['Siti Rohmah, A.Md.Kep', ['siti', 'rohmah'], ['A.Md.Kep']],
    ['Dewi Lestari SPd', ['dewi', 'lestari'], ['SPd']],
    // A bare syllable that is also a degree abbreviation stays part of the name.
    ['Lie Se Hwa', ['lie', 'se', 'hwa'], []],
    ['Budi Santoso Se', ['budi', 'santoso', 'se'], []],
    ['Ma\u2019ruf  AMIN', ['maruf', 'amin'], []],
    ['José Rizal', ['jose', 'rizal'], []],
    ['M.Yusuf', ['m', 'yusuf'], []],
    ['Siti-Nurbaya', ['siti', 'nurbaya'], []],
    ['Suparmi FNU', ['suparmi'], ['FNU']],
    ['Santoso, Budi', ['santoso', 'budi'], []],
    // Nothing but a title is still somebody's name.
    ['Ibu', ['ibu'], []],
  ])('%s → %j (ignored %j)', (raw, tokens, ignored) => {
    expect(normaliseName(raw)).toEqual({ tokens, ignored });
  });
});

describe('phoneticKey', () => {
  const muhammad = phoneticKey('Muhammad');
  it.each([
    'Muhamad', 'Mohammad', 'Mohamad', 'Mochammad', 'Mochamad', 'Moehammad', 'Muchammad', 'Mukhammad',
    'Mukhamad', 'Muhammed', 'Mohammed', 'Mohamed', 'Muhamat', 'Moh.', 'Moch', 'Mohd', 'Muh', 'Much', 'Mhd',
  ])('%s shares the key of Muhammad', (spelling) => {
    expect(phoneticKey(spelling)).toBe(muhammad);
  });

  it.each([
    ['Soeharto', 'Suharto'],
    ['Djoko', 'Joko'],
    ['Tjahjo', 'Cahyo'],
    ['Jusuf', 'Yusuf'],
    ['Sjahrir', 'Syahrir'],
    ['Njoman', 'Nyoman'],
    ['Chairul', 'Khairul'],
    ['Rachmat', 'Rahmat'],
    ['Achmad', 'Ahmad'],
    ['Sitti', 'Siti'],
    ['Abd', 'Abdul'],
    ['Abdoel', 'Abdul'],
    ['Abdurrahman', 'Abdulrahman'],
    ['Andy', 'Andi'],
    ['Yusup', 'Yusuf'],
    ['Ramadhan', 'Ramadan'],
    ['Setyawan', 'Setiawan'],
    ['Ma\'ruf', 'Maruf'],
  ])('%s ≡ %s', (a, b) => {
    expect(phoneticKey(a)).toBe(phoneticKey(b));
  });

  it.each([
    ['Rina', 'Rini'],
    ['Putra', 'Putri'],
    ['Muhammad', 'Mahmud'],
    ['Muhammad', 'Ahmad'],
    ['Hidayat', 'Hidayah'],
  ])('%s ≢ %s', (a, b) => {
    expect(phoneticKey(a)).not.toBe(phoneticKey(b));
  });
});

describe('compareNames decisions', () => {
  it.each<[string, string, NameDecision]>([
    // Muhammad and its abbreviations
    ['Muhammad Rizki', 'Muhamad Rizki', 'match'],
    ['Mochammad Arif Hidayat', 'Muhammad Arif Hidayat', 'match'],
    ['Moh. Hatta', 'Mohammad Hatta', 'match'],
    ['M. Yusuf Kalla', 'Muhammad Yusuf Kalla', 'match'],
    ['Mhd. Ikhsan Lubis', 'Muhammad Ihsan Lubis', 'match'],
    ['Muhammad Rizki Pratama', 'Rizki Pratama', 'match'],
    // titles and degrees
    ['Hj. Siti Aminah', 'Siti Aminah', 'match'],
    ['Ir. H. Joko Widodo, M.T.', 'Joko Widodo', 'match'],
    ['Dr. Bambang Sutrisno', 'BAMBANG SUTRISNO', 'match'],
    ['Budi Santoso, S.Kom., M.M.', 'Budi Santoso', 'match'],
    ['Rina Marlina, S.E.', 'Rina Marlina', 'match'],
    ['Dewi Lestari S.Pd.', 'Dewi Lestari', 'match'],
    // case, punctuation, apostrophes, accents
    ['BUDI SANTOSO', 'budi santoso', 'match'],
    ["Ma'ruf Amin", 'Maruf Amin', 'match'],
    ['Syafi\u2019i Maarif', "Syafii Ma'arif", 'match'],
    ['Siti-Nurbaya', 'Siti Nurbaya', 'match'],
    ['José Rizal', 'Jose Rizal', 'match'],
    // single names
    ['Sutrisno', 'SUTRISNO', 'match'],
    ['Sutrisno', 'Sutrisno Sutrisno', 'match'],
    ['Budi', 'Budi Santoso', 'review'],
    ['Sutrisno', 'Sutrisno Hadi', 'review'],
    // swapped order: free for a marga or a comma-inverted name, not for two given names
    ['Santoso Budi', 'Budi Santoso', 'review'],
    ['Siregar Rudi Hartono', 'Rudi Hartono Siregar', 'match'],
    ['Santoso, Budi', 'Budi Santoso', 'match'],
    ['Lubis Rahmat', 'Rahmat Lubis', 'match'],
    ['Kwee Hong', 'Hong Kwee', 'match'],
    // Dutch-era spelling
    ['Soekarno', 'Sukarno', 'match'],
    ['Djoko Soesilo', 'Joko Susilo', 'match'],
    ['Tjahjo Kumolo', 'Cahyo Kumolo', 'match'],
    ['Jusuf Kalla', 'Yusuf Kalla', 'match'],
    ['Sjahrir', 'Syahrir', 'match'],
    ['Chairul Tanjung', 'Khairul Tanjung', 'match'],
    ['Achmad Soebardjo', 'Ahmad Subarjo', 'match'],
    // initials
    ['B. Santoso', 'Budi Santoso', 'match'],
    ['Rizki A. Pratama', 'Rizki Adi Pratama', 'match'],
    ['A. Santoso', 'Budi Santoso', 'mismatch'],
    ['B. S.', 'Budi Santoso', 'mismatch'],
    // typos and spelling habits
    ['Budi Santoso', 'Budi Santosa', 'match'],
    ['Rahmat Hidayat', 'Rachmat Hidayat', 'match'],
    ['Bambang Wibowo', 'Bambang Wibawa', 'match'],
    ['Sutrisno', 'Sutrsino', 'match'],
    ['Kurniawan Saputra', 'Kurniwan Saputra', 'match'],
    ['Andy Setiawan', 'Andi Setyawan', 'match'],
    ['Nur Hayati', 'Nurhayati', 'match'],
    ['Abdurrahman Wahid', 'Abdul Rahman Wahid', 'match'],
    // regional names
    ['I Wayan Sudarsana', 'Wayan Sudarsana', 'match'],
    ['I Wyn. Sudarsana', 'I Wayan Sudarsana', 'match'],
    ['Tiur Maida br. Sitompul', 'Tiur Maida Sitompul', 'match'],
    ['Liem Swie King', 'Lim Swie King', 'match'],
    ['Andi Mallarangeng', 'Andi Malarangeng', 'match'],
    // look-alike non-matches
    ['Budi Santoso', 'Agus Santoso', 'mismatch'],
    ['Dewi Putri', 'Dewa Putra', 'mismatch'],
    ['Muhammad Rizki', 'Muhammad Fauzi', 'mismatch'],
    ['Siti Aminah', 'Siti Aisyah', 'mismatch'],
    ['Rina Marlina', 'Rini Marlina', 'mismatch'],
    ['Rina', 'Rini', 'mismatch'],
    ['I Wayan Sudarsana', 'I Made Sudarsana', 'mismatch'],
    ['I Putu Ayu Lestari', 'Ni Putu Ayu Lestari', 'mismatch'],
    ['Yulianti', 'Yulianto', 'mismatch'],
    ['Hj. Siti Aminah', 'Hj. Siti Aisyah', 'mismatch'],
    ['Dwi Astuti', 'Tri Astuti', 'mismatch'],
    // one letter apart with a shared distinctive name: a typo or a sibling, a human decides
    ['Wahyudi Saputra', 'Wahyuni Saputra', 'review'],
    ['Hendra Gunawan', 'Hendra Gunawam', 'review'],
  ])('%s ~ %s → %s', (a, b, decision) => {
    expect(compareNames(a, b).decision).toBe(decision);
  });

  it.each([
    ['Herlina Sitepu', 'Harlina Sitepu'],
    ['Andi Putra', 'Andi Putri'],
    ['Kurniawan Putra', 'Kurniawati Putri'],
    ['Susanti Wijaya', 'Susanto Wijaya'],
  ])('%s ~ %s is not a match', (a, b) => {
    expect(compareNames(a, b).decision).not.toBe('match');
  });
});

describe('compareNames review rules (issue 12)', () => {
  const check = (a: string, b: string, decision: NameDecision, rule: string, words: RegExp) => {
    const r = compareNames(a, b);
    expect({ decision: r.decision, rule: r.rule }).toEqual({ decision, rule });
    expect(r.explanation).toMatch(words);
    // The rules look at both names alike: swapping them changes nothing but the sides.
    const back = compareNames(b, a);
    expect({ score: back.score, decision: back.decision, rule: back.rule }).toEqual({ score: r.score, decision: r.decision, rule: r.rule });
  };

  it('refuses a wife\'s title before a man\'s name and ignores it before a woman\'s', () => {
    check('Ny. Bambang Sutejo', 'Bambang Sutejo', 'mismatch', 'wife_title_male', /"Ny\." before a man's name \(Bambang\) is how his wife is addressed/);
    check('Ibu Agus Salim', 'Agus Salim', 'mismatch', 'wife_title_male', /"Ibu" before a man's name/);
    check('Nyonya Sri Wahyuni', 'Sri Wahyuni', 'match', 'same_name', /titles \(Nyonya\)/);
    check('Bu Kartini Siregar', 'Kartini Siregar', 'match', 'same_name', /titles \(Bu\)/);
    // A name of unknown gender is not guessed: a human looks.
    check('Ny. Lingga Atmaja', 'Lingga Atmaja', 'review', 'wife_title_unknown', /Lingga is not a known woman's name: check whose name it is/);
    // A telling ending counts where the lexicon is silent: -yo is a man's, -wati a woman's.
    expect(compareNames('Ny. Wiryo Atmodjo', 'Wiryo Atmodjo').rule).toBe('wife_title_male');
    expect(compareNames('Ny. Sekarwati', 'Sekarwati').decision).toBe('match');
    // Both addressed the same way: the same person.
    expect(compareNames('Ny. Bambang Sutejo', 'Nyonya Bambang Sutejo').decision).toBe('match');
  });

  it('sends one extra given name to review, but not Muhammad, a title or a father\'s name', () => {
    check('Rizky Ramadhan', 'Rizky Ramadhan Pratama', 'review', 'extra_given', /Pratama is written in one name only: an added given name may be another person/);
    check('Dian Permata', 'Dian Ayu Permata', 'review', 'extra_given', /Ayu is written in one name only/);
    check('Hasan Basri', 'Hasan Basri bin Abdullah', 'match', 'patronym_dropped', /father's name \(bin Abdullah\)/);
    expect(compareNames('Rizki Pratama', 'Muhammad Rizki Pratama').decision).toBe('match');
    expect(compareNames('Rahmat Hidayat', 'H. Rahmat Hidayat, S.Pd.').decision).toBe('match');
  });

  it('matches a dropped patronymic and never takes the father for the son', () => {
    check('Fauzan bin Ahmad Taher', 'Fauzan', 'match', 'patronym_dropped', /written in one name only, which naming rules allow/);
    check('Nurul Aini binti Sulaiman', 'Nurul Aini', 'match', 'patronym_dropped', /binti Sulaiman/);
    expect(compareNames('Rusli bin Ismail', 'Ismail').decision).toBe('mismatch');
    expect(compareNames('Ahmad bin Yusuf', 'Yusuf bin Ahmad').decision).toBe('mismatch');
    expect(compareNames('Ahmad bin Yusuf', 'Ahmad Yusuf').decision).toBe('match');
  });

  it('sends two reversed given names to review, keeps marga and Chinese surnames order-free', () => {
    check('Ahmad Yusuf', 'Yusuf Ahmad', 'review', 'reversed_order', /Ahmad and Yusuf stand in reverse order/);
    check('Hasan Ali', 'Ali Hasan', 'review', 'reversed_order', /father's name swapped/);
    expect(compareNames('Nasution Rahmad', 'Rahmad Nasution').decision).toBe('match');
    expect(compareNames('Sondakh Angelina', 'Angelina Sondakh').decision).toBe('match');
    expect(compareNames('Tan Siu Lan', 'Siu Lan Tan').decision).toBe('match');
  });

  it('sends a slip in the distinctive word beside a common one to review, not to mismatch', () => {
    check('Sri Cahyono', 'Sri Chayono', 'review', 'typo_beside_common', /Cahyono\/Chayono differ by one swapped or missing letter/);
    // A slip the typo tolerance already absorbs still matches.
    expect(compareNames('Dwi Handayani', 'Dwi Hnadayani').decision).toBe('match');
    check('Sri Nurjanah', 'Sri Nrujanah', 'review', 'typo_beside_common', /one swapped or missing letter/);
    check('Siti Khotimah', 'Siti Khotmah', 'review', 'typo_beside_common', /swapped or missing/);
    // Two different distinctive words beside the common one are still two people.
    expect(compareNames('Dwi Handayani', 'Dwi Purwanti').decision).toBe('mismatch');
  });

  it('sends two given names one vowel apart to review, not to match', () => {
    check('Herlina Siregar', 'Harlina Siregar', 'review', 'sibling_vowel', /(Herlina\/Harlina|Harlina\/Herlina) differ in one vowel/);
    check('Kusnadi Tarigan', 'Kasnadi Tarigan', 'review', 'sibling_vowel', /a slip or a sibling/);
    // The Javanese a/o is still a spelling, not another name.
    expect(compareNames('Santoso Wibowo', 'Santosa Wibawa').decision).toBe('match');
  });
});

describe('compareNames: classes the corpus and its variations refused', () => {
  const check = (a: string, b: string, decision: NameDecision, rule: string, words: RegExp) => {
    const r = compareNames(a, b);
    expect({ decision: r.decision, rule: r.rule }).toEqual({ decision, rule });
    expect(r.explanation).toMatch(words);
    const back = compareNames(b, a);
    expect({ score: back.score, decision: back.decision, rule: back.rule }).toEqual({ score: r.score, decision: r.decision, rule: r.rule });
  };

  it('reads a short abbreviation with a dot like an initial, by its letters', () => {
    check('Ach. Rifai', 'Achmad Rifai', 'match', 'spelling', /abbreviation Ach\.\/Achmad/);
    // Its letters may match the other spelling's key only (Ach. → ah, Ahmad → ahmat).
    check('Ach. Yani', 'Ahmad Yani', 'match', 'spelling', /abbreviation Ach\.\/Ahmad/);
    check('Dt. Rajo Ameh', 'Datuk Rajo Ameh', 'match', 'spelling', /abbreviation Dt\.\/Datuk/);
    // Letters that are not in the other word, in order, stand for another name.
    expect(compareNames('Ach. Rifai', 'Agus Rifai').decision).toBe('mismatch');
    expect(compareNames('Sy. Harahap', 'Sulaiman Harahap').decision).not.toBe('match');
    // Without a dot it is a word of its own, not an abbreviation.
    expect(compareNames('Ach Rifai', 'Achmad Rifai').decision).not.toBe('match');
    // Known abbreviations keep standing for their one word.
    expect(compareNames('Abd. Rahman', 'Abdul Rahman').ignored).not.toContain('abbreviation Abd./Abdul');
  });

  it('sends a nickname beside an agreeing distinctive word to review, not to mismatch', () => {
    check('Mamat Suryana', 'Rahmat Suryana', 'review', 'nickname', /Mamat may be a nickname of Rahmat/);
    check('Tono Sitompul', 'Hartono Sitompul', 'review', 'nickname', /Tono may be a nickname of Hartono/);
    check('Iwan Hutapea', 'Kurniawan Hutapea', 'review', 'nickname', /Iwan may be a nickname of Kurniawan/);
    check('Ucok Siregar', 'Rudi Hartono Siregar', 'review', 'nickname', /Ucok may be a nickname of Rudi and Hartono/);
    // Without an agreeing distinctive word nothing identifies the person.
    expect(compareNames('Mamat', 'Rahmat').decision).toBe('mismatch');
    expect(compareNames('Tono Sitompul', 'Hartono Pasaribu').decision).toBe('mismatch');
    // Not a nickname: another name.
    expect(compareNames('Budi Suryana', 'Rahmat Suryana').decision).toBe('mismatch');
  });

  it('reads an old-spelling "tj" as c or as t + y', () => {
    check('Prasetjo Wibowo', 'Prasetyo Wibowo', 'match', 'spelling', /spelling variant Prasetjo\/Prasetyo/);
    expect(compareNames('Soelistjo Hadi', 'Sulistyo Hadi').decision).toBe('match');
    expect(compareNames('Tjahjo Kumolo', 'Cahyo Kumolo').decision).toBe('match');
    expect(compareNames('Soetjipto Hadi', 'Suyitno Hadi').decision).toBe('mismatch');
  });
});

describe('compareNames result', () => {
  it('mentions ignored titles and degrees in the explanation and the ignored list', () => {
    const r = compareNames('Hj. Siti Aminah, S.Kom., M.M.', 'SITI AMINAH');
    expect(r.decision).toBe('match');
    expect(r.score).toBe(1);
    expect(r.ignored).toEqual(expect.arrayContaining(['Hj.', 'S.Kom.', 'M.M.', 'letter case']));
    expect(r.explanation).toContain('Hj.');
    expect(r.explanation).toContain('S.Kom.');
    expect(r.explanation).toMatch(/letter case/);
    expect(r.differences).toEqual([]);
  });

  it('names spelling variants and initials it looked past', () => {
    const r = compareNames('Mochammad Rizki', 'M. Rizki');
    expect(r.explanation).toContain('initial M./Mochammad');
    const v = compareNames('Soekarno', 'Sukarno');
    expect(v.explanation).toContain('spelling variant Soekarno/Sukarno');
    expect(compareNames("Ma'ruf Amin", 'Maruf Amin').explanation).toContain('punctuation');
    expect(compareNames('Santoso Budi', 'Budi Santoso').explanation).toContain('word order');
  });

  it('says what differed, on the right side', () => {
    const r = compareNames('Budi Santoso', 'Agus Santoso');
    expect(r.differences).toEqual(['Budi vs Agus']);
    expect(r.explanation).toMatch(/^Names do not match: .*differs in Budi vs Agus; refused because the differing words \(Budi vs Agus\) are different names/);
    const swapped = compareNames('Agus Santoso', 'Budi Santoso');
    expect(swapped.differences).toEqual(['Agus vs Budi']);
    const subset = compareNames('Budi', 'Budi Santoso');
    expect(subset.differences).toEqual(['Santoso only in the second name']);
  });

  it('scores 0..1 with 3 decimals and honours custom thresholds', () => {
    const r = compareNames('Budi', 'Budi Santoso');
    expect(r.score).toBeGreaterThanOrEqual(DEFAULT_NAME_THRESHOLDS.review);
    expect(r.score).toBeLessThan(DEFAULT_NAME_THRESHOLDS.match);
    expect(compareNames('Budi', 'Budi Santoso', { match: 0.7, review: 0.5 }).decision).toBe('match');
    expect(compareNames('Budi', 'Budi Santoso', { match: 0.95, review: 0.9 }).decision).toBe('mismatch');
  });

  it('treats an empty name as a mismatch', () => {
    expect(compareNames('', 'Budi').decision).toBe('mismatch');
    expect(compareNames('', '').score).toBe(0);
    expect(compareNames('...', 'Budi').decision).toBe('mismatch');
  });

  it('serialises with its words, which are written when first read', () => {
    const json = JSON.parse(JSON.stringify(compareNames('Budi', 'Budi Santoso')));
    expect(json).toEqual({
      score: 0.765,
      decision: 'review',
      rule: 'subset',
      ignored: [],
      differences: ['Santoso only in the second name'],
      explanation: expect.stringMatching(/^Names partly match: .*sent to review because only one written-out word \(Budi\) agrees/),
    });
  });

  it('answers the same once its caches of prepared names and similarities have filled and started over', () => {
    const pairs: Array<[string, string]> = [
      ['Hj. Siti Nurhayati, S.Pd.', 'Siti Nur Hayati'],
      ['Herlina Siregar', 'Harlina Siregar'],
      ['Sri Cahyono', 'Sri Chayono'],
      ['Ny. Bambang Sutejo', 'Bambang Sutejo'],
      ['Sutrisno Sutrisno', 'Sutrisno'],
      ['Budi Santoso', 'Budi Santoso'],
    ];
    const before = pairs.map(([a, b]) => JSON.stringify(compareNames(a, b)));
    // More distinct names and key pairs than either cache keeps.
    for (let i = 0; i < 25_000; i++) compareNames(`Sur${i.toString(36)}yanto Wibowo`, `Sur${(i + 1).toString(36)}yanti Wibowo`);
    expect(pairs.map(([a, b]) => JSON.stringify(compareNames(a, b)))).toEqual(before);
  });
});
