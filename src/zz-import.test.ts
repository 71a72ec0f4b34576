import { it } from 'node:test';
import { startTestRouter } from '../test/support/sip/router.js';
it('x', () => { void startTestRouter; });
