// Prints, for each string of a JSON list read from stdin, the terms the browser's
// search pipeline makes of it (lunr.tokenizer, then vi-trimmer, vi-bigram, vi-fold).
const path = require("path");
const root = path.resolve(__dirname, "..");
const lunr = require(path.join(root, "node_modules", "lunr"));
const pipeline = require(path.join(root, "templates", "static", "search-pipeline.js"))(lunr);

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const texts = JSON.parse(input);
  process.stdout.write(JSON.stringify(texts.map((text) => pipeline.terms(text))));
});
