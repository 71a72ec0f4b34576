/**
 * The router's own HTTP port serves the Elasticsearch-compatible CDR API
 * beside /health: the official 8.x client works against it, and FreeSWITCH
 * can post its CDRs there (base64 form bodies, no domain_name) and have them
 * found by the seed query in the domain's zone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import pino from 'pino';
import { isoToStamp } from '../../src/cdr/document/local-time.js';
import { startRouter } from '../../src/server/router.js';
import { seedRequest } from '../support/cdr/dataset.js';
import { demoConfigFile } from '../support/demo-config.js';

const DOMAIN = 'demo.callrouter.local';
const ZONE = 'Europe/Kyiv';

test("the router's HTTP port answers the Elasticsearch client and takes FreeSWITCH CDRs", async () => {
  const { file, adminToken } = await demoConfigFile();
  const router = await startRouter(file, pino({ level: 'silent' }));
  const base = `http://127.0.0.1:${router.http.port}`;
  const authorization = `Bearer ${adminToken}`;
  const client = new Client({ node: base, headers: { authorization } });
  try {
    assert.match((await client.info()).version.number, /^8\./);
    assert.equal((await (await fetch(`${base}/health`)).json()).status, 'ok');
    assert.equal((await fetch(`${base}/cdr/_search`)).status, 401, 'the API is behind the tokens');

    // mod_json_cdr with encode=base64 and a leg whose domain is only in presence_id.
    const started = new Date(Date.now() - 5 * 60_000);
    const cdr = {
      variables: {
        uuid: 'fs-base64-leg',
        presence_id: '102@demo.callrouter.local',
        webitel_direction: 'outbound',
        destination_number: '0679998877',
        start_stamp: isoToStamp(started, ZONE),
        start_epoch: String(Math.floor(started.getTime() / 1000)),
        end_epoch: String(Math.floor(started.getTime() / 1000) + 30),
        hangup_cause: 'NORMAL_CLEARING',
      },
      callflow: [{ caller_profile: { caller_id_number: '102', destination_number: '0679998877' } }],
    };
    const posted = await fetch(`${base}/cdr/freeswitch`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
      body: `cdr=${Buffer.from(JSON.stringify(cdr)).toString('base64')}`,
    });
    assert.equal(posted.status, 201, await posted.clone().text());
    assert.equal(posted.headers.get('x-elastic-product'), 'Elasticsearch');

    const found = await client.search({ index: `cdr-*-${DOMAIN}`, ...(seedRequest('0679998877') as object) });
    assert.deepEqual(found.hits.hits.map((hit) => [hit._id, hit.fields]), [['fs-base64-leg', { 'User ID': ['102'] }]]);
    const stored = await client.get<Record<string, any>>({ index: 'cdr', id: 'fs-base64-leg' });
    assert.equal(stored._source!['Domain name'], DOMAIN);
    assert.match(stored._source!.variables.start_stamp, new RegExp(`^${isoToStamp(started, ZONE)}[+-]\\d\\d:\\d\\d$`), 'the local stamp is kept, with the zone offset');
  } finally {
    await client.close();
    await router.stop();
  }
});
