import { PRAKERJA_PARTICIPANT_NOT_FOUND } from '../errors.js';
import { PRAKERJA_PATHS } from '../http.js';
import type { ParticipantData } from '../wire.js';
import { ok, record, refuse, send, type PrakerjaSimContext } from './replies.js';

/** MODELLED endpoint: prakerja.go.id publishes no participant lookup for providers. */
export function mountParticipants({ app, state }: PrakerjaSimContext): void {
  app.post(PRAKERJA_PATHS.participantLookup, async (c) => {
    const body = c.get('body');
    const reply = await record(state, c, body, () => {
      if (typeof body.card_number !== 'string') return refuse('Request tidak valid');
      const p = state.participants.get(body.card_number);
      if (!p) return refuse(PRAKERJA_PARTICIPANT_NOT_FOUND, 404);
      const data: ParticipantData = { card_number: p.cardNumber, name: p.name, status: p.status };
      return ok(data);
    });
    return send(c, reply);
  });
}
