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
  if (format === 'json') return pino({ level }, destination === process.stdout ? stdoutInTheBackground() : (destination as DestinationStream));
  const colorize = destination === process.stdout && process.stdout.isTTY === true;
  return pino({ level }, pretty({ destination, colorize, sync: true, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname' }));
}

/**
 * JSON lines to stdout without blocking: a router at info logs several lines
 * per call, and process.stdout into a file or a pipe is a write(2) per line on
 * the SIP thread. This buffers the lines and writes them asynchronously, the
 * lines logged while a write is under way going out together in the next one;
 * pino writes what is left when the process exits.
 */
function stdoutInTheBackground(): DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}
