"""Text: segmentation, diffs and edit types, typography, words and markup, spans, Moses tokenisation, file I/O.
The lowest layer: imports only the standard library, text libraries and itself; never torch or other stages."""
