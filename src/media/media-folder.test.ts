import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mediaFilePath } from './media-folder.js';

test('a name is a file of the domain’s folder, .wav when it has no extension; nothing outside it', () => {
  assert.equal(mediaFilePath('/data/media', 'example.com', 'welcome.wav'), '/data/media/example.com/welcome.wav');
  assert.equal(mediaFilePath('/data/media', 'example.com', 'ivr/menu'), '/data/media/example.com/ivr/menu.wav');
  assert.throws(() => mediaFilePath('/data/media', 'example.com', '../other.com/x.wav'), /outside the domain's media folder/);
  assert.throws(() => mediaFilePath('/data/media', 'example.com', '/etc/passwd'), /outside/);
  assert.throws(() => mediaFilePath('/data/media', '../etc', 'x.wav'), /no media folder/);
  assert.throws(() => mediaFilePath('/data/media', '', 'x.wav'), /no media folder/);
});
