import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';

/**
 * People read a terminal, programs read a pipe: pretty lines when stdout is a
 * terminal, JSON lines otherwise. LOG_FORMAT=pretty|json overrides the guess.
 */
export function logFormatFor(env: NodeJS.ProcessEnv, stdoutIsTerminal: boolean): LogFormat {
  if (env.LOG_FORMAT === 'pretty' || env.LOG_FORMAT === 'json') return env.LOG_FORMAT;
  return stdoutIsTerminal ? 'pretty' : 'json';
}

export function createLogger(level: string, format: LogFormat, destination: DestinationStream | NodeJS.WritableStream = process.stdout): Logger {
  if (format === 'json') return pino({ level }, destination as DestinationStream);
  const colorize = destination === process.stdout && process.stdout.isTTY === true;
  return pino({ level }, pretty({ destination, colorize, sync: true, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname' }));
}
