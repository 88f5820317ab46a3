// The real process's streaming parts of Io: files and standard input read chunk by chunk, and Ctrl-C.
import { open } from 'node:fs/promises';
import type { Io } from './io.js';

export function processStreams(): Pick<Io, 'openFile' | 'stdinChunks' | 'onInterrupt'> {
  return {
    openFile: async (path) => {
      const handle = await open(path, 'r');
      try {
        const stat = await handle.stat();
        if (stat.isDirectory()) throw Object.assign(new Error(`'${path}' is a directory`), { code: 'EISDIR' });
        return { chunks: handle.createReadStream({ highWaterMark: 1 << 16 }), size: stat.isFile() ? stat.size : undefined };
      } catch (e) {
        await handle.close();
        throw e;
      }
    },
    stdinChunks: () => process.stdin,
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}
