// What `require('adiff-cli')` costs a script: the require alone (resolved through package.json's exports).
const { compile } = require('adiff-cli');
if (typeof compile !== 'function') throw new Error('no compile');
