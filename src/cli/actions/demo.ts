import { writeDemoConfig } from '../../server/demo-config.js';

/** `callrouter start` with no configuration yet: writes the demo one and shows its credentials, once. */
export async function writeDemo(configPath: string): Promise<void> {
  const demo = await writeDemoConfig(configPath);
  console.log(`Wrote a demo configuration to ${configPath}. SIP credentials (shown once):`);
  for (const user of demo.users) console.log(`  ${user.id}@${demo.domain}  password ${user.password}  voicemail PIN ${user.voicemailPin}`);
  console.log(`The IVR (public number, or dial 500) speaks with ${demo.prompts === 'speech' ? 'espeak-ng' : 'tones (install espeak-ng for speech)'}; *98 listens to your voicemail.`);
  console.log(`HTTP API admin token (shown once; more with callrouter token create): ${demo.adminToken}`);
  console.log(`Console sign-in at http://127.0.0.1:8080/ (shown once; more with callrouter admin create): ${demo.adminAccount.username} / ${demo.adminAccount.password}`);
  console.log('SIP and HTTP listen on 127.0.0.1 only; the README\'s "Security model" says how to open them to other machines.');
}
