// SPDX-License-Identifier: Apache-2.0

/// How a hosted embedder talks to its server: timeouts, retries and how many inputs go into one request.
///
/// The same ``HostedServiceOptions`` type that chat and image clients take in `Generation`; this name stays for
/// the hosted embedders' sake.
///
/// ```swift
/// var options = HostedEmbedderOptions()
/// options.timeout = .seconds(20)
/// options.maxAttempts = 6
/// options.maxCharactersPerRequest = 200_000   // stay under a server's token budget
/// ```
public typealias HostedEmbedderOptions = HostedServiceOptions
