# SPDX-License-Identifier: Apache-2.0
"""Checks the HTTP bodies our Generation clients send in the tests, and the answers the tests script, against the
providers' official Python SDK types (pydantic validation), so that our assertions and our fakes are the real
shapes.

    python .ci/validate-sdk-shapes.py DIR        # DIR: what the tests wrote with MMRAG_WIRE_RECORD_DIR=DIR

Each file in DIR is one exchange: {"path", "status", "request", "response"}. Per provider:

- OpenAI Chat Completions: request -> `CompletionCreateParams{Non,}Streaming` (TypedDict); answer ->
  `ChatCompletion`, or every SSE event -> `ChatCompletionChunk`.
- OpenAI Images: request -> `ImageGenerateParamsNonStreaming`; answer -> `ImagesResponse`.
- Anthropic Messages: request -> `MessageCreateParams{Non,}Streaming`; answer -> `Message`, or every SSE event ->
  `RawMessageStreamEvent`.
- Gemini: the REST body has no single SDK type (the SDK's `GenerateContentParameters` nests `system_instruction`
  and the generation settings under `config`), so its parts are checked: `contents` -> `list[Content]`,
  `system_instruction` -> `Content`, `generationConfig` -> `GenerationConfig`, `safetySettings` ->
  `list[SafetySetting]`, and no other top-level key; answer (or every SSE event) -> `GenerateContentResponse`.
  google-genai's models forbid unknown fields, so a misspelt field fails here.
- Ollama: request -> `ChatRequest`, each message -> `Message` (the request type accepts plain mappings for
  messages, so they are checked one by one); answer (or every NDJSON line) -> `ChatResponse`.

Limits, said here so nobody relies on more: the OpenAI and Anthropic request types are TypedDicts, which pydantic
validates for field types but (by default) not for unknown keys, so they are validated with `extra="forbid"`
added; the SDKs' response models allow unknown fields (forward compatibility), so answers are checked for the
fields and types the SDK knows, not for extras. Anthropic's `ping` and `error` stream events and OpenAI's in-band
`{"error": …}` events are not part of the SDKs' stream-event unions; they are checked to be objects with the
documented keys instead. Answers the tests make deliberately malformed (not JSON, cut short) and non-2xx answers
are skipped for the answer check; their requests are still checked.
"""
import json
import os
import sys
import typing

import anthropic
import ollama
import openai
import pydantic
from anthropic.types import Message, RawMessageStreamEvent
from anthropic.types import message_create_params as anthropic_params
from google.genai import types as genai
from openai.types import ImagesResponse
from openai.types import image_generate_params as image_params
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.chat import completion_create_params as chat_params

STRICT = pydantic.ConfigDict(extra="forbid")


def forbid_extras(kind, seen):
    """Sets `extra="forbid"` on `kind` and every TypedDict reachable from its fields."""
    if id(kind) in seen:
        return
    seen.add(id(kind))
    if typing.is_typeddict(kind):
        kind.__pydantic_config__ = STRICT
        for hint in typing.get_type_hints(kind, include_extras=True).values():
            forbid_extras(hint, seen)
    for argument in typing.get_args(kind):
        forbid_extras(argument, seen)


def adapter(kind, strict=False):
    if strict:
        forbid_extras(kind, set())
    return pydantic.TypeAdapter(kind)


OPENAI_CHAT = adapter(chat_params.CompletionCreateParamsNonStreaming, strict=True)
OPENAI_CHAT_STREAM = adapter(chat_params.CompletionCreateParamsStreaming, strict=True)
OPENAI_IMAGES = adapter(image_params.ImageGenerateParamsNonStreaming, strict=True)
ANTHROPIC = adapter(anthropic_params.MessageCreateParamsNonStreaming, strict=True)
ANTHROPIC_STREAM = adapter(anthropic_params.MessageCreateParamsStreaming, strict=True)
ANTHROPIC_EVENT = adapter(RawMessageStreamEvent)
GEMINI_CONTENTS = adapter(list[genai.Content])
GEMINI_SAFETY = adapter(list[genai.SafetySetting])


def sse_events(text):
    """The `data:` payloads of a server-sent event stream (LF or CRLF), joined per event."""
    events, data = [], []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line == "":
            if data:
                events.append("\n".join(data))
            data = []
        elif line.startswith("data:"):
            data.append(line[5:].lstrip(" ") if line[5:6] == " " else line[5:])
    if data:
        events.append("\n".join(data))
    return events


def provider(path):
    base = path.split("?")[0]
    if base.endswith("/chat/completions"):
        return "openai-chat"
    if base.endswith("/images/generations"):
        return "openai-images"
    if base.endswith("/messages"):
        return "anthropic"
    if ":generateContent" in base or ":streamGenerateContent" in base:
        return "gemini"
    if base.endswith("/api/chat"):
        return "ollama"
    return None


def check_request(kind, body):
    streaming = body.get("stream") is True
    if kind == "openai-chat":
        (OPENAI_CHAT_STREAM if streaming else OPENAI_CHAT).validate_python(body)
    elif kind == "openai-images":
        OPENAI_IMAGES.validate_python(body)
    elif kind == "anthropic":
        (ANTHROPIC_STREAM if streaming else ANTHROPIC).validate_python(body)
    elif kind == "gemini":
        # Proto JSON accepts both spellings of every field; the client sends `systemInstruction`.
        allowed = {"contents", "system_instruction", "systemInstruction", "generationConfig", "safetySettings"}
        unknown = set(body) - allowed
        if unknown:
            raise ValueError(f"unknown top-level Gemini fields {sorted(unknown)}")
        GEMINI_CONTENTS.validate_python(body["contents"])
        for name in ("system_instruction", "systemInstruction"):
            if name in body:
                genai.Content.model_validate(body[name])
        if "generationConfig" in body:
            genai.GenerationConfig.model_validate(body["generationConfig"])
        if "safetySettings" in body:
            GEMINI_SAFETY.validate_python(body["safetySettings"])
    elif kind == "ollama":
        ollama._types.ChatRequest.model_validate(body)  # not re-exported at the top level
        for message in body.get("messages", []):
            # The SDK's `Message.images` holds `Image` objects, which it serialises to the wire's base64 strings;
            # wrap each string and check that it serialises back to itself.
            images = message.get("images")
            if images is not None:
                wrapped = [ollama.Image(value=image) for image in images]
                if [image.model_dump() for image in wrapped] != images:
                    raise ValueError("Ollama images do not round-trip through the SDK's Image")
                message = {**message, "images": wrapped}
            ollama.Message.model_validate(message)


def check_inband_error(event):
    error = event.get("error")
    if not isinstance(error, (dict, str)):
        raise ValueError("an error event without an error object or message")


def check_response(kind, path, request, text):
    """Validates a scripted 2xx answer; returns False when it is deliberately not the provider's shape."""
    streaming = request.get("stream") is True or ":streamGenerateContent" in path
    if kind == "ollama" and streaming:
        for line in text.splitlines():
            if line.strip():
                event = json.loads(line)
                if "error" in event:
                    check_inband_error(event)
                else:
                    ollama.ChatResponse.model_validate(event)
        return True
    if streaming:
        for payload in sse_events(text):
            if payload == "[DONE]":
                continue
            event = json.loads(payload)
            if "error" in event and event.get("type") in (None, "error"):
                check_inband_error(event)
            elif kind == "openai-chat":
                ChatCompletionChunk.model_validate(event)
            elif kind == "anthropic":
                if event.get("type") == "ping":
                    continue
                ANTHROPIC_EVENT.validate_python(event)
            elif kind == "gemini":
                genai.GenerateContentResponse.model_validate(event)
        return True
    body = json.loads(text)
    if kind == "openai-chat":
        ChatCompletion.model_validate(body)
    elif kind == "openai-images":
        ImagesResponse.model_validate(body)
    elif kind == "anthropic":
        Message.model_validate(body)
    elif kind == "gemini":
        genai.GenerateContentResponse.model_validate(body)
    elif kind == "ollama":
        ollama.ChatResponse.model_validate(body)
    return True


def main():
    directory = sys.argv[1]
    counts = {"requests": 0, "responses": 0, "skipped": 0}
    failures = []
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            entry = json.load(handle)
        kind = provider(entry["path"])
        if kind is None or not entry["request"]:
            continue
        try:
            request = json.loads(entry["request"])
        except ValueError as error:
            failures.append(f"{name} {entry['path']}: the request is not JSON: {error}")
            continue
        try:
            check_request(kind, request)
            counts["requests"] += 1
        except (pydantic.ValidationError, ValueError, KeyError) as error:
            failures.append(f"{name} {kind} request: {error}")
        if not (200 <= entry["status"] < 300) or entry.get("malformed"):
            counts["skipped"] += 1
            continue
        try:
            check_response(kind, entry["path"], request, entry["response"])
            counts["responses"] += 1
        except json.JSONDecodeError:
            counts["skipped"] += 1  # a test's deliberately malformed answer
        except (pydantic.ValidationError, ValueError, KeyError) as error:
            failures.append(f"{name} {kind} answer: {error}")
    versions = (
        f"openai {openai.__version__}, anthropic {anthropic.__version__}, google-genai (types), "
        f"ollama, pydantic {pydantic.__version__}"
    )
    print(
        f"sdk shapes: {counts['requests']} requests and {counts['responses']} answers valid "
        f"({counts['skipped']} error-status or malformed-on-purpose answers skipped; {versions})"
    )
    for failure in failures:
        print("FAIL", failure)
    if counts["requests"] == 0:
        print("FAIL no recorded requests: did the tests run with MMRAG_WIRE_RECORD_DIR set?")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
