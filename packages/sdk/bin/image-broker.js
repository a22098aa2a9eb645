#!/usr/bin/env node
'use strict';
// The CLI is TypeScript built into dist/ (npm install builds it; `npm run build -w @image-broker/sdk` rebuilds it).
require('../dist/cli/main.js')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
