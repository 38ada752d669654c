#!/usr/bin/env node
import('../dist/cli/main.js')
  .then((cli) => cli.main(process.argv.slice(2)))
  .then(
    (code) => {
      if (typeof code === 'number') process.exitCode = code;
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      if (error && error.code === 'ERR_MODULE_NOT_FOUND')
        console.error('MediSys is not built: run `npm run build` first.');
      process.exitCode = 1;
    },
  );
