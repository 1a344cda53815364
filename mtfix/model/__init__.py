"""The model: where weights live, the prompt, the rewriter and its decoding, the quality estimate.
May import config and text; ``base`` is its lowest module (Rewrite, Rewriter, tensor helpers); torch only lazily."""
