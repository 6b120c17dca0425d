#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the cross-encoder fixture: a random BertForSequenceClassification (one label) and transformers' logits.

The model has the shape of cross-encoder/ms-marco-MiniLM-L-6-v2 at toy size (hidden 32, 2 layers, 2 heads,
intermediate 64) with random weights (seeded), so the fixture stays small and needs no download. Its vocabulary is
the first 1000 entries of the all-MiniLM-L6-v2 WordPiece vocabulary in the shared fixtures (bert-tiny/vocab.txt:
the special tokens, [unused*] and the single characters) plus the word pieces the test pairs need (but two, so that
[UNK] appears).
Goldens: logits of (query, document) pairs through BertTokenizer(q, d, truncation=True, max_length=...), including
pairs long enough to be truncated longest-first.

Usage: python cross_encoder_golden.py <fixtures>/models <output folder>     (needs torch, transformers)
"""
import json
import os
import sys

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

PAIRS = [
    ("how do bees fly", "Bees fly by flapping their wings about 230 times a second."),
    ("how do bees fly", "The stock market closed higher on Friday."),
    ("capital of France", "Paris is the capital and largest city of France."),
    ("capital of France", "Berlin is the capital of Germany."),
    ("Émile's café", "naïve résumé, 東京 and ünïcödé"),
    ("", "an empty query still scores"),
    ("a long query " * 30, "and a long document " * 40),
    ("short", "a document long enough to be cut at the maximum length " * 20),
]
MAX_LENGTH = 128


def main():
    models, output = sys.argv[1], sys.argv[2]
    os.makedirs(output, exist_ok=True)
    with open(f"{models}/bert-tiny/vocab.txt", encoding="utf-8") as handle:
        full = [line for line in handle.read().split("\n") if line]
    # The first 1000 entries, then the word pieces the pairs need under the full vocabulary (so most words are
    # real pieces, and words outside it still become [UNK]), minus a few to keep some [UNK]s.
    vocabulary = full[:1000]
    full_tokenizer = BertTokenizer(f"{models}/bert-tiny/vocab.txt", do_lower_case=True)
    for query, document in PAIRS:
        for piece in full_tokenizer.tokenize(query) + full_tokenizer.tokenize(document):
            if piece not in vocabulary and piece not in ("market", "##bs"):
                vocabulary.append(piece)
    with open(f"{output}/vocab.txt", "w", encoding="utf-8") as handle:
        handle.write("\n".join(vocabulary) + "\n")
    torch.manual_seed(12)
    config = BertConfig(
        vocab_size=len(vocabulary), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=512, num_labels=1, hidden_act="gelu",
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
    )
    model = BertForSequenceClassification(config).eval()
    with torch.no_grad():  # larger than the 0.02 default init so that logits differ visibly between pairs
        for name, parameter in model.named_parameters():
            if "LayerNorm" not in name:
                parameter.normal_(0, 0.2)
    model.save_pretrained(output, safe_serialization=True)
    tokenizer = BertTokenizer(f"{output}/vocab.txt", do_lower_case=True)
    tokenizer.save_pretrained(output)
    goldens = []
    for query, document in PAIRS:
        encoded = tokenizer(query, document, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
        with torch.no_grad():
            logit = model(**encoded).logits[0, 0].item()
        goldens.append({
            "query": query,
            "document": document,
            "input_ids": encoded["input_ids"][0].tolist(),
            "token_type_ids": encoded["token_type_ids"][0].tolist(),
            "logit": logit,
        })
    with open(f"{output}/golden.json", "w", encoding="utf-8") as handle:
        json.dump({"maxLength": MAX_LENGTH, "torch": torch.__version__, "pairs": goldens}, handle,
                  ensure_ascii=False, indent=1)
        handle.write("\n")
    print(f"{len(goldens)} pairs -> {output}")


if __name__ == "__main__":
    main()
