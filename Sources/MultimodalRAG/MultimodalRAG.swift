@_exported public import VectorIndex
