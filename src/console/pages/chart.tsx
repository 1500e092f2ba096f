import type { FC } from 'hono/jsx';
import type { HourBucket } from '../../services/ops/platform-history.js';
import { formatWib } from '../i18n.js';
import type { View } from '../layout.js';

const W = 300;
const H = 110;
const PAD = { left: 22, bottom: 16, top: 8 };

/**
 * Delivered (up) and failed (down from the same baseline would hide small numbers, so beside it)
 * per hour as plain SVG rendered on the server: no script, no library, readable by a screen
 * reader through its title and the table summary that follows.
 */
export const HourChart: FC<{ v: View; id: string; hours: HourBucket[] }> = ({ v, id, hours }) => {
  const max = Math.max(1, ...hours.map((h) => Math.max(h.delivered, h.failed)));
  const slot = (W - PAD.left) / hours.length;
  const bar = Math.max(1, slot / 2 - 1);
  const y = (n: number) => H - PAD.bottom - (n / max) * (H - PAD.bottom - PAD.top);
  const totalOk = hours.reduce((a, h) => a + h.delivered, 0);
  const totalBad = hours.reduce((a, h) => a + h.failed, 0);
  return (
    <figure>
      <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t`}>
        <title id={`${id}-t`}>{`${v.t('chart24h')}: ${totalOk} ${v.t('delivered')}, ${totalBad} ${v.t('failed')}`}</title>
        <line x1={PAD.left} y1={H - PAD.bottom} x2={W} y2={H - PAD.bottom} stroke="#6b6b6b" />
        <text x={PAD.left - 4} y={PAD.top + 8} text-anchor="end" font-size="10" fill="#1a1a1a">
          {max}
        </text>
        <text x={PAD.left - 4} y={H - PAD.bottom} text-anchor="end" font-size="10" fill="#1a1a1a">
          0
        </text>
        {hours.map((h, i) => {
          const x = PAD.left + i * slot;
          return (
            <g>
              <rect x={x} y={y(h.delivered)} width={bar} height={H - PAD.bottom - y(h.delivered)} fill="#1d6b33" />
              <rect x={x + bar + 1} y={y(h.failed)} width={bar} height={H - PAD.bottom - y(h.failed)} fill="#9b1c1c" />
              {i % 6 === 0 ? (
                <text x={x} y={H - 4} font-size="9.5" fill="#1a1a1a">
                  {formatWib(v.lang, h.hour).replace(/^.*?(\d{2}[.:]\d{2}).*$/, '$1')}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption class="muted">
        <span class="swatch ok" aria-hidden="true">■</span> {v.t('delivered')} {totalOk} · <span class="swatch bad" aria-hidden="true">■</span> {v.t('failed')} {totalBad}
      </figcaption>
    </figure>
  );
};
