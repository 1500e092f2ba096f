/**
 * Scores a labelled name-pair CSV and prints precision, recall, false accepts / rejects and the
 * review share per phenomenon and overall:
 *
 *   npm run names:evaluate -- test/names/heldout.csv [more.csv …] [--misses]
 *
 * Columns as in test/names/corpus.csv (a, b, same = 1|0, phenomenon); extra columns are ignored,
 * so the operators' export (GET /v1/ops/names/decisions?format=csv) can be scored as it comes.
 * `--misses` also lists the pairs whose decision disagrees with the label.
 */
import { disagreements, evaluatePairs, formatEvaluation } from '../src/domain/names/evaluate.js';
import { loadLabelledPairs } from '../test/names/corpus.js';

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  process.stderr.write('usage: npm run names:evaluate -- <labelled.csv> [more.csv …] [--misses]\n');
  process.exit(2);
}
for (const file of files) {
  const evaluation = evaluatePairs(loadLabelledPairs(file));
  process.stdout.write(`${formatEvaluation(evaluation, `${file}: ${evaluation.overall.pairs} pairs`)}\n\n`);
  if (args.includes('--misses')) {
    for (const s of disagreements(evaluation)) {
      process.stdout.write(`${s.same ? 'same' : 'diff'}  ${s.decision.padEnd(8)} ${s.score.toFixed(3)}  ${s.phenomenon}  ${s.a} ~ ${s.b}\n    ${s.explanation}\n`);
    }
    process.stdout.write('\n');
  }
}
