#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the BM25 golden fixture: bm25s (method="lucene") top-10 ids and scores on the 20k PyPI summaries.

The corpus and queries are tokenized here with the rule of BM25Index's WordTokenizer (Weaviate's `word`
tokenization): a word is a maximal run of Unicode letters (categories L*) and numbers (N*), lower-cased with
str.lower(); documents keep stop words, queries drop Weaviate's English preset. bm25s gets those tokens, so only
the scoring is compared. The fixture also records the corpus token count and vocabulary size, which the Swift test
checks first, so a tokenizer difference fails loudly instead of as slightly different scores.

bm25s's lucene idf is ln(1 + (N - df + 0.5) / (df + 0.5)), the same expression as Weaviate's BM25 idf, and its term
score idf * tf / (tf + k1 * (1 - b + b * len / avgdl)) is BM25F with one property.

Usage: python bm25_golden.py <fixtures>/ann <output.json> [--queries 50]     (needs bm25s and numpy)
"""
import json
import sys
import unicodedata

import bm25s
import numpy as np

STOP_WORDS = {
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
    "will", "with",
}
K1 = 1.2
B = 0.75


def words(text):
    """Weaviate `word` tokenization: split on anything that is not a letter or number, lower-case."""
    out, current = [], []
    for ch in text:
        if unicodedata.category(ch)[0] in ("L", "N"):
            current.append(ch)
        elif current:
            out.append("".join(current).lower())
            current = []
    if current:
        out.append("".join(current).lower())
    return out


def load_corpus(folder):
    texts = []
    with open(f"{folder}/minilm-pypi.base.texts.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            assert record["i"] == len(texts)
            texts.append(record["summary"] or "")
    return texts


def main():
    folder, output = sys.argv[1], sys.argv[2]
    count = int(sys.argv[sys.argv.index("--queries") + 1]) if "--queries" in sys.argv else 50
    corpus = [words(text) for text in load_corpus(folder)]
    with open(f"{folder}/minilm-pypi.query.texts.json", encoding="utf-8") as handle:
        queries = json.load(handle)

    model = bm25s.BM25(method="lucene", k1=K1, b=B)
    model.index(corpus, show_progress=False)
    vocabulary = {word for document in corpus for word in document}

    # A repeated query word counts twice in bm25s (its idf is added twice), as in Weaviate.
    probe = next(w for w in corpus[0] if w not in STOP_WORDS)
    once, twice = model.get_scores([probe]), model.get_scores([probe, probe])
    assert np.allclose(twice, 2 * once), "bm25s no longer counts repeated query words twice"

    golden = []
    for record in queries:
        terms = [w for w in words(record["summary"] or "") if w not in STOP_WORDS]
        if not any(t in vocabulary for t in terms):
            continue
        scores = model.get_scores(terms).astype(np.float64)
        order = np.lexsort((np.arange(len(scores)), -scores))[:10]
        order = [int(i) for i in order if scores[i] > 0]
        golden.append({
            "query": record["i"],
            "text": record["summary"],
            "terms": terms,
            "ids": order,
            "scores": [round(float(scores[i]), 6) for i in order],
        })
        if len(golden) == count:
            break

    fixture = {
        "source": "bm25s %s, method=lucene, k1=%s, b=%s, on minilm-pypi.base.texts.jsonl summaries" % (
            bm25s.__version__, K1, B),
        "k1": K1,
        "b": B,
        "documents": len(corpus),
        "corpusTokens": sum(len(d) for d in corpus),
        "vocabulary": len(vocabulary),
        "queries": golden,
    }
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(fixture, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    print(f"{len(golden)} queries, {fixture['corpusTokens']} corpus tokens, {fixture['vocabulary']} words -> {output}")


if __name__ == "__main__":
    main()
