// Lint Cypher statements with Neo4j's own linter (@neo4j-cypher/language-support), no server.
//
// stdin:  {"schema": DbSchema without parameters,
//          "statements": [{"name": ..., "text": ..., "parameters": {name: example value}}]}
// stdout: [{"name": ..., "diagnostics": [{"severity": 1|2, "message": ..., "line": ...,
//           "character": ...}]}]   (severity 1 = error, 2 = warning; lines from 0)
// The statements are shared out over one worker thread per core (the linter is CPU-bound).
// Run by tests/cypher/test_neo4j_lint.py after `make neo4j-lint` installed the package (npm ci).
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

async function lintAll({ schema, statements }) {
  const { lintCypherQuery } = await import('@neo4j-cypher/language-support');
  return statements.map(({ index, name, text, parameters }) => {
    const { diagnostics } = lintCypherQuery(text, { ...schema, parameters: parameters ?? {} });
    return {
      index,
      name,
      diagnostics: diagnostics.map((d) => ({
        severity: d.severity,
        message: d.message,
        line: d.range.start.line,
        character: d.range.start.character,
      })),
    };
  });
}

if (isMainThread) {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const statements = input.statements.map((s, index) => ({ ...s, index }));
  // longest first, dealt round-robin, so the workers finish at about the same time
  statements.sort((a, b) => b.text.length - a.text.length);
  const n = Math.max(1, Math.min(availableParallelism(), statements.length));
  const shares = Array.from({ length: n }, (_, w) => statements.filter((_, i) => i % n === w));
  const results = await Promise.all(
    shares.map(
      (share) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), {
            workerData: { schema: input.schema, statements: share },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  const out = results.flat().sort((a, b) => a.index - b.index);
  process.stdout.write(JSON.stringify(out.map(({ index, ...rest }) => rest)));
} else {
  parentPort.postMessage(await lintAll(workerData));
}
