import { listenSetting } from '../settings.js';

export const httpSettings = listenSetting(8080);
