/** pino logging with redaction: tokens and APDU payloads never reach the log; 5xx causes do. */
import { describe, expect, it } from 'vitest';
import { MemoryCardStore } from '../../../terminal-sim/store/index.js';
import { REDACT_PATHS } from '../../../terminal-sim/server/app.js';
import { makeApp, now } from './helpers.js';

describe('logging', () => {
  it('logs requests without the bearer token and logs a 5xx cause server-side only', async () => {
    const lines: string[] = [];
    const store = new MemoryCardStore({ now });
    store.listCards = () => {
      throw new Error('cause kept for the operator');
    };
    const { app } = await makeApp({ token: 'tok-123456', logger: { level: 'info', stream: { write: (l) => void lines.push(l) } } }, store);
    const res = await app.inject({ method: 'GET', url: '/v1/cards', headers: { authorization: 'Bearer tok-123456' } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('cause kept');
    const log = lines.join('');
    expect(log).toContain('cause kept for the operator');
    expect(log).not.toContain('tok-123456');
    expect(REDACT_PATHS).toContain('req.headers.authorization');
    await app.close();
  });
});
