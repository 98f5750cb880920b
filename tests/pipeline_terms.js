// Prints, for each [field, text] of a JSON list read from stdin, the terms the browser's
// search pipeline makes of the text in that field (lunr.tokenizer, then vi-trimmer, vi-bigram,
// and vi-fold in the title and the facts or vi-plain in the body).
const path = require("path");
const root = path.resolve(__dirname, "..");
const lunr = require(path.join(root, "node_modules", "lunr"));
const pipeline = require(path.join(root, "templates", "static", "search-pipeline.js"))(lunr);

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const texts = JSON.parse(input);
  process.stdout.write(JSON.stringify(texts.map(([field, text]) => pipeline.terms(text, field))));
});
