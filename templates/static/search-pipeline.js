/* The Vietnamese search pipeline, the same as archive/search.py under the same labels.
 * Loaded by the search page before any index shard, and by the parity test in node. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory;
  } else {
    root.ArchivePipeline = factory(root.lunr);
  }
})(typeof self !== "undefined" ? self : this, function (lunr) {
  "use strict";

  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
  }

  function trim(text) {
    return text.replace(/^[^\p{L}\p{N}]+/u, "").replace(/[^\p{L}\p{N}]+$/u, "");
  }

  function prepare(text) {
    return text.normalize("NFC").replace(/[\s\x1c-\x1f\x85]+/g, " ").trim();
  }

  var trimmer = function (token) {
    token.update(function (string) { return trim(string); });
    return token.toString() ? token : undefined;
  };

  var bigram = function (token, i, tokens) {
    if (i + 1 < tokens.length) {
      var pair = fold(token.toString()) + "_" + fold(tokens[i + 1].toString());
      return [token, token.clone(function () { return pair; })];
    }
    return [token];
  };

  var foldToken = function (token) {
    var folded = fold(token.toString());
    if (folded === token.toString()) return token;
    return [token, token.clone(function () { return folded; })];
  };

  lunr.Pipeline.registerFunction(trimmer, "vi-trimmer");
  lunr.Pipeline.registerFunction(bigram, "vi-bigram");
  lunr.Pipeline.registerFunction(foldToken, "vi-fold");

  return {
    fold: fold,
    trim: trim,
    prepare: prepare,
    indexPipeline: [trimmer, bigram, foldToken],
    /* Every term of a field as the index stores it: tokenizer, then the pipeline. */
    terms: function (text) {
      var pipeline = new lunr.Pipeline();
      pipeline.add(trimmer, bigram, foldToken);
      return pipeline.run(lunr.tokenizer(prepare(text))).map(String);
    }
  };
});
