// bench/duckdb.cjs SQL: run one DuckDB query and write its rows as NDJSON
// (so that bench's line counts compare with the tools').  "$F" in the SQL
// stands for the input file.  @duckdb/node-api comes from NODE_PATH.
'use strict';
const { DuckDBInstance } = require('@duckdb/node-api');

(async () => {
	const sql = process.argv[2].split('$F').join(process.env.F.replace(/'/g, "''"));
	const db = await DuckDBInstance.create(':memory:');
	const con = await db.connect();
	const reader = await con.runAndReadAll(sql);
	const out = [];
	for (const row of reader.getRowObjectsJson())
		out.push(JSON.stringify(row));
	process.stdout.write(out.length ? out.join('\n') + '\n' : '');
})().catch((e) => {
	process.stderr.write(`duckdb: ${e.message}\n`);
	process.exit(1);
});
