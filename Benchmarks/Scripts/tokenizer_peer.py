# SPDX-License-Identifier: Apache-2.0
"""Peer numbers for tokenizer-report: Hugging Face tokenizers (Rust, through its Python binding) and the
transformers tokenizer classes, on the same golden texts repeated 20 times, one thread, medians of 7 rounds
(transformers classes: 3 rounds). In transformers 5 `CLIPTokenizer` and `BertTokenizer` are backed by the Rust
tokenizers too; the rows show what a transformers user pays per call.

    python -m venv /tmp/tokvenv && /tmp/tokvenv/bin/pip install tokenizers transformers
    RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false \
        /tmp/tokvenv/bin/python tokenizer_peer.py $MMRAG_FIXTURES/models CLIP_TOKENIZER_JSON_DIR

CLIP_TOKENIZER_JSON_DIR holds a tokenizer.json made by
`CLIPTokenizerFast.from_pretrained(clip-tokenizer dir).save_pretrained(CLIP_TOKENIZER_JSON_DIR)`.
"""
import json
import statistics
import sys
import time

from tokenizers import Tokenizer

models, clip_json_dir = sys.argv[1], sys.argv[2]


def texts(path, repeats=20):
    return [e["text"] for e in json.load(open(f"{models}/{path}"))] * repeats


def report(name, texts, encode_all, rounds=7):
    tokens = sum(encode_all(texts))
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        n = sum(encode_all(texts))
        times.append(time.perf_counter() - start)
        assert n == tokens
    median = statistics.median(times)
    print(f"| {name} | {len(texts)} | {tokens} | {tokens / median / 1e6:.2f} | {len(texts) / median:.0f} |")


def rust(path):
    tok = Tokenizer.from_file(path)
    tok.no_truncation()
    tok.no_padding()
    return tok


clip_texts = texts("clip-tokenizer/golden.json")
bert_texts = texts("bert-tiny/wordpiece_golden.json")
clip = rust(f"{clip_json_dir}/tokenizer.json")
bert = rust(f"{models}/bert-tiny/tokenizer.json")
print("| tokenizer | texts | tokens | M tokens/s | texts/s |")
print("|---|---|---|---|---|")
report("HF tokenizers CLIP, encode_batch", clip_texts, lambda t: [len(e.ids) for e in clip.encode_batch(t)])
report("HF tokenizers CLIP, encode per text", clip_texts, lambda t: [len(clip.encode(x).ids) for x in t])
report("HF tokenizers BERT, encode_batch", bert_texts, lambda t: [len(e.ids) for e in bert.encode_batch(t)])
report("HF tokenizers BERT, encode per text", bert_texts, lambda t: [len(bert.encode(x).ids) for x in t])
try:
    from transformers import BertTokenizer, CLIPTokenizer

    slow_clip = CLIPTokenizer.from_pretrained(f"{models}/clip-tokenizer")
    slow_bert = BertTokenizer.from_pretrained(f"{models}/bert-tiny")
    report("transformers CLIPTokenizer(text)", clip_texts,
           lambda t: [len(slow_clip(x)["input_ids"]) for x in t], rounds=3)
    report("transformers BertTokenizer(text)", bert_texts,
           lambda t: [len(slow_bert(x)["input_ids"]) for x in t], rounds=3)
except ImportError as error:
    print("slow tokenizers skipped:", error)
