// What `import { compile } from 'adiff-cli'` costs a script: the import alone (resolved through package.json's exports).
import { compile } from 'adiff-cli';
if (typeof compile !== 'function') throw new Error('no compile');
