// SPDX-License-Identifier: Apache-2.0

@_exported public import Embedding
@_exported public import Generation
@_exported public import MediaDecoding
@_exported public import Retrieval
@_exported public import VectorIndex
