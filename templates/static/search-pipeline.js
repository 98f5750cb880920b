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
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC")
      .replace(/(?<=[0-9])\.(?=[0-9]{3}(?![0-9]))/g, "");
  }

  function trim(text) {
    return text.replace(/^[^\p{L}\p{N}]+/u, "").replace(/[^\p{L}\p{N}]+$/u, "");
  }

  /* The tone mark of a final oa, oe, uy on the first vowel: "hoá" -> "hóa", "thuỷ" -> "thủy" (not after q). */
  var TONE_ON_SECOND = /([oO])([aAeE])([\u0300\u0301\u0303\u0309\u0323])$|(?<![qQ])([uU])([yY])([\u0300\u0301\u0303\u0309\u0323])$/;

  function placeTone(word) {
    var decomposed = word.normalize("NFD");
    var moved = decomposed.replace(TONE_ON_SECOND, function (all, o, a, mark, u, y, mark2) {
      return o ? o + mark + a : u + mark2 + y;
    });
    return moved === decomposed ? word : moved.normalize("NFC");
  }

  /* A word as the index keeps it: trimmed, its tone mark in one place. */
  function normal(word) {
    return placeTone(trim(word));
  }

  /* Punctuation after the word: no pair across it. */
  function endsClause(word) {
    return word.length > 0 && !/[\p{L}\p{N}]$/u.test(word);
  }

  function prepare(text) {
    return text.normalize("NFC").replace(/[\s\x1c-\x1f\x85]+/g, " ").trim();
  }

  var trimmer = function (token) {
    if (endsClause(token.toString())) token.metadata.clause_end = true;
    token.update(function (string) { return normal(string); });
    return token.toString() ? token : undefined;
  };

  /* A term with a digit has no pair: figures are nearly all different, and looked up on their own. */
  function hasFigure(term) {
    return /\p{N}/u.test(term);
  }

  var bigram = function (token, i, tokens) {
    if (i + 1 < tokens.length && !token.metadata.clause_end &&
        !hasFigure(token.toString()) && !hasFigure(tokens[i + 1].toString())) {
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

  /* In the body, only the folded form: a word as written breaks ties in the title and the facts only. */
  var plain = function (token) {
    return token.update(function (string) { return fold(string); });
  };

  lunr.Pipeline.registerFunction(trimmer, "vi-trimmer");
  lunr.Pipeline.registerFunction(bigram, "vi-bigram");
  lunr.Pipeline.registerFunction(foldToken, "vi-fold");
  lunr.Pipeline.registerFunction(plain, "vi-plain");

  return {
    fold: fold,
    trim: trim,
    normal: normal,
    endsClause: endsClause,
    hasFigure: hasFigure,
    prepare: prepare,
    /* Every term of a field ("title", "meta" or "body") as the index stores it: tokenizer, then the pipeline. */
    terms: function (text, field) {
      var pipeline = new lunr.Pipeline();
      pipeline.add(trimmer, bigram, field === "body" ? plain : foldToken);
      return pipeline.run(lunr.tokenizer(prepare(text))).map(String);
    }
  };
});
