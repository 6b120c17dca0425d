// SPDX-License-Identifier: Apache-2.0

// The HTTP transport seam and the hosted-service options, re-exported so that `import Generation` is all a host
// needs to plug its own transport into a chat or image client. These are the same declarations `Embedding`
// re-exports (scoped `@_exported` imports of the hidden support target `_RAGHTTP`), so a file that imports both
// modules sees one `HTTPTransport`, not two; `GenerationTests/ReexportTests` keeps it that way. No typealiases
// here: a second set would make the names ambiguous beside `Embedding`'s.

@_exported public import class _RAGHTTP.DefaultHTTPTransport
@_exported public import struct _RAGHTTP.HTTPByteStream
@_exported public import struct _RAGHTTP.HTTPError
@_exported public import struct _RAGHTTP.HTTPHeaders
@_exported public import struct _RAGHTTP.HTTPRequest
@_exported public import struct _RAGHTTP.HTTPResponse
@_exported public import struct _RAGHTTP.HTTPResponseHead
@_exported public import struct _RAGHTTP.HTTPStreamingResponse
@_exported public import protocol _RAGHTTP.HTTPTransport
@_exported public import struct _RAGHTTP.HostedServiceOptions
@_exported public import class _RAGHTTP.SocketHTTPTransport
@_exported public import class _RAGHTTP.URLSessionTransport
